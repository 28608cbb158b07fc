"""Thin actors: take ids, reload from the database, call the same stage runner as the CLI.

Run with `dramatiq workers.actors --processes N --threads T`. Importing this module
is the worker's boot: settings are built once from the environment there. Tests
call `boot(settings)` with explicit settings instead.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # OCR on one thread per process: scale on processes

import dramatiq

from pipeline.errors import TransientError
from pipeline.settings import Settings
from workers.broker import install_broker

SETTINGS: Settings
_store = None


def store():
    """One store (engine, pool) per worker process."""
    global _store
    if _store is None:
        from models.store import ReadingStore

        _store = ReadingStore(SETTINGS.db_url, SETTINGS.data_dir)
    return _store


def retry_transient(retries: int, exc: BaseException) -> bool:
    """Only transient failures are retried; a bad file is an outcome, not a failure."""
    return isinstance(exc, TransientError | OSError | ConnectionError)


def boot(settings: Settings) -> dramatiq.Broker:
    """Bind every actor to the broker these settings describe."""
    global SETTINGS, _store
    SETTINGS, _store = settings, None
    broker = install_broker(settings)
    for actor in ACTORS:
        actor.broker = broker
        broker.declare_actor(actor)
    return broker


@dramatiq.actor(queue_name="reading", max_retries=5, min_backoff=2_000, max_backoff=120_000,
                time_limit=180_000, retry_when=retry_transient, broker=install_broker(Settings()))
def read_stored_file(sha256: str, name: str, program: str | None = None) -> int:
    """Read a stored original (kept by the uploader before queueing) and record its extraction."""
    from pipeline.extract import extract_receipt, options_for
    from pipeline.interpret import PARSER_VERSION

    st = store()
    result = extract_receipt(name, st.load_original(sha256), options_for(SETTINGS, program), st)
    return st.save_extraction(result.extraction, parser_version=PARSER_VERSION, program=program,
                              reading_id=result.reading_id)


ACTORS = (read_stored_file,)
SETTINGS = Settings()
