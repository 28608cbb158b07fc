"""`vote`: one `ReceiptFields` from several readings of the same receipt.

Field by field: the value most readings agree on wins, ties broken by summed
confidence. The total also earns votes for agreeing with the items (minus
discounts), the subtotal or the VAT table of any reading. A field's confidence
is the winners' mean confidence scaled by the share of readings that agree.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from pipeline.values import ReceiptFields, Retailer

MARKER_SHARE = 0.5  # a marker is kept when at least this share of readings saw it
CONSISTENCY_VOTES = 1.0  # extra votes for a total confirmed by another field
DEFAULT_CONF = 0.5


def _pick(
    values: Sequence[tuple[Hashable | None, float]],
    bonus: Callable[[Any], float] | None = None,
) -> tuple[Any, float]:
    """The winning non-empty value and its confidence (0 when nobody read one)."""
    tally: dict[Hashable, list[float]] = {}
    for value, conf in values:
        if value is None or value == () or value == "":
            continue
        tally.setdefault(value, []).append(conf)
    if not tally:
        return None, 0.0

    def score(item: tuple[Hashable, list[float]]) -> tuple[float, float]:
        value, confs = item
        extra = bonus(value) if bonus else 0.0
        return len(confs) + extra, sum(confs)

    value, confs = max(tally.items(), key=score)
    share = len(confs) / len(values)
    conf = (sum(confs) / len(confs)) * (0.5 + 0.5 * share)
    if bonus and bonus(value):
        conf = min(1.0, conf + 0.1)
    return value, round(conf, 3)


def _conf(c: ReceiptFields, key: str) -> float:
    return c.confidence.get(key, DEFAULT_CONF)


def _total_bonus(candidates: Sequence[ReceiptFields]) -> Callable[[Decimal], float]:
    checks: set[Decimal] = set()
    for c in candidates:
        if c.items:
            checks.add(sum((i.price for i in c.items), Decimal(0)))
        if c.subtotal is not None:
            checks.add(c.subtotal)

    def bonus(value: Decimal) -> float:
        return CONSISTENCY_VOTES if value in checks else 0.0

    return bonus


def vote(candidates: Sequence[ReceiptFields]) -> ReceiptFields:
    """Combine readings of one receipt field by field (majority, then confidence)."""
    if not candidates:
        return ReceiptFields()
    if len(candidates) == 1:
        return candidates[0]
    conf: dict[str, float] = {}
    out: dict[str, Any] = {}

    retailer_parts = {}
    for part, key in (
        ("name", "retailer"),
        ("address", "address"),
        ("postal_code", "postal_code"),
        ("city", "city"),
        ("siret", "siret"),
    ):
        value, c = _pick([(getattr(x.retailer, part), _conf(x, key)) for x in candidates])
        retailer_parts[part] = value
        if value is not None:
            conf[key] = c
    out["retailer"] = Retailer(**retailer_parts)

    for name in ("date", "time", "ticket", "beneficiary", "currency", "payment", "subtotal"):
        value, c = _pick([(getattr(x, name), _conf(x, name)) for x in candidates])
        out[name] = value
        if value is not None:
            conf[name] = c

    total, c = _pick([(x.total, _conf(x, "total")) for x in candidates], _total_bonus(candidates))
    out["total"] = total
    if total is not None:
        conf["total"] = c

    vat, c = _pick([(x.vat, _conf(x, "vat")) for x in candidates])
    out["vat"] = vat or ()
    if vat:
        conf["vat"] = c

    def items_bonus(items: tuple) -> float:
        s = sum((i.price for i in items), Decimal(0))
        return CONSISTENCY_VOTES if total is not None and s in (total, out.get("subtotal")) else 0.0

    items, c = _pick([(x.items, _conf(x, "items")) for x in candidates], items_bonus)
    out["items"] = items or ()
    if items:
        conf["items"] = c

    markers = []
    for marker in ("duplicata", "card_slip", "e_ticket"):
        seen = [x for x in candidates if marker in x.markers]
        if seen and len(seen) / len(candidates) >= MARKER_SHARE:
            markers.append(marker)
            conf[marker] = round(sum(_conf(x, marker) for x in seen) / len(candidates), 3)
    out["markers"] = tuple(markers)
    return replace(ReceiptFields(), **out, confidence=conf)
