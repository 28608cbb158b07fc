"""The service end to end against real Redis and PostgreSQL (and SQLite where a test says so):
uploads become decisions, crashes lose nothing and credit once, reprocessing applies differences."""

from __future__ import annotations

import argparse
import logging
import signal
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from models.db import session
from models.declarations import DECIDED, Declaration
from models.ledger import LedgerEntry
from tests.service_helpers import (PostgresCluster, RedisProcess, kill_group, multipart, receipt,
                                   service_settings, start_worker)
from tests.services import fresh_database

PROGRAM = "salon-rewards"
ACCEPTED = "salon-photo-kerastase.jpg"


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def row(url: str, declaration_id: int) -> Declaration:
    with session(url) as s:
        return s.get(Declaration, declaration_id)


def decided(url: str, ids) -> bool:
    return all(row(url, i).status in DECIDED for i in ids)


def entries(url: str, declaration_id: int) -> list[LedgerEntry]:
    with session(url) as s:
        return list(s.exec(select(LedgerEntry).where(LedgerEntry.declaration_id == declaration_id)
                           .order_by(LedgerEntry.id)).all())


def net_points(url: str, declaration_id: int) -> int:
    return sum(e.points for e in entries(url, declaration_id))


def declare_file(rt, name: str, participant: str = "p-1", **kw) -> int:
    from declarations.process import declare

    d, _ = declare(rt, program=PROGRAM, participant=participant, name=name, data=receipt(name), **kw)
    return d.id


def fast(**extra) -> dict:
    """Shortened broker timings for tests (the defaults suit production)."""
    return dict(broker_heartbeat_ms=1_500, broker_maintenance_chance=1_000_000, retry_min_backoff_ms=200,
                retry_max_backoff_ms=1_000, **extra)


@pytest.fixture
def pg_url(postgres_url):
    with fresh_database(postgres_url) as url:
        yield url


# -- an upload becomes a decision ---------------------------------------------------------

def test_an_upload_becomes_a_decision_through_redis_and_a_worker(tmp_path, database_url, redis_url):
    import dramatiq

    import workers.actors as actors
    from webapp import create_app
    from webapp.keys import create_key

    settings = service_settings(tmp_path, database_url, redis_url, **fast(sweep_every_seconds=0))
    broker = actors.boot(settings)
    broker.client.flushdb()
    app = create_app(settings)
    key = create_key(settings.db_url, PROGRAM)
    with TestClient(app) as client:
        body, ctype = multipart({"participant": "p-1", "program": PROGRAM}, ACCEPTED, receipt(ACCEPTED))
        r = client.post("/v1/declarations", content=body,
                        headers={"Authorization": f"Bearer {key}", "Content-Type": ctype})
        assert r.status_code == 202
        created = r.json()["id"]
        assert broker.client.llen("dramatiq:declarations") == 1  # really queued in Redis
        worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
        worker.start()
        try:
            doc = wait_for(lambda: (d := client.get(f"/v1/declarations/{created}",
                                                    headers={"Authorization": f"Bearer {key}"}).json())
                           ["status"] in DECIDED and d, 60, "a decision")
        finally:
            worker.stop()
        assert doc["status"] == "accepted", doc
        assert doc["points"] > 0 and doc["extracted"]["total"] == "80.01"
        assert net_points(settings.db_url, created) == doc["points"]
        balance = client.get("/v1/participants/p-1/balance", params={"program": PROGRAM},
                             headers={"Authorization": f"Bearer {key}"}).json()
        assert sum(lot["points"] for lot in balance["lots"]) == doc["points"]
        m = client.get("/metrics").json()
        assert m["outcomes"] == {"accepted": 1} and m["processed_last_minute"] == 1
        assert m["queue"]["declarations"] == {"ready": 0, "delayed": 0, "dead": 0}
        assert m["processing_seconds"]["p50"] > 0
        assert client.get("/health").json()["checks"] == {"database": "ok", "redis": "ok"}


