"""`FraudPolicy`: weights, measured thresholds, bands and velocity limits, from a program's `[fraud]` table."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Mapping

# Weight of each signal code in the score (0..1): a duplicate alone rejects; weak
# signals need company to reach review. The program's [fraud.weights] overrides them.
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType({
    "same_file": 1.0,  # the same bytes declared before
    "same_purchase": 1.0,  # the same shop, date, time, ticket and total declared before
    "rephotographed": 1.0,  # another photo of a paper declared before
    "altered_copy": 1.0,  # a declared receipt with its total or date changed
    "cross_account": 0.3,  # ... and the earlier one came from another account
    "editing_software": 0.45,  # EXIF Software / PDF producer is an image editor
    "sum_mismatch": 0.45,  # items and VAT agree with each other, not with the total
    "total_unsupported": 0.1,  # the total matches neither the items nor the VAT (OCR noise does this too)
    "error_level": 0.15,  # one region of the JPEG recompresses unlike the rest
    "date_after_photo": 0.1,  # the photo predates the printed date (a misread date does it too)
    "screenshot": 0.4,  # a screen capture, not a photo of paper
    "screen_photo": 0.4,  # a photo of a screen (pixel grid, moire), not of paper: review, not reject
    "velocity_hour": 0.25,
    "velocity_day": 0.2,
    "velocity_month": 0.2,
    "shared_identity": 0.3,  # another account of the same person
    "shared_receipts": 0.3,  # receipts passed between this account and others before
    "template_reuse": 0.35,  # the same shop + basket declared by several accounts
})


@dataclass(frozen=True)
class FraudPolicy:
    """Everything `assess` needs; thresholds measured on generator pairs (README, "Fraud")."""

    weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_WEIGHTS)
    review_from: float = 0.35  # score from which a declaration goes to review
    reject_from: float = 0.8  # score from which it is rejected
    text_similarity: float = 0.7  # estimated Jaccard from which two texts are the same paper
    image_distance: int = 8  # Hamming bits up to which two receipts look the same ...
    image_text_similarity: float = 0.45  # ... and then a text this close is enough
    velocity_hour: int = 3  # more declarations than this in an hour is a signal
    velocity_day: int = 8
    velocity_month: int = 30
    template_accounts: int = 2  # this many other accounts with the same template is a signal
    shared_receipts: int = 0  # more receipts shared with other accounts than this is a signal

    def weight(self, code: str, default: float = 0.0) -> float:
        return float(self.weights.get(code, default))


def fraud_policy(program_config: dict) -> FraudPolicy:
    """The policy of a program from its parsed TOML (`[fraud]`, `[fraud.weights]`); defaults when absent."""
    table = dict(program_config.get("fraud", {}))
    weights = dict(DEFAULT_WEIGHTS)
    weights.update({str(k): float(v) for k, v in table.pop("weights", {}).items()})
    known = {f.name for f in fields(FraudPolicy)} - {"weights"}
    unknown = set(table) - known
    if unknown:
        raise ValueError(f"unknown [fraud] settings: {', '.join(sorted(unknown))}")
    policy = FraudPolicy(weights=MappingProxyType(weights), **table)
    if not 0 < policy.review_from <= policy.reject_from <= 1:
        raise ValueError("[fraud] needs 0 < review_from <= reject_from <= 1")
    return policy
