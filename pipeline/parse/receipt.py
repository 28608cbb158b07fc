"""`parse_receipt`: OCR lines of one French till receipt -> `ReceiptFields`.

The steps, in order: clean the lines (separators out, folded and repaired forms);
shop header; date and time; ticket and beneficiary; the item zone (above the
first total line); amounts below it (total, subtotal, VAT, payments); markers;
then one confidence per field.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from pipeline.parse import labels as L
from pipeline.parse import totals as T
from pipeline.parse.dates import pick_date, pick_time
from pipeline.parse.items import (article_count, counts_mended, items_counted, parse_items, reconcile_prices,
                                   recover_items, separators_restored, split_thousands)
from pipeline.parse.markers import is_card_slip, is_duplicata
from pipeline.parse.retailer import parse_retailer
from pipeline.parse.text import TextLine, clean_lines
from pipeline.parse.ticket import find_beneficiary, find_ticket
from pipeline.values import Line, ReceiptFields

log = logging.getLogger(__name__)

CHANGE_ONLY_CONF = 0.7  # a payment told by the change given back, its own line unread


def _item_zone_end(lines: list[TextLine]) -> int:
    end = T.first_total_line(lines)
    if end is not None:
        return end
    for i, line in enumerate(lines):
        if T.payment_method(line) and T.amounts_of(line):
            return i
    return len(lines)


def _discounts_below(lines: list[TextLine], start: int) -> Decimal:
    """The discounts (loyalty, vouchers) printed under line `start`, down to the next total,
    payment or change line, as a negative sum."""
    cut = Decimal(0)
    for line in lines[start + 1 :]:
        if T.label_priority(line) >= 80 or T.payment_method(line) or L.CHANGE.search(line.labels):
            break
        found = T.amounts_of(line)
        if found and found[-1].value < 0 and L.DISCOUNT.search(line.labels):
            cut += found[-1].value
    return cut


def _discounts_after(lines: list[TextLine], candidates: list[T.Candidate]) -> dict[int, Decimal]:
    """Per total line: the discounts printed below it, as a negative sum."""
    return {c.line: cut for c in candidates if (cut := _discounts_below(lines, c.line))}


def _subtotal_net(lines: list[TextLine], subtotal: tuple[Decimal, float, int] | None) -> Decimal | None:
    """The subtotal less the discounts printed between it and the next total line (`SOUS-TOTAL
    179,79` / `AVANTAGE FIDELITE -2,00` / `TOTAL 177,79`): what the total should read. None
    without a discount there (the subtotal alone may be before discounts read elsewhere)."""
    if subtotal is None:
        return None
    cut = _discounts_below(lines, subtotal[2])
    return subtotal[0] + cut if cut and subtotal[0] + cut > 0 else None


def parse_lines(lines: list[TextLine]) -> ReceiptFields:
    """Fields of already cleaned lines (see `text.clean_lines`)."""
    conf: dict[str, float] = {}
    retailer, retailer_conf = parse_retailer(lines)
    conf.update(retailer_conf)

    picked = pick_date(lines)
    if picked:
        conf["date"] = picked.conf
    time = pick_time(lines, picked.line if picked else None)
    if time:
        conf["time"] = time[1]
    ticket = find_ticket(lines)
    if ticket:
        conf["ticket"] = ticket[1]
    beneficiary = find_beneficiary(lines)
    if beneficiary:
        conf["beneficiary"] = beneficiary[1]

    end = _item_zone_end(lines)
    found_items = parse_items(lines, 0, end)
    counted = items_counted(found_items.items, found_items.unsettled, article_count(lines))
    if counted is not None:  # `COCA 50CL 7,40` over `SR 3570`, and `3 ARTICLES`
        found_items = replace(found_items, items=counted)
    else:
        mended = counts_mended(found_items.items, found_items.bare_counts, article_count(lines))
        if mended is not None:  # `VIS BOIS 4X40 BTE200 18 98,00` over `NOMBRE D'ARTICLES 12` (10 read 18)
            found_items = replace(found_items, items=mended)
    if found_items.items:
        conf["items"] = found_items.conf

    subtotal = T.find_subtotal(lines)
    vat, vat_ttc, vat_conf = T.find_vat(lines[end:] if end < len(lines) else lines)
    if vat:
        conf["vat"] = vat_conf
    if subtotal:
        conf["subtotal"] = round(subtotal[1], 3)
    payments, change = T.find_payments(lines, end if end < len(lines) else 0)
    method = T.choose_method(payments)
    if method is None and change:
        # `MONNAIE RENDUE 29,90` under an amount whose `ESPECES` was lost: only cash gives change
        method = "cash", CHANGE_ONLY_CONF
    if method:
        conf["payment"] = method[1]

    candidates = T.total_candidates(lines)
    paid = T.paid_amounts(payments, change)
    vouched = paid | {v for v in (vat_ttc, subtotal[0] if subtotal else None) if v is not None}
    split = split_thousands(found_items.items, found_items.discounts, vouched)
    if split is not None:
        found_items = replace(found_items, items=split)
    items_sum = sum((i.price for i in found_items.items), Decimal(0))
    items_net = items_sum + found_items.discounts if found_items.items else None
    chosen = T.choose_total(
        candidates,
        paid=paid,
        vat_ttc=vat_ttc,
        items_net=items_net,
        subtotal=subtotal[0] if subtotal else None,
        subtotal_net=_subtotal_net(lines, subtotal),
        discounts_after=_discounts_after(lines, candidates),
        change=change,
    )
    sums_to = (chosen[0] if chosen else None, subtotal[0] if subtotal else None)
    if chosen and found_items.signless and items_net not in sums_to:
        items, discounts = found_items.signless
        if sum((i.price for i in items), Decimal(0)) + discounts in sums_to:
            # `K SPECIFIQUE BAIN 250ML - 50,09`: the minus was a trace, the line an item
            found_items = replace(found_items, items=items, discounts=discounts)
    if chosen:
        conf["total"] = chosen[1]
        log.debug("total %s agrees with %s", chosen[0], chosen[2] or "nothing")
        if found_items.items and "items" in chosen[2]:
            conf["items"] = round(min(1.0, conf["items"] + 0.1), 3)
        elif {"payment", "vat_ttc"} & set(chosen[2]):
            # the total is confirmed elsewhere: damaged or misread prices may explain the gap
            # (against the subtotal when discounts are printed below it)
            cut = found_items.discounts or any(
                L.DISCOUNT.search(ln.labels) and any(a.value < 0 for a in T.amounts_of(ln)) for ln in lines[end:]
            )
            target = (subtotal[0] if subtotal else None) if cut else chosen[0]
            if subtotal and found_items.items and sum(i.price for i in found_items.items) == subtotal[0]:
                target = None  # the subtotal vouches for the prices as read: the gap lies below it
            fixed = None
            if target and found_items.multiplied and sum(i.price for i in found_items.multiplied) == target:
                fixed = found_items.multiplied  # `2*5,00 10,66`: the product is what the total vouches for
            elif target:
                fixed = separators_restored(found_items.items, target) or recover_items(
                    lines, 0, end, found_items.items, target)
                if fixed is None and found_items.items:
                    fixed = reconcile_prices(found_items.items, target)
            if fixed is not None:
                found_items = replace(found_items, items=fixed)
                conf["items"] = round(conf.get("items", 0.8) * 0.9, 3)

    markers = []
    dup, dup_conf = is_duplicata(lines)
    if dup:
        markers.append("duplicata")
        conf["duplicata"] = round(dup_conf, 3)
    structure = bool(subtotal or vat or any(c.priority >= 80 for c in candidates))
    slip, slip_conf = is_card_slip(lines, items=len(found_items.items), has_structure=structure)
    if slip:
        markers.append("card_slip")
        conf["card_slip"] = slip_conf

    currency = T.find_currency(lines)
    if currency:
        conf["currency"] = 1.0 if currency != "EUR" or any("€" in ln.up or "EUR" in ln.up for ln in lines) else 0.8
    if markers:
        conf["markers"] = min(conf.get(m, 1.0) for m in markers)

    return ReceiptFields(
        retailer=retailer,
        date=picked.value if picked else None,
        time=time[0] if time else None,
        ticket=ticket[0] if ticket else None,
        beneficiary=beneficiary[0] if beneficiary else None,
        items=found_items.items,
        discounts=found_items.discounts if found_items.items else Decimal(0),
        subtotal=subtotal[0] if subtotal else None,
        vat=vat,
        total=chosen[0] if chosen else None,
        currency=currency,
        payment=method[0] if method else None,
        payments=T.tenders(payments, change, chosen[0] if chosen else None, method[0] if method else None),
        markers=tuple(markers),
        confidence=conf,
    )


def parse_receipt(lines: Sequence[Line]) -> ReceiptFields:
    """Every field of one receipt, from its OCR lines top to bottom."""
    return parse_lines(clean_lines(lines))
