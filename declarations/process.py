"""Declare, process and reprocess one declaration. No stage calls the next; this does.

    declare:   keep the original (content-addressed) -> `queued` row, committed
    process:   queued -> processing -> [same file?] -> read (stored OCR reused)
               -> fingerprint, candidates, editing, behaviour -> fraud assessment
               -> retailer & item matching -> decide -> ledger + row, one transaction
    reprocess: the same evaluation on the stored reading (or a fresh one with reocr),
               date rules as of the declaration's own date; the difference in points
               is written as new ledger entries, never by rewriting history.

Every step is idempotent: a job redelivered after a crash finds either the
decided row (and returns it) or nothing committed (and starts again); ledger
entries carry idempotency keys derived from the declaration.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from declarations.runtime import ProgramContext, Runtime
from models.base import now
from models.db import session
from models.declarations import DECIDED, Declaration, Participant
from models.extractions import ExtractionRecord
from pipeline.errors import DatabaseUnavailableError, PermanentError, Reason
from pipeline.extract import ExtractResult, extract_receipt
from pipeline.interpret import PARSER_VERSION
from pipeline.intake import sniff
from pipeline.settings import TIMEZONE
from pipeline.values import Extraction

log = logging.getLogger(__name__)


# -- participants --------------------------------------------------------------------

def enrol(s: Session, program: str, external_id: str) -> Participant:
    """The participant with this site id, enrolled on first use with an incomplete profile."""
    found = s.exec(select(Participant).where(Participant.program == program,
                                             Participant.external_id == external_id)).first()
    if found is not None:
        return found
    participant = Participant(program=program, external_id=external_id)
    try:
        with s.begin_nested():
            s.add(participant)
    except IntegrityError:  # enrolled concurrently by another worker
        return s.exec(select(Participant).where(Participant.program == program,
                                                Participant.external_id == external_id)).one()
    return participant


# -- declare -------------------------------------------------------------------------

def as_of(today: date | None) -> datetime:
    """The declaration moment: now, or `today` at the current wall-clock time (CLI `--today`)."""
    moment = now()
    if today is None:
        return moment
    return datetime.combine(today, moment.timetz().replace(tzinfo=None), TIMEZONE)


def declare(rt: Runtime, *, program: str, participant: str, name: str, data: bytes,
            declared_at: datetime | None = None, declared_purchase_date: date | None = None,
            declared_retailer: str | None = None, offer: dict | None = None,
            idempotency_key: str | None = None) -> tuple[Declaration, bool]:
    """Keep the original and write the `queued` row. Returns (declaration, created)."""
    rt.program(program)  # an unknown program is refused before anything is written
    sha256 = hashlib.sha256(data).hexdigest()
    kind = sniff(data)
    rt.store.keep_file(name, data, sha256, kind or "unknown")
    return _insert(rt, program=program, participant=participant, name=name, sha256=sha256,
                   declared_at=declared_at, declared_purchase_date=declared_purchase_date,
                   declared_retailer=declared_retailer, offer=offer, idempotency_key=idempotency_key)


def declare_refused(rt: Runtime, *, program: str, participant: str, name: str, error: PermanentError,
                    sha256: str | None = None, size: int = 0, idempotency_key: str | None = None,
                    declared_at: datetime | None = None) -> Declaration:
    """Record a file refused before it could be kept (too large while streaming): rejected at once."""
    rt.program(program)
    sha256 = sha256 or hashlib.sha256(f"refused:{name}:{size}:{now().isoformat()}".encode()).hexdigest()
    rt.store.keep_file(name, b"", sha256, "unknown", keep_bytes=False)
    declaration, created = _insert(rt, program=program, participant=participant, name=name, sha256=sha256,
                                   declared_at=declared_at, idempotency_key=idempotency_key)
    if not created:
        return declaration
    with session(rt.url) as s:
        d = s.get(Declaration, declaration.id)
        d.status, d.reasons, d.points = "rejected", [str(error.reason)], 0
        d.decision = {"error": error.as_dict()}
        d.decided_at = d.updated_at = now()
        s.add(d)
        s.commit()
        return d


def _insert(rt: Runtime, *, program: str, participant: str, name: str, sha256: str,
            declared_at: datetime | None, declared_purchase_date: date | None = None,
            declared_retailer: str | None = None, offer: dict | None = None,
            idempotency_key: str | None = None) -> tuple[Declaration, bool]:
    with session(rt.url) as s:
        if idempotency_key:
            found = _by_key(s, program, idempotency_key)
            if found is not None:
                return found, False
        person = enrol(s, program, participant)
        s.flush()
        d = Declaration(program=program, participant_id=person.id, file_sha256=sha256, file_name=name[:255],
                        declared_at=declared_at or now(), declared_purchase_date=declared_purchase_date,
                        declared_retailer=declared_retailer, offer=offer, idempotency_key=idempotency_key)
        s.add(d)
        try:
            s.commit()
        except IntegrityError:  # the same Idempotency-Key raced in from another request
            s.rollback()
            found = _by_key(s, program, idempotency_key) if idempotency_key else None
            if found is None:
                raise
            return found, False
        return d, True


def _by_key(s: Session, program: str, key: str) -> Declaration | None:
    return s.exec(select(Declaration).where(Declaration.program == program,
                                            Declaration.idempotency_key == key)).first()


def mark_failed(rt: Runtime, declaration_id: int, error: str) -> None:
    """A job that kept failing (dead-lettered): the operator sees it, nothing is credited."""
    with session(rt.url) as s:
        d = s.get(Declaration, declaration_id)
        if d is None or d.status in DECIDED:
            return
        d.status, d.error, d.updated_at = "failed", error[:2000], now()
        s.add(d)
        s.commit()


# -- evaluate ------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """What the rules say about one declaration now; nothing written yet."""

    status: str
    reasons: tuple[str, ...]
    points: int
    units: int = 0
    decision: dict[str, Any] = field(default_factory=dict)
    fraud: dict[str, Any] | None = None
    refund: Decimal | None = None
    purchase_key: str | None = None
    fingerprint: Any = None  # recorded for declarations that passed intake
    rules_version: str | None = None
    catalog_version: str | None = None


def read(rt: Runtime, ctx: ProgramContext, d: Declaration, data: bytes, *, reocr: bool = False,
         keep: bool = True) -> ExtractResult:
    """The declaration's reading: stored OCR reused unless `reocr` (then kept unless `keep` is False)."""
    store = rt.store if not reocr else _FreshReadings(rt.store, keep)
    return extract_receipt(d.file_name, data, ctx.extract, store)


