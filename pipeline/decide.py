"""The decision: accepted, rejected or review, with reasons and points, as a pure function.

    decide(fields, retailer, items, claim, history, rules, *, catalog_version,
           prior_reasons=(), prior_status=None) -> Decision
    decision_to_dict(decision) -> dict                      JSON-safe, stored on the declaration
    check_membership(...), identity_key(...)              enrolment rules (pipeline.membership), re-exported

Inputs are what the orchestrator gathered: the extracted `ReceiptFields`, the catalog
matches (`pipeline.match`), the participant's `Claim` (declared when, what, for which
offer), their `History` (units already credited this month, birthday offers used)
and reasons found before (duplicates, fraud). Every date rule is evaluated as of
`claim.declared_at` in Europe/Paris, so reprocessing later decides the same way.

Status: any rejection wins over review, review over acceptance. A receipt whose lines
are only partly credited is accepted, with the reasons for what was not credited
(professional_product, service_price_out_of_range, monthly_cap_reached). `points` is
what acceptance credits: 0 when rejected; for review, what acceptance would credit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_FLOOR, Decimal
from typing import Literal

from dateutil.relativedelta import relativedelta
from rapidfuzz import fuzz

from pipeline.catalog import CatalogProduct
from pipeline.errors import Reason
from pipeline.match import Band, ItemMatch, RetailerMatch, fold, normalise_retailer, score_retailer
from pipeline.membership import check_membership, identity_key  # noqa: F401  (enrolment rules, re-exported)
from pipeline.program import ProgramRules
from pipeline.reasons import sentence
from pipeline.settings import TIMEZONE
from pipeline.values import ReceiptFields

Status = Literal["accepted", "rejected", "review"]
_RANK = {"accepted": 0, "review": 1, "rejected": 2}
TITLES = frozenset({"M", "MR", "MME", "MLLE", "MRS", "MS", "MISS", "MONSIEUR", "MADAME", "MADEMOISELLE", "DR"})


@dataclass(frozen=True)
class ParticipantView:
    """What the rules need to know about the participant."""

    last_name: str | None = None
    first_name: str | None = None
    birth_date: date | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class Claim:
    """What the participant declared, and when."""

    declared_at: datetime  # aware; the as-of moment of every date rule
    declared_purchase_date: date | None = None
    declared_retailer: str | None = None
    offer: dict | None = None  # {"kind": "birthday", ...}
    participant: ParticipantView = ParticipantView()


@dataclass(frozen=True)
class History:
    """What this participant's earlier declarations already used up."""

    units_this_month: int = 0  # units credited in the same calendar month of declaration, before this one
    birthday_offer_months: tuple[str, ...] = ()  # "YYYY-MM" birthday months whose offer was granted
    program_stopped_on: date | None = None  # an announced stop not (yet) in the program file


@dataclass(frozen=True)
class LineDecision:
    index: int
    name: str
    quantity: Decimal
    price: Decimal  # line total
    product: str | None  # matched catalog entry (clear matches only)
    sku: str | None
    kind: str | None  # product | service
    band: Band
    score: float
    units: int  # units credited (after the monthly cap)
    points: int
    reason: str | None  # why (part of) an eligible-looking line earned nothing


@dataclass(frozen=True)
class Decision:
    status: Status
    reasons: tuple[str, ...]
    points: int
    units: int  # units counted against the monthly cap
    lines: tuple[LineDecision, ...]
    refund: Decimal | None
    rules_version: str
    catalog_version: str
    retailer: RetailerMatch | None = None
    offer_month: str | None = None  # "YYYY-MM" birthday month of a granted birthday offer
    as_of: date | None = None


# Why lines earned nothing: kept on a rejection only when they explain `no_eligible_product`.
_LINE_REASONS = frozenset({Reason.PROFESSIONAL_PRODUCT, Reason.SERVICE_PRICE_OUT_OF_RANGE, Reason.SERVICE_NOT_IN_SALON})


class _Verdict:
    """Reasons in the order found, and the worst status they impose."""

    def __init__(self) -> None:
        self.levels: dict[str, Status] = {}  # reason -> the status it imposes, in the order found
        self.status: Status = "accepted"

    def add(self, code: str, status: Status) -> None:
        code = str(code)
        if _RANK[status] > _RANK[self.levels.get(code, "accepted")] or code not in self.levels:
            self.levels[code] = status
        if _RANK[status] > _RANK[self.status]:
            self.status = status

    @property
    def rejected(self) -> bool:
        return self.status == "rejected"

    @property
    def reasons(self) -> tuple[str, ...]:
        """All reasons; a rejection lists why it was rejected, not what a review or a credit would have said."""
        if not self.rejected:
            return tuple(self.levels)
        explain = Reason.NO_ELIGIBLE_PRODUCT in self.levels
        return tuple(code for code, level in self.levels.items()
                     if level == "rejected" or (explain and code in _LINE_REASONS))


