"""French and English words, to tell a misread word of a shop name from a real one.

Till fonts print the I as a bar with serifs that Tesseract reads as T or L:
`CAPILLATRE`, `NATHALLE`. A word of six letters or more that is in neither dictionary
and becomes a French word with one I restored is mended; a word of either language
stays as read, unless French particles frame it (`LA MATSON DU BRICO`: Matson is an
English name, but not between LA and DU). An L read as I is put back the same way
(`CAPILIAIRE`). On the 27,700 words of French place names (proper nouns, as owners'
names in shop names are) the I changes 13 (`AURELLE`, `CHATRE`) and the L 7 (`MERIOT`,
`SALIES`); counting five-letter words would double that (`MARLE`), and restoring a lost
I too (`ATELER`) would change four times as many. The lists (`data/words-fra.txt.gz`, 39,000 words, `words-eng.txt.gz`,
167,000) are Tesseract's own dictionaries, folded (capitals, no accents), built by
`scripts/build_wordlist.py`, loaded once per process.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

from pipeline.parse.text import fold

I_MISREADS = "TLtl1|!J"  # what a till font's I is read as
MIN_LETTERS = 6  # shorter words are too often another one a letter away (`MARLE`, MARIE)


@cache
def vocabulary(lang: str) -> frozenset[str]:
    data = resources.files("pipeline.parse").joinpath(f"data/words-{lang}.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode("ascii").split())


def is_word(word: str, langs: tuple[str, ...] = ("fra", "eng")) -> bool:
    """Whether `word` (any case, accents or not) is a word of these languages."""
    folded = fold(word)
    return any(folded in vocabulary(lang) for lang in langs)


def i_restored(word: str, known: tuple[str, ...] = ("fra", "eng")) -> str | None:
    """`word` with the one I it had read as T, L or 1 put back (`CAPILLATRE`), or the one L
    it had read as I (`CAPILIAIRE`), when it is no word of the `known` languages and exactly
    one such change makes it a French one; else None."""
    if len(word) < MIN_LETTERS or is_word(word, known):
        return None
    i, l = ("I", "L") if word.isupper() else ("i", "l")
    found = {word[:k] + i + word[k + 1 :] for k, ch in enumerate(word) if ch in I_MISREADS}
    found |= {word[:k] + l + word[k + 1 :] for k, ch in enumerate(word) if ch in "Ii"}
    found = {w for w in found if w.isalpha() and is_word(w, ("fra",))}
    return found.pop() if len(found) == 1 else None
