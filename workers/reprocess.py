"""Batch reprocessing: select declarations, run each once per run, remember progress.

A run (`ReprocessRun`) stores its selection; each declaration it finishes is a
`ReprocessItem` row. Resuming a run skips what it already finished, and the unique
(run, declaration) pair keeps a redelivered job from applying twice. The ledger
difference itself is written by `declarations.process.reprocess_declaration`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from models.base import now
from models.db import session
from models.declarations import Declaration
from models.service import ReprocessItem, ReprocessRun
from pipeline.settings import TIMEZONE

DEFAULT_STATUSES = ("accepted", "rejected", "review")


@dataclass(frozen=True)
class Selection:
    """Which declarations a run covers (by declaration date, inclusive, and status)."""

    program: str
    since: date | None = None
    until: date | None = None
    statuses: tuple[str, ...] = DEFAULT_STATUSES

    def as_dict(self) -> dict:
        return {"program": self.program, "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None, "statuses": list(self.statuses)}

    @classmethod
    def from_dict(cls, raw: dict) -> Selection:
        return cls(program=raw["program"], since=date.fromisoformat(raw["since"]) if raw.get("since") else None,
                   until=date.fromisoformat(raw["until"]) if raw.get("until") else None,
                   statuses=tuple(raw.get("statuses") or DEFAULT_STATUSES))


def selected_ids(url: str, sel: Selection) -> list[int]:
    query = select(Declaration.id).where(Declaration.program == sel.program,
                                         Declaration.status.in_(sel.statuses))
    if sel.since:
        query = query.where(Declaration.declared_at >= datetime.combine(sel.since, time(), TIMEZONE))
    if sel.until:
        query = query.where(Declaration.declared_at < datetime.combine(sel.until + timedelta(days=1), time(), TIMEZONE))
    with session(url) as s:
        return list(s.exec(query.order_by(Declaration.id)).all())


def start_run(url: str, sel: Selection, *, reocr: bool, dry_run: bool) -> ReprocessRun:
    """A new run, or the unfinished one with the same selection and flags (resumed)."""
    with session(url) as s:
        for run in s.exec(select(ReprocessRun).where(ReprocessRun.program == sel.program,
                                                     ReprocessRun.finished_at.is_(None),
                                                     ReprocessRun.reocr == reocr,
                                                     ReprocessRun.dry_run == dry_run)).all():
            if run.selection == sel.as_dict():
                return run
        run = ReprocessRun(program=sel.program, selection=sel.as_dict(), reocr=reocr, dry_run=dry_run)
        s.add(run)
        s.commit()
        return run


def run_ids(url: str, run: ReprocessRun) -> list[int]:
    """The run's declarations, frozen at its first call (a resumed run does not grow)."""
    ids = selected_ids(url, Selection.from_dict(run.selection))
    with session(url) as s:
        row = s.get(ReprocessRun, run.id)
        if row.total == 0 and ids:
            row.total, row.cursor = len(ids), ids[-1]
            s.add(row)
            s.commit()
        limit = row.cursor
    return [i for i in ids if not limit or i <= limit]


def done_ids(url: str, run_id: int) -> set[int]:
    with session(url) as s:
        return set(s.exec(select(ReprocessItem.declaration_id).where(ReprocessItem.run_id == run_id)).all())


def reprocess_one(rt, run_id: int, declaration_id: int, *, reocr: bool, dry_run: bool) -> ReprocessItem | None:
    """Reprocess one declaration for a run, once; None when the run already did it."""
    from declarations.process import reprocess_declaration

    with session(rt.url) as s:
        found = s.exec(select(ReprocessItem).where(ReprocessItem.run_id == run_id,
                                                   ReprocessItem.declaration_id == declaration_id)).first()
        if found is not None:
            return None
    change = reprocess_declaration(rt, declaration_id, reocr=reocr, dry_run=dry_run)
    item = ReprocessItem(run_id=run_id, declaration_id=declaration_id, before_status=change.before_status,
                         after_status=change.after_status, before_points=change.before_points,
                         after_points=change.after_points, applied=change.applied)
    with session(rt.url) as s:
        s.add(item)
        try:
            s.commit()
        except IntegrityError:  # another delivery of the same job recorded it first
            s.rollback()
            return None
    return item


def finish_run(url: str, run_id: int) -> None:
    with session(url) as s:
        row = s.get(ReprocessRun, run_id)
        row.finished_at = now()
        s.add(row)
        s.commit()


def run_items(url: str, run_id: int) -> list[ReprocessItem]:
    with session(url) as s:
        return list(s.exec(select(ReprocessItem).where(ReprocessItem.run_id == run_id)
                           .order_by(ReprocessItem.declaration_id)).all())
