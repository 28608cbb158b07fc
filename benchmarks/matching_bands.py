"""How the [matching] bands of a program sort noisy names: python -m benchmarks.matching_bands

Lines: generated purchases (salon, perfumery, supermarket) with OCR-like noise added
to their truth line names (confusable characters, dropped and split characters,
names cut short at 24-36 characters) at several rates. A declarable line should be
credited; any other line should never be. Retailers: generated shops with the same
noise and, in 10 %, one postal-code digit wrong; approved ones should match, the rest
never. Prints the share of each outcome per noise rate for the program's thresholds
(or for --item / --retailer overrides), so a threshold change can be judged.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

from pipeline.catalog import load_catalog_dir
from pipeline.match import match_items, match_retailer
from pipeline.program import load_rules
from pipeline.settings import PROGRAMS_DIR
from pipeline.values import Item, Retailer
from samples.generator.content import make_purchase
from samples.generator.places import make_shop

CATALOG = Path(__file__).resolve().parent.parent / "samples" / "catalogs"
CONFUSABLE = {"O": "0", "0": "O", "I": "1", "1": "I", "L": "I", "S": "5", "5": "S", "B": "8", "8": "B", "E": "F",
              "C": "G", "G": "6", "A": "4", "T": "I", "N": "H", "M": "N", "U": "V", "D": "O", "R": "P"}
RATES = (0.0, 0.02, 0.05, 0.08)


def noisy(name: str, rng: random.Random, rate: float) -> str:
    out = []
    for ch in name:
        r = rng.random()
        if r < rate * 0.6 and ch in CONFUSABLE:
            out.append(CONFUSABLE[ch])
        elif r < rate * 0.8:
            continue
        elif r < rate:
            out.append(ch + rng.choice(" .,'"))
        else:
            out.append(ch)
    text = "".join(out)
    return text[:rng.randint(24, 36)] if rng.random() < 0.3 else text


def lines(program: str, bands, purchases: int, seed: int) -> dict:
    catalog = load_catalog_dir(CATALOG / program)
    rng = random.Random(seed)
    stats: dict = defaultdict(Counter)
    for _ in range(purchases):
        p = make_purchase(rng, rng.choice(("salon", "salon", "salon", "beauty", "supermarket")))
        for line in p.lines:
            rate = rng.choice(RATES)
            m = match_items((Item(noisy(line.name, rng, rate), line.quantity, line.total),), catalog, bands)[0]
            earns = m.candidate is not None and m.candidate.eligible and not m.candidate.professional
            outcome = "review" if m.band == "doubtful" else "credit" if m.band == "match" and earns else "nothing"
            stats[("declarable" if line.kind else "other", rate)][outcome] += 1
    return stats


def retailers(program: str, bands, shops: int, seed: int) -> dict:
    catalog = load_catalog_dir(CATALOG / program)
    approved = {(r.name, r.postal_code) for r in catalog.retailers}
    rng = random.Random(seed)
    stats: dict = defaultdict(Counter)
    for _ in range(shops):
        shop = make_shop(rng, rng.choice(("salon", "salon", "beauty", "supermarket", "diy", "fastfood")))
        rate = rng.choice(RATES[:3])
        postal = shop.postal_code
        if rng.random() < 0.1:
            postal = postal[:4] + str((int(postal[4]) + 3) % 10)
        m = match_retailer(Retailer(name=noisy(shop.name, rng, rate), postal_code=postal), catalog, bands)
        key = ("approved" if (shop.name, shop.postal_code) in approved else "not approved", rate,
               "postal ok" if postal == shop.postal_code else "postal wrong")
        stats[key][m.band] += 1
    return stats


def show(title: str, stats: dict) -> None:
    print(title)
    for key in sorted(stats):
        total = sum(stats[key].values())
        shares = ", ".join(f"{k} {100 * v / total:.1f}%" for k, v in stats[key].most_common())
        print(f"  {' / '.join(map(str, key)):40s} n={total:5d}  {shares}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.matching_bands")
    parser.add_argument("--program", default="salon-rewards")
    parser.add_argument("--purchases", type=int, default=1500)
    parser.add_argument("--shops", type=int, default=3000)
    parser.add_argument("--item", nargs=3, type=float, metavar=("MATCH", "NONE", "MARGIN"))
    parser.add_argument("--retailer", nargs=2, type=float, metavar=("MATCH", "NONE"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    bands = load_rules(PROGRAMS_DIR, args.program).matching
    if args.item:
        bands = replace(bands, item_match=args.item[0], item_none=args.item[1], margin=args.item[2])
    if args.retailer:
        bands = replace(bands, retailer_match=args.retailer[0], retailer_none=args.retailer[1])
    show(f"lines (item_match {bands.item_match}, item_none {bands.item_none}, margin {bands.margin})",
         lines(args.program, bands, args.purchases, args.seed))
    show(f"retailers (retailer_match {bands.retailer_match}, retailer_none {bands.retailer_none})",
         retailers(args.program, bands, args.shops, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
