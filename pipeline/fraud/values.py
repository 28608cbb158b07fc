"""Frozen values of the fraud stage: fingerprints, what the index found, and the verdict.

    Extraction --fingerprint_of--> Fingerprint --(index: models.fingerprints)--> Candidates
    Extraction + bytes --editing_signals--> tuple[Signal, ...]
    (index)  --behaviour--> Behaviour
    Fingerprint + Candidates + signals + Behaviour + FraudPolicy --assess--> FraudAssessment
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Band = Literal["accept", "review", "reject"]


@dataclass(frozen=True)
class Fingerprint:
    """What the index keeps of one receipt to find it again, whoever declares it.

    `text_signature` is a MinHash of the receipt text's shingles; `text_bands` are its
    LSH band keys (two texts sharing any band become candidates). `image_hash` is a
    64-bit DCT perceptual hash of the straightened receipt, `image_bands` its four
    16-bit chunks tagged by position (multi-index hashing: two hashes within Hamming
    distance 3 share at least one chunk; farther ones are found through the text or
    the blocking keys). Band and blocking keys are signed 64-bit integers, ready for a
    BIGINT index.
    """

    sha256: str | None
    purchase_key: str | None
    shop: str | None = None  # postal code (else SIRET, else folded name)
    date: str | None = None  # ISO date
    time: str | None = None  # "HH:MM"
    ticket: str | None = None  # folded, separators and leading zeros dropped
    total: str | None = None  # "12.50"
    template_key: str | None = None  # shop + basket, without date/time/ticket
    blocking_keys: tuple[int, ...] = ()
    text_signature: tuple[int, ...] = field(default=(), repr=False)
    text_bands: tuple[int, ...] = field(default=(), repr=False)
    image_hash: int | None = None  # unsigned 64-bit
    image_bands: tuple[int, ...] = ()


@dataclass(frozen=True)
class Signal:
    """One reason for suspicion and its weight (0..1) in the score."""

    code: str
    weight: float
    detail: str
    related_declaration: int | None = None


@dataclass(frozen=True)
class Candidate:
    """An earlier declaration the index found close to this receipt, with measured closeness."""

    declaration_id: int
    participant_id: int
    same_file: bool = False
    same_purchase: bool = False
    text_similarity: float | None = None  # estimated Jaccard of text shingles, 0..1
    image_distance: int | None = None  # Hamming distance of the perceptual hashes, 0..64
    conflicts: tuple[str, ...] = ()  # facts read on both receipts that differ: "shop", "date", "time", "ticket", "total"
    agreements: tuple[str, ...] = ()  # facts read on both receipts that are equal (after folding OCR noise)
    near: tuple[str, ...] = ()  # facts that differ only as OCR misreads do (a digit lost or changed in a code)


@dataclass(frozen=True)
class Candidates:
    """Everything the index returned for one fingerprint, nearest first."""

    items: tuple[Candidate, ...] = ()

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class Behaviour:
    """How the declaring participant and their identity behave (counts include this declaration's predecessors only)."""

    participant_id: int | None = None  # the declaring participant
    last_hour: int = 0
    last_day: int = 0
    last_month: int = 0
    shared_identity: tuple[int, ...] = ()  # other participants of the program with the same identity key
    template_accounts: tuple[int, ...] = ()  # other participants who declared the same shop + basket
    shared_receipts: int = 0  # receipts this participant re-declared from, or had re-declared by, other accounts


@dataclass(frozen=True)
class FraudAssessment:
    """The fraud score (0..1), its band and every signal with its contribution."""

    score: float
    band: Band
    signals: tuple[Signal, ...] = ()
    duplicate_of: int | None = None  # the earlier declaration this one repeats, if any
