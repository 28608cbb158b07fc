"""Extraction benchmark: per-field exact-match rate and seconds per receipt.

Runs the pipeline and a naive baseline on the same generated corpus, in the same
run, so the ratio is meaningful on a noisy machine. Baseline: the file decoded with
Pillow (PDF pages rendered with pdfium), `pytesseract.image_to_string(image,
lang="fra")`, then the same field parser. The `tess-only` column re-interprets
the pipeline's own readings without the second engine's line re-reads (no extra
OCR), to show what that engine adds.

    .venv/bin/python -m benchmarks.extraction --count 200
    .venv/bin/python -m benchmarks.extraction --count 200 --cache var/extraction-cache   # OCR once, parse again
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pickle
import statistics
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor

# The pipeline's design: Tesseract on one thread per process (set before it loads).
# The naive baseline keeps the environment it was started with: a user running plain
# pytesseract does not tune OpenMP. It is also timed with OMP_THREAD_LIMIT=1, its
# fastest setting here, as a stricter reference.
NAIVE_OMP = os.environ.get("OMP_THREAD_LIMIT")
os.environ["OMP_THREAD_LIMIT"] = "1"

FIELDS = ("retailer", "address", "postal_code", "city", "siret", "date", "time", "ticket",
          "total", "currency", "payment", "markers", "items")
PHOTO_SCENARIOS = {"photo", "underlined", "rephoto", "lookalike", "edited", "duplicata"}


def norm(s):
    return " ".join(str(s).upper().split()) if s not in (None, "") else None


def items_match(got: list, want: list) -> bool:
    """Same count, same quantities and prices, names alike (ratio >= 85 after normalising)."""
    from rapidfuzz import fuzz

    if len(got) != len(want):
        return False
    for g, w in zip(got, want):
        if g["price"] != w["price"] or float(g["quantity"]) != float(w["quantity"]):
            return False
        if fuzz.ratio(norm(g["name"]) or "", norm(w["name"]) or "") < 85:
            return False
    return True


def score(got: dict, truth: dict) -> dict[str, bool]:
    r, t = got.get("retailer") or {}, truth.get("retailer") or {}
    marks = lambda m: sorted(x for x in (m or []) if x != "e_ticket")  # noqa: E731
    return {
        "retailer": norm(r.get("name")) == norm(t.get("name")),
        "address": norm(r.get("address")) == norm(t.get("address")),
        "postal_code": r.get("postal_code") == t.get("postal_code"),
        "city": norm(r.get("city")) == norm(t.get("city")),
        # a salon's stamp may print the SIRET its header lacks: read there or not, both are right
        "siret": (r.get("siret") or None) in {t.get("siret") or None, truth.get("stamp_siret") or t.get("siret") or None},
        "date": got.get("date") == truth.get("date"),
        "time": got.get("time") == truth.get("time"),
        "ticket": norm(got.get("ticket")) == norm(truth.get("ticket")),
        "total": got.get("total") == truth.get("total"),
        "currency": got.get("currency") == truth.get("currency"),
        "payment": got.get("payment") == truth.get("payment"),
        "markers": marks(got.get("markers")) == marks(truth.get("markers")),
        "items": items_match(got.get("items") or [], truth.get("items") or []),
    }


def baseline_images(data: bytes, kind: str):
    from PIL import Image

    if kind == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        return [pdf[i].render(scale=200 / 72).to_pil() for i in range(len(pdf))]
    return [Image.open(io.BytesIO(data))]


class omp_limit:
    """Run the tesseract CLI (a child process) with this OMP_THREAD_LIMIT, or none."""

    def __init__(self, value: str | None):
        self.value = value

    def __enter__(self):
        self.saved = os.environ.get("OMP_THREAD_LIMIT")
        if self.value is None:
            os.environ.pop("OMP_THREAD_LIMIT", None)
        else:
            os.environ["OMP_THREAD_LIMIT"] = self.value

    def __exit__(self, *exc):
        os.environ["OMP_THREAD_LIMIT"] = self.saved or "1"


def reinterpret(extraction):
    """The extraction's fields parsed again from its readings, with the completeness check."""
    from dataclasses import replace

    from pipeline.errors import PermanentError
    from pipeline.extract import check_completeness
    from pipeline.interpret import interpret

    if not extraction.readings:
        return extraction  # refused before reading: nothing to parse
    fields = interpret(extraction.readings)
    again = replace(extraction, fields=fields, ok=True, error_code=None, error_message=None)
    try:
        check_completeness(fields)
    except PermanentError as e:
        again = replace(again, ok=False, error_code=str(e.reason), error_message=e.message)
    return again


