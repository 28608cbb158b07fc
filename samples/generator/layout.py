"""From a purchase to the printed lines of a ticket, in one of many till styles.

`layout_receipt` returns the lines and a `printed` dict recording what actually made
it onto the paper (truncated item names, ticket text, whether the SIRET is there...),
from which the truth is built.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from . import formats as F
from .content import Purchase
from .places import STAFF

WIDTHS = (32, 40, 42, 44, 48)
GRAPHICS = ("logo", "barcode", "qr")
LOGO_SKIP = {"DE", "DU", "DES", "LA", "LE", "LES", "ET", "&", "L'", "D'", "AU", "AUX"}
QR_INVITES = ("Donnez-nous votre avis !", "Votre avis compte :", "Votre ticket en ligne :", "Suivez-nous")


@dataclass(frozen=True)
class PrintLine:
    """One printed line: columns placed left / mid (right-aligned at MID) / right, or centred."""

    left: str = ""
    right: str = ""
    mid: str = ""
    center: str = ""
    style: str = ""  # "", "bold", "tall" (double height), "big" (double height and width), "rule" (separator),
    #                  or a printed picture of `center`: "logo", "barcode" (Code 128), "qr" (see GRAPHICS)
    tag: str = ""  # "item:2", "total", "date"... lets the photographer find a line

    def text(self, width: int) -> str:
        if self.style in GRAPHICS:
            return ""  # a picture, no text
        if self.center:
            return self.center.center(width).rstrip()
        out = self.left
        if self.mid:
            room = width - 11 - len(self.mid)
            out = out.ljust(room) + self.mid
        if self.right:
            out = out.ljust(width - len(self.right) - 1) + " " + self.right
        return out.rstrip()


def _sep(ch: str, width: int) -> PrintLine:
    return PrintLine(left=ch * width, style="rule") if ch else PrintLine()


def _fit(name: str, room: int) -> str:
    return name[:room].rstrip(" .-/")


def layout_header(p: Purchase, rng: random.Random, width: int, out: list[PrintLine], printed: dict) -> None:
    shop = p.shop
    style = rng.choice(("big", "tall", "bold", "bold", "")) if len(shop.name) * 2 <= width else rng.choice(("tall", "bold", ""))
    out.append(PrintLine(center=shop.name, style=style, tag="shop"))
    if shop.sector == "salon" and rng.random() < 0.3:
        out.append(PrintLine(center=rng.choice(("COIFFURE MIXTE", "Coiffeur - Visagiste", "Salon de coiffure", "HOMMES - FEMMES - ENFANTS"))))
    out.append(PrintLine(center=shop.street))
    out.append(PrintLine(center=f"{shop.postal_code} {shop.city}"))
    if rng.random() < 0.85:
        out.append(PrintLine(center=rng.choice(("TEL ", "Tél. ", "Tel : ", "TEL: ")) + shop.phone))
    printed["siret_printed"] = bool(shop.siret) and rng.random() < 0.85
    if printed["siret_printed"]:
        out.append(PrintLine(center=F.siret_line(shop.siret, rng)))
    elif shop.siret is None:
        out.append(PrintLine(center=f"RCI {rng.randint(10, 99)}S{rng.randint(1000, 9999)}"))
    if shop.vat_id and rng.random() < 0.6:
        out.append(PrintLine(center=rng.choice(("TVA INTRA : ", "N° TVA ", "TVA ")) + shop.vat_id))
    if shop.sector == "salon" and rng.random() < 0.3:
        out.append(PrintLine(center=f"APE {rng.choice(('9602A', '9602B'))}"))


TABLE_TITLES = (("ARTICLE", "QTE", "P.U.", "TOTAL"), ("DESIGNATION", "QTE", "PRIX", "MONTANT"),
                ("Article", "Qté", "Prix", "Total"), ("LIBELLE", "QTY", "PU", "TOTAL"), ("PRODUIT", "QTE", "PRIX", "MONTANT"))


def layout_table(p: Purchase, rng: random.Random, width: int, money: F.Money, out: list[PrintLine], printed: dict) -> None:
    """Items under column titles (`Article Qte Prix Total`), as discounters' and DIY tills print them:
    the name, then the count and the unit price in columns, then the line's price."""
    name_t, qty_t, unit_t, total_t = rng.choice(TABLE_TITLES)
    with_unit = rng.random() < 0.7
    total_w = max(len(money.item(line.total)) for line in p.lines) + 1
    unit_w = max(len(money(line.unit_price)) for line in p.lines) + 1 if with_unit else 0
    qty_w = 4
    room = width - total_w - unit_w - qty_w - 1
    title = name_t.ljust(room) + qty_t.rjust(qty_w) + (unit_t.rjust(unit_w) if with_unit else "")
    out.append(PrintLine(left=title + " " + total_t.rjust(max(width - len(title) - 1, len(total_t))), tag="titles"))
    names = []
    for i, line in enumerate(p.lines):
        name = _fit(line.name, room - 1)
        if isinstance(line.quantity, float):  # weighed: one for the count, the weight below
            row = name.ljust(room) + "1".rjust(qty_w) + (money(line.total).rjust(unit_w) if with_unit else "")
            out.append(PrintLine(left=row, right=money.item(line.total), tag=f"item:{i}"))
            kg = f"{line.quantity:.3f}".replace(".", money.sep)
            out.append(PrintLine(left=f"  {kg} kg x {money(line.unit_price)} €/kg"))
        else:
            row = name.ljust(room) + str(line.quantity).rjust(qty_w) + (money(line.unit_price).rjust(unit_w) if with_unit else "")
            out.append(PrintLine(left=row, right=money.item(line.total), tag=f"item:{i}"))
        names.append(name)
    printed["item_names"] = names
    printed["vat_codes"] = {}


