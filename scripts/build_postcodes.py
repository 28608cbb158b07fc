"""Build `pipeline/parse/data/postcodes-fr.tsv.gz`: each French postal code and the place
names printed beside it (La Poste's routing label and the commune's own name).

Source: the npm package `codes-postaux` (Base Adresse Nationale, MIT licence), built
from INSEE's Code officiel géographique and the DGFiP's FIMOCT (Licence Ouverte).
Monaco, which shares French addressing, is added by hand.

    npm pack codes-postaux@4.1.2 && tar xzf codes-postaux-4.1.2.tgz
    .venv/bin/python scripts/build_postcodes.py package/codes-postaux.json
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "pipeline" / "parse" / "data" / "postcodes-fr.tsv.gz"
EXTRA = {"98000": ["MONACO"]}


def printed(name: str) -> str:
    """Upper case without accents, as a till prints it: `Aix-en-Provence` -> `AIX-EN-PROVENCE`."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", plain.upper()).strip()


def main(source: str) -> None:
    names: dict[str, list[str]] = defaultdict(list)
    for row in json.load(open(source, encoding="utf-8")):
        for name in (row["nomCommune"], row["libelleAcheminement"]):
            if "ARRONDISSEMENT" in name.upper():
                continue  # `Lyon 3e Arrondissement`: receipts print the routing label, LYON
            name = printed(name)
            if name not in names[row["codePostal"]]:
                names[row["codePostal"]].append(name)
    for code, extra in EXTRA.items():
        names[code] = extra
    lines = [f"{code}\t{'|'.join(names[code])}\n" for code in sorted(names)]
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.writelines(lines)
    print(f"{len(lines)} postal codes -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
