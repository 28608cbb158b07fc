"""`editing_signals`: traces of an edited or fabricated receipt in the file and in its figures.

Each is one piece of evidence with its own weight, none is proof: an image editor in the
metadata (EXIF Software, PNG Software, PDF Producer/Creator), a total that the items and
the VAT table agree on among themselves but not with it, a region of a JPEG whose error
level (recompression residue) differs from the rest of the print, a photo taken before
the purchase date printed on it, a screen capture instead of a photo of paper, and a photo
of a screen (its pixel grid and moire).
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from decimal import Decimal

import cv2
import numpy as np
from PIL import Image

from pipeline.fraud.values import Signal
from pipeline.values import DecodedDocument, Extraction, ReceiptFields

IMAGE_EDITORS = re.compile(
    r"photoshop|gimp|snapseed|picsart|lightroom|affinity photo|pixelmator|paint\.net|photopea|canva|fotor|"
    r"pixlr|krita|photoscape|facetune|meitu|polarr|photodirector|inpaint|acorn|corel ?(?:paint|photo)",
    re.IGNORECASE)
SOFTWARE_KEYS = ("Software", "ProcessingSoftware", "Producer", "Creator", "software", "Comment")
SCREENSHOT = re.compile(r"screenshot|capture d.?[ée]cran|screen ?shot|bildschirmfoto", re.IGNORECASE)
# Full-screen captures of common phones (portrait): a photo of paper is never exactly this size.
SCREEN_SIZES = {(1170, 2532), (1179, 2556), (1284, 2778), (1290, 2796), (1125, 2436), (1242, 2688), (828, 1792),
                (750, 1334), (1080, 2400), (1080, 2340), (1080, 2280), (1080, 1920), (1440, 3200), (1440, 3088),
                (1080, 2412), (1220, 2712), (1344, 2992), (1260, 2800)}
SUM_TOLERANCE = Decimal("0.05")
# Error-level analysis (JPEG only): resave at ELA_QUALITY, average the difference over
# ELA_BLOCK-pixel blocks holding print, and look for a 3x3-block region whose error level
# stands out from the other print blocks (robust z-score). Measured on generator files
# (tests/test_fraud_editing.py, README "Fraud"): honest photos, scans, pen-marked,
# duplicata and card slips peak at z 0.5-2.6 (105 files), photos with a pasted total or
# date at 0.2-8.5, median 2.9: a weak signal, one among others.
ELA_QUALITY = 90
ELA_BLOCK = 16
ELA_MIN_BLOCKS = 30
ELA_Z = 2.8
# Photo of a screen (`screen_grid`): the camera resolves the display's pixel grid (R, G, B
# stripes, the dark matrix between rows) or aliases it into moire, so the grey spectrum of
# the frame has sharp isolated peaks at mid/high frequencies everywhere; paper does not.
# SCREEN_ROWS x SCREEN_COLS tiles of SCREEN_TILE px at full resolution (downscaling would
# erase the grid); a tile counts when its highest peak at 0.16-0.5 cycles/px, off the JPEG
# 8-px block lines, stands SCREEN_PEAK (natural log) above the smoothed spectrum around it
# with an amplitude of SCREEN_AMPLITUDE grey levels or more. Measured on generator files
# (tests/test_fraud_screen.py): 275 paper images (photo, scan, underlined, card_slip,
# duplicata seeds 5000-5029; photo, scan, underlined, edited, rephoto, lookalike seeds
# 7000-7059) have at most 1 such tile of 12 (woven fabric under the paper); 120 `screen`
# photos (pitch 1.4-3.4 camera px, seeds 5000-5059 and 7000-7059) have 4-12, median 12,
# except one with 0 (dark screen around the text, grid at Nyquist, JPEG quality 60).
# Flagged from SCREEN_MIN_TILES: 0/275 false alarms, 119/120 caught. ~25 ms on 2 MP.
SCREEN_TILE = 256
SCREEN_ROWS, SCREEN_COLS = 4, 3  # portrait; swapped for a landscape image
SCREEN_PEAK = 5.0
SCREEN_AMPLITUDE = 2.0
SCREEN_MIN_TILES = 4


def metadata_signals(metadata: dict[str, str]) -> list[Signal]:
    out = []
    for key in SOFTWARE_KEYS:
        value = metadata.get(key, "")
        if IMAGE_EDITORS.search(value):
            what = "the PDF was produced by" if key in ("Producer", "Creator") else "the image was saved by"
            out.append(Signal("editing_software", 0.0, f"{what} an image editor ({key}: {value[:60]})"))
            break
    for key, value in metadata.items():
        if SCREENSHOT.search(f"{key} {value}"):
            out.append(Signal("screenshot", 0.0, f"the metadata names a screen capture ({key}: {value[:60]})"))
            break
    return out


def screen_size_signal(data: bytes, metadata: dict[str, str]) -> list[Signal]:
    if metadata.get("Make") or data[:4] == b"%PDF":
        return []  # a camera wrote it; a PDF has no pixel size of its own
    try:
        size = Image.open(io.BytesIO(data)).size
    except Exception:
        return []
    if size in SCREEN_SIZES:
        return [Signal("screenshot", 0.0, f"a {size[0]} x {size[1]} image without camera data: a phone screen capture")]
    return []


def _screen_band() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = SCREEN_TILE
    fy, fx = np.meshgrid(np.fft.fftshift(np.fft.fftfreq(n)), np.fft.rfftfreq(n), indexing="ij")
    radius = np.hypot(fx, fy)
    off_blocks = lambda f: np.abs(f - np.round(f * 8) / 8) * n > 1.01  # noqa: E731  JPEG 8x8 blocks, and the axes
    band = (radius >= 0.16) & (radius <= 0.5) & off_blocks(fx) & off_blocks(fy)
    return band, radius, np.outer(np.hanning(n), np.hanning(n)).astype(np.float32)


SCREEN_BAND, SCREEN_RADIUS, SCREEN_WINDOW = _screen_band()


ELA_KEY, SCREEN_KEY = "forensics_ela", "forensics_screen"


def image_forensics(document: DecodedDocument) -> dict[str, str]:
    """The image measurements the editing signals need, made once when the file is read and
    stored with the reading (like the OCR), so that deciding or reprocessing a declaration
    never decodes and recompresses its image again. Empty values: nothing to measure.

    They are taken on the pixels the sandboxed decoder returned (upright, EXIF orientation
    applied): the upload's bytes are never decoded again in the worker's own process."""
    kind = document.file.kind
    page = document.pages[0] if document.pages else None
    if kind not in ("jpeg", "png") or page is None or page.image is None:
        return {ELA_KEY: "", SCREEN_KEY: ""}
    grey = cv2.cvtColor(page.image, cv2.COLOR_BGR2GRAY) if page.image.ndim == 3 else page.image
    # recompression residue is measured on the pixels as stored: the JPEG's 8x8 block grid
    # lies along the stored image's edges, not the upright one's (phones store portrait
    # photos sideways, with an orientation tag)
    ela = error_level_of(as_stored(grey, page.orientation)) if kind == "jpeg" else None
    return {ELA_KEY: _store_value(ela), SCREEN_KEY: _store_value(screen_grid_of(grey))}


def as_stored(upright: np.ndarray, orientation: int) -> np.ndarray:
    """The pixels as the file stores them, from the upright image its EXIF orientation made."""
    undo = {2: lambda a: a[:, ::-1], 3: lambda a: a[::-1, ::-1], 4: lambda a: a[::-1],
            5: lambda a: a.T, 6: lambda a: np.rot90(a, 1), 7: lambda a: a[::-1, ::-1].T,
            8: lambda a: np.rot90(a, -1)}
    return np.ascontiguousarray(undo[orientation](upright)) if orientation in undo else upright


def _store_value(found: tuple | None) -> str:
    return "" if found is None else ",".join(f"{v:.4g}" for v in found)


def _stored(metadata: dict[str, str], key: str) -> tuple[float, ...] | None:
    raw = metadata.get(key, "")
    return tuple(float(v) for v in raw.split(",")) if raw else None


def screen_grid(data: bytes) -> tuple[int, int, float] | None:
    """`screen_grid_of` a JPEG or PNG file's grey pixels; None for other files. Decodes the bytes
    here: only for a reading stored before the forensics were measured with it."""
    if data[:3] != b"\xff\xd8\xff" and data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    try:
        grey = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    except cv2.error:
        return None
    return None if grey is None else screen_grid_of(grey)


def screen_grid_of(grey: np.ndarray) -> tuple[int, int, float] | None:
    """(tiles showing a pixel grid, tiles examined, median period of their peaks in px) for an
    image's grey pixels at full resolution; None for an image smaller than a tile."""
    n = SCREEN_TILE
    if min(grey.shape) < n:
        return None
    h, w = grey.shape
    rows, cols = (SCREEN_ROWS, SCREEN_COLS) if h >= w else (SCREEN_COLS, SCREEN_ROWS)
    tiles = np.stack([grey[y : y + n, x : x + n] for y in np.linspace(0, h - n, rows).astype(int)
                      for x in np.linspace(0, w - n, cols).astype(int)]).astype(np.float32)
    tiles = (tiles - tiles.mean(axis=(1, 2), keepdims=True)) * SCREEN_WINDOW
    power = np.fft.fftshift(np.abs(np.fft.rfft2(tiles)) ** 2, axes=1).astype(np.float32)
    periods = []
    for p in power:
        log = np.log(p + 1e-3)
        height = np.where(SCREEN_BAND, log - cv2.GaussianBlur(log, (0, 0), 4), -np.inf)
        i = np.unravel_index(int(np.argmax(height)), height.shape)
        amplitude = 8 * float(np.sqrt(p[i])) / n**2  # of a sinusoid, through the Hann window
        if height[i] >= SCREEN_PEAK and amplitude >= SCREEN_AMPLITUDE:
            periods.append(1 / float(SCREEN_RADIUS[i]))
    return len(periods), len(tiles), float(np.median(periods)) if periods else 0.0