class _FreshReadings:
    """A store that ignores what was read (reprocess --reocr); the new reading replaces it when `keep`."""

    def __init__(self, store, keep: bool) -> None:
        self._store, self._keep = store, keep

    def keep_file(self, *a, **kw):
        return self._store.keep_file(*a, **kw) if self._keep else None

    def load_readings(self, sha256, reader_version):
        return None

    def save_readings(self, sha256, reader_version, readings, legibility, metadata, seconds):
        if not self._keep:
            return None
        return self._store.replace_readings(sha256, reader_version, readings, legibility, metadata, seconds)


def evaluate(s: Session, rt: Runtime, ctx: ProgramContext, d: Declaration, participant: Participant,
             extraction: Extraction, data: bytes, *, catalog=None) -> Outcome:
    """Duplicates and fraud, matching, rules: the outcome for this declaration as of its own date."""
    from models.fingerprints import behaviour, find_candidates, same_file
    from pipeline.decide import decide, decision_to_dict
    from pipeline.fraud import assess, assessment_to_dict, editing_signals, fingerprint_of
    from pipeline.match import match_items, match_retailer

    if not extraction.ok:  # refused at intake or reading: the reason is the outcome
        return Outcome(status="rejected", reasons=(extraction.error_code,), points=0,
                       decision={"error": {"code": extraction.error_code, "message": extraction.error_message}},
                       rules_version=ctx.version)

    fp = fingerprint_of(extraction)
    earlier_file = same_file(s, program=d.program, sha256=d.file_sha256, exclude_declaration_id=d.id)
    candidates = find_candidates(s, program=d.program, fp=fp, exclude_declaration_id=d.id)
    editing = editing_signals(extraction, data)
    habits = behaviour(s, program=d.program, participant_id=d.participant_id,
                       identity_key=participant.identity_key, at=d.declared_at, template_key=fp.template_key)
    assessment = assess(fp, candidates, editing, habits, ctx.fraud)
    fraud = assessment_to_dict(assessment)

    prior: list[str] = []
    duplicate_of = earlier_file or assessment.duplicate_of
    if duplicate_of is not None:
        prior.append(str(Reason.DUPLICATE_RECEIPT))
        fraud["duplicate_of"] = duplicate_of
    elif assessment.band in ("review", "reject"):
        prior.append(str(Reason.SUSPECTED_FRAUD))

    catalog = catalog or current_catalog(s, rt, ctx)
    retailer = match_retailer(extraction.fields.retailer, catalog, ctx.rules.matching)
    items = match_items(extraction.fields.items, catalog, ctx.rules.matching)
    decision = decide(extraction.fields, retailer, items, claim_of(d, participant), history_of(s, d, ctx),
                      ctx.rules, catalog_version=catalog.version, prior_reasons=tuple(prior),
                      prior_status=_prior_status(prior, assessment.band))
    return Outcome(status=decision.status, reasons=tuple(decision.reasons), points=decision.points,
                   units=decision.units, decision=decision_to_dict(decision), fraud=fraud,
                   refund=decision.refund, purchase_key=fp.purchase_key, fingerprint=fp,
                   rules_version=decision.rules_version, catalog_version=decision.catalog_version)


