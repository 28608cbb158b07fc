"""Decoding: turn a checked file into upright 8-bit BGR pages, inside a sandbox.

Every byte of the upload is parsed in a forked child (`pipeline.sandbox`) limited in
address space, processor time and wall-clock time; the parent only receives pixels,
text layers and metadata. Which refusal for which case:

    image_too_large   width x height > max_pixels, a side > max_side (read from the
                      header before any pixel is decoded), a PDF page larger than
                      max_pixels/max_side at 72 dpi (its "absurd MediaBox"), a PDF
                      with more than max_pdf_pages pages (a document that size is a
                      size bomb for the renderer, not a receipt), decoding past
                      decode_memory_mb
    corrupt_file      truncated or damaged JPEG/PNG/PDF (PNG chunk CRCs verified,
                      Pillow never loads truncated images, a PDF must end with %%EOF),
                      a password-protected PDF, a decoder crash, decode_seconds
                      (wall clock) or processor time exceeded
    illegible         an image (or a PDF page without a text layer) whose short side
                      is under min_side pixels: no receipt can be read from it

PDFs are opened without a form environment, so PDFium runs no JavaScript and no
actions; pages are rendered at pdf_render_dpi, lowered when needed to stay within
max_pixels and max_side, and `PageImage.dpi` says which resolution was used.
"""

from __future__ import annotations

import io
import math
import warnings
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageFile, ImageOps, JpegImagePlugin, PngImagePlugin, TiffImagePlugin

from pipeline.errors import CorruptFileError, IllegibleError, ImageTooLargeError, UnsupportedFormatError
from pipeline.sandbox import run_sandboxed
from pipeline.settings import IntakeLimits
from pipeline.values import CheckedFile, DecodedDocument, PageImage

# Imported here, in the parent, so a forked child never imports under its limits.
_ = (JpegImagePlugin, PngImagePlugin, TiffImagePlugin)
ImageFile.LOAD_TRUNCATED_IMAGES = False

MIN_TEXT_LAYER_CHARS = 20  # fewer non-space characters: a scan with a stray label, not an e-ticket
MAX_TEXT_LAYER_CHARS = 200_000  # per page; a receipt is a few thousand
MAX_METADATA_CHARS = 256
PDF_EOF_WINDOW = 1024  # "%%EOF" must appear in the last kilobyte

_EXIF_TAGS = {0x0131: "Software", 0x010F: "Make", 0x0110: "Model", 0x000B: "ProcessingSoftware",
              0x0132: "DateTime"}  # fmt: skip
_EXIF_IFD, _DATETIME_ORIGINAL, _ORIENTATION = 0x8769, 0x9003, 0x0112
_PDF_KEYS = ("Producer", "Creator", "CreationDate", "ModDate")
_PDFIUM_PASSWORD, _PDFIUM_SECURITY = 4, 5  # FPDF_ERR_PASSWORD, FPDF_ERR_SECURITY


def decode_pages(checked: CheckedFile, limits: IntakeLimits) -> DecodedDocument:
    """Decode a checked file's pages in a sandboxed child; refuse what breaks the limits."""
    if checked.kind == "pdf" and b"%%EOF" not in checked.data[-PDF_EOF_WINDOW:]:
        raise CorruptFileError(
            f"The PDF is truncated: its {checked.size:,} bytes do not end with the %%EOF marker."
        )
    decoder = _decode_pdf if checked.kind == "pdf" else _decode_raster
    header, arrays = run_sandboxed(
        lambda: decoder(checked.data, checked.kind, limits),
        seconds=limits.decode_seconds,
        memory_mb=limits.decode_memory_mb,
        max_array_bytes=limits.max_pixels * 3 * max(1, limits.max_pdf_pages),
    )
    described = header.get("pages", [])
    if len(described) != len(arrays):
        raise CorruptFileError("The decoder's answer does not match its pages.")
    pages = []
    for index, (page, image) in enumerate(zip(described, arrays)):
        image = _as_bgr(image)
        text = page.get("text_layer")
        dpi = page.get("dpi")
        orientation = page.get("orientation")
        pages.append(PageImage(index=index, image=image,
                               text_layer=str(text) if text else None,
                               dpi=float(dpi) if dpi else None,
                               orientation=int(orientation) if orientation in range(1, 9) else 1))  # fmt: skip
    found = header.get("metadata", {})
    metadata = {str(k): str(v)[:MAX_METADATA_CHARS] for k, v in found.items()}
    return DecodedDocument(file=checked, pages=tuple(pages), metadata=metadata)