def screen_photo_signal(data: bytes, metadata: dict[str, str] | None = None) -> list[Signal]:
    """A photo of a receipt shown on a monitor or phone, not of the paper: the screen's pixel
    grid or its moire across the frame (`screen_grid`). `metadata` only words the detail."""
    found = _stored(metadata, SCREEN_KEY) if metadata and SCREEN_KEY in metadata else screen_grid(data)
    if found is None or found[0] < SCREEN_MIN_TILES:
        return []
    hits, examined, period = found
    hits, examined = int(hits), int(examined)
    camera = " ".join(v for v in ((metadata or {}).get("Make"), (metadata or {}).get("Model")) if v)
    return [Signal("screen_photo", 0.0, f"{hits} of {examined} areas of the image show a regular pixel grid or moire "
                                        f"(period {period:.1f} px): a photo of a screen, not of paper"
                                        + (f" (camera {camera[:40]})" if camera else ""))]


def photo_date_signal(extraction: Extraction) -> list[Signal]:
    """A photo taken (EXIF DateTimeOriginal, else DateTime) on a day before the purchase date
    printed on it: the date was changed, or the camera clock is wrong."""
    printed = extraction.fields.date
    raw = extraction.metadata.get("DateTimeOriginal") or extraction.metadata.get("DateTime")
    if printed is None or not raw:
        return []
    try:
        taken = datetime.strptime(raw[:10], "%Y:%m:%d").date()
    except ValueError:
        return []
    if taken >= printed:
        return []
    return [Signal("date_after_photo", 0.0, f"the photo was taken on {taken.isoformat()}, before the purchase "
                                            f"date printed on the receipt ({printed.isoformat()})")]