def layout_items(p: Purchase, rng: random.Random, width: int, money: F.Money, out: list[PrintLine], printed: dict) -> None:
    style = rng.choice(("simple", "qty_prefix", "star", "qty_below", "vat_code" if p.shop.sector == "supermarket" else "simple"))
    codes = {rate: "ABCD"[i] for i, rate in enumerate(sorted({line.vat_rate for line in p.lines}, key=Decimal))}
    printed["vat_codes"] = codes if style == "vat_code" else {}
    names = []
    prefix_form = rng.choice(("{} x ", "{} ", "{}x", "{} X "))
    for i, line in enumerate(p.lines):
        right = money.item(line.total) + (f" {codes[line.vat_rate]}" if style == "vat_code" else "")
        room = width - len(right) - 2
        weighed = isinstance(line.quantity, float)
        qty = f"{line.quantity:g}"
        if weighed and p.shop.sector == "fuel":  # the pump's litres and price per litre
            name = _fit(line.name, room)
            out.append(PrintLine(left=name, right=right, tag=f"item:{i}"))
            litres = f"{line.quantity:.2f}".replace(".", money.sep)
            price = f"{line.unit_price:.3f}".replace(".", money.sep)
            out.append(PrintLine(left=f"  {litres} L x {price} {rng.choice(('€/L', 'EUR/L', '€/l'))}"))
        elif weighed:
            name = _fit(line.name, room)
            out.append(PrintLine(left=name, right=right, tag=f"item:{i}"))
            kg = f"{line.quantity:.3f}".replace(".", money.sep)
            out.append(PrintLine(left=f"  {kg} kg x {money(line.unit_price)} €/kg"))
        elif style == "qty_prefix":
            prefix = prefix_form.format(qty)
            name = _fit(line.name, room - len(prefix))
            out.append(PrintLine(left=prefix + name, right=right, tag=f"item:{i}"))
        elif style == "star":
            mid = f"{qty}*{money(line.unit_price)}" if line.quantity != 1 or rng.random() < 0.5 else ""
            name = _fit(line.name, width - 12 - len(mid) - 1) if mid else _fit(line.name, room)
            out.append(PrintLine(left=name, mid=mid, right=right, tag=f"item:{i}"))
        else:
            name = _fit(line.name, room)
            out.append(PrintLine(left=name, right=right, tag=f"item:{i}"))
            if line.quantity != 1:
                out.append(PrintLine(left=f"   {qty} x {money(line.unit_price)}"))
        names.append(name)
    printed["item_names"] = names


