"""Editing and fabrication signals on real files made for each, read by the real pipeline."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pytest
from PIL import Image

from models.store import ReadingStore
from pipeline.extract import ExtractOptions, extract_receipt
from pipeline.fraud import editing_signals
from pipeline.fraud.editing import sum_signals
from pipeline.values import Item, ReceiptFields, VatLine
from samples.generator import generate
from samples.generator.pdf import image_pdf


@pytest.fixture(scope="module")
def read(tmp_path_factory):
    root = tmp_path_factory.mktemp("editing-readings")
    store = ReadingStore(f"sqlite:///{root / 'readings.db'}", root)
    return lambda name, data: extract_receipt(name, data, ExtractOptions(), store).extraction


@pytest.fixture(scope="module")
def scan_jpeg():
    """A flatbed scan of an honest receipt, as JPEG bytes and as an image."""
    for seed in range(200, 220):
        sample = generate(seed, "scan")
        if sample.kind == "jpeg":
            return sample.data
    raise AssertionError("no JPEG scan among the seeds")


def codes(signals) -> set[str]:
    return {s.code for s in signals}


def resave(data: bytes, *, software: str | None = None, fmt: str = "JPEG", size=None) -> bytes:
    img = Image.open(io.BytesIO(data)).convert("RGB")
    if size is not None:  # on a canvas of this size, as a screen shows it
        canvas = Image.new("RGB", size, "white")
        img.thumbnail((size[0] - 40, size[1] - 40))
        canvas.paste(img, ((size[0] - img.width) // 2, 20))
        img = canvas
    out = io.BytesIO()
    kwargs = {}
    if software:
        exif = Image.Exif()
        exif[0x0131] = software
        kwargs["exif"] = exif.tobytes()
    img.save(out, fmt, **({"quality": 90} if fmt == "JPEG" else {}), **kwargs)
    return out.getvalue()


def test_honest_scan_has_no_editing_signal(read, scan_jpeg):
    ex = read("honest-scan.jpg", scan_jpeg)
    assert ex.ok, ex.error_message
    assert not codes(editing_signals(ex, scan_jpeg)) & {"editing_software", "screenshot", "sum_mismatch"}


@pytest.mark.parametrize("software", ["Adobe Photoshop 25.3 (Windows)", "GIMP 2.10.36", "PicsArt"])
def test_image_saved_by_an_editor_is_signalled(read, scan_jpeg, software):
    data = resave(scan_jpeg, software=software)
    ex = read("edited.jpg", data)
    assert ex.metadata.get("Software") == software  # through the real decoder's metadata
    signal = [s for s in editing_signals(ex, data) if s.code == "editing_software"]
    assert signal and software[:20] in signal[0].detail


def test_camera_software_is_not_an_editor(read, scan_jpeg):
    data = resave(scan_jpeg, software="HDR+ 1.0.540104767zd")
    assert "editing_software" not in codes(editing_signals(read("phone.jpg", data), data))


def test_pdf_produced_by_an_image_editor_is_signalled(read, scan_jpeg):
    data = image_pdf(scan_jpeg, dpi=300, producer="Adobe Photoshop 25.3", when=datetime(2026, 2, 1, 10, 0))
    ex = read("edited.pdf", data)
    assert ex.metadata.get("Producer") == "Adobe Photoshop 25.3"
    found = [s for s in editing_signals(ex, data) if s.code == "editing_software"]
    assert found and "PDF" in found[0].detail
    honest = image_pdf(scan_jpeg, dpi=300, producer="ScanSnap Manager", when=datetime(2026, 2, 1, 10, 0))
    assert "editing_software" not in codes(editing_signals(read("scan.pdf", honest), honest))


def test_phone_screenshot_is_signalled(read, scan_jpeg):
    data = resave(scan_jpeg, fmt="PNG", size=(1170, 2532))  # an iPhone 13 screen, no camera data
    ex = read("capture.png", data)
    assert "screenshot" in codes(editing_signals(ex, data))
    same_size_photo = resave(scan_jpeg, size=(1170, 2400))
    assert "screenshot" not in codes(editing_signals(read("photo.jpg", same_size_photo), same_size_photo))


def test_edited_total_disagrees_with_the_vat_table(read):
    sample = generate(130002, "edited")  # total raised with a pasted patch, no editor trace in the metadata
    assert sample.truth["edit"]["field"] == "total" and not sample.truth["capture"].get("software")
    ex = read(sample.filename, sample.data)
    found = [s for s in editing_signals(ex, sample.data) if s.code == "sum_mismatch"]
    assert found and f"{ex.fields.total:.2f}" in found[0].detail


def receipt(total: str, items: list[str], vat: list[tuple[str, str]], subtotal: str | None = None) -> ReceiptFields:
    return ReceiptFields(date=date(2026, 1, 5), total=Decimal(total),
                         items=tuple(Item(f"ITEM {i}", Decimal(1), Decimal(p)) for i, p in enumerate(items)),
                         vat=tuple(VatLine(Decimal(r), Decimal(a)) for r, a in vat),
                         subtotal=Decimal(subtotal) if subtotal else None)


@pytest.mark.parametrize("fields, code", [
    (receipt("60.00", ["30.00", "20.00"], [("20.00", "8.33")]), "sum_mismatch"),  # items and VAT say 50.00
    (receipt("50.00", ["30.00", "20.00"], [("20.00", "8.33")]), None),  # consistent
    (receipt("48.00", ["30.00", "20.00"], [("20.00", "8.00")], subtotal="50.00"), None),  # a 2.00 discount: VAT on 48
    (receipt("62.10", ["50.00", "12.10"], [("20.00", "8.33"), ("5.50", "0.63")]), None),  # two rates
    (receipt("50.00", ["30.00"], []), None),  # no VAT table: OCR-missed items are no evidence
    (receipt("99.00", ["30.00", "20.00"], [("20.00", "3.00")]), "total_unsupported"),  # nothing agrees
])
def test_sum_signals(fields, code):
    assert [s.code for s in sum_signals(fields)] == ([code] if code else [])


def paste_low_quality_patch(data: bytes, box: tuple[int, int, int, int], quality: int = 35) -> bytes:
    """What a hasty forger does: blank a region with the paper's colour, type a new total in
    another font, JPEG the patch at low quality, paste it back off the 8x8 grid, save at 90."""
    from PIL import ImageDraw, ImageFont

    img = Image.open(io.BytesIO(data)).convert("RGB")
    x0, y0, x1, y1 = box
    region = np.asarray(img.crop(box)).reshape(-1, 3)
    paper = tuple(int(v) for v in np.median(region[region.mean(axis=1) >= np.percentile(region.mean(axis=1), 60)], 0))
    patch = Image.new("RGB", (x1 - x0, y1 - y0), paper)
    font = ImageFont.load_default(size=max(12, (y1 - y0) * 2 // 3))
    ImageDraw.Draw(patch).text((4, 2), "TOTAL 99,90", font=font, fill=(30, 30, 30))
    buf = io.BytesIO()
    patch.save(buf, "JPEG", quality=quality)
    img.paste(Image.open(buf), (x0 + 3, y0 + 5))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def test_region_pasted_at_another_quality_stands_out_in_error_level(scan_jpeg):
    from pipeline.fraud.editing import ELA_Z, error_level, error_level_signal

    honest = resave(scan_jpeg)  # the same pixels, saved once at 90
    w, h = Image.open(io.BytesIO(honest)).size
    box = (w // 4, int(h * 0.7), w // 4 + w // 2, int(h * 0.7) + 80)  # one printed line, like a total
    edited = paste_low_quality_patch(honest, box)
    z_honest, _ = error_level(honest)
    z_edited, where = error_level(edited)
    assert z_honest < ELA_Z <= z_edited
    assert abs(where - 0.72) < 0.1  # found where the patch is
    assert error_level_signal(honest) == [] and error_level_signal(edited)[0].code == "error_level"


def test_error_level_on_generator_files():
    from pipeline.fraud.editing import error_level_signal

    assert error_level_signal(generate(130001, "edited").data)  # a pasted total, saved by Photoshop
    honest = [generate(seed, "photo").data for seed in range(100001, 100009)]
    assert not [d for d in honest if error_level_signal(d)]
    assert error_level_signal(image_pdf(generate(130001, "edited").data, dpi=200, producer="x",
                                        when=datetime(2026, 1, 1))) == []  # a PDF is not analysed


def with_capture_date(data: bytes, when: datetime) -> bytes:
    img = Image.open(io.BytesIO(data)).convert("RGB")
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Apple", "iPhone 13"
    exif.get_ifd(0x8769)[0x9003] = when.strftime("%Y:%m:%d %H:%M:%S")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def test_photo_taken_before_the_printed_purchase_date_is_signalled(read, scan_jpeg):
    from datetime import timedelta

    printed = read("scan.jpg", scan_jpeg).fields.date
    assert printed is not None
    before = with_capture_date(scan_jpeg, datetime.combine(printed - timedelta(days=2), datetime.min.time()))
    ex = read("before.jpg", before)
    assert ex.metadata.get("DateTimeOriginal", "").startswith((printed - timedelta(days=2)).strftime("%Y:%m:%d"))
    found = [s for s in editing_signals(ex, before) if s.code == "date_after_photo"]
    assert found and printed.isoformat() in found[0].detail
    after = with_capture_date(scan_jpeg, datetime.combine(printed + timedelta(days=1), datetime.min.time()))
    assert "date_after_photo" not in codes(editing_signals(read("after.jpg", after), after))


def test_image_forensics_are_measured_once_at_reading_and_reused(tmp_path):
    """Deciding or reprocessing never decodes the image again: the stored measurements speak."""
    from models.store import ReadingStore
    from pipeline.extract import ExtractOptions, extract_receipt
    from pipeline.fraud.editing import ELA_KEY, ELA_Z, SCREEN_KEY, SCREEN_MIN_TILES, editing_signals
    from tests.conftest import SAMPLES

    data = (SAMPLES / "receipts" / "salon-photo-kerastase.jpg").read_bytes()
    store = ReadingStore(f"sqlite:///{tmp_path / 'r.db'}", tmp_path)
    first = extract_receipt("a.jpg", data, ExtractOptions(), store).extraction
    assert ELA_KEY in first.metadata and SCREEN_KEY in first.metadata
    again = extract_receipt("a.jpg", data, ExtractOptions(), store)
    assert again.from_store and again.extraction.metadata[ELA_KEY] == first.metadata[ELA_KEY]
    # the signals come from the stored figures, not from the bytes (here: none given)
    forged = replace(first, metadata={**first.metadata, ELA_KEY: f"{ELA_Z + 1},0.5",
                                      SCREEN_KEY: f"{SCREEN_MIN_TILES},12,2.5"})
    codes = {s.code for s in editing_signals(forged, b"")}
    assert {"error_level", "screen_photo"} <= codes
    assert not {"error_level", "screen_photo"} & {s.code for s in editing_signals(first, b"")}


def test_forensics_are_taken_on_the_sandboxed_pixels_as_the_file_stores_them():
    """`image_forensics` gets the decoded document, never the bytes: the same figures as a
    decode of the file, also for a photo stored sideways with an orientation tag (the error
    level follows the stored JPEG's block grid: measured upright, a pasted total is missed)."""
    from pipeline.decode import decode_pages
    from pipeline.fraud.editing import (ELA_KEY, ELA_Z, SCREEN_KEY, SCREEN_MIN_TILES, error_level, image_forensics,
                                        screen_grid)
    from pipeline.intake import check_file
    from pipeline.settings import IntakeLimits

    limits = IntakeLimits()
    measured = lambda data: image_forensics(decode_pages(check_file("f", data, limits), limits))  # noqa: E731
    edited = generate(130008, "edited").data  # a pasted total, stored sideways (orientation 6)
    assert Image.open(io.BytesIO(edited)).getexif().get(0x0112) == 6
    z, where = (float(v) for v in measured(edited)[ELA_KEY].split(","))
    assert z >= ELA_Z and abs(z - error_level(edited)[0]) < 0.05 and abs(where - error_level(edited)[1]) < 0.02
    honest = generate(100007, "photo").data  # stored sideways too
    assert Image.open(io.BytesIO(honest)).getexif().get(0x0112) == 6
    assert float(measured(honest)[ELA_KEY].split(",")[0]) < ELA_Z
    screen = generate(1, "screen").data
    tiles = float(measured(screen)[SCREEN_KEY].split(",")[0])
    assert tiles >= SCREEN_MIN_TILES and tiles == screen_grid(screen)[0]
    pdf = image_pdf(edited, dpi=200, producer="x", when=datetime(2026, 1, 1))
    assert measured(pdf) == {ELA_KEY: "", SCREEN_KEY: ""}  # a PDF is not analysed
