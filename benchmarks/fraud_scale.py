"""Fraud index at scale: the full duplicate check against 1,000,000 declared receipts.

Loads N synthetic declarations (participants, stored files, declarations, fingerprints
and their lookup keys, through the real Alembic schema) into PostgreSQL (COPY) and
into SQLite (executemany in one transaction), then times, on a warm database, the full
duplicate check for a new receipt as the orchestrator runs it: `same_file` then
`find_candidates` (exact purchase key, blocking keys, text LSH bands and image-hash
chunks, each candidate verified by MinHash similarity and Hamming distance). Beside
it, in the same run, a linear scan over the same rows does the same comparisons
without the indexes.

Synthetic receipts are shaped like real traffic: 5,000 shops, two years of dates,
receipts of one shop share part of their text signature (header, footer) and of their
image hash (layout), so the LSH bands really do collide within a shop. Half of the
probe receipts repeat a loaded one (the same file, or a re-photograph: same purchase
read with one field misread, 85 % of the MinHash values equal, 3 image bits flipped)
and must be found; the other half are new.

    .venv/bin/python -m benchmarks.fraud_scale --count 20000          # a quick run
    nice -n 10 .venv/bin/python -m benchmarks.fraud_scale             # 1,000,000 (PostgreSQL and SQLite)
"""

from __future__ import annotations

import argparse
import hashlib
import signal
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import numpy as np
from sqlalchemy import text

from models.db import get_engine, migrate, normalise_url, session
from models.fingerprints import find_candidates, same_file
from pipeline.fraud.fingerprint import TEXT_BANDS, TEXT_ROWS
from pipeline.fraud.sketches import IMAGE_CHUNKS, NUM_PERM, hamming, signature_similarity
from pipeline.fraud.values import Fingerprint

PROGRAM = "salon-rewards"
SHOPS = 5000
PARTICIPANTS = 50_000
SHOP_SHARE = 0.5  # share of a receipt's MinHash values that come from its shop's template
M64 = (1 << 64) - 1


# -- synthetic fingerprints (vectorised; keys derived like the real ones, from the values) --------------
def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, vectorised: a well-spread 64-bit key from a 64-bit value."""
    x = x.astype(np.uint64)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """(n, TEXT_BANDS) signed keys: each band's rows folded through mix64, tagged by band index."""
    n = signatures.shape[0]
    keys = np.zeros((n, TEXT_BANDS), dtype=np.uint64)
    for band in range(TEXT_BANDS):
        h = np.full(n, np.uint64(0x7E47 + band), dtype=np.uint64)
        for r in range(TEXT_ROWS):
            h = mix64(h ^ signatures[:, band * TEXT_ROWS + r].astype(np.uint64))
        keys[:, band] = h
    return keys.view(np.int64)


def chunk_keys(hashes: np.ndarray) -> np.ndarray:
    width = 64 // IMAGE_CHUNKS
    out = np.zeros((hashes.shape[0], IMAGE_CHUNKS), dtype=np.uint64)
    for i in range(IMAGE_CHUNKS):
        chunk = (hashes >> np.uint64(i * width)) & np.uint64((1 << width) - 1)
        out[:, i] = mix64(chunk ^ np.uint64(0x1A6E0000 + i))
    return out.view(np.int64)


def block_keys(shop: np.ndarray, day: np.ndarray, cents: np.ndarray) -> np.ndarray:
    tag = lambda k: np.uint64(k) << np.uint64(56)  # noqa: E731
    s, d, c = shop.astype(np.uint64), day.astype(np.uint64), cents.astype(np.uint64)
    return np.stack([mix64(tag(1) | (d << np.uint64(32)) | c), mix64(tag(2) | (s << np.uint64(32)) | c),
                     mix64(tag(3) | (s << np.uint64(16)) | d)], axis=1).view(np.int64)


