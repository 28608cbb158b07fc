"""Hand a declared id to whoever decides it: dramatiq workers, or threads in this process.

Service mode (REDIS_URL set): a message on the `declarations` queue. Embedded mode:
a small in-process queue drained by `embedded_threads` threads that call the same
`process_declaration`, retrying transient failures with backoff. Either way the
row was committed first, so a lost message only delays it (the sweeper resends).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Protocol

from pipeline.settings import Settings

log = logging.getLogger(__name__)


class Dispatcher(Protocol):
    def process(self, declaration_id: int) -> None: ...

    def close(self) -> None: ...


class BrokerDispatcher:
    """Sends `process_declaration(id)` through the broker (workers run elsewhere)."""

    def __init__(self, broker) -> None:
        self.broker = broker

    def process(self, declaration_id: int) -> None:
        from workers.broker import PROCESS_QUEUE, enqueue

        enqueue(self.broker, "process_declaration", PROCESS_QUEUE, declaration_id)

    def close(self) -> None:
        self.broker.close()


class InProcessDispatcher:
    """Embedded mode: background threads decide declarations in this process."""

    def __init__(self, settings: Settings, threads: int = 1) -> None:
        self.settings = settings
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._threads = [threading.Thread(target=self._run, name=f"declarations-{i}", daemon=True)
                         for i in range(max(1, threads))]
        for t in self._threads:
            t.start()
        self._stopped = threading.Event()
        if settings.sweep_every_seconds > 0:  # what a crash left queued is picked up again
            threading.Thread(target=self._sweep, name="declarations-sweeper", daemon=True).start()

    def process(self, declaration_id: int) -> None:
        self._queue.put(declaration_id)

    def pending(self) -> int:
        return self._queue.qsize()

    def join(self) -> None:
        """Wait until every handed-out declaration is done (tests, shutdown)."""
        self._queue.join()

    def close(self) -> None:
        self._stopped.set()
        for _ in self._threads:
            self._queue.put(None)

    def _sweep(self) -> None:
        from workers.sweeper import sweep

        while True:
            try:
                sweep(self.settings, send=self.process)
            except Exception:  # the database away: try again next period
                log.warning("sweep failed", exc_info=True)
            if self._stopped.wait(self.settings.sweep_every_seconds):
                return

    def _run(self) -> None:
        from declarations.process import mark_failed, process_declaration
        from declarations.runtime import runtime
        from workers.broker import is_transient

        while True:
            declaration_id = self._queue.get()
            try:
                if declaration_id is None:
                    return
                for attempt in range(self.settings.retry_max + 1):
                    try:
                        process_declaration(runtime(self.settings), declaration_id)
                        break
                    except Exception as e:
                        if is_transient(e) and attempt < self.settings.retry_max:
                            delay = min(self.settings.retry_min_backoff_ms * 2 ** attempt,
                                        self.settings.retry_max_backoff_ms) / 1000
                            log.warning("declaration %s: %s; retrying in %.1fs", declaration_id, e, delay)
                            time.sleep(delay)
                            continue
                        log.exception("declaration %s failed", declaration_id)
                        try:
                            mark_failed(runtime(self.settings), declaration_id, f"{type(e).__name__}: {e}")
                        except Exception:
                            log.exception("could not mark declaration %s failed", declaration_id)
                        break
            finally:
                self._queue.task_done()


def dispatcher_for(settings: Settings) -> Dispatcher:
    if settings.redis_url:
        from workers.broker import make_broker

        return BrokerDispatcher(make_broker(settings))
    return InProcessDispatcher(settings, settings.embedded_threads)
