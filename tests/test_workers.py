"""The reading actor on a real Redis broker: a queued file becomes a stored extraction."""

from __future__ import annotations

import hashlib

from dramatiq import Worker
from sqlmodel import select

from models.db import session
from models.extractions import ExtractionRecord
from models.store import ReadingStore
from pipeline.settings import Settings
from tests.conftest import SAMPLES


def test_actor_reads_a_stored_file_through_redis(redis_url, tmp_path):
    import workers.actors as actors

    settings = Settings(redis_url=redis_url, database_url=f"sqlite:///{tmp_path / 'w.db'}", data_dir=tmp_path)
    broker = actors.boot(settings)
    broker.client.flushdb()
    data = (SAMPLES / "broken" / "truncated.jpg").read_bytes()
    good = (SAMPLES / "receipts" / "salon-photo-kerastase.jpg").read_bytes()
    store = ReadingStore(settings.db_url, settings.data_dir)
    shas = []
    for name, blob in (("truncated.jpg", data), ("salon.jpg", good)):
        sha = hashlib.sha256(blob).hexdigest()
        store.keep_file(name, blob, sha, "jpeg")
        actors.read_stored_file.send(sha, name, "salon-rewards")
        shas.append(sha)
    assert broker.client.llen("dramatiq:reading") == 2  # really queued in Redis

    worker = Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        broker.join("reading", timeout=120_000)
    finally:
        worker.stop()
    with session(settings.db_url) as s:
        rows = {r.file_sha256: r for r in s.exec(select(ExtractionRecord)).all()}
    assert rows[shas[0]].ok is False and rows[shas[0]].error_code == "corrupt_file"
    assert rows[shas[1]].ok is True and rows[shas[1]].fields["total"] is not None
    assert rows[shas[1]].program == "salon-rewards"