def error_level(data: bytes) -> tuple[float, float] | None:
    """`error_level_of` a JPEG file's grey pixels; None for other files. Decodes the bytes here:
    only for a reading stored before the forensics were measured with it."""
    if data[:3] != b"\xff\xd8\xff":
        return None
    try:
        grey = np.asarray(Image.open(io.BytesIO(data)).convert("L"))
    except Exception:
        return None
    return error_level_of(grey)


def error_level_of(grey: np.ndarray) -> tuple[float, float] | None:
    """(peak robust z-score of the error level among print blocks, its height as a share of the
    image) for a JPEG's decoded grey pixels; None when there is too little print to compare."""
    a = grey.astype(np.float32)
    buf = io.BytesIO()
    Image.fromarray(grey).save(buf, "JPEG", quality=ELA_QUALITY)
    diff = np.abs(a - np.asarray(Image.open(buf), np.float32))
    b = ELA_BLOCK
    hb, wb = a.shape[0] // b, a.shape[1] // b
    if hb < 3 or wb < 3:
        return None
    blocks = lambda m: m[: hb * b, : wb * b].reshape(hb, b, wb, b)  # noqa: E731
    level = blocks(diff).mean(axis=(1, 3))
    ink = blocks(a).std(axis=(1, 3)) > 25  # blocks holding print (flat paper has nothing to compare)
    if ink.sum() < ELA_MIN_BLOCKS:
        return None
    values = level[ink]
    median = float(np.median(values))
    spread = max(float(np.median(np.abs(values - median))) * 1.4826, 0.1 * median, 0.05)
    z = np.where(ink, (level - median) / spread, 0).astype(np.float32)
    region = cv2.blur(z, (3, 3))  # a pasted figure spans a few blocks; one odd block is noise
    y, _ = np.unravel_index(int(np.argmax(region)), region.shape)
    return float(region.max()), (y + 0.5) / hb


