"""Decoding in the sandbox: upright BGR pages, metadata, and one refusal per hostile file."""

from __future__ import annotations

import io
import os
from pathlib import Path
import signal
import subprocess
import sys
import time
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from pipeline.decode import decode_pages
from pipeline.errors import (
    CorruptFileError,
    IllegibleError,
    ImageTooLargeError,
    Reason,
    ReceiptError,
)
from pipeline.intake import check_file
from pipeline.sandbox import run_sandboxed
from pipeline.settings import IntakeLimits
from tests.conftest import ROOT
from tests.filebytes import RECEIPT_LINES, PdfPage, image_bytes, make_pdf, noise, png_bomb

LIMITS = IntakeLimits()


def decode(data: bytes, limits: IntakeLimits = LIMITS, name: str = "upload"):
    return decode_pages(check_file(name, data, limits), limits)


def refusal(data: bytes, limits: IntakeLimits = LIMITS) -> ReceiptError:
    with pytest.raises(ReceiptError) as caught:
        decode(data, limits)
    return caught.value


# --- happy paths -------------------------------------------------------------------


def test_jpeg_decodes_to_bgr():
    red = Image.new("RGB", (400, 300), (220, 20, 30))
    document = decode(image_bytes(red, "JPEG", quality=95))
    (page,) = document.pages
    assert page.image.shape == (300, 400, 3) and page.image.dtype == np.uint8
    b, g, r = page.image[150, 200].astype(int)
    assert r > 200 and b < 60 and g < 60  # BGR order, not RGB
    assert page.text_layer is None and page.dpi is None
    assert document.file.kind == "jpeg"


@pytest.mark.parametrize(
    ("image", "expected_bgr"),
    [
        (Image.new("L", (300, 250), 90), (90, 90, 90)),
        (Image.new("1", (300, 250), 1), (255, 255, 255)),
        (Image.new("P", (300, 250), 0), (0, 0, 0)),
        (Image.new("RGBA", (300, 250), (255, 0, 0, 0)), (255, 255, 255)),  # clear -> white paper
        (Image.new("RGBA", (300, 250), (0, 0, 255, 255)), (255, 0, 0)),
        (Image.new("LA", (300, 250), (0, 128)), (127, 127, 127)),
        (Image.new("I;16", (300, 250), 40000), (156, 156, 156)),  # 16-bit grey cut to 8
    ],
    ids=["grey", "bilevel", "palette", "transparent", "opaque-rgba", "grey-alpha", "16-bit"],
)
def test_png_modes_become_8_bit_bgr(image, expected_bgr):
    (page,) = decode(image_bytes(image, "PNG")).pages
    assert page.image.shape == (250, 300, 3) and page.image.dtype == np.uint8
    assert tuple(int(v) for v in page.image[100, 100]) == pytest.approx(expected_bgr, abs=1)


def test_cmyk_jpeg_becomes_bgr():
    cyan = Image.new("CMYK", (300, 250), (255, 0, 0, 0))
    (page,) = decode(image_bytes(cyan, "JPEG", quality=95)).pages
    b, g, r = page.image[100, 100].astype(int)
    assert page.image.shape == (250, 300, 3) and r < 40 and g > 200 and b > 200


def test_exif_orientation_is_applied_and_metadata_read():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 clockwise to display
    exif[0x0131] = "Adobe Photoshop 25.0 (Windows)"
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 13"
    exif.get_ifd(0x8769)[0x9003] = "2025:03:12 14:32:05"
    photo = noise(400, 300)  # landscape as stored
    photo.putpixel((0, 0), (255, 255, 255))
    document = decode(image_bytes(photo, "JPEG", exif=exif, quality=95))
    (page,) = document.pages
    assert page.image.shape == (400, 300, 3)  # portrait once upright
    assert document.metadata["Software"] == "Adobe Photoshop 25.0 (Windows)"
    assert document.metadata["Make"] == "Apple"
    assert document.metadata["Model"] == "iPhone 13"
    assert document.metadata["DateTimeOriginal"] == "2025:03:12 14:32:05"


