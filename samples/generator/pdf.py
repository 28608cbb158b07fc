"""A minimal PDF writer: an e-ticket with a real text layer, or a scan wrapped in a page.

Hand-written on purpose (a few objects, a correct xref) so the samples need no PDF
library; pdfium, poppler and browsers open the results.
"""

from __future__ import annotations

import io
from datetime import datetime

from PIL import Image


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _document(objects: list[bytes], producer: str, when: datetime) -> bytes:
    """Serialise objects 1..n (the first is the catalog) with an info dictionary and xref."""
    stamp = when.strftime("D:%Y%m%d%H%M%S+01'00'")
    info = b"<< /Producer (" + _escape(producer) + b") /CreationDate (" + stamp.encode() + b") >>"
    objects = objects + [info]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, len(objects), xref))
    return out.getvalue()


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def text_pdf(lines: list[tuple[str, bool]], *, width_chars: int, a4: bool, producer: str, when: datetime) -> bytes:
    """An e-ticket: each (text, bold) line drawn in Courier with WinAnsi encoding (é, €)."""
    size = 9.0 if a4 else 8.0
    lead = size * 1.25
    text_w = width_chars * size * 0.6
    page_w = 595.0 if a4 else text_w + 40
    page_h = 842.0 if a4 else len(lines) * lead + 60
    while a4 and len(lines) * lead + 80 > page_h:
        size *= 0.9
        lead = size * 1.25
        text_w = width_chars * size * 0.6
    x = (page_w - text_w) / 2
    y = page_h - 40 - size
    ops = [b"BT"]
    for text, bold in lines:
        ops.append(b"/%s %.2f Tf 1 0 0 1 %.2f %.2f Tm (%s) Tj" % (b"F2" if bold else b"F1", size, x, y, _escape(text)))
        y -= lead
    ops.append(b"ET")
    content = b"\n".join(ops)
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>" % (page_w, page_h),
        _stream(b"", content),
        font % b"Courier",
        font % b"Courier-Bold",
    ]
    return _document(objects, producer, when)


def image_pdf(jpeg: bytes, *, dpi: int, producer: str, when: datetime) -> bytes:
    """A scanned page: the JPEG on an A4 page (or a page its size when it is longer), no text."""
    with Image.open(io.BytesIO(jpeg)) as im:
        w, h = im.size
        colour = b"/DeviceGray" if im.mode == "L" else b"/DeviceRGB"
    img_w, img_h = w * 72 / dpi, h * 72 / dpi
    page_w, page_h = max(595.0, img_w + 40), max(842.0, img_h + 40)
    x, y = (page_w - img_w) / 2, page_h - 20 - img_h
    content = b"q %.2f 0 0 %.2f %.2f %.2f cm /Im0 Do Q" % (img_w, img_h, x, y)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Contents 4 0 R "
        b"/Resources << /XObject << /Im0 5 0 R >> >> >>" % (page_w, page_h),
        _stream(b"", content),
        _stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 "
                b"/Filter /DCTDecode" % (w, h, colour), jpeg),
    ]
    return _document(objects, producer, when)