def layout_totals(p: Purchase, rng: random.Random, width: int, money: F.Money, sep: str, out: list[PrintLine],
                  printed: dict) -> None:
    en = p.language == "en"
    count = sum(int(line.quantity) if isinstance(line.quantity, int) else 1 for line in p.lines)
    # Draw every style choice up front so two tickets of one till look alike whatever they contain.
    show_count, count_form, sub_draw = rng.random() < 0.6, rng.randrange(4), rng.random()
    sub_label, disc_label = rng.choice(F.SUBTOTAL_LABELS), rng.choice(F.DISCOUNT_LABELS)
    rule_before, rule_after = rng.random() < 0.6, rng.random() < 0.5
    label = rng.choice(F.TOTAL_LABELS_EN if en else F.TOTAL_LABELS)
    big, total_style = rng.random() < 0.45, rng.choice(("bold", "tall", ""))
    pay = rng.choice((F.PAYMENT_LABELS_EN if en else F.PAYMENT_LABELS)[p.payment])
    change_label = "CHANGE" if en else rng.choice(F.CHANGE_LABELS)
    if show_count:
        forms = (f"{count} ARTICLE(S)", f"NB ARTICLES : {count}", f"{count} ARTICLES", f"NOMBRE D'ARTICLES {count}")
        out.append(PrintLine(left=f"{count} ITEM(S)" if en else forms[count_form]))
    printed["subtotal_printed"] = sub_draw < (0.8 if p.discount > 0 else 0.2)
    if printed["subtotal_printed"]:
        out.append(PrintLine(left="SUBTOTAL" if en else sub_label, right=money(p.subtotal)))
    if p.discount > 0:
        out.append(PrintLine(left="LOYALTY DISCOUNT" if en else disc_label, right=money(-p.discount)))
    if sep and rule_before:
        out.append(_sep(sep, width))
    amount = money.total(p.total)
    big = big and (len(label) + len(amount) + 1) * 2 <= width
    out.append(PrintLine(left=label, right=amount, style="big" if big else total_style, tag="total"))
    printed["total_text"] = amount
    if sep and rule_after:
        out.append(_sep(sep, width))
    given = p.cash_given if p.cash_given is not None else p.total
    out.append(PrintLine(left=pay, right=money(given), tag="payment"))
    if p.payment == "cash" and given > p.total:
        out.append(PrintLine(left=change_label, right=money(given - p.total)))


def layout_vat(p: Purchase, rng: random.Random, width: int, money: F.Money, out: list[PrintLine], printed: dict) -> None:
    vat = p.vat()
    form = rng.choice(("table", "table", "dont", "short", "none"))
    printed["vat"] = [] if form == "none" else vat
    if form == "none":
        return
    pct = lambda rate: rate.replace(".", money.sep) + "%"  # noqa: E731
    en = p.language == "en"
    if form == "table":
        codes = printed.get("vat_codes") or {}
        out.append(PrintLine(left="VAT" if en else "TVA", mid="HT" if width >= 40 else "", right="TVA" if not en else "VAT"))
        for rate, base, tax in vat:
            code = f"{codes[rate]} " if rate in codes else ""
            out.append(PrintLine(left=f"{code}{pct(rate)}", mid=money(base) if width >= 40 else "", right=money(tax)))
    elif form == "dont":
        for rate, _, tax in vat:
            out.append(PrintLine(left=f"{'incl. VAT' if en else 'Dont TVA'} {pct(rate)}", right=money(tax)))
    else:
        for rate, _, tax in vat:
            out.append(PrintLine(left=f"{'VAT' if en else 'T.V.A'} {pct(rate)}", right=money(tax)))