@pytest.mark.parametrize("orientation", range(1, 9))
def test_each_exif_orientation_is_reported_and_can_be_undone(orientation):
    """The page says which orientation made it upright; `as_stored` gives back the stored
    pixels (error-level analysis needs the JPEG's own block grid)."""
    from pipeline.fraud.editing import as_stored

    exif = Image.Exif()
    exif[0x0112] = orientation
    stored = noise(360, 240)  # 360 wide, 240 high as stored
    data = image_bytes(stored, "JPEG", exif=exif, quality=95)
    (page,) = decode(data).pages
    assert page.orientation == orientation
    assert page.image.shape[:2] == ((240, 360) if orientation < 5 else (360, 240))
    grey = np.asarray(Image.fromarray(page.image[:, :, ::-1]).convert("L"))
    as_decoded = np.asarray(Image.open(io.BytesIO(data)).convert("L"))  # no orientation applied
    assert np.array_equal(as_stored(grey, page.orientation), as_decoded)


def test_png_text_chunks_are_metadata():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Software", "GIMP 2.10.34")
    info.add_text("Comment", "edited", zip=True)
    document = decode(image_bytes(noise(300, 300), "PNG", pnginfo=info))
    assert document.metadata["Software"] == "GIMP 2.10.34"
    assert document.metadata["Comment"] == "edited"


def test_pdf_e_ticket_keeps_its_text_layer_and_producer():
    data = make_pdf(
        [PdfPage(lines=RECEIPT_LINES)],
        info={"Producer": "iText 7.2.5", "Creator": "Caisse Carrefour", "ModDate": "D:20250312"},
    )
    document = decode(data)
    (page,) = document.pages
    assert "TOTAL" in page.text_layer and "CARREFOUR MARKET" in page.text_layer
    assert page.dpi == pytest.approx(LIMITS.pdf_render_dpi)
    assert page.image.shape == (2339, 1653, 3)  # A4 at 200 dpi
    assert (page.image[0:20, 0:20] == 255).all()  # white paper, BGR
    assert page.image.min() < 100  # the text was drawn
    assert document.metadata["Producer"] == "iText 7.2.5"
    assert document.metadata["Creator"] == "Caisse Carrefour"
    assert document.metadata["ModDate"] == "D:20250312"


def test_pdf_page_with_a_stray_label_has_no_text_layer():
    document = decode(make_pdf([PdfPage(lines=RECEIPT_LINES), PdfPage(lines=("Page 2",))]))
    assert [p.text_layer is not None for p in document.pages] == [True, False]
    assert [p.index for p in document.pages] == [0, 1]


def test_large_pdf_page_is_rendered_at_a_lower_dpi():
    # scanner apps write a 4000 x 3000 photo as a page of 4000 x 3000 points (72 dpi)
    limits = replace(LIMITS, max_pixels=4_000_000, max_side=3000)
    (page,) = decode(make_pdf([PdfPage(1500, 1000)]), limits).pages
    height, width = page.image.shape[:2]  # 4,167 x 2,778 at 200 dpi: 11.6 megapixels
    assert width * height <= limits.max_pixels and max(width, height) <= limits.max_side
    assert 72 <= page.dpi < limits.pdf_render_dpi
    assert width == pytest.approx(1500 * page.dpi / 72, abs=1)


def test_pdf_javascript_open_action_is_not_run_and_does_not_matter():
    js = "/OpenAction << /S /JavaScript /JS (app.alert\\('pwned'\\)) >>"
    document = decode(make_pdf([PdfPage(lines=RECEIPT_LINES)], catalog_extra=js))
    assert "TOTAL" in document.pages[0].text_layer


# --- refusals: broken files ----------------------------------------------------------


