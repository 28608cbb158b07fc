"""Real files, broken on purpose, built in memory for the intake and decode tests.

`make_pdf` writes a minimal PDF by hand (Helvetica text streams, any MediaBox, an Info
dictionary) and can encrypt it with the Standard security handler (RC4 40-bit, rev 2,
PDF 1.7 section 7.6.3), so the tests need no PDF tool.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from dataclasses import dataclass

import numpy as np
from PIL import Image


def image_bytes(image: Image.Image, fmt: str, **save) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def noise(width: int, height: int, seed: int = 0) -> Image.Image:
    """A photo-like RGB image: a gradient with noise, so JPEG has real work to do."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([x * 255 // max(width, 1), y * 255 // max(height, 1), (x + y) % 256], axis=2)
    pixels = np.clip(base + rng.integers(-30, 30, base.shape), 0, 255).astype(np.uint8)
    return Image.fromarray(pixels, "RGB")


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int, height: int) -> bytes:
    """A real 1-bit PNG of width x height white pixels: kilobytes on disk, gigabytes decoded."""
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


@dataclass
class PdfPage:
    width: float = 595  # A4 in points
    height: float = 842
    lines: tuple[str, ...] = ()


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _padded(password: str) -> bytes:
    return (password.encode("latin-1") + _PAD)[:32]


def make_pdf(
    pages: list[PdfPage],
    *,
    info: dict[str, str] | None = None,
    user_password: str | None = None,
    catalog_extra: str = "",
) -> bytes:
    """A valid PDF with one Helvetica text stream per page; RC4-encrypted if a password is given."""
    file_id = hashlib.md5(b"receipts-test").digest()
    key = None
    encrypt_dict = ""
    if user_password is not None:
        permissions = -44
        owner_key = hashlib.md5(_padded("owner-" + user_password)).digest()[:5]
        owner = _rc4(owner_key, _padded(user_password))
        key = hashlib.md5(
            _padded(user_password) + owner + struct.pack("<i", permissions) + file_id
        ).digest()[:5]
        user = _rc4(key, _PAD)
        encrypt_dict = (
            f"<< /Filter /Standard /V 1 /R 2 /Length 40 /P {permissions} "
            f"/O <{owner.hex()}> /U <{user.hex()}> >>"
        )

    def seal(number: int, data: bytes) -> bytes:
        if key is None:
            return data
        object_key = hashlib.md5(key + number.to_bytes(3, "little") + b"\x00\x00").digest()[:10]
        return _rc4(object_key, data)

    objects: list[bytes] = []  # objects[n - 1] is object n

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for page in pages:
        ops = ["BT", "/F1 11 Tf", "14 TL", f"20 {page.height - 40:.2f} Td"]
        for line in page.lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
        number = len(objects) + 1
        stream = seal(number, "\n".join(ops).encode("latin-1"))
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(
            f"<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 {page.width} {page.height}] "
            f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode()
        ))  # fmt: skip
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {tree} 0 R {catalog_extra}>>".encode()
    objects[tree - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    ).encode()
    trailer = f"/Size {{size}} /Root {catalog} 0 R /ID [<{file_id.hex()}> <{file_id.hex()}>]"
    if info:
        number = len(objects) + 1
        entries = " ".join(
            f"/{k} <{seal(number, v.encode('latin-1')).hex()}>" for k, v in info.items()
        )
        trailer += f" /Info {add(f'<< {entries} >>'.encode())} 0 R"
    if encrypt_dict:
        trailer += f" /Encrypt {add(encrypt_dict.encode())} 0 R"

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += f"trailer\n<< {trailer.format(size=len(objects) + 1)} >>\n".encode()
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


RECEIPT_LINES = (
    "CARREFOUR MARKET",
    "12 RUE DE LA PAIX 75002 PARIS",
    "SIRET 123 456 789 00012",
    "LAIT DEMI-ECREME 1L        1,15",
    "PAIN DE MIE                2,30",
    "TOTAL                      3,45 EUR",
    "CB  12/03/2025 14:32",
)
