"""Match a receipt's retailer and lines against the program catalog (rapidfuzz).

    match_retailer(retailer, catalog, bands) -> RetailerMatch    name AND postal code together
    match_items(items, catalog, bands)       -> tuple[ItemMatch, ...]

Text is normalised first (case, accents, punctuation, OCR O/0 in figures, till
abbreviations, brand prefixes), then scored with `token_set_ratio`, which forgives
extra words, word order and a name cut short by the till's column width.

Each match keeps the best candidate and its score, and the runner-up: the best
candidate the rules would treat *differently* (another kind, or a different
eligibility). Two near-identical Kérastase shampoos both earn 1 point per euro, so
hesitating between them changes nothing; hesitating between a retail product and
its professional back-bar size does, and goes to review. Bands:

    match     best >= *_match and (no runner-up or best - runner-up >= margin)
    none      best < *_none, or every candidate above *_none earns nothing anyway
    doubtful  everything else: the declaration goes to review instead of guessing

The catalog is indexed once per catalog version (normalised names, retailers by
postal code and by department), so matching one receipt scans no raw strings.
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock
from typing import Literal

from rapidfuzz import fuzz, process

from pipeline.catalog import Catalog, CatalogProduct, CatalogRetailer
from pipeline.program import MatchingRules
from pipeline.values import Item, Retailer

Band = Literal["match", "none", "doubtful"]
Postal = Literal["exact", "department", "other", "missing"]

# A postal code read with one wrong digit inside its department is a likely OCR slip;
# another department is a different place. Points taken off the name score.
DEPARTMENT_PENALTY = 12.0
ELSEWHERE_PENALTY = 30.0
# Tills cut names at 24-36 characters: a line this long may be the start of a catalog name.
PREFIX_MIN = 14
BRANDED_PREFIX_MIN = 6


@dataclass(frozen=True)
class RetailerMatch:
    candidate: CatalogRetailer | None
    score: float  # name score, less the postal-code penalty
    runner_up: CatalogRetailer | None
    runner_up_score: float
    band: Band
    name_score: float = 0.0
    postal: Postal = "missing"  # how the receipt's postal code relates to the candidate's


@dataclass(frozen=True)
class ItemMatch:
    index: int  # position of the line on the receipt
    item: Item
    text: str  # the normalised line name that was scored
    candidate: CatalogProduct | None
    score: float
    runner_up: CatalogProduct | None
    runner_up_score: float
    band: Band


# -- normalisation ---------------------------------------------------------------------

_NON_ALNUM = re.compile(r"[^A-Z0-9]+")


def fold(text: str | None) -> str:
    """Upper case, no accents, punctuation as spaces, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()
    return " ".join(_NON_ALNUM.sub(" ", plain).split())


_GLUED = re.compile(r"^([A-Z]{2,})(\d+(?:ML|L|CL|G|KG)?)$")  # "SATIN2", "MASQUE200ML"
_DIGIT_AS_LETTER = str.maketrans("0158624", "OISBGZA")  # OCR reads letters as figures inside words


def _repair(token: str) -> list[str]:
    glued = _GLUED.match(token)
    if glued and glued.group(2) != "0":  # "FUSI0" is a word with an O read as 0
        return [glued.group(1), *_repair(glued.group(2))]
    if token[0].isdigit():
        figure = token.replace("O", "0")
        if sum(ch.isalpha() for ch in figure) <= 2:  # "25OMI" -> "250MI": a size, not a word
            return [figure]
    if any(ch.isdigit() for ch in token) and sum(ch.isalpha() for ch in token) >= 2:
        return [token.translate(_DIGIT_AS_LETTER)]  # "BA1N" -> "BAIN", "8AIN" -> "BAIN"
    return [token]


def _ignored(token: str, ignore: set[str]) -> bool:
    if token in ignore:
        return True  # "K", "KER"
    return len(token) >= 5 and any(len(t) >= 5 and fuzz.ratio(token, t) >= 80 for t in ignore)  # "KERASTA5E"


