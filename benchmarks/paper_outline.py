"""Where `find_paper` puts the paper, against where the generator laid it, photo by photo.

    .venv/bin/python -m benchmarks.paper_outline --seed 61 --count 120 [--save out.jsonl]
    .venv/bin/python -m benchmarks.paper_outline --seed 71 --mix more_shops:1

For each generated photo (the photo mix of `benchmarks.extraction`, or `--mix`; same receipts
for the same seed and mix), the generator's paper corners are taken from its own homography, and the
region `find_paper` returns (an outline, or an upright box) is compared with them: IoU, and
the share of the laid paper it covers. A box around a tilted paper has a low IoU by
construction (its mask and the later search for print outside it do the rest); a cover under
0.95 cuts paper off. Compare two checkouts' `--save` files to see which photos a locate change
moves: a photo whose region is unchanged reads exactly as before.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor

import cv2
import numpy as np

from benchmarks.extraction import plan

PHOTO_MIX = {"photo": 5.0, "underlined": 1.0}


def measure(work: tuple[int, str]) -> dict:
    """IoU and cover of the found paper region for one generated photo."""
    from pipeline.decode import decode_pages
    from pipeline.intake import check_file
    from pipeline.preprocess.locate import find_paper
    from pipeline.settings import IntakeLimits
    from samples.generator import generate_with_paper_outline

    seed, scenario = work
    sample, laid = generate_with_paper_outline(seed, scenario)
    limits = IntakeLimits()
    image = decode_pages(check_file(sample.name, sample.data, limits), limits).pages[0].image
    if laid is None:
        return {"seed": seed, "scenario": scenario, "how": None, "iou": None, "cover": None}
    paper = find_paper(image)
    h, w = image.shape[:2]
    truth = np.zeros((h, w), np.uint8)
    cv2.fillPoly(truth, [laid.astype(np.int32)], 1)
    found = np.zeros((h, w), np.uint8)
    if paper.corners is not None:
        cv2.fillPoly(found, [paper.corners.astype(np.int32)], 1)
    elif paper.box is not None:
        x, y, bw, bh = paper.box
        found[y : y + bh, x : x + bw] = 1
    else:
        found[:] = 1
    inter, union = int((truth & found).sum()), int((truth | found).sum())
    return {"seed": seed, "scenario": scenario, "how": paper.how, "iou": round(inter / max(union, 1), 3),
            "cover": round(inter / max(int(truth.sum()), 1), 3)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=61)
    ap.add_argument("--count", type=int, default=120)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--mix", default=",".join(f"{k}:{v:g}" for k, v in PHOTO_MIX.items()),
                    help="photographed scenarios and weights, as in benchmarks.extraction")
    ap.add_argument("--save", help="write one JSON line per photo to this file")
    args = ap.parse_args(argv)
    mix = {name: float(weight) for name, weight in (part.split(":") for part in args.mix.split(","))}
    work = plan(args.count, args.seed, mix)
    with ProcessPoolExecutor(args.jobs) as pool:
        results = list(pool.map(measure, work, chunksize=4))
    if args.save:
        with open(args.save, "w") as fh:
            fh.writelines(json.dumps(r) + "\n" for r in results)
    judged = [r for r in results if r["iou"] is not None]
    cut = [r for r in judged if r["cover"] < 0.95]
    outlines = [r for r in judged if r["how"] != "paper_box"]
    print(f"{len(judged)} photos judged ({len(results) - len(judged)} skipped); outlines under 0.9 IoU: "
          f"{sum(r['iou'] < 0.9 for r in outlines)} of {len(outlines)}; regions covering under 95 % of the "
          f"paper: {len(cut)}")
    for r in cut:
        print(f"  {r['seed']} {r['scenario']} {r['how']} iou {r['iou']} cover {r['cover']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
