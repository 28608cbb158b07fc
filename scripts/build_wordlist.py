"""Build `pipeline/parse/data/words-fra.txt.gz` and `words-eng.txt.gz`: the words of
Tesseract's own French and English dictionaries, folded as a till prints them (capitals,
no accents).

They tell a misread shop-name word from a real one (`CAPILLATRE` is no word,
CAPILLAIRE is). Source: the word lists inside `fra.traineddata` and `eng.traineddata`
(tessdata_fast, Apache-2.0), the files the Debian packages `tesseract-ocr-fra` and
`tesseract-ocr-eng` install; unpacked with Tesseract's own `combine_tessdata` and
`dawg2wordlist`:

    .venv/bin/python scripts/build_wordlist.py [/usr/share/tesseract-ocr/5/tessdata]
"""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "pipeline" / "parse" / "data"
WORD = re.compile(r"[A-Z]{2,24}")


def fold(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().upper()


def words_of(traineddata: Path, lang: str, tmp: Path) -> set[str]:
    prefix = tmp / f"{lang}."
    subprocess.run(["combine_tessdata", "-u", str(traineddata), str(prefix)], check=True, capture_output=True)
    listed = tmp / f"{lang}-words.txt"
    subprocess.run(["dawg2wordlist", f"{prefix}lstm-unicharset", f"{prefix}lstm-word-dawg", str(listed)],
                   check=True, capture_output=True)
    folded = (fold(w.strip()) for w in listed.read_text(encoding="utf-8").splitlines())
    return {w for w in folded if WORD.fullmatch(w)}


def main(tessdata: str = "/usr/share/tesseract-ocr/5/tessdata") -> None:
    for lang in ("fra", "eng"):
        with tempfile.TemporaryDirectory() as tmp:
            words = words_of(Path(tessdata) / f"{lang}.traineddata", lang, Path(tmp))
        out = OUT / f"words-{lang}.txt.gz"
        out.write_bytes(gzip.compress("\n".join(sorted(words)).encode("ascii") + b"\n", mtime=0))
        print(f"{len(words)} words -> {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main(*sys.argv[1:])