def normalise_item(text: str | None, rules: MatchingRules) -> str:
    """A line name as the index stores it: folded, figures repaired, abbreviations expanded."""
    return _normalise_item(text, rules)[0]


def _normalise_item(text: str | None, rules: MatchingRules) -> tuple[str, bool]:
    """The normalised name, and whether a brand prefix was dropped from it."""
    abbreviations = dict(rules.abbreviations)
    ignore = set(rules.ignore_tokens)
    out: list[str] = []
    branded = False
    for raw in fold(text).split():
        for token in _repair(raw):
            if _ignored(token, ignore):
                branded = True
                continue
            out.extend(abbreviations.get(token, token).split())
    return " ".join(out), branded


def normalise_retailer(text: str | None) -> str:
    """A shop name as the index stores it: folded, figures read for letters repaired ("HA1R" -> "HAIR")."""
    return " ".join(t for raw in fold(text).split() for t in _repair(raw))


def score_item(query: str, choice: str, *, branded: bool = False, short_cap: float = 100.0, **_) -> float:
    """token_set_ratio, or for a line cut short by the till, the ratio against the catalog name's start.

    Any line of PREFIX_MIN characters may be a cut name. A shorter one only when it carried a brand
    prefix ("KERAST. GENE"): from BRANDED_PREFIX_MIN characters it counts in full, below that it is
    capped at `short_cap` (doubtful at best: a person looks rather than the points being lost).
    """
    score = fuzz.token_set_ratio(query, choice)
    n = len(query)
    if n >= len(choice):
        return score
    if n >= PREFIX_MIN or (branded and n >= BRANDED_PREFIX_MIN):
        return max(score, fuzz.ratio(query, choice[:n]))
    if branded and n >= 2:
        return max(score, min(fuzz.ratio(query, choice[:n]), short_cap))
    return score


def normalise_postal(code: str | None) -> str:
    code = fold(code).replace(" ", "").replace("O", "0")
    return code


# -- the index -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Index:
    product_names: tuple[str, ...]
    products: tuple[CatalogProduct, ...]
    retailer_names: tuple[str, ...]  # distinct normalised names
    by_name: dict  # normalised name -> tuple of retailers with that name
    by_postal: dict  # postal code -> tuple of (normalised name, retailer)
    by_department: dict  # first two characters -> tuple of (normalised name, retailer)


_INDEXES: OrderedDict = OrderedDict()
_LOCK = Lock()


def catalog_index(catalog: Catalog, rules: MatchingRules) -> _Index:
    """The index of `catalog`, built once per (catalog version, normalisation settings)."""
    key = (catalog.version, rules.ignore_tokens, rules.abbreviations)
    with _LOCK:
        found = _INDEXES.get(key)
        # the same version is the same rows; compare anyway so a hand-built catalog cannot borrow an index
        if found is not None and (found[0] is catalog or found[0] == catalog):
            _INDEXES.move_to_end(key)
            return found[1]
    by_name: dict[str, list] = {}
    by_postal: dict[str, list] = {}
    by_dept: dict[str, list] = {}
    for r in catalog.retailers:
        name = normalise_retailer(r.name)
        by_name.setdefault(name, []).append(r)
        by_postal.setdefault(r.postal_code, []).append((name, r))
        by_dept.setdefault(r.postal_code[:2], []).append((name, r))
    index = _Index(
        product_names=tuple(normalise_item(p.name, rules) for p in catalog.products),
        products=catalog.products,
        retailer_names=tuple(by_name),
        by_name={k: tuple(v) for k, v in by_name.items()},
        by_postal={k: tuple(v) for k, v in by_postal.items()},
        by_department={k: tuple(v) for k, v in by_dept.items()},
    )
    with _LOCK:
        _INDEXES[key] = (catalog, index)
        while len(_INDEXES) > 8:
            _INDEXES.popitem(last=False)
    return index