def layout_footer(p: Purchase, rng: random.Random, width: int, out: list[PrintLine], printed: dict, card_block: bool) -> None:
    en = p.language == "en"
    staff_label = rng.choice(("Vous avez été servi(e) par : ", "Coiffeur : ", "Hôte : "))
    if p.staff and not en:
        out.append(PrintLine(left=staff_label + p.staff))
    if p.shop.sector in ("restaurant", "bakery") and not en:
        ticket, rows = _shop_footer(p, rng)
        printed["ticket"] = ticket
        out.extend(rows)
    elif p.shop.sector == "supermarket" and not en and rng.random() < 0.5:
        text, ticket = F.till_line(p.ticket, p.till, rng.randint(1, 400), p.when)
        out.append(PrintLine(left=text, tag="date"))
        printed["ticket"] = ticket
    else:
        line = F.date_line(p.when, rng, p.language)
        if rng.random() < 0.88:
            tline, ticket = F.ticket_line(p.ticket, p.till, p.when, rng, p.language)
            printed["ticket"] = ticket
            rows = [PrintLine(left=tline), PrintLine(left=line, tag="date")]
            out.extend(rows if rng.random() < 0.5 else rows[::-1])
        else:
            printed["ticket"] = None
            out.append(PrintLine(left=line, tag="date"))
    if card_block and p.payment in ("card", "contactless"):
        out.append(PrintLine())
        amount = f"{p.total:.2f}".replace(".", ",") + " EUR"
        for align, text in F.card_block(p.shop.name, p.shop.city, p.shop.postal_code, amount, p.when,
                                        p.payment == "contactless", rng):
            out.append(PrintLine(center=text) if align == "c" else PrintLine(left=text))
        out.append(PrintLine())
    out.append(PrintLine(center="THANK YOU FOR YOUR VISIT" if en else rng.choice(F.THANKS), style=rng.choice(("", "bold"))))
    if rng.random() < 0.4 and not en:
        out.append(PrintLine(center=rng.choice(F.FOOTNOTES)))


def _shop_footer(p: Purchase, rng: random.Random) -> tuple[str, list[PrintLine]]:
    """A restaurant's bill number (`Note n° 1587`) or a bakery's number on the date's line
    (`22/11/26 09:14 N°0231`): the ticket as the truth records it, and the rows."""
    when = p.when
    if p.shop.sector == "restaurant":
        number = str(p.ticket % 10000)
        label = rng.choice(("Note n° ", "NOTE N° ", "Addition n° ", "Facture N° ", "Note : "))
        rows = [PrintLine(left=label + number), PrintLine(left=F.date_line(when, rng, "fr"), tag="date")]
        return number, rows if rng.random() < 0.5 else rows[::-1]
    number = f"{p.ticket % 10000:04d}"
    form = rng.randrange(3)
    if form == 0:
        return number, [PrintLine(left=f"{when:%d/%m/%y} {when:%H:%M} N°{number}", tag="date")]
    if form == 1:
        return number, [PrintLine(left=f"Ticket {number}   {when:%d/%m/%Y} {when:%H:%M}", tag="date")]
    return number, [PrintLine(left=f"{when:%d/%m/%Y}  {when:%H:%M}  N° {number}", tag="date")]


def layout_service(p: Purchase, rng: random.Random, out: list[PrintLine]) -> None:
    """What a restaurant or a filling station prints above the items: table and guests, the pump."""
    if p.shop.sector == "restaurant":
        table, guests = rng.randint(1, 40), rng.randint(1, 6)
        out.append(PrintLine(left=rng.choice((f"Table {table}   Couverts {guests}", f"TABLE : {table}   COUV : {guests}",
                                              f"Table n° {table} - {guests} pers."))))
        if rng.random() < 0.6:
            out.append(PrintLine(left=rng.choice(("Serveur : ", "Servi par ", "SERVEUR ")) + rng.choice(STAFF)))
    elif p.shop.sector == "fuel" and rng.random() < 0.7:
        out.append(PrintLine(left=rng.choice(("Pompe n° ", "POMPE ", "Pompe : ")) + str(rng.randint(1, 12))))


