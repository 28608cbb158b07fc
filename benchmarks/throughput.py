"""Service throughput: Redis, PostgreSQL, the API and 1 then 2 worker processes on this machine.

For each worker count, on a fresh database and data folder (so no stored OCR is
reused), uploads `--count` generated receipts over loopback to the API as fast as
`--concurrency` clients can, waits until every declaration is decided, and reports:

    throughput   receipts decided per second (first upload -> last decision)
    latency      p50 / p95 of (decided_at - declared_at) per declaration
    overhead     (end-to-end worker time per receipt - OCR engine time) / end-to-end time,
                 where end-to-end worker time = wall time x worker processes / count and
                 the OCR engine time is what the reading stage recorded (decode + OCR)

    .venv/bin/python -m benchmarks.throughput --count 500        # the README figures
    .venv/bin/python -m benchmarks.throughput --count 20 --workers 1
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench-out"
PROGRAM = "salon-rewards"


def corpus(count: int, seed: int) -> list[tuple[str, bytes]]:
    """Generated receipts, cached on disk (rendering them is not what is measured)."""
    from samples.generator import corpus as generate

    folder = OUT / f"throughput-corpus-{seed}-{count}"
    if folder.is_dir() and len(list(folder.iterdir())) == count:
        return [(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for k, sample in enumerate(generate(count, seed=seed)):
        name = f"{k:04d}-{sample.filename}"
        (folder / name).write_bytes(sample.data)
        files.append((name, sample.data))
        if len(files) == count:
            break
    return files


def env_for(db_url: str, redis_url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECEIPTS_")}
    env.update({"DATABASE_URL": db_url, "REDIS_URL": redis_url, "RECEIPTS_DATA_DIR": str(data_dir),
                "OMP_THREAD_LIMIT": "1", "RECEIPTS_READING_THREADS": "1", "PYTHONPATH": str(ROOT)})
    return env


def wait_http(url: str, seconds: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def run_phase(files, workers: int, server_url: str, redis_url: str, concurrency: int) -> dict:
    import httpx
    import redis
    from sqlmodel import select

    from models.db import migrate, session
    from models.declarations import DECIDED, Declaration
    from models.extractions import OcrReading
    from tests.services import free_port, fresh_database
    from webapp.keys import create_key

    redis.Redis.from_url(redis_url).flushdb()
    with fresh_database(server_url) as db_url, tempfile.TemporaryDirectory(prefix="receipts-bench-") as data:
        migrate(db_url)
        key = create_key(db_url, PROGRAM, rate_limit_per_minute=1_000_000)
        env = env_for(db_url, redis_url, Path(data))
        port = free_port()
        logs = OUT / f"throughput-{workers}w"
        logs.mkdir(parents=True, exist_ok=True)
        api = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--port", str(port)], env=env, cwd=ROOT,
                               stdout=(logs / "api.log").open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
        worker = subprocess.Popen([sys.executable, "-m", "dramatiq", "workers.actors", "--processes", str(workers),
                                   "--threads", "1"], env=env, cwd=ROOT, stdout=(logs / "worker.log").open("wb"),
                                  stderr=subprocess.STDOUT, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_http(f"{base}/health")
            time.sleep(3)  # let the workers boot (imports, engines) before the clock starts
            client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60)

            def upload(item):
                k, (name, data) = item
                r = client.post("/v1/declarations", files={"file": (name, data)},
                                data={"participant": f"bench-{k % 97}", "program": PROGRAM})
                r.raise_for_status()
                return r.json()["id"]

            started = time.time()
            with ThreadPoolExecutor(concurrency) as pool:
                ids = list(pool.map(upload, enumerate(files)))
            uploaded = time.time() - started
            while True:
                with session(db_url) as s:
                    left = s.exec(select(Declaration.id).where(Declaration.status.not_in(DECIDED))).all()
                if not left:
                    break
                time.sleep(0.5)
            with session(db_url) as s:
                rows = s.exec(select(Declaration).where(Declaration.id.in_(ids))).all()
                ocr = [r.seconds for r in s.exec(select(OcrReading)).all()]
            client.close()
        finally:
            stop(worker)
            stop(api)
    first = min(r.declared_at for r in rows)
    last = max(r.decided_at for r in rows)
    wall = (last - first).total_seconds()
    latencies = [(r.decided_at - r.declared_at).total_seconds() for r in rows]
    per_receipt = wall * workers / len(rows)
    ocr_mean = sum(ocr) / len(rows)
    outcomes: dict[str, int] = {}
    for r in rows:
        outcomes[r.status] = outcomes.get(r.status, 0) + 1
    return {"workers": workers, "count": len(rows), "upload_seconds": round(uploaded, 2), "wall_seconds": round(wall, 2),
            "throughput_per_s": round(len(rows) / wall, 3), "latency_p50_s": round(percentile(latencies, 50), 2),
            "latency_p95_s": round(percentile(latencies, 95), 2), "worker_seconds_per_receipt": round(per_receipt, 3),
            "ocr_seconds_per_receipt": round(ocr_mean, 3), "service_overhead": round(1 - ocr_mean / per_receipt, 3),
            "outcomes": outcomes}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--count", type=int, default=500)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker process counts to measure")
    p.add_argument("--concurrency", type=int, default=8, help="concurrent upload clients")
    args = p.parse_args(argv)

    from tests.services import postgres_server, redis_server

    files = corpus(args.count, args.seed)
    print(f"{len(files)} receipts, {sum(len(d) for _, d in files) / 1e6:.1f} MB", file=sys.stderr)
    results = []
    with postgres_server() as pg, redis_server() as rd:
        for w in args.workers:
            res = run_phase(files, w, pg, rd, args.concurrency)
            results.append(res)
            print(json.dumps(res), flush=True)
    print("\n| workers | receipts | throughput (receipts/s) | p50 latency (s) | p95 latency (s) | "
          "worker s/receipt | OCR s/receipt | service overhead |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['workers']} | {r['count']} | {r['throughput_per_s']:.2f} | {r['latency_p50_s']:.1f} | "
              f"{r['latency_p95_s']:.1f} | {r['worker_seconds_per_receipt']:.2f} | {r['ocr_seconds_per_receipt']:.2f} | "
              f"{r['service_overhead']:.1%} |")
    if len(results) >= 2:
        ratio = results[-1]["throughput_per_s"] / results[0]["throughput_per_s"]
        print(f"\nscaling {results[-1]['workers']} vs {results[0]['workers']} workers: {ratio:.2f}x")
    OUT.mkdir(exist_ok=True)
    (OUT / "throughput.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