def error_level_signal(data: bytes, metadata: dict[str, str] | None = None) -> list[Signal]:
    found = _stored(metadata, ELA_KEY) if metadata and ELA_KEY in metadata else error_level(data)
    if found is None or found[0] < ELA_Z:
        return []
    z, where = found
    return [Signal("error_level", 0.0, f"a region {where:.0%} down the image recompresses unlike the rest of the "
                                       f"print (error level z = {z:.1f}, from {ELA_Z})")]


def vat_inclusive_total(fields: ReceiptFields) -> Decimal | None:
    """The total the VAT table implies (amount x (100 + rate) / rate, summed), or None."""
    if not fields.vat or any(v.rate <= 0 for v in fields.vat):
        return None
    return sum((v.amount * (100 + v.rate) / v.rate for v in fields.vat), Decimal(0))


def sum_signals(fields: ReceiptFields) -> list[Signal]:
    """The total against the VAT table's implied total, the items' sum and the subtotal.

    The VAT table is computed by the till on what was actually paid, so it is the witness
    that accuses an edited total; it must agree with the items or the subtotal (else the
    table itself was misread). A subtotal above the total is a discount, not a signal.
    """
    total, vat = fields.total, vat_inclusive_total(fields)
    if total is None or total <= 0:
        return []
    witnesses: dict[str, Decimal] = {}
    if fields.items:
        witnesses["items"] = sum((item.price for item in fields.items), Decimal(0))
    if fields.subtotal is not None:
        witnesses["subtotal"] = fields.subtotal
    tol = lambda v: SUM_TOLERANCE + Decimal("0.006") * abs(v)  # noqa: E731  VAT rounding grows with the amount
    if vat is None or abs(vat - total) <= tol(total):
        return []
    for name, value in witnesses.items():
        if abs(value - vat) <= tol(vat) and abs(value - total) > tol(total):
            return [Signal("sum_mismatch", 0.0, f"the VAT table and the {name} agree on {vat:.2f} but the total "
                                                f"printed is {total:.2f}")]
    shown = ", ".join(f"{k} {v:.2f}" for k, v in witnesses.items())
    if not any(abs(v - total) <= tol(total) for v in witnesses.values()):
        return [Signal("total_unsupported", 0.0, f"the total {total:.2f} matches neither the VAT table "
                                                 f"({vat:.2f}) nor {shown or 'any item'}")]
    return []


def editing_signals(extraction: Extraction, data: bytes) -> tuple[Signal, ...]:
    """Signs of editing or fabrication in one file; weights are set by the policy in `assess`."""
    out = metadata_signals(extraction.metadata)
    if not any(s.code == "screenshot" for s in out):
        out += screen_size_signal(data, extraction.metadata)
    out += screen_photo_signal(data, extraction.metadata)
    if extraction.ok:
        out += sum_signals(extraction.fields)
        out += photo_date_signal(extraction)
        out += error_level_signal(data, extraction.metadata)
    return tuple(out)