def decide(fields: ReceiptFields, retailer: RetailerMatch, items: tuple[ItemMatch, ...], claim: Claim,
           history: History, rules: ProgramRules, *, catalog_version: str,
           prior_reasons: tuple[str, ...] = (), prior_status: Status | None = None) -> Decision:
    """Apply the program's rules to one extracted receipt."""
    v = _Verdict()
    as_of = claim.declared_at.astimezone(TIMEZONE).date()
    for code in prior_reasons:
        v.add(code, prior_status or "review")

    refused_proof = _check_proof(v, fields, rules)  # a card slip or a duplicata: where from does not matter
    _check_dates(v, fields, rules, as_of)
    if not refused_proof and _check_place(v, fields, retailer, rules):
        _check_retailer(v, retailer, rules)
    _check_beneficiary(v, fields, claim.participant, rules)
    _check_declared(v, fields, retailer, claim, rules)
    stop = min((d for d in (rules.stop.announced_on, history.program_stopped_on) if d), default=None)
    if stop is not None and as_of >= stop:
        v.add(Reason.PROGRAM_STOPPED, "rejected")

    birthday = rules.birthday.enabled and (claim.offer or {}).get("kind") == "birthday"
    retailer_kind = retailer.candidate.kind if retailer.candidate and retailer.band == "match" else None
    cap_left = None
    offer_without_points = birthday and not rules.birthday.points
    if rules.cap.units is not None and not offer_without_points:
        cap_left = max(rules.cap.units - history.units_this_month, 0)
    lines, eligible_seen, doubtful = _credit_lines(v, items, rules, retailer_kind, cap_left,
                                                   report=not offer_without_points)

    refund, offer_month = None, None
    if birthday:
        refund, offer_month = _birthday(v, fields, items, claim, history, rules, retailer_kind, as_of)
        if offer_without_points:  # art. 4: the offer's declaration earns no points
            lines = tuple(_no_points(line) for line in lines)
    elif not eligible_seen and not doubtful:
        # a slip, or a shop that is not approved, sells nothing eligible: one reason is enough
        if not refused_proof and not {Reason.RETAILER_NOT_APPROVED, Reason.OUTSIDE_TERRITORY} & set(v.levels):
            v.add(Reason.NO_ELIGIBLE_PRODUCT, "rejected")
    elif eligible_seen and not doubtful and sum(line.units for line in lines) == 0:
        v.add(Reason.MONTHLY_CAP_REACHED, "rejected")

    points = sum(line.points for line in lines)
    units = sum(line.units for line in lines)
    if v.rejected:
        points, units, refund = 0, 0, None
        offer_month = None
    return Decision(status=v.status, reasons=v.reasons, points=points, units=units, lines=lines,
                    refund=refund, rules_version=rules.version, catalog_version=catalog_version,
                    retailer=retailer, offer_month=offer_month, as_of=as_of)


# -- receipt-level rules -----------------------------------------------------------------

def _check_proof(v: _Verdict, fields: ReceiptFields, rules: ProgramRules) -> bool:
    """Markers of a paper that is no proof (card slip, duplicata) and the currency; True if refused."""
    refused = False
    for marker in rules.purchase.refused_markers:
        if marker in fields.markers:
            v.add(Reason(marker), "rejected")
            refused = True
    currency = (fields.currency or "").upper()
    # a receipt without a currency sign is taken as euros: the reading stage reports EUR when printed
    if rules.purchase.currencies and currency and currency not in rules.purchase.currencies:
        v.add(Reason.CURRENCY_NOT_EUR, "rejected")
    return refused


def _check_dates(v: _Verdict, fields: ReceiptFields, rules: ProgramRules, as_of: date) -> None:
    bought = fields.date
    if bought is None:  # the reading stage refuses receipts without a date (incomplete_receipt)
        return
    if not rules.purchase.allow_future and bought > as_of:
        v.add(Reason.PURCHASE_IN_FUTURE, "rejected")
    months = rules.purchase.max_age_months
    if months is not None and as_of > bought + relativedelta(months=months):
        v.add(Reason.PURCHASE_TOO_OLD, "rejected")


