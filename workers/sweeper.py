"""The sweeper: the database is the truth, Redis only a delivery mechanism.

A declaration sitting in `queued` or `processing` longer than `sweep_after_seconds`
lost its message (Redis restarted without persistence, a worker died and its
message expired, the API crashed between commit and send): it is sent again.
Redelivering is safe: `process_declaration` returns a decided row as it is and
the ledger's idempotency keys credit once. One started too often without a
decision (`sweep_max_attempts`) is marked `failed` for an operator instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import select

from models.base import now
from models.db import session
from models.declarations import Declaration
from pipeline.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sweep:
    """What one pass did: ids re-enqueued and ids given up on."""

    requeued: tuple[int, ...]
    failed: tuple[int, ...]


def stale_declarations(url: str, older_than_seconds: float, limit: int = 1000) -> list[Declaration]:
    cutoff = now() - timedelta(seconds=older_than_seconds)
    with session(url) as s:
        return list(s.exec(select(Declaration).where(Declaration.status.in_(("queued", "processing")),
                                                     Declaration.updated_at < cutoff)
                           .order_by(Declaration.id).limit(limit)).all())


def sweep(settings: Settings, broker=None, send=None) -> Sweep:
    """Re-enqueue stale declarations (through `send(id)`, else the broker's process queue)."""
    from declarations.process import mark_failed
    from declarations.runtime import runtime
    from workers.broker import PROCESS_QUEUE, enqueue

    if send is None:
        if broker is None:
            from workers.broker import make_broker
            broker = make_broker(settings)
        send = lambda declaration_id: enqueue(broker, "process_declaration", PROCESS_QUEUE, declaration_id)  # noqa: E731
    url = settings.db_url
    requeued, failed = [], []
    for d in stale_declarations(url, settings.sweep_after_seconds):
        if d.attempts >= settings.sweep_max_attempts:
            mark_failed(runtime(settings), d.id, f"no decision after {d.attempts} attempts")
            failed.append(d.id)
            continue
        with session(url) as s:  # touch first: the next pass waits a full period again
            row = s.get(Declaration, d.id)
            if row is None or row.status not in ("queued", "processing"):
                continue
            row.updated_at = now()
            s.add(row)
            s.commit()
        send(d.id)
        requeued.append(d.id)
    if requeued or failed:
        log.warning("sweeper: re-enqueued %d declarations, failed %d", len(requeued), len(failed))
    return Sweep(tuple(requeued), tuple(failed))