class Synthetic:
    """N receipts' facts, signatures and hashes, deterministic for the seed."""

    def __init__(self, n: int, seed: int = 7) -> None:
        rng = np.random.default_rng(seed)
        self.n = n
        self.shop = rng.integers(0, SHOPS, n)
        self.day = rng.integers(0, 730, n)
        self.minute = rng.integers(9 * 60, 19 * 60, n)
        self.ticket = rng.integers(1, 999_999, n)
        self.cents = (rng.gamma(2.0, 2500, n) + 500).astype(np.int64)
        self.participant = rng.integers(0, PARTICIPANTS, n)
        templates = rng.integers(0, 1 << 32, (SHOPS, NUM_PERM), dtype=np.uint32)
        own = rng.integers(0, 1 << 32, (n, NUM_PERM), dtype=np.uint32)
        shared = rng.random((n, NUM_PERM), dtype=np.float32) < SHOP_SHARE
        self.signature = np.where(shared, templates[self.shop], own)
        layouts = rng.integers(0, 1 << 63, SHOPS, dtype=np.uint64)
        flips = rng.integers(0, 1 << 63, n, dtype=np.uint64) & rng.integers(0, 1 << 63, n, dtype=np.uint64)
        self.image = layouts[self.shop] ^ flips  # ~16 bits differ between two receipts of one shop
        self.sha = [hashlib.sha256(f"file:{seed}:{i}".encode()).hexdigest() for i in range(n)]

    def facts(self, i: int) -> tuple[str, str, str, str, str]:
        day = np.datetime64("2025-01-01") + int(self.day[i])
        m = int(self.minute[i])
        return (f"{75000 + int(self.shop[i]):05d}", str(day), f"{m // 60:02d}:{m % 60:02d}", str(int(self.ticket[i])),
                f"{int(self.cents[i]) // 100}.{int(self.cents[i]) % 100:02d}")

    def purchase_key(self, i: int) -> str:
        return "|".join(self.facts(i))

    def fingerprint(self, i: int, *, signature=None, image=None, time_=None, sha=None) -> Fingerprint:
        shop, day, t, ticket, total = self.facts(i)
        t = time_ or t
        sig = self.signature[i] if signature is None else signature
        img = int(self.image[i]) if image is None else image
        return Fingerprint(
            sha256=sha or self.sha[i], purchase_key="|".join((shop, day, t, ticket, total)), shop=shop, date=day,
            time=t, ticket=ticket, total=total,
            blocking_keys=tuple(int(k) for k in block_keys(self.shop[i:i + 1], self.day[i:i + 1], self.cents[i:i + 1])[0]),
            text_signature=tuple(int(v) for v in sig),
            text_bands=tuple(int(k) for k in band_keys(np.asarray(sig, dtype=np.uint32)[None, :])[0]),
            image_hash=img, image_bands=tuple(int(k) for k in chunk_keys(np.array([img], dtype=np.uint64))[0]))


# -- bulk loading ---------------------------------------------------------------------------------------------
def rows(data: Synthetic, start: int, stop: int):
    """Per table, the rows of declarations start..stop (ids start at 1); lookup keys as two arrays."""
    sl = slice(start, stop)
    keys = np.concatenate([block_keys(data.shop[sl], data.day[sl], data.cents[sl]), band_keys(data.signature[sl]),
                           chunk_keys(data.image[sl])], axis=1)
    images = data.image[sl].view(np.int64)
    files, decls, fps = [], [], []
    for j, i in enumerate(range(start, stop)):
        did = i + 1
        shop, day, t, ticket, total = data.facts(i)
        files.append((data.sha[i], "jpeg", 250_000, f"r{did}.jpg"))
        decls.append((did, PROGRAM, int(data.participant[i]) + 1, data.sha[i], f"r{did}.jpg", "accepted"))
        fps.append((did, PROGRAM, int(data.participant[i]) + 1, data.sha[i], "|".join((shop, day, t, ticket, total)),
                    shop, day, t, ticket, total, data.signature[i].tobytes(), int(images[j])))
    ids = np.repeat(np.arange(start + 1, stop + 1, dtype=np.int64), keys.shape[1])
    return files, decls, fps, (keys.reshape(-1), ids)


