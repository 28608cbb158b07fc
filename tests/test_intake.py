"""Intake: format by magic number, size first, streamed uploads cut at the limit."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from pipeline.errors import CorruptFileError, FileTooLargeError, Reason, UnsupportedFormatError
from pipeline.intake import check_file, check_stream
from pipeline.settings import IntakeLimits
from tests.filebytes import PdfPage, image_bytes, make_pdf, noise

LIMITS = IntakeLimits()
PHOTO = noise(320, 240)


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("ticket.txt", "TOTAL 12,50")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("ticket.jpg", image_bytes(PHOTO, "JPEG"), "jpeg"),
        ("ticket.png", image_bytes(PHOTO, "PNG"), "png"),
        ("ticket.pdf", make_pdf([PdfPage()]), "pdf"),
        ("ticket.txt", image_bytes(PHOTO, "JPEG"), "jpeg"),  # the name is never trusted
        ("scan", image_bytes(PHOTO, "PNG"), "png"),
        ("mail.pdf", b"\r\n" * 200 + make_pdf([PdfPage()]), "pdf"),  # header within 1 KiB
    ],
)
def test_accepts_jpeg_png_pdf_by_their_bytes(name, data, kind):
    checked = check_file(name, data, LIMITS)
    assert checked.kind == kind
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.name == name


@pytest.mark.parametrize(
    ("name", "data", "named_as"),
    [
        ("ticket.jpg", b"TOTAL 12,50 EUR\nMERCI DE VOTRE VISITE\n", "plain text"),
        ("ticket.jpg", "Reçu n°42 — TOTAL 12,50 €\n".encode(), "plain text"),
        ("ticket.gif", image_bytes(PHOTO, "GIF"), "GIF"),
        ("ticket.webp", image_bytes(PHOTO, "WEBP"), "WebP"),
        ("ticket.tif", image_bytes(PHOTO, "TIFF"), "TIFF"),
        ("ticket.bmp", image_bytes(PHOTO, "BMP"), "BMP"),
        ("IMG_0001.HEIC", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\0" * 64, "HEIC"),
        ("ticket.zip", _zip(), "ZIP"),
        ("ticket.jpg", b"<!DOCTYPE html><html><body>TOTAL</body></html>", "HTML"),
        ("late.pdf", b" " * 1100 + b"%PDF-1.4\n", "plain text"),  # header past the first KiB
    ],
)
def test_refuses_other_formats_naming_what_they_look_like(name, data, named_as):
    with pytest.raises(UnsupportedFormatError) as caught:
        check_file(name, data, LIMITS)
    assert caught.value.reason is Reason.UNSUPPORTED_FORMAT
    assert named_as in caught.value.message
    assert "JPEG, PNG and PDF" in caught.value.message


def test_unknown_binary_is_refused_with_its_first_bytes():
    with pytest.raises(UnsupportedFormatError) as caught:
        check_file("x.jpg", bytes([0xCA, 0xFE, 0xBA, 0xBE, 0, 1, 2, 3, 4]), LIMITS)
    assert "CA FE BA BE 00 01 02 03" in caught.value.message


def test_empty_file_is_corrupt():
    with pytest.raises(CorruptFileError) as caught:
        check_file("ticket.jpg", b"", LIMITS)
    assert caught.value.reason is Reason.CORRUPT_FILE
    assert "0 bytes" in caught.value.message


def test_one_byte_over_the_limit_is_too_large_and_checked_before_the_format():
    data = b"\xff\xd8\xff" + b"\0" * LIMITS.max_bytes  # max_bytes + 3
    with pytest.raises(FileTooLargeError) as caught:
        check_file("big.jpg", data[: LIMITS.max_bytes + 1], LIMITS)
    assert caught.value.reason is Reason.FILE_TOO_LARGE
    assert "5,242,881 bytes" in caught.value.message
    assert "5.0 MB" in caught.value.message
    with pytest.raises(FileTooLargeError):  # garbage too: size is the first, cheapest check
        check_file("big.bin", b"\x01" * (LIMITS.max_bytes + 1), LIMITS)


def test_exactly_the_limit_is_accepted():
    data = b"\xff\xd8\xff" + b"\0" * (LIMITS.max_bytes - 3)
    assert check_file("limit.jpg", data, LIMITS).size == LIMITS.max_bytes


def test_message_gives_the_measured_size_in_megabytes():
    with pytest.raises(FileTooLargeError) as caught:
        check_file("big.jpg", b"\xff\xd8\xff" + b"\0" * int(6.1 * 1024 * 1024), LIMITS)
    assert "The file is 6.1 MB" in caught.value.message


def test_stream_stops_reading_past_the_limit():
    chunk = 64 * 1024
    consumed = 0

    def twenty_megabytes():
        nonlocal consumed
        for _ in range(20 * 1024 * 1024 // chunk):
            consumed += chunk
            yield b"\xff" * chunk

    with pytest.raises(FileTooLargeError) as caught:
        check_stream("huge.jpg", twenty_megabytes(), LIMITS)
    assert consumed <= LIMITS.max_bytes + chunk  # the chunk that crossed the limit, no more
    assert "5,242,881 bytes" in caught.value.message  # what was kept: max_bytes + 1


def test_stream_with_one_giant_chunk_keeps_at_most_the_limit_plus_one():
    with pytest.raises(FileTooLargeError) as caught:
        check_stream("huge.jpg", [b"\xff" * (20 * 1024 * 1024)], LIMITS)
    assert "stopped at 5,242,881 bytes" in caught.value.message


def test_stream_of_an_accepted_file_equals_check_file():
    data = image_bytes(PHOTO, "PNG")
    chunks = (data[i : i + 1000] for i in range(0, len(data), 1000))
    assert check_stream("t.png", chunks, LIMITS) == check_file("t.png", data, LIMITS)


def test_stream_of_nothing_is_empty():
    with pytest.raises(CorruptFileError, match="0 bytes"):
        check_stream("t.png", iter(()), LIMITS)


def test_a_smaller_program_limit_is_honoured():
    small = IntakeLimits(max_bytes=1000)
    with pytest.raises(FileTooLargeError, match="1,001 bytes"):
        check_file("t.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 993, small)
