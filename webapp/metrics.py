"""Health and metrics, read from the database (the truth) and Redis (the queues).

`/metrics` answers JSON (documented in the README):
    queue          per queue: ready, delayed (retries waiting), dead (dead letters); or the
                   in-process backlog in embedded mode
    waiting        declarations queued or processing in the database
    processed_last_minute   declarations decided in the last 60 seconds
    outcomes       count of declarations per status
    processing_seconds      p50 / p95 of (decided - declared) over the last 1,000 decided
"""

from __future__ import annotations

from datetime import timedelta
from statistics import quantiles

from sqlalchemy import func, text
from sqlmodel import select

from models.base import now
from models.db import session
from models.declarations import Declaration


def health_checks(url: str, redis_client) -> dict[str, str]:
    checks = {}
    try:
        with session(url) as s:
            s.exec(text("SELECT 1")).one()
        checks["database"] = "ok"
    except Exception as e:  # report, never raise: this is the health endpoint
        checks["database"] = f"unreachable: {type(e).__name__}"
    if redis_client is not None:
        try:
            redis_client.ping()
            checks["redis"] = "ok"
        except Exception as e:
            checks["redis"] = f"unreachable: {type(e).__name__}"
    return checks


def percentile(values: list[float], q: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 3)
    return round(quantiles(values, n=100, method="inclusive")[q - 1], 3)


def collect(url: str, redis_client, dispatcher) -> dict:
    with session(url) as s:
        outcomes = dict(s.exec(select(Declaration.status, func.count()).group_by(Declaration.status)).all())
        recent = s.exec(select(func.count()).select_from(Declaration)
                        .where(Declaration.decided_at >= now() - timedelta(seconds=60))).one()
        rows = s.exec(select(Declaration.declared_at, Declaration.decided_at)
                      .where(Declaration.decided_at.is_not(None))
                      .order_by(Declaration.decided_at.desc()).limit(1000)).all()
    seconds = [(decided - declared).total_seconds() for declared, decided in rows]
    if redis_client is not None:
        from workers.broker import queue_depths

        try:
            queue = queue_depths(redis_client)
        except Exception as e:
            queue = {"error": f"redis unreachable: {type(e).__name__}"}
    else:
        queue = {"in_process": getattr(dispatcher, "pending", lambda: 0)()}
    return {
        "queue": queue,
        "waiting": int(outcomes.get("queued", 0)) + int(outcomes.get("processing", 0)),
        "processed_last_minute": int(recent),
        "outcomes": {k: int(v) for k, v in sorted(outcomes.items())},
        "processing_seconds": {"p50": percentile(seconds, 50), "p95": percentile(seconds, 95),
                               "samples": len(seconds)},
    }