def sorted_unique(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """All (key, declaration) pairs in index order, without repeats: a B-tree then fills
    page after page instead of splitting pages at random."""
    keys = np.concatenate([k for k, _ in parts])
    ids = np.concatenate([d for _, d in parts])
    order = np.lexsort((ids, keys))
    keys, ids = keys[order], ids[order]
    keep = np.ones(len(keys), dtype=bool)
    keep[1:] = (keys[1:] != keys[:-1]) | (ids[1:] != ids[:-1])
    return keys[keep], ids[keep]


def pairs(keys: np.ndarray, ids: np.ndarray, batch: int = 500_000):
    for i in range(0, len(keys), batch):
        yield list(zip(keys[i : i + batch].tolist(), ids[i : i + batch].tolist()))


FP_COLUMNS = ("declaration_id", "program", "participant_id", "sha256", "purchase_key", "shop", "date", "time",
              "ticket", "total", "text_signature", "image_hash")
STAMP = "2026-11-22 12:00:00+01"


def copy_rows(cur, table: str, columns: tuple[str, ...], values: list[tuple]) -> None:
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in values:
            copy.write_row(row)


def load_postgres(url: str, data: Synthetic, batch: int = 100_000) -> float:
    import psycopg

    started = time.perf_counter()
    migrate(url)
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn, conn.cursor() as cur:
        cur.execute("TRUNCATE fingerprint_key, fingerprint, declaration, stored_file, participant CASCADE")
        copy_rows(cur, "participant", ("id", "program", "external_id", "created_at"),
                  [(p + 1, PROGRAM, f"p{p + 1}", STAMP) for p in range(PARTICIPANTS)])
        # indexes are built once after the load (what a restore does), not row by row
        cur.execute("ALTER TABLE fingerprint_key DROP CONSTRAINT fingerprint_key_pkey")
        cur.execute("DROP INDEX ix_fingerprint_key_declaration")
        for start in range(0, data.n, batch):
            files, decls, fps, (keys, ids) = rows(data, start, min(data.n, start + batch))
            copy_rows(cur, "stored_file", ("sha256", "kind", "size", "first_name", "created_at"),
                      [(*f, STAMP) for f in files])
            copy_rows(cur, "declaration", ("id", "program", "participant_id", "file_sha256", "file_name", "status",
                                           "declared_at", "updated_at", "reasons", "points", "attempts"),
                      [(*d, STAMP, STAMP, "[]", 0, 0) for d in decls])
            copy_rows(cur, "fingerprint", (*FP_COLUMNS, "created_at"), [(*f, STAMP) for f in fps])
            keys, ids = sorted_unique([(keys, ids)])
            for chunk in pairs(keys, ids):
                copy_rows(cur, "fingerprint_key", ("key", "declaration_id"), chunk)
            print(f"  postgresql: {min(data.n, start + batch):,} loaded ({time.perf_counter() - started:.0f} s)",
                  file=sys.stderr)
        cur.execute("ALTER TABLE fingerprint_key ADD CONSTRAINT fingerprint_key_pkey PRIMARY KEY (key, declaration_id)")
        cur.execute("CREATE INDEX ix_fingerprint_key_declaration ON fingerprint_key (declaration_id)")
        cur.execute("SELECT setval('declaration_id_seq', %s)", (data.n,))
        cur.execute("SELECT setval('participant_id_seq', %s)", (PARTICIPANTS,))
        conn.commit()
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def load_sqlite(url: str, data: Synthetic, batch: int = 100_000) -> float:
    started = time.perf_counter()
    migrate(url)
    raw = get_engine(url).raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA foreign_keys=OFF")  # the rows are consistent by construction; no per-row checks
        cur.execute("BEGIN")
        cur.executemany("INSERT INTO participant (id, program, external_id, created_at) VALUES (?, ?, ?, ?)",
                        [(p + 1, PROGRAM, f"p{p + 1}", "2026-11-22 12:00:00.000000") for p in range(PARTICIPANTS)])
        cur.execute("DROP INDEX ix_fingerprint_key_declaration")  # built once after the load
        key_parts = []
        ts = "2026-11-22 12:00:00.000000"
        for start in range(0, data.n, batch):
            files, decls, fps, key_part = rows(data, start, min(data.n, start + batch))
            cur.executemany("INSERT INTO stored_file (sha256, kind, size, first_name, created_at) VALUES (?, ?, ?, ?, ?)",
                            [(*f, ts) for f in files])
            cur.executemany("INSERT INTO declaration (id, program, participant_id, file_sha256, file_name, status, "
                            "declared_at, updated_at, reasons, points, attempts) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                            [(*d, ts, ts, "[]", 0, 0) for d in decls])
            cur.executemany(f"INSERT INTO fingerprint ({', '.join(FP_COLUMNS)}, created_at) "
                            f"VALUES ({', '.join('?' * (len(FP_COLUMNS) + 1))})", [(*f, ts) for f in fps])
            key_parts.append(key_part)
            print(f"  sqlite: {min(data.n, start + batch):,} loaded ({time.perf_counter() - started:.0f} s)",
                  file=sys.stderr)
        keys, ids = sorted_unique(key_parts)
        for chunk in pairs(keys, ids):
            cur.executemany("INSERT INTO fingerprint_key (key, declaration_id) VALUES (?, ?)", chunk)
        print(f"  sqlite: {len(keys):,} lookup keys loaded ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        cur.execute("CREATE INDEX ix_fingerprint_key_declaration ON fingerprint_key (declaration_id)")
        raw.commit()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    return time.perf_counter() - started


# -- probes -----------------------------------------------------------------------------------------------------
def probes(data: Synthetic, count: int, seed: int = 11) -> list[tuple[Fingerprint, int | None]]:
    """(fingerprint, the loaded declaration it must find or None): same files, re-photos, new receipts."""
    rng = np.random.default_rng(seed)
    fresh = Synthetic(count, seed=seed + 1000)
    out = []
    for q in range(count):
        i = int(rng.integers(0, data.n))
        if q % 4 == 0:
            out.append((data.fingerprint(i), i + 1))
        elif q % 4 == 1:  # re-photograph: another file, one figure misread, close text and image
            sig = data.signature[i].copy()
            redo = rng.random(NUM_PERM) < 0.15
            sig[redo] = rng.integers(0, 1 << 32, int(redo.sum()), dtype=np.uint64).astype(np.uint32)
            img = int(data.image[i]) ^ sum(1 << int(b) for b in rng.choice(64, 3, replace=False))
            shop, day, t, *_ = data.facts(i)
            misread = f"{t[:3]}{(int(t[3]) + 3) % 6}{t[4]}"
            out.append((data.fingerprint(i, signature=sig, image=img, time_=misread, sha=f"rephoto{q:058d}"), i + 1))
        else:
            out.append((fresh.fingerprint(q, sha=f"new{q:061d}"), None))
    return out


def check(url: str, fp: Fingerprint) -> tuple[int | None, list[int]]:
    """The orchestrator's full duplicate check for one new receipt."""
    with session(url) as s:
        earlier = same_file(s, program=PROGRAM, sha256=fp.sha256, exclude_declaration_id=None)
        found = find_candidates(s, program=PROGRAM, fp=fp, exclude_declaration_id=None)
    return earlier, [c.declaration_id for c in found if c.same_file or c.same_purchase
                     or (c.text_similarity or 0) >= 0.6 or (c.image_distance or 64) <= 8]


def linear_scan(url: str, fp: Fingerprint) -> list[int]:
    """The same comparisons over every row of the program, without the lookup indexes."""
    hits = []
    engine = get_engine(url)
    want_img = fp.image_hash
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=50_000).execute(text(
            "SELECT declaration_id, sha256, purchase_key, text_signature, image_hash FROM fingerprint "
            "WHERE program = :p"), {"p": PROGRAM})
        for part in result.partitions():
            for did, sha, key, sig, img in part:
                if sha == fp.sha256 or key == fp.purchase_key:
                    hits.append(did)
                    continue
                if img is not None and hamming(want_img, img & M64) <= 8:
                    hits.append(did)
                    continue
                if sig and signature_similarity(fp.text_signature, np.frombuffer(sig, np.uint32).tolist()) >= 0.6:
                    hits.append(did)
    return hits


def measure(name: str, url: str, data: Synthetic, queries: list, scans: int) -> dict:
    for fp, _ in queries:  # warm the caches (the benchmark times a warm database)
        check(url, fp)
    times, found, expected = [], 0, 0
    for fp, target in queries:
        started = time.perf_counter()
        earlier, hits = check(url, fp)
        times.append((time.perf_counter() - started) * 1000)
        if target is not None:
            expected += 1
            found += target in hits or earlier == target
    scan_times = []
    for fp, target in queries[:scans]:
        started = time.perf_counter()
        hits = linear_scan(url, fp)
        scan_times.append((time.perf_counter() - started) * 1000)
        assert target is None or target in hits, "the linear scan missed a planted duplicate"
    times.sort()
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
    result = {"name": name, "median": statistics.median(times), "p99": p99, "found": found, "expected": expected,
              "scan": statistics.median(scan_times)}
    print(f"{name:<11} {data.n:>10,}  check median {result['median']:7.2f} ms  p99 {p99:7.2f} ms  "
          f"found {found}/{expected} planted duplicates  |  linear scan median {result['scan']:9.1f} ms  "
          f"(index is x{result['scan'] / result['median']:,.0f} faster)")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--scans", type=int, default=4, help="linear-scan probes (each reads every row)")
    ap.add_argument("--database-url", help="PostgreSQL to load into (default: a throw-away server)")
    ap.add_argument("--sqlite", type=Path, help="SQLite file (default: a temporary one)")
    ap.add_argument("--only", choices=("postgresql", "sqlite"))
    ap.add_argument("--reuse", action="store_true", help="the databases already hold this --count: measure only")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the throw-away server on the way out

    started = time.perf_counter()
    data = Synthetic(args.count)
    queries = probes(data, args.queries)
    print(f"{args.count:,} synthetic fingerprints made in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    results = []
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fraud-scale-")))
        if args.only != "sqlite":
            if args.database_url:
                url = normalise_url(args.database_url)
            else:
                from tests.services import postgres_server

                url = normalise_url(stack.enter_context(postgres_server()))
            if not args.reuse:
                seconds = load_postgres(url, data)
                print(f"postgresql: loaded in {seconds:.0f} s", file=sys.stderr)
            results.append(measure("postgresql", url, data, queries, args.scans))
            get_engine(url).dispose()
        if args.only != "postgresql":
            url = f"sqlite:///{args.sqlite or tmp / 'fraud-scale.db'}"
            if not args.reuse:
                seconds = load_sqlite(url, data)
                print(f"sqlite: loaded in {seconds:.0f} s", file=sys.stderr)
            results.append(measure("sqlite", url, data, queries, args.scans))
    ok = all(r["found"] == r["expected"] for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