def test_embedded_mode_decides_in_process(tmp_path, database_url):
    from webapp import create_app
    from webapp.keys import create_key

    settings = service_settings(tmp_path, database_url)
    app = create_app(settings)
    key = create_key(settings.db_url, PROGRAM)
    with TestClient(app) as client:
        body, ctype = multipart({"participant": "p-1", "program": PROGRAM}, ACCEPTED, receipt(ACCEPTED))
        created = client.post("/v1/declarations", content=body,
                              headers={"Authorization": f"Bearer {key}", "Content-Type": ctype}).json()["id"]
        app.state.dispatcher.join()
    d = row(settings.db_url, created)
    assert d.status == "accepted" and net_points(settings.db_url, created) == d.points > 0


# -- crashes ------------------------------------------------------------------------------

def test_a_worker_killed_mid_job_loses_nothing_and_credits_once(tmp_path, database_url, redis_url):
    import redis

    from declarations.runtime import runtime

    settings = service_settings(tmp_path, database_url, redis_url, **fast(sweep_after_seconds=3, sweep_every_seconds=1))
    redis.Redis.from_url(redis_url).flushdb()
    rt = runtime(settings)
    ids = [declare_file(rt, name, participant=f"p-{k}")
           for k, name in enumerate([ACCEPTED, "salon-photo-fusio-dose.jpg"])]
    from workers.broker import PROCESS_QUEUE, enqueue, make_broker
    broker = make_broker(settings)
    for i in ids:
        enqueue(broker, "process_declaration", PROCESS_QUEUE, i)
    log = tmp_path / "worker.log"
    first = start_worker(settings, log)
    try:
        killed = wait_for(lambda: next((i for i in ids if row(settings.db_url, i).status == "processing"), None),
                          90, "a job to start", interval=0.01)
    except AssertionError as e:
        raise AssertionError(f"{e}; worker log:\n{log.read_text()[-3000:]}") from e
    finally:
        kill_group(first, signal.SIGKILL)
    assert row(settings.db_url, killed).status == "processing", log.read_text()  # killed mid-job
    second = start_worker(settings, log)
    try:
        wait_for(lambda: decided(settings.db_url, ids), 90, "both decisions")
    finally:
        kill_group(second, signal.SIGTERM)
    for i in ids:
        d = row(settings.db_url, i)
        assert d.status == "accepted", (d.status, d.reasons)
        credits = [e for e in entries(settings.db_url, i) if e.points > 0]
        assert len(credits) == 1 and net_points(settings.db_url, i) == d.points  # once, not twice
    assert row(settings.db_url, killed).attempts >= 2  # it really ran again


def test_redis_restarted_during_a_run_loses_nothing(tmp_path, database_url):
    from declarations.runtime import runtime
    from workers.broker import PROCESS_QUEUE, enqueue, make_broker

    server = RedisProcess()
    server.start()
    settings = service_settings(tmp_path, database_url, server.url, **fast(sweep_after_seconds=2, sweep_every_seconds=1))
    rt = runtime(settings)
    names = [ACCEPTED, "salon-photo-fusio-dose.jpg", "card-slip-contactless.jpg", "salon-photo-monaco.jpg"]
    ids = [declare_file(rt, n, participant=f"p-{k}") for k, n in enumerate(names)]
    broker = make_broker(settings)
    for i in ids:
        enqueue(broker, "process_declaration", PROCESS_QUEUE, i)
    worker = start_worker(settings, tmp_path / "worker.log")
    try:
        wait_for(lambda: any(row(settings.db_url, i).status in DECIDED for i in ids), 60, "a first decision")
        server.stop()  # Redis loses its memory: the queued messages are gone
        assert not decided(settings.db_url, ids)
        time.sleep(1)
        server.start()
        wait_for(lambda: decided(settings.db_url, ids), 120, "every decision after the restart")
    finally:
        kill_group(worker, signal.SIGTERM)
        server.stop()
    for i in ids:
        d = row(settings.db_url, i)
        assert net_points(settings.db_url, i) == (d.points if d.status == "accepted" else 0)
        assert len([e for e in entries(settings.db_url, i) if e.points > 0]) <= 1