def test_truncated_jpeg_is_corrupt():
    data = image_bytes(noise(600, 800), "JPEG")
    error = refusal(data[: len(data) // 2])
    assert error.reason is Reason.CORRUPT_FILE and "JPEG" in error.message
    assert "truncated" in error.message


def test_jpeg_missing_only_its_end_marker_is_corrupt():
    data = image_bytes(noise(600, 800), "JPEG")
    assert refusal(data[:-2]).reason is Reason.CORRUPT_FILE


@pytest.mark.parametrize("cut", [0.5, 0.99])
def test_truncated_png_is_corrupt(cut):
    data = image_bytes(noise(600, 800), "PNG")
    error = refusal(data[: int(len(data) * cut)])
    assert error.reason is Reason.CORRUPT_FILE and "PNG" in error.message


def test_png_missing_its_iend_chunk_is_corrupt():
    data = image_bytes(noise(300, 300), "PNG")
    assert refusal(data[:-12]).reason is Reason.CORRUPT_FILE


def test_png_with_a_flipped_byte_fails_its_crc():
    data = bytearray(image_bytes(noise(300, 300), "PNG"))
    data[len(data) // 2] ^= 0xFF
    error = refusal(bytes(data))
    assert error.reason is Reason.CORRUPT_FILE and "checksum" in error.message


def test_truncated_pdf_is_corrupt():
    data = make_pdf([PdfPage(lines=RECEIPT_LINES)])
    error = refusal(data[: len(data) * 2 // 3])
    assert error.reason is Reason.CORRUPT_FILE and "truncated" in error.message
    assert f"{len(data) * 2 // 3:,} bytes" in error.message


def test_garbage_with_pdf_markers_is_corrupt():
    error = refusal(b"%PDF-1.7\n" + os.urandom(3000) + b"\n%%EOF\n")
    assert error.reason is Reason.CORRUPT_FILE and "PDF" in error.message


def test_password_protected_pdf_is_corrupt():
    data = make_pdf([PdfPage(lines=RECEIPT_LINES)], user_password="secret")
    error = refusal(data)
    assert error.reason is Reason.CORRUPT_FILE and "password" in error.message


# --- refusals: dimensions -------------------------------------------------------------


def test_png_decompression_bomb_is_refused_from_its_header():
    data = png_bomb(20_000, 20_000)  # 400 megapixels in ~50 KB
    assert len(data) < 100_000
    started = time.perf_counter()
    error = refusal(data)
    assert error.reason is Reason.IMAGE_TOO_LARGE
    assert "20,000 x 20,000 pixels" in error.message and "400.0 megapixels" in error.message
    assert time.perf_counter() - started < 2  # nothing was inflated


def test_absurd_strip_is_too_large():
    error = refusal(image_bytes(Image.new("L", (30_000, 3), 255), "PNG"))
    assert error.reason is Reason.IMAGE_TOO_LARGE and "30,000 x 3 pixels" in error.message


def test_tiny_image_is_illegible():
    error = refusal(image_bytes(noise(150, 100), "JPEG"))
    assert error.reason is Reason.ILLEGIBLE
    assert "150 x 100 pixels" in error.message and "200" in error.message


def test_pdf_with_too_many_pages_is_refused():
    error = refusal(make_pdf([PdfPage(lines=(f"page {i}",)) for i in range(50)]))
    assert error.reason is Reason.IMAGE_TOO_LARGE
    assert "50 pages" in error.message and "at most 4" in error.message


def test_pdf_with_a_huge_mediabox_is_refused_before_rendering():
    started = time.perf_counter()
    error = refusal(make_pdf([PdfPage(100_000, 100_000, RECEIPT_LINES)]))
    assert error.reason is Reason.IMAGE_TOO_LARGE
    assert "100,000 x 100,000 points" in error.message
    assert time.perf_counter() - started < 2


def test_tiny_pdf_page_without_text_is_illegible():
    error = refusal(make_pdf([PdfPage(40, 30)]))
    assert error.reason is Reason.ILLEGIBLE and "112 x 84 pixels" in error.message


# --- refusals: sandbox limits -----------------------------------------------------------


def test_decode_past_the_memory_limit_is_refused_and_the_parent_survives():
    big = image_bytes(Image.new("RGB", (5000, 4000), (250, 250, 250)), "PNG")  # 60 MB decoded
    error = refusal(big, replace(LIMITS, decode_memory_mb=16))
    assert error.reason is Reason.IMAGE_TOO_LARGE and "16 MB" in error.message
    assert decode(big).pages[0].image.shape == (4000, 5000, 3)  # the same file, enough memory


# A worker that has read photos keeps freed heap memory mapped for reuse; a child forked
# from it must not decode into that memory past its limit (run apart: the heap is bent here)
FRAGMENTED_WORKER = """
import ctypes, sys
from dataclasses import replace
from PIL import Image
from tests.test_decode import LIMITS, image_bytes, refusal
libc = ctypes.CDLL(None)
libc.malloc.restype, libc.malloc.argtypes, libc.free.argtypes = ctypes.c_void_p, [ctypes.c_size_t], [ctypes.c_void_p]
big = image_bytes(Image.new("RGB", (5000, 4000), (250, 250, 250)), "PNG")
libc.free(libc.malloc(30 << 20))  # a large block freed: glibc now keeps blocks up to 30 MB in its heap
blocks = [libc.malloc(16 << 20) for _ in range(24)]
libc.malloc(1 << 20)  # above them: their 384 MB stay in the heap once freed, not given back at its top
for block in blocks:
    libc.free(block)
print(refusal(big, replace(LIMITS, decode_memory_mb=16)).reason.value)
"""


def test_memory_the_worker_freed_is_no_room_for_a_decode_past_the_limit():
    proc = subprocess.run([sys.executable, "-c", FRAGMENTED_WORKER], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["image_too_large"]


def test_decode_past_the_time_limit_is_killed():
    grain = Image.effect_noise((3000, 3000), 60)
    slow = image_bytes(grain, "JPEG", quality=50, progressive=True)  # ~130 ms of decoding
    started = time.perf_counter()
    error = refusal(slow, replace(LIMITS, decode_seconds=0.02))
    assert error.reason is Reason.CORRUPT_FILE and "0.02 s" in error.message
    assert time.perf_counter() - started < 0.5  # killed, not waited for
    assert zombie_children() == []  # and reaped: no zombie left behind


def zombie_children() -> list[int]:
    """This process's children that exited and were never waited for (other tests' servers may run)."""
    me, found = os.getpid(), []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, IndexError):
            continue
        if state == "Z" and int(parent) == me:
            found.append(int(stat.parent.name))
    return found


def test_a_crashing_decoder_costs_a_refusal_not_the_worker():
    def segfault():
        os.kill(os.getpid(), signal.SIGSEGV)

    with pytest.raises(CorruptFileError, match="SIGSEGV"):
        run_sandboxed(segfault, seconds=5, memory_mb=64, max_array_bytes=0)


def test_an_unexpected_decoder_exception_is_corrupt_file():
    def choke():
        raise KeyError("weird marker")

    with pytest.raises(CorruptFileError, match="KeyError"):
        run_sandboxed(choke, seconds=5, memory_mb=64, max_array_bytes=0)


def test_a_child_claiming_more_pixels_than_allowed_is_not_believed():
    def liar():
        return {}, [np.zeros((100, 100), np.uint8)]

    with pytest.raises(CorruptFileError, match="more pixels"):
        run_sandboxed(liar, seconds=5, memory_mb=64, max_array_bytes=100 * 99)


def test_refusals_raised_in_the_child_keep_their_class():
    def small():
        raise IllegibleError("The image is 10 x 10 pixels.")

    with pytest.raises(IllegibleError, match="10 x 10"):
        run_sandboxed(small, seconds=5, memory_mb=64, max_array_bytes=0)
    with pytest.raises(ImageTooLargeError):
        run_sandboxed(lambda: bytearray(200 * 1024 * 1024), seconds=5, memory_mb=64,
                      max_array_bytes=0)  # fmt: skip
