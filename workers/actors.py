"""Thin actors: take ids and plain values, reload from the database, call the same
functions as the embedded mode (`declarations.process`).

Run with `receipts worker` or `dramatiq workers.actors --processes N --threads T`.
Importing this module is the worker's boot: settings are built once from the
environment there. Tests call `boot(settings)` with explicit settings instead.
Retries (transient failures only), dead-lettering and the periodic sweep live in
the broker's middleware (`workers.broker`, `workers.middleware`), not here.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # OCR on one thread per process: scale on processes

from datetime import date

import dramatiq

# Everything the actors and the sweeper thread use is imported here, in the main thread at
# boot: first imports made lazily from a worker thread and the sweeper thread at once raced
# inside SQLAlchemy's package initialisation ("partially initialized module"), and the first
# message was dead-lettered with an ImportError.
import declarations.process  # noqa: F401,E402
import ledger.settle  # noqa: F401,E402
import pipeline.extract  # noqa: F401,E402
import workers.reprocess  # noqa: F401,E402
import workers.sweeper  # noqa: F401,E402
from pipeline.settings import Settings
from workers.broker import LEDGER_QUEUE, PROCESS_QUEUE, READING_QUEUE, REPROCESS_QUEUE, install_broker

SETTINGS: Settings = Settings()
BROKER = install_broker(SETTINGS)
_store = None


def limit_threads(settings: Settings) -> None:
    """One core per worker process: Tesseract (OMP_THREAD_LIMIT above), PP-OCR (its own
    setting) and OpenCV, whose thread pool would otherwise spread preprocessing over every
    core and make processes fight for them."""
    import cv2

    cv2.setNumThreads(max(1, settings.ocr_threads))


limit_threads(SETTINGS)


def runtime():
    """The process's runtime (store, engines, programs), built on first use."""
    from declarations.runtime import runtime as build

    return build(SETTINGS)


def store():
    """One store (engine, pool) per worker process."""
    global _store
    if _store is None:
        from models.store import ReadingStore

        _store = ReadingStore(SETTINGS.db_url, SETTINGS.data_dir)
    return _store


def boot(settings: Settings) -> dramatiq.Broker:
    """Bind every actor to the broker these settings describe."""
    global SETTINGS, BROKER, _store
    SETTINGS, _store = settings, None
    limit_threads(settings)
    BROKER = install_broker(settings)
    for actor in ACTORS:
        actor.broker = BROKER
        BROKER.declare_actor(actor)
    return BROKER


@dramatiq.actor(queue_name=PROCESS_QUEUE, time_limit=SETTINGS.job_time_limit_ms, broker=BROKER)
def process_declaration(declaration_id: int) -> None:
    """Decide one queued declaration and credit its points (idempotent)."""
    from declarations.process import process_declaration as run

    run(runtime(), declaration_id)


@dramatiq.actor(queue_name=REPROCESS_QUEUE, time_limit=SETTINGS.job_time_limit_ms, broker=BROKER)
def reprocess_declaration(declaration_id: int, reocr: bool, dry_run: bool, run_id: int) -> None:
    """Re-run matching, rules and fraud on one declaration for a reprocessing run."""
    from workers.reprocess import reprocess_one

    reprocess_one(runtime(), run_id, declaration_id, reocr=reocr, dry_run=dry_run)


@dramatiq.actor(queue_name=LEDGER_QUEUE, broker=BROKER)
def settle_ledger(program: str, today: str) -> None:
    """The daily ledger pass (release pending points, expire lapsed lots) as of `today`."""
    from ledger.settle import settle
    from models.db import session

    rt = runtime()
    with session(rt.url) as s:
        settle(s, program=program, today=date.fromisoformat(today), policy=rt.program(program).ledger)
        s.commit()


@dramatiq.actor(queue_name=READING_QUEUE, time_limit=SETTINGS.job_time_limit_ms, broker=BROKER)
def read_stored_file(sha256: str, name: str, program: str | None = None) -> int:
    """Read a stored original (kept by the uploader before queueing) and record its extraction."""
    from pipeline.extract import extract_receipt, options_for
    from pipeline.interpret import PARSER_VERSION

    st = store()
    result = extract_receipt(name, st.load_original(sha256), options_for(SETTINGS, program), st)
    return st.save_extraction(result.extraction, parser_version=PARSER_VERSION, program=program,
                              reading_id=result.reading_id)


ACTORS = (process_declaration, reprocess_declaration, settle_ledger, read_stored_file)