def test_the_database_briefly_unavailable_means_retries_not_failures(tmp_path, redis_url, caplog):
    import dramatiq

    import workers.actors as actors
    from declarations.runtime import runtime

    cluster = PostgresCluster()
    cluster.start()
    try:
        settings = service_settings(tmp_path, cluster.url, redis_url, **fast(sweep_every_seconds=0))
        broker = actors.boot(settings)
        broker.client.flushdb()
        created = declare_file(runtime(settings), ACCEPTED)
        actors.process_declaration.send(created)
        cluster.stop()  # the database goes away before the worker takes the job
        caplog.set_level(logging.INFO, logger="dramatiq")
        worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
        worker.start()
        try:
            wait_for(lambda: "Retrying message" in caplog.text, 30, "a retry")
            time.sleep(1.0)
            cluster.start()
            wait_for(lambda: row(settings.db_url, created).status in DECIDED, 60, "a decision once it is back")
        finally:
            worker.stop()
        assert row(settings.db_url, created).status == "accepted"
        assert broker.client.zcard("dramatiq:declarations.XQ") == 0  # nothing dead-lettered
        assert caplog.text.count("Retrying message") >= 1
    finally:
        cluster.remove()


def test_a_job_that_keeps_failing_is_dead_lettered_listed_and_replayed(tmp_path, database_url, redis_url, capsys):
    import dramatiq

    import workers.actors as actors
    from cli.main import build_parser
    from cli.service import run_dlq
    from declarations.runtime import runtime
    from models.store import original_path

    settings = service_settings(tmp_path, database_url, redis_url, **fast(sweep_every_seconds=0))
    broker = actors.boot(settings)
    broker.client.flushdb()
    created = declare_file(runtime(settings), ACCEPTED)
    path = original_path(settings.data_dir, row(settings.db_url, created).file_sha256)
    kept = path.read_bytes()
    path.unlink()  # the original is gone: a bug or an operator mistake, not a transient failure
    actors.process_declaration.send(created)
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        wait_for(lambda: row(settings.db_url, created).status == "failed", 30, "the dead letter")
        assert "FileNotFoundError" in row(settings.db_url, created).error
        assert run_dlq(build_parser().parse_args(["dlq", "list", "--json"]), settings) == 0
        listed = capsys.readouterr().out.strip().splitlines()
        assert len(listed) == 1 and f'"args": [{created}]' in listed[0]
        path.write_bytes(kept)
        assert run_dlq(build_parser().parse_args(["dlq", "replay", "--all"]), settings) == 0
        wait_for(lambda: row(settings.db_url, created).status in DECIDED, 60, "the replayed decision")
    finally:
        worker.stop()
    assert row(settings.db_url, created).status == "accepted"
    assert broker.client.zcard("dramatiq:declarations.XQ") == 0


def test_the_sweeper_resends_what_sits_too_long(tmp_path, database_url):
    from declarations.process import process_declaration
    from declarations.runtime import runtime
    from workers.sweeper import sweep

    settings = service_settings(tmp_path, database_url, sweep_after_seconds=0.5, sweep_max_attempts=3)
    rt = runtime(settings)
    fresh, stuck = declare_file(rt, ACCEPTED, "a"), declare_file(rt, "salon-photo-fusio-dose.jpg", "b")
    sent: list[int] = []
    assert sweep(settings, send=sent.append).requeued == ()  # nothing is old yet
    time.sleep(0.6)
    assert sweep(settings, send=sent.append).requeued == (fresh, stuck)
    assert sweep(settings, send=sent.append).requeued == ()  # touched: not resent at once
    process_declaration(rt, fresh)
    with session(settings.db_url) as s:  # started too often without a decision
        d = s.get(Declaration, stuck)
        d.attempts = 3
        s.add(d)
        s.commit()
    time.sleep(0.6)
    result = sweep(settings, send=sent.append)
    assert result.requeued == () and result.failed == (stuck,)
    assert row(settings.db_url, stuck).status == "failed" and row(settings.db_url, fresh).status == "accepted"


