"""Cross-cutting worker concerns, kept out of the actors (dramatiq middleware)."""

from __future__ import annotations

import logging
import threading

import dramatiq
from dramatiq.middleware import Middleware

from pipeline.settings import Settings

log = logging.getLogger(__name__)


class DeadLetterStatus(Middleware):
    """A `process_declaration` message that is dead-lettered turns its declaration `failed`.

    The operator sees it in `receipts dlq list` and the API; `receipts dlq replay`
    puts it back (the declaration goes back to `queued`).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def after_nack(self, broker: dramatiq.Broker, message: dramatiq.Message) -> None:
        if message.actor_name != "process_declaration" or not message.args:
            return
        from declarations.process import mark_failed
        from declarations.runtime import runtime

        error = (message.options.get("traceback") or "dead-lettered").strip().splitlines()[-1]
        try:
            mark_failed(runtime(self.settings), int(message.args[0]), f"dead-lettered: {error}")
        except Exception:  # the database is down too: the sweeper gives up on it later
            log.exception("could not mark declaration %s failed", message.args[0])


class PeriodicSweep(Middleware):
    """Each worker process sweeps stale declarations every `sweep_every_seconds`.

    A Redis lock lets only one process in the whole deployment sweep per period.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def after_worker_boot(self, broker, worker) -> None:
        if self.settings.sweep_every_seconds <= 0:
            return
        self._thread = threading.Thread(target=self._loop, args=(broker,), name="sweeper", daemon=True)
        self._thread.start()

    def before_worker_shutdown(self, broker, worker) -> None:
        self._stop.set()

    def _loop(self, broker) -> None:
        from workers.sweeper import sweep

        period = self.settings.sweep_every_seconds
        while not self._stop.wait(period):
            try:
                client = getattr(broker, "client", None)
                if client is not None and not client.set("receipts:sweep-lock", "1", nx=True,
                                                         px=max(1, int(period * 900))):
                    continue
                sweep(self.settings, broker)
                schedule_settlement(self.settings, broker)
            except Exception:  # Redis or the database away: try again next period
                log.warning("sweep failed", exc_info=True)


def schedule_settlement(settings: Settings, broker) -> list[str]:
    """Once a day (Paris date), enqueue `settle_ledger` for every program; a Redis key dedups."""
    from models.base import now
    from workers.broker import LEDGER_QUEUE, enqueue

    client = getattr(broker, "client", None)
    today = now().date().isoformat()
    if client is None or not client.set(f"receipts:settled:{today}", "1", nx=True, ex=3 * 86_400):
        return []
    programs = sorted(p.stem for p in settings.programs_dir.glob("*.toml"))
    for program in programs:
        enqueue(broker, "settle_ledger", LEDGER_QUEUE, program, today)
    return programs
