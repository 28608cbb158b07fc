"""Service-mode commands: API keys, the API server, workers, sweeper, dead letters, reprocessing.

    receipts apikey create --program NAME      prints a new key, once
    receipts apikey revoke KEY_ID | apikey list
    receipts serve [--host H] [--port P] [--workers N]
    receipts worker [--processes N] [--threads T]   (= dramatiq workers.actors ...)
    receipts sweep                                  re-enqueue stale declarations now
    receipts dlq list | dlq replay [ID ...] [--all]
    receipts reprocess --program NAME [--since D] [--until D] [--status S ...] [--reocr] [--dry-run]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date

from pipeline.settings import Settings


def add_parsers(sub) -> None:
    key = sub.add_parser("apikey", help="API keys for the upload API")
    key_sub = key.add_subparsers(dest="action", required=True)
    create = key_sub.add_parser("create", help="make a key for one program (printed once)")
    create.add_argument("--program", required=True)
    create.add_argument("--label", help="who the key is for")
    create.add_argument("--rate-limit", type=int, help="requests a minute (default: the service setting)")
    revoke = key_sub.add_parser("revoke", help="revoke a key (by its id, the part after `rk_`)")
    revoke.add_argument("key")
    lst = key_sub.add_parser("list", help="list keys (never the secrets)")
    lst.add_argument("--program")
    for p in (create, revoke, lst):
        p.add_argument("--db", help="database URL")
    key.set_defaults(run=run_apikey)

    serve = sub.add_parser("serve", help="run the upload API (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="API processes")
    serve.set_defaults(run=run_serve)

    worker = sub.add_parser("worker", help="run dramatiq workers (needs REDIS_URL)")
    worker.add_argument("--processes", type=int, help="worker processes (default: setting worker_processes)")
    worker.add_argument("--threads", type=int, help="threads per process (default: setting worker_threads)")
    worker.add_argument("--queues", nargs="*", help="only these queues")
    worker.set_defaults(run=run_worker)

    sweep = sub.add_parser("sweep", help="re-enqueue declarations stuck in queued/processing")
    sweep.add_argument("--older-than", type=float, help="seconds (default: setting sweep_after_seconds)")
    sweep.set_defaults(run=run_sweep)

    dlq = sub.add_parser("dlq", help="dead-lettered jobs (service mode)")
    dlq.add_argument("action", choices=["list", "replay"])
    dlq.add_argument("ids", nargs="*", help="dead-letter ids to replay (from `dlq list`)")
    dlq.add_argument("--all", action="store_true", help="replay every dead letter")
    dlq.add_argument("--json", action="store_true")
    dlq.set_defaults(run=run_dlq)

    rep = sub.add_parser("reprocess", help="re-run matching, rules and fraud on stored declarations")
    rep.add_argument("--program", required=True)
    rep.add_argument("--since", type=date.fromisoformat, help="declared on or after (YYYY-MM-DD)")
    rep.add_argument("--until", type=date.fromisoformat, help="declared on or before (YYYY-MM-DD)")
    rep.add_argument("--status", nargs="+", choices=["accepted", "rejected", "review", "failed"],
                     help="only these statuses (default: accepted rejected review)")
    rep.add_argument("--reocr", action="store_true", help="read the files again instead of the stored OCR")
    rep.add_argument("--dry-run", action="store_true", help="print what would change; touch nothing")
    rep.add_argument("--in-process", action="store_true", help="run here even when REDIS_URL is set")
    rep.add_argument("--db", help="database URL")
    rep.add_argument("--json", action="store_true", help="one JSON line per declaration that changes")
    rep.add_argument("--no-progress", action="store_true")
    rep.set_defaults(run=run_reprocess)


def _with_db(settings: Settings, url: str | None) -> Settings:
    return settings.model_copy(update={"database_url": url}) if url else settings


def run_apikey(args: argparse.Namespace, settings: Settings) -> int:
    from models.db import migrate
    from pipeline.settings import load_program
    from webapp.keys import create_key, list_keys, revoke_key

    url = _with_db(settings, args.db).db_url
    migrate(url)
    if args.action == "create":
        load_program(settings.programs_dir, args.program)  # unknown program: a sentence, exit 2
        print(create_key(url, args.program, label=args.label, rate_limit_per_minute=args.rate_limit))
        return 0
    if args.action == "revoke":
        if revoke_key(url, args.key):
            print(f"revoked {args.key}")
            return 0
        print(f"receipts: no live key {args.key!r}", file=sys.stderr)
        return 1
    for k in list_keys(url, args.program):
        state = f"revoked {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "live"
        print(f"{k.key_id}\t{k.program}\t{state}\t{k.label or ''}")
    return 0


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    if args.workers > 1:  # each process builds its own app from the environment
        uvicorn.run("webapp.server:app", factory=True, host=args.host, port=args.port, workers=args.workers,
                    log_level="info")
        return 0
    from webapp import create_app

    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    return 0


def worker_command(settings: Settings, processes: int | None = None, threads: int | None = None,
                   queues: list[str] | None = None) -> list[str]:
    """The dramatiq command line `receipts worker` runs (also used by tests and the benchmark)."""
    cmd = [sys.executable, "-m", "dramatiq", "workers.actors",
           "--processes", str(processes or settings.worker_processes),
           "--threads", str(threads or settings.worker_threads)]
    if queues:
        cmd += ["--queues", *queues]
    return cmd


def run_worker(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.redis_url:
        raise ValueError("workers need REDIS_URL; without it the API and `receipts process` work in-process")
    os.environ["OMP_THREAD_LIMIT"] = "1"  # one OCR thread per process: scale on processes
    os.environ.setdefault("RECEIPTS_READING_THREADS", "1")  # ... and one thread per receipt's reading
    cmd = worker_command(settings, args.processes, args.threads, args.queues)
    os.execv(cmd[0], cmd)
    return 0  # not reached


def run_sweep(args: argparse.Namespace, settings: Settings) -> int:
    from workers.sweeper import sweep

    if args.older_than is not None:
        settings = settings.model_copy(update={"sweep_after_seconds": args.older_than})
    send = None
    if not settings.redis_url:  # embedded: decide them here
        from declarations.process import process_declaration
        from declarations.runtime import runtime

        rt = runtime(settings)
        send = lambda i: process_declaration(rt, i)  # noqa: E731
    result = sweep(settings, send=send)
    print(f"re-enqueued {len(result.requeued)}, failed {len(result.failed)}")
    return 0


def run_dlq(args: argparse.Namespace, settings: Settings) -> int:
    from workers.broker import dead_letters, make_broker, replay

    if not settings.redis_url:
        raise ValueError("the dead-letter queue lives in Redis: set REDIS_URL")
    broker = make_broker(settings)
    letters = dead_letters(broker.client, broker.namespace)
    if args.action == "list":
        for queue, mid, m in letters:
            error = (m.options.get("traceback") or "").strip().splitlines()[-1:] or [""]
            row = {"id": mid, "queue": queue, "actor": m.actor_name, "args": list(m.args),
                   "retries": m.options.get("retries", 0), "error": error[0]}
            print(json.dumps(row) if args.json else
                  f"{mid}\t{queue}\t{m.actor_name}{tuple(m.args)}\tretries={row['retries']}\t{row['error']}")
        return 0
    wanted = {mid for _, mid, _ in letters} if args.all else set(args.ids)
    if not wanted:
        raise ValueError("name dead-letter ids to replay, or --all")
    from declarations.runtime import runtime

    replayed = 0
    for queue, mid, m in letters:
        if mid not in wanted:
            continue
        if m.actor_name == "process_declaration":
            requeue_declaration(runtime(settings).url, int(m.args[0]))
        if replay(broker, queue, mid) is not None:
            replayed += 1
    print(f"replayed {replayed}")
    return 0 if replayed == len(wanted) else 1


def requeue_declaration(url: str, declaration_id: int) -> None:
    """A replayed declaration is `queued` again (it was `failed`)."""
    from models.base import now
    from models.db import session
    from models.declarations import Declaration

    with session(url) as s:
        d = s.get(Declaration, declaration_id)
        if d is not None and d.status == "failed":
            d.status, d.attempts, d.updated_at = "queued", 0, now()
            s.add(d)
            s.commit()


def run_reprocess(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from declarations.runtime import runtime
    from workers.reprocess import (DEFAULT_STATUSES, Selection, done_ids, finish_run, reprocess_one,
                                   run_ids, run_items, start_run)

    settings = _with_db(settings, args.db)
    rt = runtime(settings)
    rt.program(args.program)
    sel = Selection(program=args.program, since=args.since, until=args.until,
                    statuses=tuple(args.status or DEFAULT_STATUSES))
    if args.dry_run:
        return dry_run(rt, sel, args)
    run = start_run(rt.url, sel, reocr=args.reocr, dry_run=args.dry_run)
    ids = run_ids(rt.url, run)
    done = done_ids(rt.url, run.id)
    todo = [i for i in ids if i not in done]
    bar = tqdm(total=len(ids), initial=len(ids) - len(todo), unit="decl", disable=args.no_progress,
               desc=f"reprocess run {run.id}", file=sys.stderr)
    if settings.redis_url and not args.in_process:
        from workers.broker import REPROCESS_QUEUE, enqueue, make_broker

        broker = make_broker(settings)
        for i in todo:
            enqueue(broker, "reprocess_declaration", REPROCESS_QUEUE, i, args.reocr, args.dry_run, run.id)
        seen = len(ids) - len(todo)
        while seen < len(ids):  # the workers record each finished declaration; follow them
            time.sleep(0.5)
            now_done = len(done_ids(rt.url, run.id))
            bar.update(now_done - seen)
            seen = now_done
    else:
        for i in todo:
            reprocess_one(rt, run.id, i, reocr=args.reocr, dry_run=args.dry_run)
            bar.update(1)
    bar.close()
    finish_run(rt.url, run.id)
    changed = [it for it in run_items(rt.url, run.id)
               if (it.before_status, it.before_points) != (it.after_status, it.after_points)]
    verb = "would change" if args.dry_run else "changed"
    for it in changed:
        row = {"declaration_id": it.declaration_id, "before": {"status": it.before_status, "points": it.before_points},
               "after": {"status": it.after_status, "points": it.after_points}, "applied": it.applied}
        print(json.dumps(row) if args.json else
              f"declaration {it.declaration_id}: {it.before_status} {it.before_points} pts -> "
              f"{it.after_status} {it.after_points} pts" + ("" if it.applied else " (not applied)"))
    print(f"run {run.id}: {len(ids)} declarations, {len(changed)} {verb}", file=sys.stderr)
    return 0


def dry_run(rt, sel, args: argparse.Namespace) -> int:
    """What a run would change, computed here and written nowhere (no run row, no ledger entry)."""
    from tqdm import tqdm

    from declarations.process import reprocess_declaration
    from workers.reprocess import selected_ids

    ids = selected_ids(rt.url, sel)
    changed = 0
    for i in tqdm(ids, unit="decl", disable=args.no_progress, desc="reprocess --dry-run", file=sys.stderr):
        c = reprocess_declaration(rt, i, reocr=args.reocr, dry_run=True)
        if (c.before_status, c.before_points) == (c.after_status, c.after_points):
            continue
        changed += 1
        row = {"declaration_id": c.declaration_id, "before": {"status": c.before_status, "points": c.before_points},
               "after": {"status": c.after_status, "points": c.after_points}, "applied": False}
        print(json.dumps(row) if args.json else
              f"declaration {c.declaration_id}: {c.before_status} {c.before_points} pts -> "
              f"{c.after_status} {c.after_points} pts (dry run)")
    print(f"dry run: {len(ids)} declarations, {changed} would change", file=sys.stderr)
    return 0
