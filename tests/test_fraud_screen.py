"""Photo of a screen: real generated files, a receipt shown on an LCD and photographed, against
honest photos and scans of paper (the `screen_photo` signal of `pipeline.fraud.editing`)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from models.store import ReadingStore
from pipeline.extract import ExtractOptions, extract_receipt
from pipeline.fraud import FraudPolicy, assess, editing_signals, fingerprint_of
from pipeline.fraud.editing import SCREEN_MIN_TILES, screen_grid, screen_photo_signal
from pipeline.fraud.values import Behaviour, Candidates
from samples.generator import SCENARIOS, generate

SCREEN_SEEDS = (1, 2, 3, 4)
# Seeds 5004 and 5012 are photos on woven fabric, the most periodic honest background
# the generator draws (one grid-like tile of 12 at most).
HONEST = [("photo", s) for s in (1, 2, 5004, 5012)] + [("scan", s) for s in (1, 2, 3)] + \
         [("underlined", 1), ("underlined", 2), ("card_slip", 1), ("duplicata", 1), ("duplicata", 2), ("edited", 1)]


@pytest.fixture(scope="module")
def screens():
    return [generate(seed, "screen") for seed in SCREEN_SEEDS]


def test_screen_scenario_is_deterministic(screens):
    assert "screen" in SCENARIOS
    again = generate(SCREEN_SEEDS[0], "screen")
    assert again.data == screens[0].data and again.truth == screens[0].truth
    assert screens[0].data != screens[1].data
    for sample in screens:
        capture = sample.truth["capture"]
        assert sample.kind == "jpeg" and sample.scenario == "screen" and capture["device"] == "screen"
        assert 1.0 < capture["pitch"] < 4.0 and capture["source"] in ("scan", "photo")
        with Image.open(io.BytesIO(sample.data)) as im:
            assert im.format == "JPEG" and 1500 <= max(im.size) <= 3000
            assert im.getexif().get(0x010F)  # a phone took it


@pytest.mark.parametrize("i", range(len(SCREEN_SEEDS)))
def test_screen_photo_is_flagged(screens, i):
    sample = screens[i]
    found = screen_grid(sample.data)
    assert found is not None and found[0] >= SCREEN_MIN_TILES + 2, found  # a margin over the threshold
    signals = screen_photo_signal(sample.data, {"Make": "Apple", "Model": "iPhone 13"})
    assert [s.code for s in signals] == ["screen_photo"]
    assert "screen" in signals[0].detail and "Apple iPhone 13" in signals[0].detail


@pytest.mark.parametrize("scenario, seed", HONEST)
def test_paper_photos_and_scans_are_not_flagged(scenario, seed):
    sample = generate(seed, scenario)
    found = screen_grid(sample.data)
    if sample.kind == "pdf":
        assert found is None
        return
    assert found is not None and found[0] <= 1, found
    assert screen_photo_signal(sample.data, {}) == []


def test_not_an_image_or_too_small():
    assert screen_photo_signal(b"%PDF-1.4 ...", {}) == []
    buf = io.BytesIO()
    Image.new("RGB", (200, 120), "white").save(buf, "PNG")
    assert screen_grid(buf.getvalue()) is None and screen_photo_signal(buf.getvalue(), {}) == []


def test_screen_photo_read_by_the_pipeline_goes_to_review(tmp_path, screens):
    """Through the real reader: still legible enough to read, and the fraud score sends it to review."""
    store = ReadingStore(f"sqlite:///{tmp_path / 'readings.db'}", tmp_path)
    sample = screens[0]
    ex = extract_receipt(sample.filename, sample.data, ExtractOptions(), store).extraction
    signals = editing_signals(ex, sample.data)
    assert "screen_photo" in {s.code for s in signals}
    if ex.ok:  # the weight alone reaches review (0.4 >= 0.35), never reject
        a = assess(fingerprint_of(ex), Candidates(), signals, Behaviour(), FraudPolicy())
        assert a.band == "review" and any(s.code == "screen_photo" and s.weight == 0.4 for s in a.signals)
