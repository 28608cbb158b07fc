"""Synthetic French receipts with ground truth, for tests and benchmarks.

    generate(seed, scenario)       -> GeneratedSample (the first one for a pair scenario)
    generate_pair(seed, scenario)  -> (GeneratedSample, GeneratedSample) for "rephoto" / "lookalike"
    corpus(n, seed, scenarios)     -> Iterator[GeneratedSample], deterministic, one sample in memory at a time
    generate_with_paper_outline(seed, scenario) -> (GeneratedSample, corners where the paper lies in the photo)

Each sample carries the file bytes, its kind ("jpeg", "png", "pdf") and a `truth` dict in
the extraction contract (see samples/README.md). Same seed, same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .scenarios import PAIRS, SCENARIOS, GeneratedSample, build, seeded

__all__ = ["GeneratedSample", "PAIRS", "SCENARIOS", "corpus", "generate", "generate_pair", "generate_with_paper_outline"]

# How often each scenario shows up in a corpus: ordinary photos dominate, like real traffic.
CORPUS_WEIGHTS = {"photo": 34, "scan": 12, "pdf_text": 6, "pdf_image": 5, "card_slip": 6, "duplicata": 6,
                  "underlined": 13, "rephoto": 6, "lookalike": 6, "edited": 6}
# Opt-in scenarios, left out of the usual mix so that existing corpus seeds keep their bytes.
OPT_IN_WEIGHTS = {"screen": 3, "more_shops": 6, "scan_fine": 3, "photo_12mp": 6, "logo_codes": 6}
USUAL_MIX = tuple(CORPUS_WEIGHTS)


def generate(seed: int, scenario: str) -> GeneratedSample:
    """One sample of `scenario`; for a pair scenario, the first photo of the pair."""
    return build(seed, scenario)[0]


def generate_with_paper_outline(seed: int, scenario: str):
    """`generate(seed, scenario)` and the four corners (tl, tr, br, bl; float32, photo pixels)
    where the photograph laid the paper, for judging where a reader finds it; None for a
    scenario that photographs no paper on a surface (scans, PDFs)."""
    import cv2
    import numpy as np

    from . import scenarios

    laid: dict = {}
    real = scenarios.photograph

    def photograph(paper, alpha, rng, **kw):
        img, homography, info = real(paper, alpha, rng, **kw)
        h, w = alpha.shape
        laid["outline"] = cv2.perspectiveTransform(np.float32([[(0, 0), (w, 0), (w, h), (0, h)]]), homography)[0]
        return img, homography, info

    scenarios.photograph = photograph
    try:
        sample = generate(seed, scenario)
    finally:
        scenarios.photograph = real
    return sample, laid.get("outline")


def generate_pair(seed: int, scenario: str) -> tuple[GeneratedSample, GeneratedSample]:
    """The two samples of a pair scenario: same paper twice (rephoto) or two look-alike purchases."""
    if scenario not in PAIRS:
        raise ValueError(f"{scenario!r} is not a pair scenario; choose from {', '.join(PAIRS)}")
    first, second = build(seed, scenario)
    return first, second


def corpus(n: int, seed: int = 0, scenarios: Iterable[str] = USUAL_MIX) -> Iterator[GeneratedSample]:
    """`n` samples drawn from `scenarios` (both halves of a pair come together), deterministic for `seed`."""
    chosen = list(scenarios)
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        raise ValueError(f"unknown scenarios: {', '.join(sorted(unknown))}")
    rng = seeded(seed, "corpus")
    weights = [CORPUS_WEIGHTS.get(s) or OPT_IN_WEIGHTS[s] for s in chosen]
    produced, i = 0, 0
    while produced < n:
        scenario = rng.choices(chosen, weights)[0]
        for sample in build(seed * 1_000_000 + i, scenario):
            if produced < n:
                produced += 1
                yield sample
        i += 1
