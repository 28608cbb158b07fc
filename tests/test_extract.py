"""The whole reading path on committed samples, through real Tesseract."""

from __future__ import annotations

import json

import pytest

from models.store import ReadingStore
from pipeline.extract import ExtractOptions, extract_receipt
from pipeline.settings import IntakeLimits
from tests.conftest import SAMPLES

RECEIPTS = SAMPLES / "receipts"


def truth(name: str) -> dict:
    return json.loads((RECEIPTS / name).with_suffix(".json").read_text())


def test_photo_is_read_once_then_served_from_the_store(tmp_path, monkeypatch):
    path = RECEIPTS / "salon-photo-kerastase.jpg"
    store = ReadingStore(f"sqlite:///{tmp_path / 'r.db'}", tmp_path)
    first = extract_receipt(path.name, path.read_bytes(), ExtractOptions(), store)
    assert first.extraction.ok and not first.from_store
    want = truth(path.name)
    assert str(first.extraction.fields.total) == want["total"]
    assert first.extraction.fields.date.isoformat() == want["date"]

    import pipeline.read as read

    def no_ocr(*a, **k):
        raise AssertionError("OCR ran twice for the same file")

    monkeypatch.setattr(read, "read_document", no_ocr)
    monkeypatch.setattr("pipeline.extract.read_document", no_ocr)
    second = extract_receipt("renamed.jpg", path.read_bytes(), ExtractOptions(), store)
    assert second.from_store and second.reading_id == first.reading_id
    assert second.extraction.fields == first.extraction.fields
    assert store.count_readings(first.extraction.sha256) == 1


def test_a_full_size_phone_photo_is_read_with_its_letters_brought_down():
    """A 12-megapixel photo as the camera took it (4032 x 3024, letters ~40 px): not refused
    for its pixels, and read at the pipeline's own letter size like a smaller one."""
    from samples.generator import generate

    sample = generate(1, "photo_12mp")
    result = extract_receipt(sample.name, sample.data, ExtractOptions())
    extraction = result.extraction
    assert extraction.ok, extraction.error_message
    assert extraction.legibility.text_height > 30
    fields = extraction.fields
    assert str(fields.total) == sample.truth["total"]
    assert fields.date.isoformat() == sample.truth["date"]
    assert fields.retailer.postal_code == sample.truth["retailer"]["postal_code"]


BROKEN = json.loads((SAMPLES / "broken" / "expected.json").read_text())


@pytest.mark.parametrize("name, code", sorted(BROKEN.items()))
def test_broken_samples_are_refused_with_their_reason(name, code, tmp_path):
    path = SAMPLES / "broken" / name
    store = ReadingStore(f"sqlite:///{tmp_path / 'r.db'}", tmp_path)
    result = extract_receipt(name, path.read_bytes(), ExtractOptions(), store)
    assert not result.extraction.ok
    assert result.extraction.error_code == code, result.extraction.error_message
    assert result.extraction.error_message.endswith(".")


def test_oversized_file_is_refused_and_its_record_kept(tmp_path):
    store = ReadingStore(f"sqlite:///{tmp_path / 'r.db'}", tmp_path)
    data = (RECEIPTS / "salon-photo-kerastase.jpg").read_bytes()
    small = ExtractOptions(intake=IntakeLimits(max_bytes=len(data) - 1))
    result = extract_receipt("big.jpg", data, small, store)
    assert result.extraction.error_code == "file_too_large"
    assert f"{len(data):,}" in result.extraction.error_message


def test_pen_underlines_mark_the_declared_items():
    path = RECEIPTS / "underlined-products.jpg"
    want = truth(path.name)
    declared = {want["items"][i]["name"] for i in want["underlined"]}
    fields = extract_receipt(path.name, path.read_bytes(), ExtractOptions()).extraction.fields
    flagged = {item.name for item in fields.items if item.underlined}
    assert flagged and flagged <= declared
    assert str(fields.total) == want["total"]


def test_e_ticket_text_layer_is_read_without_ocr(monkeypatch):
    import pipeline.read as read

    monkeypatch.setattr(read, "prepare_page", lambda *a, **k: (_ for _ in ()).throw(AssertionError("OCR path")))
    path = RECEIPTS / "e-ticket-text-layer.pdf"
    want = truth(path.name)
    extraction = extract_receipt(path.name, path.read_bytes(), ExtractOptions()).extraction
    assert extraction.ok and "e_ticket" in extraction.fields.markers
    assert [r.engine for r in extraction.readings] == ["text-layer"]
    assert str(extraction.fields.total) == want["total"]
    assert extraction.fields.date.isoformat() == want["date"]