# -- reprocessing ---------------------------------------------------------------------------

def reprocess_args(*extra: str) -> argparse.Namespace:
    from cli.main import build_parser

    return build_parser().parse_args(["reprocess", "--program", PROGRAM, "--no-progress", *extra])


def set_eligible(catalog: Path, fragment: str, eligible: bool) -> None:
    """Flip the `eligible` column of the catalog products whose name contains `fragment`."""
    import csv
    import io

    path = catalog / "products.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    hit = 0
    for r in rows:
        if fragment in r["name"]:
            r["eligible"], hit = ("true" if eligible else "false"), hit + 1
    assert hit, fragment
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    time.sleep(0.01)  # a new modification time: the runtime reloads the catalog


def test_reprocessing_after_a_catalog_change_credits_once_and_reverses(tmp_path, database_url, capsys):
    from cli.service import run_reprocess
    from declarations.process import process_declaration
    from declarations.runtime import runtime
    from models.service import ReprocessItem

    settings = service_settings(tmp_path, database_url)
    catalog = settings.programs_dir.parent / "catalogs" / PROGRAM
    rt = runtime(settings)
    ids = [declare_file(rt, ACCEPTED, "a"), declare_file(rt, "salon-photo-fusio-dose.jpg", "b")]
    for i in ids:
        process_declaration(rt, i)
    before = {i: (row(settings.db_url, i).status, row(settings.db_url, i).points) for i in ids}
    assert before[ids[0]][0] == "accepted" and before[ids[0]][1] > 0
    ledger_before = {i: len(entries(settings.db_url, i)) for i in ids}

    # dry run after the catalog drops the product: says what would change, touches nothing
    set_eligible(catalog, "GENESIS", False)
    assert run_reprocess(reprocess_args("--dry-run", "--json"), settings) == 0
    out = capsys.readouterr().out
    assert f'"declaration_id": {ids[0]}' in out and '"applied": false' in out
    assert {i: (row(settings.db_url, i).status, row(settings.db_url, i).points) for i in ids} == before
    assert {i: len(entries(settings.db_url, i)) for i in ids} == ledger_before
    with session(settings.db_url) as s:
        assert s.exec(select(ReprocessItem)).all() == []  # no bookkeeping either

    # the real run reverses what is no longer eligible, by a new entry
    assert run_reprocess(reprocess_args(), settings) == 0
    after = row(settings.db_url, ids[0])
    assert after.points < before[ids[0]][1]
    assert net_points(settings.db_url, ids[0]) == (after.points if after.status == "accepted" else 0)
    assert len(entries(settings.db_url, ids[0])) > ledger_before[ids[0]]  # history kept, not rewritten
    assert row(settings.db_url, ids[1]).points == before[ids[1]][1]  # untouched by this product

    # eligible again: credited once, however often the batch runs
    set_eligible(catalog, "GENESIS", True)
    assert run_reprocess(reprocess_args(), settings) == 0
    assert run_reprocess(reprocess_args(), settings) == 0
    assert row(settings.db_url, ids[0]).points == before[ids[0]][1]
    assert net_points(settings.db_url, ids[0]) == before[ids[0]][1]
    with session(settings.db_url) as s:
        assert len(s.exec(select(ReprocessItem)).all()) == 3 * len(ids)