def _as_bgr(image: np.ndarray) -> np.ndarray:
    """The child's grey or RGB pixels as BGR, converted here: OpenCV must not run in it."""
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 3:
        return cv2.cvtColor(image, cv2.COLOR_RGB2BGR, dst=image)
    raise CorruptFileError(f"The decoder returned a page of shape {image.shape}.")


# --- everything below runs in the sandboxed child -------------------------------------


def _decode_raster(data: bytes, kind: str, limits: IntakeLimits):
    label = kind.upper()
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    Image.MAX_IMAGE_PIXELS = None  # the header is read first and checked below, with figures
    try:
        image = Image.open(io.BytesIO(data), formats=[label])
        _check_dimensions(*image.size, limits, what="The image")
        Image.MAX_IMAGE_PIXELS = limits.max_pixels  # from here on Pillow refuses the same
        if kind == "png":
            Image.open(io.BytesIO(data), formats=["PNG"]).verify()  # every chunk's CRC, IEND
        image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as e:
        raise ImageTooLargeError(f"The {label} image is too large to decode ({e}).") from e
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as e:
        raise CorruptFileError(f"The {label} image is truncated or damaged ({e}).") from e
    metadata = _image_metadata(image)
    try:
        orientation = int(image.getexif().get(_ORIENTATION, 1))
        ImageOps.exif_transpose(image, in_place=True)
    except Exception:  # a broken EXIF block does not make the photo unreadable
        orientation = 1
    return {"metadata": metadata, "pages": [{"orientation": orientation}]}, [_to_rgb_or_grey(image)]


def _check_dimensions(width: int, height: int, limits: IntakeLimits, *, what: str) -> None:
    pixels = width * height
    if pixels > limits.max_pixels or max(width, height) > limits.max_side:
        raise ImageTooLargeError(
            f"{what} is {width:,} x {height:,} pixels ({pixels / 1e6:,.1f} megapixels); the "
            f"limit is {limits.max_pixels / 1e6:,.1f} megapixels and {limits.max_side:,} "
            "pixels a side."
        )
    if min(width, height) < limits.min_side:
        raise IllegibleError(
            f"{what} is {width:,} x {height:,} pixels; a receipt photo needs at least "
            f"{limits.min_side:,} pixels on each side."
        )


def _image_metadata(image: Image.Image) -> dict[str, str]:
    found: dict[str, Any] = {}
    try:
        exif = image.getexif()
        found.update({name: exif[tag] for tag, name in _EXIF_TAGS.items() if tag in exif})
        original = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL)
        if original:
            found["DateTimeOriginal"] = original
    except Exception:  # unreadable EXIF: no metadata from it
        pass
    for key, value in image.info.items():  # PNG tEXt/iTXt/zTXt chunks, JPEG comment
        if isinstance(value, str) and key not in found:
            found[key] = value
    if isinstance(image.info.get("comment"), bytes):
        found["Comment"] = image.info["comment"].decode("latin-1")
    return {k: _clean(v) for k, v in found.items() if _clean(v)}


