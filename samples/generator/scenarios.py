"""One function per scenario: purchase -> printed paper -> photo, scan or PDF -> sample."""

from __future__ import annotations

import hashlib
import io
import random
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal
from typing import Literal

import numpy as np
from PIL import Image

from . import marks
from .content import Purchase, fmt, lookalike_of, make_purchase, truth_of
from .layout import PrintLine, layout_card_slip, layout_receipt
from .pdf import image_pdf, text_pdf
from .photograph import photograph, photograph_screen, scan
from .render import Paper, render_paper, to_rgb

SCENARIOS = ("photo", "scan", "pdf_text", "pdf_image", "card_slip", "duplicata", "underlined", "rephoto",
             "lookalike", "edited", "screen", "more_shops", "scan_fine", "photo_12mp", "logo_codes")
# photos of the tickets the main mix lacks: restaurant bills, bakeries, filling stations, items in a titled table
MORE_SHOPS = ("restaurant", "bakery", "fuel", "table")
PAIRS = ("rephoto", "lookalike")
FINE_SCAN_DPI = 600
FULL_SIZE_PHOTO = 4032  # a 12-megapixel phone camera's long side (4032 x 3024), uploaded as taken
SECTORS = ("salon", "supermarket", "fastfood", "diy", "beauty")
SECTOR_WEIGHTS = (55, 20, 7, 7, 11)
PHONES = (("Apple", "iPhone 13"), ("Apple", "iPhone 15 Pro"), ("samsung", "SM-A536B"), ("Xiaomi", "Redmi Note 12"),
          ("Google", "Pixel 7a"), ("HUAWEI", "VOG-L29"), ("OPPO", "CPH2205"))
EDITORS = ("Adobe Photoshop 25.3 (Windows)", "GIMP 2.10.36", "Snapseed 2.0", "PicsArt")


@dataclass(frozen=True)
class GeneratedSample:
    """One generated file and what the pipeline must read from it."""

    name: str
    scenario: str
    kind: Literal["jpeg", "png", "pdf"]
    data: bytes = field(repr=False)
    truth: dict = field(repr=False)
    paper_id: str  # the physical paper: two photos of one paper share it
    purchase_key: str  # the purchase: a reprint or a second photo of it shares it

    @property
    def filename(self) -> str:
        return f"{self.name}.{'jpg' if self.kind == 'jpeg' else self.kind}"


@dataclass
class Ticket:
    purchase: Purchase
    lines: list[PrintLine]
    printed: dict
    width: int
    paper: Paper
    rgb: np.ndarray  # the paper in colour, with pen strokes and stamps on it
    truth: dict


