"""Intake: recognise an upload by its bytes and check its size, before any decoding.

The format is read from the magic numbers only, never from the file name or its
extension: a text file named `ticket.jpg` is refused as text. The size is checked
first because it is the cheapest check; `check_stream` stops reading an upload as
soon as it passes the limit, so a 2 GB body costs at most `max_bytes + 1` bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from pipeline.errors import CorruptFileError, FileTooLargeError, UnsupportedFormatError
from pipeline.settings import IntakeLimits
from pipeline.values import CheckedFile, FileKind

ACCEPTED = "accepted formats are JPEG, PNG and PDF"
PDF_HEADER_WINDOW = 1024  # readers accept "%PDF-" anywhere in the first kilobyte

# Formats we refuse but can name, so the message tells the user what they sent.
# (offset, magic, description); the first match wins.
_KNOWN_OTHERS: tuple[tuple[int, bytes, str], ...] = (
    (0, b"GIF87a", "a GIF image"),
    (0, b"GIF89a", "a GIF image"),
    (0, b"II*\x00", "a TIFF image"),
    (0, b"MM\x00*", "a TIFF image"),
    (0, b"\x00\x00\x01\x00", "an ICO icon"),
    (0, b"\xff\x0a", "a JPEG XL image"),
    (0, b"\x00\x00\x00\x0cJXL \r\n\x87\n", "a JPEG XL image"),
    (0, b"\x00\x00\x00\x0cjP  \r\n\x87\n", "a JPEG 2000 image"),
    (0, b"8BPS", "a Photoshop document"),
    (0, b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (0, b"PK\x05\x06", "a ZIP archive"),
    (0, b"\x1f\x8b", "a gzip archive"),
    (0, b"Rar!\x1a\x07", "a RAR archive"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (0, b"\x7fELF", "a program (ELF executable)"),
    (0, b"MZ", "a program (Windows executable)"),
)
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}


def check_file(name: str, data: bytes, limits: IntakeLimits) -> CheckedFile:
    """Refuse a file that is too large, empty or not JPEG/PNG/PDF; hash the rest."""
    size = len(data)
    if size > limits.max_bytes:
        raise FileTooLargeError(
            f"The file is {_megabytes(size)} ({size:,} bytes); "
            f"the limit is {_megabytes(limits.max_bytes)} ({limits.max_bytes:,} bytes)."
        )
    if size == 0:
        raise CorruptFileError("The file is empty (0 bytes).")
    kind = sniff(data)
    if kind is None:
        raise UnsupportedFormatError(_describe_refused(data))
    return CheckedFile(
        name=name, data=data, kind=kind, sha256=hashlib.sha256(data).hexdigest(), size=size
    )


def check_stream(name: str, chunks: Iterable[bytes], limits: IntakeLimits) -> CheckedFile:
    """Like `check_file`, reading an upload chunk by chunk and stopping past the limit."""
    cap = limits.max_bytes + 1  # one byte more than allowed is enough to know
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk[: cap - len(buffer)]
        if len(buffer) >= cap:
            raise FileTooLargeError(
                f"The file is larger than {_megabytes(limits.max_bytes)}: reading stopped at "
                f"{len(buffer):,} bytes; the limit is {limits.max_bytes:,} bytes."
            )
    return check_file(name, bytes(buffer), limits)


def sniff(data: bytes) -> FileKind | None:
    """The accepted kind these bytes are, from their magic number; None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if b"%PDF-" in data[:PDF_HEADER_WINDOW]:
        return "pdf"
    return None


def _describe_refused(data: bytes) -> str:
    looks_like = _looks_like(data)
    if looks_like is not None:
        return f"The file is {looks_like}; {ACCEPTED}."
    head = " ".join(f"{b:02X}" for b in data[:8])
    return f"The file is not a JPEG, PNG or PDF (it starts with the bytes {head}); {ACCEPTED}."


def _looks_like(data: bytes) -> str | None:
    for offset, magic, description in _KNOWN_OTHERS:
        if data[offset : offset + len(magic)] == magic:
            return description
    if data[:2] == b"BM" and data[6:10] == b"\x00\x00\x00\x00":  # reserved words are zero
        return "a BMP image"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "a WebP image"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in _HEIF_BRANDS:
            return "a HEIC/HEIF image (an iPhone photo format)"
        if brand in _AVIF_BRANDS:
            return "an AVIF image"
        return "a video or other ISO media file"
    return _looks_like_text(data[:4096])


def _looks_like_text(head: bytes) -> str | None:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 4:  # a character cut by the window's end is still text
            return None
        text = head[: e.start].decode("utf-8")
    if not text or any(ch < " " and ch not in "\t\r\n\f" for ch in text):
        return None
    lowered = text.lstrip("\ufeff \t\r\n").lower()
    if lowered.startswith(("<!doctype html", "<html", "<head", "<body")):
        return "an HTML page"
    if "<svg" in lowered[:1024]:
        return "an SVG drawing"
    if lowered.startswith("<?xml"):
        return "an XML document"
    return "plain text"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