def run_one(sample_args) -> dict:
    from samples.generator import generate

    seed, scenario, cache, with_baseline = sample_args
    sample = generate(seed, scenario)
    import pytesseract

    from pipeline.contract import extraction_to_contract, fields_to_contract
    from pipeline.extract import ExtractOptions, extract_receipt
    from pipeline.parse import lines_from_text, parse_receipt
    from pipeline.read import READER_VERSION

    stored = None
    if cache:
        path = os.path.join(cache, f"r{READER_VERSION}-{seed}-{scenario}.pickle")
        if os.path.exists(path):
            with open(path, "rb") as fh:
                stored = pickle.load(fh)
    def baseline() -> str:
        return "\n".join(pytesseract.image_to_string(im, lang="fra")
                         for im in baseline_images(sample.data, sample.kind))

    def time_baselines() -> tuple[str, float, float]:
        with omp_limit(NAIVE_OMP):
            t0 = time.perf_counter()
            text = baseline()
            fields_to_contract(parse_receipt(lines_from_text(text)))
            t_base = time.perf_counter() - t0
        with omp_limit("1"):
            t0 = time.perf_counter()
            baseline()
            t_tuned = time.perf_counter() - t0
        return text, t_base, t_tuned

    if stored is not None:
        # OCR once: the stored readings and baseline text are parsed again by today's parser,
        # and the timings are those of the run that stored them
        extraction, text = reinterpret(stored["extraction"]), stored["text"]
        t_ours, t_base, t_tuned = stored["t_ours"], stored["t_base"], stored["t_tuned"]
        if text is None and with_baseline:  # stored by a run without the baselines
            text, t_base, t_tuned = time_baselines()
    else:
        t0 = time.perf_counter()
        extraction = extract_receipt(sample.name, sample.data, ExtractOptions()).extraction
        t_ours = time.perf_counter() - t0
        text, t_base, t_tuned = time_baselines() if with_baseline else (None, None, None)
        if cache:
            with open(path, "wb") as fh:
                pickle.dump({"extraction": extraction, "text": text, "t_ours": t_ours, "t_base": t_base,
                             "t_tuned": t_tuned}, fh)
    ours = extraction_to_contract(extraction)
    base = fields_to_contract(parse_receipt(lines_from_text(text))) if text is not None else None
    # Ablation without re-running anything: the same readings minus the second engine's.
    from dataclasses import replace

    from pipeline.interpret import interpret

    primary = tuple(r for r in extraction.readings if r.variant != "lines")
    second_cost = sum(r.seconds for r in extraction.readings if r.variant == "lines")
    solo = extraction_to_contract(replace(extraction, fields=interpret(primary))) if extraction.ok else ours
    return {"name": sample.name, "scenario": scenario, "ours": score(ours, sample.truth),
            "base": score(base, sample.truth) if base is not None else None, "solo": score(solo, sample.truth),
            "t_ours": t_ours, "t_base": t_base, "t_tuned": t_tuned, "t_second": second_cost,
            "cached": stored is not None,
            "ok": ours["ok"], "error": ours["error"], "got": ours, "truth": sample.truth,
            "seed": seed, "ocr": [{"engine": r.engine, "variant": r.variant, "text": r.text}
                                  for r in extraction.readings]}


def field_value(contract: dict, f: str):
    if f == "retailer":
        return contract["retailer"].get("name")
    if f in ("address", "postal_code", "city", "siret"):
        return contract["retailer"].get(f)
    if f == "items":
        return [(i["name"], i["quantity"], i["price"]) for i in contract["items"]]
    return contract.get(f)


def print_failures(results: list[dict], most: int) -> None:
    for f in FIELDS:
        for r in [r for r in results if not r["ours"][f]][:most]:
            code = r["error"] and r["error"]["code"]
            print(f"[{f}] seed={r['seed']} {r['scenario']} {code or ''} got={field_value(r['got'], f)!r} "
                  f"want={field_value(r['truth'], f)!r}")