def score_retailer(query: str, choice: str, **_) -> float:
    """Mean of token_set and token_sort: extra words are forgiven only half ("ESPACE BEAUTE" is not "L'ESPACE K")."""
    return (fuzz.token_set_ratio(query, choice) + fuzz.token_sort_ratio(query, choice)) / 2


# -- retailers -------------------------------------------------------------------------

def match_retailer(retailer: Retailer, catalog: Catalog, bands: MatchingRules) -> RetailerMatch:
    """Best approved retailer for the receipt's name and postal code, with its band."""
    index = catalog_index(catalog, bands)
    name = normalise_retailer(retailer.name)
    if not name or not index.retailer_names:
        return RetailerMatch(None, 0.0, None, 0.0, "none")
    postal = normalise_postal(retailer.postal_code)
    name_scores = {n: s for n, s, _ in process.extract(name, index.retailer_names, scorer=score_retailer,
                                                       limit=None, score_cutoff=bands.retailer_none / 2)}
    scored: list[tuple[float, float, Postal, CatalogRetailer]] = []
    for n, s in name_scores.items():
        for r in index.by_name[n]:
            if postal and r.postal_code == postal:
                where: Postal = "exact"
                penalty = 0.0
            elif postal and r.postal_code[:2] == postal[:2]:
                where, penalty = "department", DEPARTMENT_PENALTY
            else:
                where, penalty = ("other" if postal else "missing"), ELSEWHERE_PENALTY
            scored.append((max(s - penalty, 0.0), s, where, r))
    if not scored:
        return RetailerMatch(None, 0.0, None, 0.0, "none")
    scored.sort(key=lambda t: (-t[0], t[3].postal_code, t[3].name))
    best_score, best_name, where, best = scored[0]
    rival = next(((sc, r) for sc, _, _, r in scored[1:] if r.kind != best.kind), (0.0, None))
    band = _band(best_score, rival[0], bands.retailer_match, bands.retailer_none, bands.margin)
    return RetailerMatch(best, round(best_score, 1), rival[1], round(rival[0], 1), band,
                         name_score=round(best_name, 1), postal=where)


# -- items -----------------------------------------------------------------------------

def match_items(items, catalog: Catalog, bands: MatchingRules) -> tuple[ItemMatch, ...]:
    """Each receipt line against the catalog's products and services, in receipt order."""
    index = catalog_index(catalog, bands)
    return tuple(_match_item(i, item, index, bands) for i, item in enumerate(items))


def _earns(product: CatalogProduct) -> bool:
    return product.eligible and not product.professional


def _match_item(i: int, item: Item, index: _Index, bands: MatchingRules) -> ItemMatch:
    text, branded = _normalise_item(item.name, bands)
    if not text or not index.products:
        return ItemMatch(i, item, text, None, 0.0, None, 0.0, "none")
    found = process.extract(text, index.product_names, scorer=score_item, limit=None,
                            scorer_kwargs={"branded": branded, "short_cap": bands.item_match - 1})
    ranked = sorted(((score, index.products[k]) for _, score, k in found), key=lambda t: (-t[0], t[1].name))
    best_score, best = ranked[0]
    rival_score, rival = next(((s, p) for s, p in ranked[1:] if p.treatment != best.treatment), (0.0, None))
    band = _band(best_score, rival_score, bands.item_match, bands.item_none, bands.margin)
    if band == "doubtful":
        plausible = [p for s, p in ranked if s >= bands.item_none]
        if not any(_earns(p) for p in plausible) and len({p.treatment for p in plausible}) == 1:
            band = "none"  # whichever it is, it earns nothing
    return ItemMatch(i, item, text, best, round(best_score, 1), rival, round(rival_score, 1), band)


def _band(best: float, runner_up: float, match: float, none: float, margin: float) -> Band:
    if best < none:
        return "none"
    if best >= match and best - runner_up >= margin:
        return "match"
    return "doubtful"