def test_a_receipt_reads_the_same_on_one_thread_and_two(monkeypatch):
    """Two threads measure the forensics beside the OCR and re-read lines on both cores:
    the stored reading and figures must not depend on the thread count."""
    from pipeline.settings import ReadingSettings

    data = (RECEIPTS / "edited-total.jpg").read_bytes()
    one = extract_receipt("f.jpg", data, ExtractOptions(reading=ReadingSettings(threads=1))).extraction
    two = extract_receipt("f.jpg", data, ExtractOptions(reading=ReadingSettings(threads=2))).extraction
    assert [r.lines for r in one.readings] == [r.lines for r in two.readings]
    assert one.metadata == two.metadata and one.fields == two.fields
    assert one.metadata["forensics_ela"]  # measured on the helper thread, kept with the reading
    failed = []

    def broken(document):
        failed.append(document)
        raise RuntimeError("forensics failed")

    monkeypatch.setattr("pipeline.extract.image_forensics", broken)
    with pytest.raises(RuntimeError, match="forensics failed"):  # a programming error is not swallowed
        extract_receipt("f.jpg", data, ExtractOptions(reading=ReadingSettings(threads=2)))
    assert failed


def test_the_forensics_are_measured_beside_the_ocr_once_the_page_is_prepared(monkeypatch):
    """The page's preparation spreads OpenCV over both cores; Tesseract reads on one."""
    import threading

    import pipeline.read as read
    from pipeline.decode import decode_pages
    from pipeline.fraud.sketches import PHASH_KEY
    from pipeline.intake import check_file
    from pipeline.settings import ReadingSettings

    events = []
    real_prepare, real_read = read.prepare_page, read.read_prepared

    def prepare(*args):
        prepared = real_prepare(*args)
        events.append("prepared")
        return prepared

    def ocr(*args):
        events.append("ocr")
        return real_read(*args)

    def forensics():
        events.append(("forensics", threading.current_thread()))
        return {"forensics_ela": "0.5"}

    monkeypatch.setattr(read, "prepare_page", prepare)
    monkeypatch.setattr(read, "read_prepared", ocr)
    options = ExtractOptions()
    data = (RECEIPTS / "edited-total.jpg").read_bytes()
    document = decode_pages(check_file("f.jpg", data, options.intake), options.intake)
    found = {}
    for threads in (2, 1):
        events.clear()
        _, _, found[threads] = read.read_document(document, ReadingSettings(threads=threads), options.legibility,
                                                  alongside=forensics)
        (where,) = [e[1] for e in events if isinstance(e, tuple)]
        assert (where is threading.current_thread()) == (threads == 1)
        assert events.index("prepared") < events.index(("forensics", where))
        if threads == 1:  # in order: before the OCR
            assert events.index(("forensics", where)) < events.index("ocr")
    assert found[1] == found[2] and found[2]["forensics_ela"] == "0.5" and len(found[2][PHASH_KEY]) == 16


def test_work_beside_runs_on_a_helper_thread_or_in_order_on_one():
    import threading

    from pipeline import beside

    where = lambda: threading.current_thread()  # noqa: E731
    assert beside.start(1, where).result() is threading.current_thread()
    helper = beside.start(2, where).result()
    assert helper is not threading.current_thread() and helper.name.startswith("reading")

    def fails():
        raise ValueError("bad pixels")

    for threads in (1, 2):
        with pytest.raises(ValueError, match="bad pixels"):
            beside.start(threads, fails).result()


@pytest.mark.parametrize("seed", [500000, 500001, 500002, 500010])  # a titled table, a restaurant, a bakery, a pump
def test_the_tickets_the_usual_mix_lacks_read_through_tesseract(seed):
    """Photos of the `more_shops` scenario, whole path: every field of the truth, the items
    with their counts (litres at the pump), the bill's or the bakery's number."""
    from benchmarks.extraction import score
    from pipeline.contract import extraction_to_contract
    from samples.generator import generate

    sample = generate(seed, "more_shops")
    got = extraction_to_contract(extract_receipt(sample.name, sample.data, ExtractOptions()).extraction)
    wrong = [field for field, ok in score(got, sample.truth).items() if not ok]
    assert not wrong, (sample.truth["shop_kind"], wrong, got)
    if sample.truth["shop_kind"] == "fuel":
        assert isinstance(got["items"][0]["quantity"], float)