def _prior_status(prior: list[str], band: str) -> str | None:
    if str(Reason.DUPLICATE_RECEIPT) in prior or band == "reject":
        return "rejected"
    if prior:
        return "review"
    return None


def current_catalog(s: Session, rt: Runtime, ctx: ProgramContext):
    """The program's imported catalog, else the folder its config names."""
    from models.catalogs import current_catalog as imported

    catalog = imported(s, ctx.name)
    if catalog is not None:
        return catalog
    folder = ctx.config.get("catalog", {}).get("dir")
    if not folder:
        raise ValueError(f"program {ctx.name!r} has no catalog: run `receipts catalog import DIR "
                         f"--program {ctx.name}` or pass --catalog DIR")
    return rt.catalog_dir((rt.settings.programs_dir / folder))


def claim_of(d: Declaration, participant: Participant):
    from pipeline.decide import Claim, ParticipantView

    return Claim(declared_at=d.declared_at, declared_purchase_date=d.declared_purchase_date,
                 declared_retailer=d.declared_retailer, offer=d.offer,
                 participant=ParticipantView(last_name=participant.last_name,
                                             first_name=participant.first_name,
                                             birth_date=participant.birth_date,
                                             postal_code=participant.postal_code,
                                             country=participant.country))


def history_of(s: Session, d: Declaration, ctx: ProgramContext):
    """What earlier declarations of this participant already used up (monthly cap, offers)."""
    from pipeline.decide import History

    month = d.declared_at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    earlier = s.exec(select(Declaration).where(
        Declaration.participant_id == d.participant_id,
        Declaration.declared_at >= month, Declaration.declared_at < month + relativedelta(months=1),
        Declaration.status.in_(("accepted", "review")), Declaration.id != d.id,
    )).all()
    # counted in declaration order: only declarations made before this one use up the cap
    before = [e for e in earlier if (e.declared_at, e.id) < (d.declared_at, d.id)]
    units = sum(int((e.decision or {}).get("units", 0)) for e in before if e.status == "accepted")
    offers = s.exec(select(Declaration).where(
        Declaration.participant_id == d.participant_id, Declaration.status == "accepted",
        Declaration.id != d.id, Declaration.offer.is_not(None),
    )).all()
    birthday_months = tuple(sorted({(e.decision or {}).get("offer_month") for e in offers
                                    if (e.decision or {}).get("offer_month")}))
    return History(units_this_month=units, birthday_offer_months=birthday_months)