def _clean(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return str(value).replace("\x00", "").strip()[:MAX_METADATA_CHARS] if value else ""


def _to_rgb_or_grey(image: Image.Image) -> np.ndarray:
    """Any Pillow mode as HxW grey or HxWx3 RGB uint8; alpha on white, 16 bits cut to 8."""
    if image.mode.startswith("I") or image.mode == "F":
        grey = np.asarray(image)
        return (np.clip(grey, 0, 65535).astype(np.uint32) >> 8).astype(np.uint8)
    if image.mode in ("P", "L", "1", "RGB") and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    elif image.mode in ("1", "L"):
        image = image.convert("L")
    elif image.mode != "RGB":
        image = image.convert("RGB")
    return np.asarray(image)


def _decode_pdf(data: bytes, kind: str, limits: IntakeLimits):
    try:
        pdf = pdfium.PdfDocument(data)  # no init_forms(): no form environment, no JavaScript
    except pdfium.PdfiumError as e:
        if e.err_code == _PDFIUM_PASSWORD:
            raise CorruptFileError(
                "The PDF is protected by a password; send it without protection."
            ) from e
        if e.err_code == _PDFIUM_SECURITY:
            raise CorruptFileError("The PDF uses an unsupported encryption scheme.") from e
        raise CorruptFileError(f"The PDF cannot be read: it is damaged ({e}).") from e
    if pdfium_c.FPDFDoc_GetJavaScriptActionCount(pdf.raw) > 0:
        # pdfium would not run it, but no till prints JavaScript: a scripted PDF is no receipt.
        raise UnsupportedFormatError(
            "The PDF carries JavaScript (active content); only plain PDF receipts are accepted."
        )
    count = len(pdf)
    if count > limits.max_pdf_pages:
        raise ImageTooLargeError(
            f"The PDF has {count} pages; a receipt may have at most {limits.max_pdf_pages}."
        )
    info = pdf.get_metadata_dict(skip_empty=True)
    metadata = {key: _clean(info[key]) for key in _PDF_KEYS if _clean(info.get(key))}
    pages, images = [], []
    for number in range(1, count + 1):
        page = pdf[number - 1]
        text = _text_layer(page)
        scale = _render_scale(page, number, limits)
        bitmap = page.render(scale=scale, may_draw_forms=False, rev_byteorder=True)
        image = np.array(bitmap.to_numpy()[:, :, :3], dtype=np.uint8, copy=True)  # RGB
        bitmap.close()
        if text is None and min(image.shape[:2]) < limits.min_side:
            height, width = image.shape[:2]
            raise IllegibleError(
                f"Page {number} of the PDF renders at {width:,} x {height:,} pixels; a receipt "
                f"needs at least {limits.min_side:,} pixels on each side."
            )
        pages.append({"text_layer": text, "dpi": round(72 * scale, 2)})
        images.append(image)
    return {"metadata": metadata, "pages": pages}, images


def _text_layer(page: pdfium.PdfPage) -> str | None:
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range(count=min(textpage.count_chars(), MAX_TEXT_LAYER_CHARS))
    finally:
        textpage.close()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if sum(not ch.isspace() for ch in text) >= MIN_TEXT_LAYER_CHARS else None


def _render_scale(page: pdfium.PdfPage, number: int, limits: IntakeLimits) -> float:
    """Pixels per point: pdf_render_dpi, lowered to fit the limits; refuse absurd pages."""
    width, height = page.get_size()  # points, 1/72 inch
    if not (math.isfinite(width) and math.isfinite(height) and width >= 1 and height >= 1):
        raise CorruptFileError(f"Page {number} of the PDF has no valid size ({width} x {height}).")
    area = width * height
    if area > limits.max_pixels or max(width, height) > limits.max_side:
        raise ImageTooLargeError(
            f"Page {number} of the PDF is {width:,.0f} x {height:,.0f} points "
            f"({width / 72:,.0f} x {height / 72:,.0f} inches), {area / 1e6:,.1f} megapixels even "
            f"at 72 dpi; the limit is {limits.max_pixels / 1e6:,.1f} megapixels and "
            f"{limits.max_side:,} pixels a side."
        )
    scale = limits.pdf_render_dpi / 72
    scale = min(scale, limits.max_side / max(width, height), math.sqrt(limits.max_pixels / area))
    while (
        math.ceil(width * scale) * math.ceil(height * scale) > limits.max_pixels
        or math.ceil(max(width, height) * scale) > limits.max_side
    ):
        scale *= 0.995
    return scale