def layout_graphics(p: Purchase, rng: random.Random, out: list[PrintLine]) -> None:
    """What many tills print besides text: the shop's logo above its name (an emblem with its
    initials, or a pictogram), and under the ticket a barcode of the till and ticket numbers,
    a QR code (a survey, the e-ticket), or both."""
    if rng.random() < 0.8:
        words = [w for w in p.shop.name.replace("'", "' ").split() if w not in LOGO_SKIP and w[0].isalpha()]
        initials = "".join(w[0] for w in words[:3]) or p.shop.name[:2]
        out.insert(0, PrintLine(center=initials, style="logo"))
    kind = rng.choice(("barcode", "qr", "both", "barcode"))
    if kind in ("barcode", "both"):
        out.append(PrintLine())
        out.append(PrintLine(center=f"{p.till % 1000:03d}{p.ticket % 10**9:09d}", style="barcode"))
    if kind in ("qr", "both"):
        out.append(PrintLine(center=rng.choice(QR_INVITES)))
        slug = "".join(c for c in p.shop.name.lower() if c.isalnum())[:16]
        out.append(PrintLine(center=f"https://ticket.{slug}.fr/t/{p.till % 1000:03d}{p.ticket % 10**9:09d}", style="qr"))


def layout_receipt(p: Purchase, rng: random.Random, *, duplicata: bool = False, e_ticket: bool = False,
                   card_block: bool | None = None, table: bool = False,
                   graphics: bool = False) -> tuple[list[PrintLine], dict, int]:
    """Lines of a full till ticket, what was printed, and the width in characters."""
    # Each section draws from its own stream, so one till prints two purchases the same way.
    base = rng.getrandbits(64)
    section = lambda n: random.Random(base + n)  # noqa: E731
    rng = section(0)
    width = rng.choice(WIDTHS)
    if table:
        width = max(width, 40)  # columns need the room
    money = F.pick_money(rng, p.language)
    sep = rng.choice(("=", "-", "*", "-", "=", ""))
    out: list[PrintLine] = []
    printed: dict = {"shop_name": p.shop.name}
    if e_ticket:
        out.append(PrintLine(center=rng.choice(("TICKET DEMATERIALISE", "Votre ticket de caisse", "E-TICKET"))))
    layout_header(p, section(1), width, out, printed)
    if duplicata:
        out.insert(rng.choice((0, len(out))), PrintLine(center=rng.choice(("*** DUPLICATA ***", "DUPLICATA", "-- DUPLICATA --", "REIMPRESSION DUPLICATA")), style="bold"))
    out.append(_sep(sep, width))
    printed["beneficiary"] = None
    if p.beneficiary and p.language == "fr":
        out.append(PrintLine(left=rng.choice(("Client : ", "Cliente : ", "Client(e) : ", "Nom : ")) + p.beneficiary))
        printed["beneficiary"] = p.beneficiary
    if p.shop.sector in ("restaurant", "fuel"):
        layout_service(p, section(6), out)
    (layout_table if table else layout_items)(p, section(2), width, money, out, printed)
    out.append(_sep(sep, width))
    layout_totals(p, section(3), width, money, sep, out, printed)
    out.append(PrintLine())
    layout_vat(p, section(4), width, money, out, printed)
    if sep:
        out.append(_sep(sep, width))
    cb = rng.random() < 0.3 if card_block is None else card_block
    layout_footer(p, section(5), width, out, printed, cb and not e_ticket)
    if graphics:
        layout_graphics(p, section(7), out)
    return out, printed, width


def layout_card_slip(p: Purchase, rng: random.Random) -> tuple[list[PrintLine], dict, int]:
    """A card-terminal slip alone: no items, no SIRET, just the merchant and MONTANT."""
    width = rng.choice((24, 28, 32))
    name = p.shop.name[:width]
    amount = f"{p.total:.2f}".replace(".", ",") + " EUR"
    out = [PrintLine()]
    for align, text in F.card_block(name, p.shop.city, p.shop.postal_code, amount, p.when, p.payment == "contactless", rng):
        tag = "total" if text == amount else "date" if text.startswith("LE ") else ""
        out.append(PrintLine(center=text, tag=tag) if align == "c" else PrintLine(left=text, tag=tag))
    out.append(PrintLine())
    return out, {"shop_name": name, "item_names": [], "total_text": amount}, width