# -- apply ---------------------------------------------------------------------------

def credited_points(s: Session, declaration_id: int) -> tuple[int, int]:
    """(net points the ledger holds for this declaration, number of its entries)."""
    from models.ledger import LedgerEntry

    net, count = s.exec(select(func.coalesce(func.sum(LedgerEntry.points), 0), func.count(LedgerEntry.id))
                        .where(LedgerEntry.declaration_id == declaration_id)).one()
    return int(net), int(count)


def apply(s: Session, ctx: ProgramContext, d: Declaration, outcome: Outcome, *, on: date,
          extraction_id: int | None) -> None:
    """Write the outcome: the row, the ledger difference, the fingerprint. The caller commits."""
    import ledger
    from models.fingerprints import forget_fingerprint, record_fingerprint

    held, generation = credited_points(s, d.id)
    target = outcome.points if outcome.status == "accepted" else 0
    if target != held:
        if held > 0:
            ledger.reverse_declaration(s, declaration_id=d.id, key=f"declaration:{d.id}:g{generation}:reverse",
                                       on=on, note="decision changed" if target else "no longer credited")
        if target > 0:
            policy = ctx.ledger
            available = max(policy.available_on(d.declared_at.date()), on)
            expires = policy.expires_on(on) if policy.validity_months else None
            ledger.credit(s, program=d.program, participant_id=d.participant_id, points=target,
                          key=f"declaration:{d.id}:g{generation}:credit", acquired_on=on,
                          available_on=available, expires_on=expires, declaration_id=d.id,
                          note=f"declaration {d.id}")
    if outcome.refund and outcome.status == "accepted":
        ledger.record_refund(s, declaration_id=d.id, participant_id=d.participant_id, program=d.program,
                             amount=outcome.refund, key=f"declaration:{d.id}:refund")

    forget_fingerprint(s, d.id)
    if outcome.fingerprint is not None:
        record_fingerprint(s, declaration_id=d.id, program=d.program, participant_id=d.participant_id,
                           fp=outcome.fingerprint, duplicate_of=(outcome.fraud or {}).get("duplicate_of"))

    d.status, d.reasons, d.points = outcome.status, list(outcome.reasons), target
    d.decision = dict(outcome.decision, units=outcome.units)
    d.fraud, d.purchase_key = outcome.fraud, outcome.purchase_key
    d.rules_version, d.catalog_version = outcome.rules_version, outcome.catalog_version
    d.extraction_id = extraction_id or d.extraction_id
    d.error = None
    d.decided_at = d.updated_at = now()
    s.add(d)


# -- process / reprocess -------------------------------------------------------------

def process_declaration(rt: Runtime, declaration_id: int, *, catalog=None) -> Declaration:
    """Decide a queued declaration and credit its points. Safe to run again after a crash."""
    try:
        with session(rt.url) as s:
            d = s.get(Declaration, declaration_id)
            if d is None:
                raise LookupError(f"no declaration {declaration_id}")
            if d.status in DECIDED:
                return d  # redelivered after the commit: nothing more to do
            d.status, d.attempts, d.updated_at = "processing", d.attempts + 1, now()
            s.add(d)
            s.commit()
        ctx = rt.program(d.program)
        data = rt.store.load_original(d.file_sha256)
        result = read(rt, ctx, d, data)
        extraction_id = rt.store.save_extraction(result.extraction, parser_version=PARSER_VERSION,
                                                 program=d.program, reading_id=result.reading_id)
        with session(rt.url) as s:
            d = s.get(Declaration, declaration_id, with_for_update=True)
            if d.status in DECIDED:  # another delivery of the same job finished first
                return d
            participant = s.get(Participant, d.participant_id)
            outcome = evaluate(s, rt, ctx, d, participant, result.extraction, data, catalog=catalog)
            apply(s, ctx, d, outcome, on=d.declared_at.date(), extraction_id=extraction_id)
            s.commit()
            return d
    except OperationalError as e:  # database unavailable: the job is retried with backoff
        raise DatabaseUnavailableError(f"database unavailable: {e.orig or e}") from e