def plan(count: int, seed: int, mix: dict[str, float]) -> list[tuple[int, str]]:
    names = list(mix)
    weights = [mix[n] for n in names]
    out, acc = [], [0.0] * len(names)
    for i in range(count):  # deterministic weighted round-robin
        acc = [a + w for a, w in zip(acc, weights)]
        k = max(range(len(names)), key=lambda j: acc[j])
        acc[k] -= sum(weights)
        out.append((seed * 100_000 + i, names[k]))
    return out


def report(results: list[dict], out=sys.stdout) -> dict:
    with_baseline = all(r["base"] is not None for r in results)
    groups = defaultdict(list)
    for r in results:
        groups["photographed" if r["scenario"] in PHOTO_SCENARIOS else r["scenario"]].append(r)
    groups["all"] = results
    summary = {}
    for group, rs in groups.items():
        print(f"\n## {group} ({len(rs)} receipts)", file=out)
        print(f"{'field':<12} {'pipeline':>9} {'tess-only':>9} {'baseline':>9}", file=out)
        summary[group] = {}
        for f in FIELDS:
            a = sum(r["ours"][f] for r in rs) / len(rs)
            c = sum(r["solo"][f] for r in rs) / len(rs)
            b = sum(r["base"][f] for r in rs) / len(rs) if with_baseline else None
            summary[group][f] = (a, c, b)
            print(f"{f:<12} {a:>9.1%} {c:>9.1%} {f'{b:.1%}' if b is not None else '-':>9}", file=out)
    t_ours = statistics.mean(r["t_ours"] for r in results)
    t_second = statistics.mean(r["t_second"] for r in results)
    used = sum(r["t_second"] > 0 for r in results)
    print(f"\nseconds per receipt: pipeline {t_ours:.3f} (second engine {t_second:.3f} of it, used on "
          f"{used}/{len(results)} receipts)", file=out)
    t_base = t_tuned = None
    if with_baseline:
        t_base = statistics.mean(r["t_base"] for r in results)
        t_tuned = statistics.mean(r["t_tuned"] for r in results)
        print(f"  naive baseline {t_base:.3f} (OMP_THREAD_LIMIT={NAIVE_OMP or 'unset'}): pipeline is "
              f"x{t_base / t_ours:.2f} faster", file=out)
        print(f"  baseline with OMP_THREAD_LIMIT=1 {t_tuned:.3f}: pipeline is x{t_tuned / t_ours:.2f} faster",
              file=out)
    cached = sum(r.get("cached", False) for r in results)
    if cached:
        print(f"  ({cached}/{len(results)} receipts parsed again from cached readings: their timings are "
              f"those of the run that read them)", file=out)
    summary["seconds"] = (t_ours, t_base, t_tuned)
    return summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--jobs", type=int, default=1,
                    help="processes; keep 1 for honest timings (the naive baseline uses every core)")
    ap.add_argument("--mix", default="photo:5,underlined:1,scan:2,pdf_image:1,pdf_text:1")
    ap.add_argument("--failures", type=int, default=0, help="print this many failing receipts per field")
    ap.add_argument("--save", help="write every result as JSON lines to this file")
    ap.add_argument("--cache", help="keep each receipt's readings and baseline text in this folder, and "
                                    "parse them again on the next run instead of reading (OCR once: for "
                                    "parser work; timings are then those of the run that stored them)")
    ap.add_argument("--no-baseline", action="store_true",
                    help="accuracy of the pipeline only: the naive baseline is neither read nor timed "
                         "(more than halves a run's time)")
    args = ap.parse_args(argv)
    mix = {k: float(v) for k, v in (p.split(":") for p in args.mix.split(","))}
    if args.cache:
        os.makedirs(args.cache, exist_ok=True)
    work = [(seed, scenario, args.cache, not args.no_baseline) for seed, scenario in plan(args.count, args.seed, mix)]
    with ProcessPoolExecutor(args.jobs) as pool:
        results = list(pool.map(run_one, work, chunksize=1))
    if args.save:
        with open(args.save, "w") as fh:
            for r in results:
                fh.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
    if args.failures:
        print_failures(results, args.failures)
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
