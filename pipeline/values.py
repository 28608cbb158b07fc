"""Frozen values passed between stages.

The stages, in order (see `pipeline.extract.extract_receipt`):

    bytes --check_file--> CheckedFile --decode_pages--> DecodedDocument
          --prepare_page--> PreparedPage --read_page--> Reading
          --parse_receipt--> ReceiptFields --check_completeness--> Extraction

Amounts are `Decimal` with two places; dates are `datetime.date`; times "HH:MM".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

import numpy as np

FileKind = Literal["jpeg", "png", "pdf"]


@dataclass(frozen=True)
class CheckedFile:
    """An upload whose bytes passed the format and size checks."""

    name: str
    data: bytes = field(repr=False)
    kind: FileKind
    sha256: str
    size: int


@dataclass(frozen=True)
class PageImage:
    """One decoded page: an upright 8-bit BGR image, or a PDF page's text layer."""

    index: int
    image: np.ndarray | None = field(repr=False)  # HxWx3 uint8 BGR, EXIF orientation applied
    text_layer: str | None = None  # text of a PDF page that carries one (e-ticket)
    dpi: float | None = None  # known for rendered PDF pages
    orientation: int = 1  # the EXIF orientation that was applied to the stored pixels (1: none)


@dataclass(frozen=True)
class DecodedDocument:
    """What the decoders made of a checked file, plus metadata for the fraud stage."""

    file: CheckedFile
    pages: tuple[PageImage, ...]
    metadata: dict[str, str] = field(default_factory=dict)  # EXIF Software, PDF Producer, ...


@dataclass(frozen=True)
class Legibility:
    """Measured figures used to refuse what a moderator could not read either."""

    sharpness: float  # variance of the Laplacian on the receipt, at the normalised scale
    brightness: float  # mean grey level of the receipt, 0-255
    contrast: float  # spread between ink and paper grey levels
    text_height: float  # median character height in pixels, in the original image


@dataclass(frozen=True)
class PreparedPage:
    """A page after OpenCV preprocessing, ready for OCR."""

    index: int
    image: np.ndarray = field(repr=False)  # HxW uint8 grey, receipt only, upright, normalised scale
    scale: float  # factor applied from the original receipt crop to `image`
    legibility: Legibility
    underlines: tuple[tuple[int, int, int, int], ...] = ()  # pen strokes found (x, y, w, h) in `image`
    steps: tuple[str, ...] = ()  # what was done, for the audit trail ("found_receipt", "deskew:-2.1", ...)
    # `image` before dark pen strokes were inpainted (same geometry); None when there were none
    unerased: np.ndarray | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Word:
    text: str
    conf: float  # 0-100
    box: tuple[int, int, int, int]  # x, y, w, h in the prepared image


@dataclass(frozen=True)
class Line:
    """One text line as read by an engine, top to bottom."""

    text: str
    conf: float  # mean word confidence, 0-100
    box: tuple[int, int, int, int]
    words: tuple[Word, ...] = ()
    underlined: bool = False  # a pen stroke runs under this line


@dataclass(frozen=True)
class Reading:
    """The lines of one page as one engine read them."""

    engine: str  # "tesseract", "rapidocr", "text-layer"
    engine_version: str
    lines: tuple[Line, ...]
    page: int = 0
    seconds: float = 0.0
    variant: str = ""  # which preprocessing/psm variant produced it

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True)
class Retailer:
    name: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    siret: str | None = None


@dataclass(frozen=True)
class Item:
    name: str
    quantity: Decimal  # units, or kilograms for weighed goods
    price: Decimal  # line total
    underlined: bool = False


@dataclass(frozen=True)
class VatLine:
    rate: Decimal  # percent, e.g. Decimal("20.00")
    amount: Decimal


@dataclass(frozen=True)
class Tender:
    """What paid part of the total: a means of payment and its share (cash net of change)."""

    method: str  # as `ReceiptFields.payment`
    amount: Decimal | None  # None when the ticket does not say


@dataclass(frozen=True)
class ReceiptFields:
    """Everything the parser found; any field may be missing (None / empty)."""

    retailer: Retailer = Retailer()
    date: date | None = None
    time: str | None = None  # "HH:MM"
    ticket: str | None = None
    beneficiary: str | None = None
    items: tuple[Item, ...] = ()
    discounts: Decimal = Decimal(0)  # discount lines among the items (loyalty, vouchers), negative
    subtotal: Decimal | None = None
    vat: tuple[VatLine, ...] = ()
    total: Decimal | None = None
    currency: str | None = None  # ISO 4217, "EUR"
    payment: str | None = None  # "card", "cash", "cheque", "meal_voucher", "contactless", "other"
    # every means that paid, with its share: two or more when the total was split (a meal
    # voucher and a card); the one `payment` for the whole total otherwise
    payments: tuple[Tender, ...] = ()
    markers: tuple[str, ...] = ()  # "duplicata", "card_slip", "e_ticket"
    confidence: dict[str, float] = field(default_factory=dict)  # field name -> 0..1


@dataclass(frozen=True)
class Extraction:
    """The outcome of reading one file: fields, or a refusal with its reason."""

    file: str
    sha256: str | None
    ok: bool
    fields: ReceiptFields
    error_code: str | None = None
    error_message: str | None = None
    readings: tuple[Reading, ...] = ()
    legibility: Legibility | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