def _check_place(v: _Verdict, fields: ReceiptFields, retailer: RetailerMatch, rules: ProgramRules) -> bool:
    postal = fields.retailer.postal_code or (retailer.candidate.postal_code if retailer.candidate else None)
    if postal and not rules.territory.allows_postal_code(postal):
        v.add(Reason.OUTSIDE_TERRITORY, "rejected")
        return False
    return True


def _check_retailer(v: _Verdict, retailer: RetailerMatch, rules: ProgramRules) -> None:
    kinds = rules.purchase.retailer_kinds
    if not kinds:
        return
    if retailer.band == "doubtful":
        v.add(Reason.RETAILER_UNCERTAIN, "review")
    elif retailer.band == "none" or retailer.candidate is None or retailer.candidate.kind not in kinds:
        v.add(Reason.RETAILER_NOT_APPROVED, "rejected")


def name_verdict(printed: str, participant: ParticipantView, rules: ProgramRules) -> Literal["match", "mismatch", "uncertain"]:
    """A printed beneficiary against the participant's names (titles, case, accents, order ignored)."""
    if not participant.last_name or not participant.first_name:
        return "uncertain"
    shown = " ".join(t for t in fold(printed).split() if t not in TITLES)
    score = fuzz.token_set_ratio(shown, fold(f"{participant.last_name} {participant.first_name}"))
    if score >= rules.matching.name_match:
        return "match"
    return "mismatch" if score < rules.matching.name_none else "uncertain"


def _check_beneficiary(v: _Verdict, fields: ReceiptFields, participant: ParticipantView, rules: ProgramRules) -> None:
    if not rules.purchase.beneficiary_must_match or not (fields.beneficiary or "").strip():
        return
    verdict = name_verdict(fields.beneficiary, participant, rules)
    if verdict == "mismatch":
        v.add(Reason.NAME_MISMATCH, "rejected")
    elif verdict == "uncertain":
        v.add(Reason.BENEFICIARY_UNCERTAIN, "review")


def _check_declared(v: _Verdict, fields: ReceiptFields, retailer: RetailerMatch, claim: Claim,
                    rules: ProgramRules) -> None:
    d = rules.declared
    if d.check_date and claim.declared_purchase_date and fields.date:
        if abs((claim.declared_purchase_date - fields.date).days) > d.date_tolerance_days:
            v.add(Reason.DECLARED_DATE_MISMATCH, "review")
    if d.check_retailer and (claim.declared_retailer or "").strip():
        said = normalise_retailer(claim.declared_retailer)
        names = [normalise_retailer(fields.retailer.name)] + (
            [normalise_retailer(retailer.candidate.name)] if retailer.candidate else [])
        best = max((score_retailer(said, n) for n in names if n), default=0.0)
        if best < rules.matching.retailer_match:
            v.add(Reason.DECLARED_RETAILER_MISMATCH, "review")


# -- lines ---------------------------------------------------------------------------------

def _units(quantity: Decimal) -> int:
    """Units a line counts for: its quantity when whole, else one (weighed goods)."""
    q = Decimal(quantity)
    return int(q) if q == q.to_integral_value() and q >= 1 else 1


def _earns(product: CatalogProduct | None) -> bool:
    return product is not None and product.eligible and not product.professional


def _credit_lines(v: _Verdict, items: tuple[ItemMatch, ...], rules: ProgramRules, retailer_kind: str | None,
                  cap_left: int | None, *, report: bool = True) -> tuple[tuple[LineDecision, ...], bool, bool]:
    """Each line's units and points, in receipt order; product points are floor of the running sum."""
    p = rules.points
    total = Decimal(0)
    floored = 0
    eligible_seen = doubtful = False
    out = []
    for m in items:
        item = m.item
        product = m.candidate if m.band == "match" else None
        count = _units(item.quantity)
        reason: str | None = None
        eligible = False
        if m.band == "doubtful":
            doubtful = True
            reason = Reason.PRODUCT_UNCERTAIN
            v.add(reason, "review")
        elif product is not None and product.professional:
            reason = Reason.PROFESSIONAL_PRODUCT
        elif _earns(product) and product.kind == "service":
            unit_price = (item.price / count) if count else item.price
            if p.service_retailer_kinds and retailer_kind is not None and retailer_kind not in p.service_retailer_kinds:
                reason = Reason.SERVICE_NOT_IN_SALON
            elif ((p.service_min_price is not None and unit_price < p.service_min_price)
                  or (p.service_max_price is not None and unit_price > p.service_max_price)):
                reason = Reason.SERVICE_PRICE_OUT_OF_RANGE
            else:
                eligible = True
        elif _earns(product):
            eligible = True

        units = points = 0
        if eligible:
            eligible_seen = True
            units = count if cap_left is None else min(count, cap_left)
            if cap_left is not None:
                cap_left -= units
            if units < count:
                reason = Reason.MONTHLY_CAP_REACHED
            if product.kind == "service":
                points = p.service_points * units
            elif units:
                total += p.per_euro * item.price * units / count
                now_floored = int(total.to_integral_value(rounding=ROUND_FLOOR))
                points, floored = now_floored - floored, now_floored
        if report and reason is not None and reason != Reason.PRODUCT_UNCERTAIN:
            v.add(reason, "accepted")
        out.append(LineDecision(index=m.index, name=item.name, quantity=Decimal(item.quantity), price=item.price,
                                product=product.name if product else None, sku=product.sku if product else None,
                                kind=product.kind if product else None, band=m.band, score=m.score,
                                units=units, points=points, reason=str(reason) if reason else None))
    return tuple(out), eligible_seen, doubtful