def test_an_interrupted_reprocessing_run_resumes_where_it_stopped(tmp_path, database_url):
    from cli.service import run_reprocess
    from declarations.process import process_declaration
    from declarations.runtime import runtime
    from models.service import ReprocessItem, ReprocessRun
    from workers.reprocess import Selection, reprocess_one, run_ids, start_run

    settings = service_settings(tmp_path, database_url)
    rt = runtime(settings)
    ids = [declare_file(rt, ACCEPTED, f"p{k}") for k in range(3)]
    for i in ids:
        process_declaration(rt, i)
    run = start_run(rt.url, Selection(PROGRAM), reocr=False, dry_run=False)
    assert run_ids(rt.url, run) == ids
    reprocess_one(rt, run.id, ids[0], reocr=False, dry_run=False)  # then the run was interrupted
    assert reprocess_one(rt, run.id, ids[0], reocr=False, dry_run=False) is None  # never twice
    assert run_reprocess(reprocess_args(), settings) == 0  # the same selection: resumed
    with session(settings.db_url) as s:
        runs = s.exec(select(ReprocessRun)).all()
        items = s.exec(select(ReprocessItem)).all()
    assert len(runs) == 1 and runs[0].finished_at is not None
    assert sorted(it.declaration_id for it in items) == ids


def test_reprocessing_as_dramatiq_jobs(tmp_path, database_url, redis_url, capsys):
    import dramatiq

    import workers.actors as actors
    from cli.service import run_reprocess
    from declarations.process import process_declaration
    from declarations.runtime import runtime

    settings = service_settings(tmp_path, database_url, redis_url, **fast(sweep_every_seconds=0))
    broker = actors.boot(settings)
    broker.client.flushdb()
    rt = runtime(settings)
    created = declare_file(rt, ACCEPTED)
    process_declaration(rt, created)
    points = row(settings.db_url, created).points
    set_eligible(settings.programs_dir.parent / "catalogs" / PROGRAM, "GENESIS", False)
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        assert run_reprocess(reprocess_args("--json"), settings) == 0
    finally:
        worker.stop()
    assert f'"declaration_id": {created}' in capsys.readouterr().out
    assert row(settings.db_url, created).points < points


def test_settle_ledger_actor_releases_pending_points(tmp_path, database_url):
    from datetime import timedelta

    import workers.actors as actors
    from declarations.process import process_declaration
    from declarations.runtime import runtime

    settings = service_settings(tmp_path, database_url)
    actors.boot(settings)  # no REDIS_URL: a stub broker, the actor runs when called
    rt = runtime(settings)
    created = declare_file(rt, ACCEPTED)
    d = process_declaration(rt, created)
    assert d.status == "accepted"
    assert not [e for e in entries(settings.db_url, created) if e.kind == "release"]
    actors.settle_ledger(PROGRAM, (d.declared_at.date() + timedelta(days=40)).isoformat())
    with session(settings.db_url) as s:
        kinds = [e.kind for e in s.exec(select(LedgerEntry).where(LedgerEntry.participant_id == d.participant_id))]
    assert "release" in kinds


def test_an_upload_is_kept_when_redis_is_down_and_the_sweeper_sends_it(tmp_path, pg_url):
    from webapp import create_app
    from webapp.keys import create_key
    from workers.sweeper import sweep

    server = RedisProcess()  # started, then stopped: the API cannot queue
    server.start()
    settings = service_settings(tmp_path, pg_url, server.url, sweep_after_seconds=0)
    app = create_app(settings)
    key = create_key(settings.db_url, PROGRAM)
    server.stop()
    with TestClient(app) as client:
        body, ctype = multipart({"participant": "p-1", "program": PROGRAM}, ACCEPTED, receipt(ACCEPTED))
        r = client.post("/v1/declarations", content=body,
                        headers={"Authorization": f"Bearer {key}", "Content-Type": ctype})
        assert r.status_code == 202
        assert client.get("/health").status_code == 503
    created = r.json()["id"]
    assert row(settings.db_url, created).status == "queued"
    server.start()
    try:
        import redis
        assert sweep(settings).requeued == (created,)
        assert redis.Redis.from_url(server.url).llen("dramatiq:declarations") == 1
    finally:
        server.stop()