def seeded(seed: int, *parts: object) -> random.Random:
    """A Random independent of PYTHONHASHSEED, derived from the seed and a purpose."""
    digest = hashlib.sha256(":".join(map(str, (seed, *parts))).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def print_ticket(rng: random.Random, purchase: Purchase, scenario: str, *, slip: bool = False, duplicata: bool = False,
                 e_ticket: bool = False, font_index: int | None = None, layout_seed: int | None = None,
                 table: bool = False, graphics: bool = False) -> Ticket:
    lrng = random.Random(layout_seed) if layout_seed is not None else rng
    if slip:
        lines, printed, width = layout_card_slip(purchase, lrng)
    else:
        lines, printed, width = layout_receipt(purchase, lrng, duplicata=duplicata, e_ticket=e_ticket, table=table,
                                               graphics=graphics)
    markers = ["card_slip"] if slip else ["duplicata"] if duplicata else ["e_ticket"] if e_ticket else []
    truth = truth_of(purchase, printed, scenario, markers)
    cachet = purchase.shop.sector == "salon" and not slip and rng.random() < 0.25
    rrng = random.Random(layout_seed + 1) if layout_seed is not None else rng  # same till, same printer
    paper = render_paper(lines, width, rrng, bottom_extra=260 if cachet else 0)
    rgb = to_rgb(paper.grey, rng)
    h, w = paper.alpha.shape
    if cachet:
        shop = purchase.shop
        text = [shop.name, shop.street, f"{shop.postal_code} {shop.city}"] + ([f"SIRET {shop.siret}"] if shop.siret else [])
        marks.stamp(rgb, text, (w // 2 + rng.randint(-60, 60), h - 170), rng, size=max(14, w // 34), angle=rng.uniform(-12, 12))
        truth["stamp"] = True
        if shop.siret and not truth["retailer"]["siret"]:
            # the stamp prints the SIRET the header lacks: reading it there is right, missing it too
            truth["stamp_siret"] = shop.siret
    if duplicata and rng.random() < 0.5:
        marks.stamp(rgb, ["DUPLICATA"], (w // 2, h // 2 + rng.randint(-h // 5, h // 5)), rng, size=w // 7,
                    angle=rng.uniform(25, 55), box=rng.random() < 0.5, strength=rng.uniform(0.5, 0.8),
                    color=rng.choice(((90, 90, 90), (170, 40, 50), (110, 50, 140))))
    return Ticket(purchase, lines, printed, width, paper, rgb, truth)


def _jpeg(rgb: np.ndarray, rng: random.Random, quality: int | None = None, *, exif_phone: bool = True,
          when=None, software: str | None = None, dpi: int | None = None, info: dict | None = None) -> bytes:
    """Encode as a phone or scanner would; `info` (capture facts) learns the quality and orientation."""
    img = Image.fromarray(rgb)
    exif = Image.Exif()
    if exif_phone:
        make, model = rng.choice(PHONES)
        exif[0x010F], exif[0x0110] = make, model
        if when is not None:
            taken = when + timedelta(minutes=rng.randint(1, 60 * 24 * 20))
            exif[0x0132] = taken.strftime("%Y:%m:%d %H:%M:%S")
            exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
        if rng.random() < 0.1:  # sensor stored sideways; the viewer must apply EXIF orientation
            img = img.transpose(Image.Transpose.ROTATE_90)
            exif[0x0112] = 6
            if info is not None:
                info["exif_orientation"] = 6
    if software:
        exif[0x0131] = software
    buf = io.BytesIO()
    kwargs = {"dpi": (dpi, dpi)} if dpi else {}
    quality = quality or rng.randint(60, 92)
    if info is not None:
        info["jpeg_quality"] = quality
        if software:
            info["software"] = software
    img.save(buf, "JPEG", quality=quality, exif=exif.tobytes(), **kwargs)
    return buf.getvalue()


def _png(img: np.ndarray, dpi: int) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "PNG", dpi=(dpi, dpi), compress_level=6)
    return buf.getvalue()


def _sample(name: str, scenario: str, kind: str, data: bytes, capture: dict, *, ticket: Ticket,
            paper_id: str) -> GeneratedSample:
    truth = dict(ticket.truth, paper_id=paper_id, purchase_key=ticket.purchase.key, capture=capture)
    return GeneratedSample(name, scenario, kind, data, truth, paper_id, ticket.purchase.key)


def _paper_id(seed: int, scenario: str, which: str = "") -> str:
    return hashlib.sha256(f"paper:{seed}:{scenario}:{which}".encode()).hexdigest()[:16]


def _declarable_purchase(rng: random.Random) -> Purchase:
    while True:
        p = make_purchase(rng, rng.choices(("salon", "beauty"), weights=(85, 15))[0])
        if any(line.kind for line in p.lines):
            return p


def _underline(ticket: Ticket, rng: random.Random) -> None:
    chosen = [i for i, line in enumerate(ticket.purchase.lines) if line.kind and f"item:{i}" in ticket.paper.lines]
    color = rng.choice(marks.PENS)
    for i in chosen:
        x0, y0, x1, y1 = ticket.paper.lines[f"item:{i}"]
        if rng.random() < 0.4:  # only the product name
            x1 = ticket.paper.cols[f"item:{i}"].get("left", ((x0, y0, x1, y1), ""))[0][2]
        marks.underline(ticket.rgb, (x0, y0, x1, y1), rng, color)
    ticket.truth["underlined"] = chosen


def _edit(ticket: Ticket, photo: np.ndarray, homography: np.ndarray, rng: random.Random) -> np.ndarray:
    """Alter the total (or the date) on the photo and make the truth say what is now visible."""
    p, paper, truth = ticket.purchase, ticket.paper, ticket.truth
    date_cols = paper.cols.get("date", {})
    if rng.random() < 0.3 and "left" in date_cols:
        box, text = date_cols["left"]
        new_day = p.when.day + rng.choice((-3, -2, -1, 1, 2, 3)) if 4 <= p.when.day <= 25 else 12
        new_text = marks._swap_day(text, p.when.day, new_day)
        if new_text and new_text != text:
            truth["edit"] = {"field": "date", "original": truth["date"]}
            truth["date"] = p.when.replace(day=new_day).strftime("%Y-%m-%d")
            truth["edited"] = True
            return marks.forge(photo, homography, box, new_text, paper.text_height, rng, align="left")
    total_cols = paper.cols["total"]
    col = "right" if "right" in total_cols else "center"
    box, text = total_cols[col]
    new_total = p.total + rng.choice((Decimal("10.00"), Decimal("20.00"), Decimal("9.00"), p.total, Decimal("40.00")))
    truth["edit"] = {"field": "total", "original": truth["total"]}
    truth["total"] = fmt(new_total)
    truth["edited"] = True
    return marks.forge(photo, homography, box, marks._swap_amount(text, fmt(new_total)), paper.text_height, rng,
                       align="right" if col == "right" else "left")


def _photo_bytes(ticket: Ticket, rng: random.Random, **kw) -> tuple[bytes, dict]:
    img, _, info = photograph(ticket.rgb, ticket.paper.alpha, rng, **kw)
    return _jpeg(img, rng, when=ticket.purchase.when, info=info), info


def _scan_bytes(ticket: Ticket, rng: random.Random) -> tuple[str, bytes, dict]:
    dpi = rng.choice((200, 240, 300, 300))
    img, _, info = scan(ticket.rgb, ticket.paper.alpha, rng, dpi)
    if rng.random() < 0.6:
        grey = img.mean(axis=2).astype(np.uint8) if rng.random() < 0.6 else img
        return "png", _png(grey, dpi), info
    return "jpeg", _jpeg(img, rng, rng.randint(75, 92), exif_phone=False, dpi=dpi, info=info), info


def build(seed: int, scenario: str) -> list[GeneratedSample]:
    """All samples of one scenario instance: one, or two for the pair scenarios."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose from {', '.join(SCENARIOS)}")
    rng = seeded(seed, scenario)
    name = f"{scenario.replace('_', '-')}-{seed:06d}"
    pid = _paper_id(seed, scenario)
    if scenario in ("underlined", "rephoto", "edited"):
        purchase = _declarable_purchase(rng) if scenario != "edited" else make_purchase(rng, rng.choices(SECTORS, SECTOR_WEIGHTS)[0])
    elif scenario == "more_shops":
        shop_kind = rng.choice(MORE_SHOPS)
        purchase = make_purchase(rng, rng.choice(("supermarket", "diy")) if shop_kind == "table" else shop_kind)
        ticket = print_ticket(rng, purchase, scenario, table=shop_kind == "table")
        ticket.truth["shop_kind"] = shop_kind
        return [_sample(name, scenario, "jpeg", *_photo_bytes(ticket, rng), ticket=ticket, paper_id=pid)]
    elif scenario == "card_slip":
        purchase = make_purchase(rng, rng.choices(SECTORS, SECTOR_WEIGHTS)[0])
        purchase = replace(purchase, payment=rng.choice(("card", "contactless")), cash_given=None)
    else:
        purchase = make_purchase(rng, rng.choices(SECTORS, (70, 10, 4, 4, 12) if scenario == "lookalike" else SECTOR_WEIGHTS)[0])
    if scenario == "pdf_text":
        ticket = print_ticket(rng, purchase, scenario, e_ticket=True)
        lines = [(line.text(ticket.width), line.style in ("bold", "tall", "big")) for line in ticket.lines]
        a4 = rng.random() < 0.5
        data = text_pdf(lines, width_chars=ticket.width, a4=a4, when=purchase.when,
                        producer=rng.choice(("Caisse Salon Pro 4.2", "TPV Coiffure 3.1", "e-Ticket Service 2.0")))
        return [_sample(name, scenario, "pdf", data, {"device": "e-ticket", "a4": a4}, ticket=ticket, paper_id=pid)]
    if scenario == "pdf_image":
        ticket = print_ticket(rng, purchase, scenario)
        dpi = rng.choice((150, 200, 300))
        img, _, info = scan(ticket.rgb, ticket.paper.alpha, rng, dpi)
        jpeg = _jpeg(img.mean(axis=2).astype(np.uint8) if rng.random() < 0.5 else img, rng, rng.randint(70, 90),
                     exif_phone=False, info=info)
        data = image_pdf(jpeg, dpi=dpi, producer=rng.choice(("Scan2PDF 1.3", "ScanSnap Manager", "Microsoft: Print To PDF")), when=purchase.when)
        return [_sample(name, scenario, "pdf", data, info, ticket=ticket, paper_id=pid)]
    if scenario == "scan":
        ticket = print_ticket(rng, purchase, scenario)
        kind, data, info = _scan_bytes(ticket, rng)
        return [_sample(name, scenario, kind, data, info, ticket=ticket, paper_id=pid)]
    if scenario == "scan_fine":
        # a scanner left at 600 dpi: letters twice as tall as at 300 (~40-50 px), the file still
        # a JPEG under the 5 MB limit; left out of the default mixes (`--mix scan_fine:1`)
        ticket = print_ticket(rng, purchase, scenario)
        img, _, info = scan(ticket.rgb, ticket.paper.alpha, rng, FINE_SCAN_DPI)
        data = _jpeg(img, rng, rng.randint(75, 92), exif_phone=False, dpi=FINE_SCAN_DPI, info=info)
        return [_sample(name, scenario, "jpeg", data, info, ticket=ticket, paper_id=pid)]
    if scenario == "logo_codes":
        # a logo above the shop's name, a barcode and/or a QR code under the ticket, as many
        # tills print them; left out of the default mixes (`--mix logo_codes:1`)
        ticket = print_ticket(rng, purchase, scenario, graphics=True)
        return [_sample(name, scenario, "jpeg", *_photo_bytes(ticket, rng), ticket=ticket, paper_id=pid)]
    if scenario == "photo_12mp":
        # the photo as the camera took it, not scaled down by an app: letters ~30-45 px tall;
        # left out of the default mixes (`--mix photo_12mp:1`)
        ticket = print_ticket(rng, purchase, scenario)
        return [_sample(name, scenario, "jpeg", *_photo_bytes(ticket, rng, height=FULL_SIZE_PHOTO), ticket=ticket,
                        paper_id=pid)]
    if scenario == "card_slip":
        ticket = print_ticket(rng, purchase, scenario, slip=True)
        return [_sample(name, scenario, "jpeg", *_photo_bytes(ticket, rng), ticket=ticket, paper_id=pid)]
    if scenario == "duplicata":
        ticket = print_ticket(rng, purchase, scenario, duplicata=True)
        if rng.random() < 0.3:
            kind, data, info = _scan_bytes(ticket, rng)
            return [_sample(name, scenario, kind, data, info, ticket=ticket, paper_id=pid)]
        return [_sample(name, scenario, "jpeg", *_photo_bytes(ticket, rng), ticket=ticket, paper_id=pid)]
    if scenario == "rephoto":
        ticket = print_ticket(rng, purchase, scenario)
        if rng.random() < 0.6:
            _underline(ticket, rng)
        first = _photo_bytes(ticket, seeded(seed, scenario, "a"))
        second = _photo_bytes(ticket, seeded(seed, scenario, "b"), tilt=1.6, light=1.4)
        return [_sample(f"{name}-a", scenario, "jpeg", *first, ticket=ticket, paper_id=pid),
                _sample(f"{name}-b", scenario, "jpeg", *second, ticket=ticket, paper_id=pid)]
    if scenario == "lookalike":
        layout_seed = rng.getrandbits(32)
        other = lookalike_of(rng, purchase)
        out = []
        for suffix, p in (("a", purchase), ("b", other)):
            ticket = print_ticket(rng, p, scenario, layout_seed=layout_seed)
            out.append(_sample(f"{name}-{suffix}", scenario, "jpeg", *_photo_bytes(ticket, rng), ticket=ticket,
                               paper_id=_paper_id(seed, scenario, suffix)))
        return out
    if scenario == "screen":  # a photo of the receipt's scan or photo shown on a monitor or phone screen
        ticket = print_ticket(rng, purchase, scenario)
        source = "scan" if rng.random() < 0.6 else "photo"
        if source == "scan":
            shown, _, _ = scan(ticket.rgb, ticket.paper.alpha, rng, rng.choice((150, 200, 300)))
        else:
            shown, _, _ = photograph(ticket.rgb, ticket.paper.alpha, rng, tilt=0.5)
        img, info = photograph_screen(shown, rng)
        info["source"] = source
        return [_sample(name, scenario, "jpeg", _jpeg(img, rng, when=purchase.when, info=info), info, ticket=ticket,
                        paper_id=pid)]
    ticket = print_ticket(rng, purchase, scenario)
    if scenario == "underlined":
        _underline(ticket, rng)
    if scenario == "edited":
        img, homography, info = photograph(ticket.rgb, ticket.paper.alpha, rng, tilt=0.6)
        img = _edit(ticket, img, homography, rng)
        software = rng.choice(EDITORS) if rng.random() < 0.5 else None
        data = _jpeg(img, rng, rng.randint(85, 95), exif_phone=rng.random() < 0.5, when=purchase.when,
                     software=software, info=info)
        return [_sample(name, scenario, "jpeg", data, info, ticket=ticket, paper_id=pid)]
    return [_sample(name, scenario, "jpeg", *_photo_bytes(ticket, rng), ticket=ticket, paper_id=pid)]