def _no_points(line: LineDecision) -> LineDecision:
    return LineDecision(**{**line.__dict__, "units": 0, "points": 0,
                           "reason": None if line.reason == Reason.MONTHLY_CAP_REACHED else line.reason})


# -- the birthday offer ----------------------------------------------------------------------

def _birthday(v: _Verdict, fields: ReceiptFields, items: tuple[ItemMatch, ...], claim: Claim, history: History,
              rules: ProgramRules, retailer_kind: str | None, as_of: date) -> tuple[Decimal | None, str | None]:
    """Art. 4: one Fusio-Dose in the birthday month, refunded up to the maximum, declared in time."""
    kinds = rules.points.service_retailer_kinds
    services = [m for m in items if m.band == "match" and _earns(m.candidate) and m.candidate.kind == "service"
                and (not kinds or retailer_kind is None or retailer_kind in kinds)]
    birth = claim.participant.birth_date
    if birth is None:
        v.add(Reason.BIRTH_DATE_MISSING, "rejected")
        return None, None
    if not services:
        v.add(Reason.BIRTHDAY_OFFER_NO_SERVICE, "rejected")
        return None, None
    if fields.date is None or fields.date.month != birth.month:
        v.add(Reason.BIRTHDAY_OFFER_NOT_BIRTHDAY_MONTH, "rejected")
        return None, None
    first = fields.date.replace(day=1)
    month = first.strftime("%Y-%m")
    if as_of >= first + relativedelta(months=rules.birthday.declare_within_months):
        v.add(Reason.BIRTHDAY_OFFER_LATE, "rejected")
        return None, None
    if month in history.birthday_offer_months:
        v.add(Reason.BIRTHDAY_OFFER_ALREADY_USED, "rejected")
        return None, None
    service = services[0].item
    price = service.price / _units(service.quantity)
    return min(price, rules.birthday.max_refund), month


# -- serialisation -----------------------------------------------------------------------------

def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def decision_to_dict(decision: Decision) -> dict:
    """JSON-safe form stored on the declaration (`Declaration.decision`)."""
    r = decision.retailer
    retailer = None
    if r is not None:
        retailer = {
            "name": r.candidate.name if r.candidate else None,
            "postal_code": r.candidate.postal_code if r.candidate else None,
            "kind": r.candidate.kind if r.candidate else None,
            "band": r.band, "score": r.score, "name_score": r.name_score, "postal": r.postal,
            "runner_up": r.runner_up.name if r.runner_up else None, "runner_up_score": r.runner_up_score,
        }
    return {
        "status": decision.status,
        "reasons": list(decision.reasons),
        "messages": [{"code": code, "message": _sentence(code)} for code in decision.reasons],
        "points": decision.points,
        "units": decision.units,
        "refund": _money(decision.refund),
        "offer_month": decision.offer_month,
        "as_of": decision.as_of.isoformat() if decision.as_of else None,
        "rules_version": decision.rules_version,
        "catalog_version": decision.catalog_version,
        "retailer": retailer,
        "lines": [{
            "index": line.index, "name": line.name, "quantity": str(line.quantity), "price": _money(line.price),
            "product": line.product, "sku": line.sku, "kind": line.kind, "band": line.band, "score": line.score,
            "units": line.units, "points": line.points, "reason": line.reason,
        } for line in decision.lines],
    }


def _sentence(code: str) -> str | None:
    try:
        return sentence(code)
    except (KeyError, ValueError):
        return None
