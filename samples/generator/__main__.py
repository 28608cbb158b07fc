"""python -m samples.generator --out DIR --count N --seed S [--scenario X]"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import SCENARIOS, USUAL_MIX, corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samples.generator", description="Write synthetic receipts and their truth.")
    parser.add_argument("--out", type=Path, required=True, help="directory to write into (created if missing)")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scenario", choices=SCENARIOS, action="append",
                        help="restrict to this scenario (repeatable); default: the usual mix")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for sample in corpus(args.count, args.seed, args.scenario or USUAL_MIX):
        (args.out / sample.filename).write_bytes(sample.data)
        (args.out / f"{sample.name}.json").write_text(json.dumps(sample.truth, ensure_ascii=False, indent=2) + "\n")
        print(sample.filename)
    return 0


if __name__ == "__main__":
    sys.exit(main())
