"""Write the committed broken files: python samples/broken/make_broken.py

Real broken bytes (cut files, wrong formats, bombs, illegible photos) and
`expected.json` mapping each file to the reason code the pipeline must return.
The >5 MB case is not here: tests build it at run time.
"""

from __future__ import annotations

import io
import json
import random
import struct
import sys
import zlib
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from samples.generator.content import make_purchase  # noqa: E402
from samples.generator.layout import layout_receipt  # noqa: E402
from samples.generator.pdf import _document, _stream  # noqa: E402
from samples.generator.photograph import photograph  # noqa: E402
from samples.generator.render import render_paper, to_rgb  # noqa: E402

HERE = Path(__file__).resolve().parent

EXPECTED = {
    "truncated.jpg": "corrupt_file",
    "truncated.png": "corrupt_file",
    "truncated.pdf": "corrupt_file",
    "not-an-image.jpg": "unsupported_format",
    "gif-receipt.gif": "unsupported_format",
    "webp-receipt.webp": "unsupported_format",
    "png-bomb.png": "image_too_large",
    "absurd-strip.png": "image_too_large",
    "zero-bytes.jpg": "corrupt_file",
    "blank-page.png": "illegible",
    "too-dark.jpg": "illegible",
    "too-blurred.jpg": "illegible",
    "torn-receipt.jpg": "incomplete_receipt",
    "pdf-javascript.pdf": "unsupported_format",
    "html-as-pdf.pdf": "unsupported_format",
}


def _paper(seed: int, sector: str = "salon"):
    rng = random.Random(seed)
    purchase = make_purchase(rng, sector)
    purchase = replace(purchase, language="fr")
    lines, _, width = layout_receipt(purchase, rng)
    paper = render_paper(lines, width, rng, fade=0.0, font_index=0)
    return to_rgb(paper.grey, rng), paper, rng


def _jpeg(rgb: np.ndarray, quality: int) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int = 40000, height: int = 20000) -> bytes:
    """A 1-bit white PNG of 800 megapixels in ~100 KB, written row by row (never held in memory)."""
    comp = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def javascript_pdf() -> bytes:
    """An empty page whose /OpenAction runs JavaScript: no receipt, active content."""
    script = b"app.alert('Bonjour');"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R /Names << /JavaScript << /Names [(x) 5 0 R] >> >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        _stream(b"", b""),
        b"<< /Type /Action /S /JavaScript /JS (" + script + b") >>",
    ]
    from datetime import datetime

    return _document(objects, "make_broken.py", datetime(2025, 1, 1))


def main() -> None:
    rgb, paper, rng = _paper(7)
    photo, _, _ = photograph(rgb, paper.alpha, rng, blur=0.6)
    photo_small = cv2.resize(photo, (photo.shape[1] // 2, photo.shape[0] // 2), interpolation=cv2.INTER_AREA)
    good_jpeg = _jpeg(photo_small, 80)
    out: dict[str, bytes] = {}
    out["truncated.jpg"] = good_jpeg[: len(good_jpeg) // 2]
    buf = io.BytesIO()
    Image.fromarray(cv2.cvtColor(photo_small, cv2.COLOR_RGB2GRAY)[::2, ::2]).save(buf, "PNG")
    out["truncated.png"] = buf.getvalue()[: len(buf.getvalue()) // 2]
    scanned = (HERE.parent / "receipts" / "scanned-pdf.pdf")
    pdf = scanned.read_bytes() if scanned.exists() else javascript_pdf()
    out["truncated.pdf"] = pdf[: len(pdf) // 2]
    out["not-an-image.jpg"] = "Ticket de caisse\nSALON ELEGANCE\nTOTAL 24,50 EUR\n".encode() * 20
    thumb = Image.fromarray(photo_small).resize((photo_small.shape[1] // 2, photo_small.shape[0] // 2))
    buf = io.BytesIO()
    thumb.convert("L").convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(buf, "GIF")
    out["gif-receipt.gif"] = buf.getvalue()
    buf = io.BytesIO()
    thumb.save(buf, "WEBP", quality=70)
    out["webp-receipt.webp"] = buf.getvalue()
    out["png-bomb.png"] = png_bomb()
    buf = io.BytesIO()
    Image.new("L", (30000, 3), 255).save(buf, "PNG")
    out["absurd-strip.png"] = buf.getvalue()
    out["zero-bytes.jpg"] = b""
    blank = np.full((1754, 1240), 252, np.uint8)  # A4 at 150 dpi, nothing printed
    blank[:, :6] = 200  # the scanner edge
    buf = io.BytesIO()
    Image.fromarray(blank).save(buf, "PNG", dpi=(150, 150))
    out["blank-page.png"] = buf.getvalue()
    dark = np.clip(photo_small.astype(np.float32) * 0.07, 0, 255).astype(np.uint8)
    dark = cv2.add(dark, np.random.default_rng(1).integers(0, 4, dark.shape, dtype=np.uint8))
    out["too-dark.jpg"] = _jpeg(dark, 75)
    out["too-blurred.jpg"] = _jpeg(cv2.GaussianBlur(photo_small, (0, 0), 9), 75)
    torn_rgb, torn_paper, trng = _paper(11)
    cut = int(torn_rgb.shape[0] * 0.42)  # above the total: no total, no date
    edge = (np.cumsum(np.random.default_rng(2).integers(-3, 4, torn_rgb.shape[1])) % 30).astype(int)
    alpha = torn_paper.alpha[:cut].copy()
    for x, dy in enumerate(edge):
        alpha[cut - dy : cut, x] = 0
    torn_photo, _, _ = photograph(np.ascontiguousarray(torn_rgb[:cut]), alpha, trng, blur=0.6)
    out["torn-receipt.jpg"] = _jpeg(cv2.resize(torn_photo, (torn_photo.shape[1] * 2 // 3, torn_photo.shape[0] * 2 // 3)), 72)
    out["pdf-javascript.pdf"] = javascript_pdf()
    out["html-as-pdf.pdf"] = (b"<!DOCTYPE html>\n<html><head><title>Ticket</title></head>\n<body><h1>SALON ELEGANCE</h1>"
                              b"<p>TOTAL 24,50 EUR</p><script>alert(1)</script></body></html>\n")
    for name, data in out.items():
        (HERE / name).write_bytes(data)
        print(f"{name:22s} {len(data):>8d} bytes  -> {EXPECTED[name]}")
    (HERE / "expected.json").write_text(json.dumps(EXPECTED, indent=2) + "\n")


if __name__ == "__main__":
    main()