@dataclass(frozen=True)
class Change:
    """What reprocessing changed (or would change, in a dry run)."""

    declaration_id: int
    before_status: str
    after_status: str
    before_points: int
    after_points: int
    before_reasons: tuple[str, ...]
    after_reasons: tuple[str, ...]
    applied: bool

    @property
    def changed(self) -> bool:
        return (self.before_status, self.before_points, self.before_reasons) != (
            self.after_status, self.after_points, self.after_reasons)


def reprocess_declaration(rt: Runtime, declaration_id: int, *, reocr: bool = False, dry_run: bool = False,
                          catalog=None, on: date | None = None) -> Change:
    """Re-run matching, rules and fraud on a decided declaration; apply the difference (or not)."""
    try:
        with session(rt.url) as s:
            d = s.get(Declaration, declaration_id)
            if d is None:
                raise LookupError(f"no declaration {declaration_id}")
        ctx = rt.program(d.program)
        if d.file_sha256 and rt.store.has_original(d.file_sha256):
            data = rt.store.load_original(d.file_sha256)
            result = read(rt, ctx, d, data, reocr=reocr, keep=not dry_run)
            extraction = result.extraction
            extraction_id = None
            if not dry_run:  # the fields as the current parser reads the (stored) OCR
                extraction_id = rt.store.save_extraction(extraction, parser_version=PARSER_VERSION,
                                                         program=d.program, reading_id=result.reading_id)
        else:  # refused before its bytes were kept: nothing to re-read
            return Change(d.id, d.status, d.status, d.points, d.points, tuple(d.reasons), tuple(d.reasons), False)
        with session(rt.url) as s:
            d = s.get(Declaration, declaration_id, with_for_update=not dry_run)
            participant = s.get(Participant, d.participant_id)
            outcome = evaluate(s, rt, ctx, d, participant, extraction, data, catalog=catalog)
            after_points = outcome.points if outcome.status == "accepted" else 0
            change = Change(d.id, d.status, outcome.status, d.points, after_points, tuple(d.reasons),
                            tuple(outcome.reasons), applied=not dry_run)
            if dry_run:
                s.rollback()
                return change
            apply(s, ctx, d, outcome, on=on or now().date(), extraction_id=extraction_id)
            s.commit()
            return change
    except OperationalError as e:
        raise DatabaseUnavailableError(f"database unavailable: {e.orig or e}") from e


# -- output --------------------------------------------------------------------------

def declaration_to_dict(s: Session, d: Declaration, file: str | None = None) -> dict[str, Any]:
    """One line of `receipts process --json` (and the API's declaration document)."""
    extracted = None
    if d.extraction_id is not None:
        row = s.get(ExtractionRecord, d.extraction_id)
        extracted = row.fields if row else None
    return {
        "file": file if file is not None else d.file_name,
        "declaration_id": d.id,
        "status": d.status,
        "reasons": list(d.reasons),
        "points": d.points,
        "extracted": extracted,
        "fraud": _public_fraud(d.fraud),
    }


def _public_fraud(fraud: dict | None) -> dict | None:
    if not fraud:
        return None
    return {k: fraud[k] for k in ("score", "band", "signals") if k in fraud}
