"""The shop: name, street address, postal code, city and SIRET, from the header lines."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from rapidfuzz import fuzz

from pipeline.parse import postcodes
from pipeline.parse.dates import find_date_matches
from pipeline.parse.labels import SUBTOTAL, TOTAL_LABELS
from pipeline.parse.markers import CARD_SLIP_WORDS
from pipeline.parse.text import ZERO_LOOKALIKES, TextLine, fold, one_letter_from, repair_words, zeros_misread_in
from pipeline.parse.words import I_MISREADS, i_restored, is_word
from pipeline.values import Retailer

HEADER_SPAN = 12  # lines searched for the shop name and address
NAME_SPAN = 6  # the name is among the first meaningful lines
REPAIRED_PLACE = 0.9  # confidence kept by a postal code or city restored from the other

STREET_WORDS = (
    r"RUE|R\.|AV|AVE|AVENUE|BD|BLD|BOULEVARD|BOUL|PLACE|PL|CHEMIN|CHE|CH|ROUTE|RTE|ALLEE|ALL"
    r"|QUAI|COURS|CRS|IMPASSE|IMP|PASSAGE|SQUARE|SQ|VOIE|ESPLANADE|PROMENADE|FAUBOURG|FBG|FG"
    r"|ROND[- ]POINT|PARVIS|MAIL|GALERIE|RESIDENCE|LIEU[- ]DIT|LD|HAMEAU|CITE|VILLA|SENTIER|TRAVERSE"
    r"|CENTRE COMMERCIAL|CENTRE CIAL|C\.?\s?CIAL|CCIAL|CC|C\.C|ZAC|ZA|ZI|ZONE|PARC|ESPACE|RN|RD|CD"
    r"|8D"  # BD, its B read as 8: `162 8D VICTOR HUGO`
)
# `12 RUE ...`, `12BIS, AV. ...`, `CENTRE COMMERCIAL ...` (numberless site names)
_NUMBER = r"\d{1,4}\s?(?:BIS|TER|QUATER|B|T|A)?\s?,?\s*"
_BEFORE_STREET = r"(?:[A-Z]+(?:\s+|'))?"  # `GRANDE RUE`, `GRAND'RUE`, `VIEILLE ROUTE`
STREET = re.compile(rf"^(?:{_NUMBER})?{_BEFORE_STREET}(?:{STREET_WORDS})\b\.?")
STREET_NUMBERED = re.compile(rf"\b{_NUMBER}{_BEFORE_STREET}(?:{STREET_WORDS})\b")
# `ROUTE DE LYON`, `RUE DE LA PAIX`, `CENTRE CIAL LES ARCADES`, `ZI LES PORTES DU SUD`: a road
# and its name, a shopping centre or a business park, never a shop's name, even numberless and first
ROAD_NAME = re.compile(r"^(?:(?:RUE|AVENUE|BOULEVARD|ROUTE|CHEMIN|ALLEE|IMPASSE|QUAI)\s+(?:DE|DU|DES|D'|LA|LE|LES)\b"
                       r"|(?:CENTRE\s+(?:COMMERCIAL|CIAL)|C\.?\s?CIAL|CCIAL|ZAC|ZI|ZA)\s)")
# `ZILES PORTES DU SUD`: a site's or a road's type glued to the particle after it, the space
# lost; with more words after it, just above the postal code line (where the street stands)
GLUED_ROAD = re.compile(r"^(?P<type>ZAC|ZA|ZI|RUE|AVENUE|ROUTE|CHEMIN|ALLEE|IMPASSE|QUAI)"
                        r"(?=(?:DES|DE|DU|LES|LA|LE)\s+[A-Z])", re.IGNORECASE)
# Above the postal code line, `29 LES HAUTS DE ...`: a number then words is the street.
NUMBER_THEN_WORDS = re.compile(r"^\d{1,4}\s?(?:BIS|TER|B|A)?\s?,?\s+[A-Z'\-]{2,}(?:\s+[A-Z'\-.]+)+$")
POSTAL = re.compile(
    r"(?<![\d.,/])(?:F-?\s?)?(?P<code>(?:\d{2}|2[AB])\s?\d{3})(?![\d.,/])\s*,?\s*(?P<city>[A-Z][A-Z' \-]*[A-Z])?"
)
CITY_BEFORE = re.compile(r"(?P<city>[A-Z][A-Z' \-]*[A-Z])\s*\(?\s*(?P<code>\d{5})\s*\)?$")
# `Sirot`; a dash or a speck read before the number (`SIRET -19470678600494`)
SIRET_LABELLED = re.compile(r"S[I1L]R[EO][TN]\s*(?:N[O°]?\.?)?\s*:?\s*[-~]?\s*(?P<num>\d[\d .]{12,22}\d)")
# After a SIRET label, letters that are digits misread (`G63 266 O58 00520`, `83177678C00954`)
# (a thermal 6 is read as G, O or C as often as a 0 is read as O); the check keys choose
# (and a blurred 0 as a copyright sign: `247 010 135 ©0413`)
SIRET_LOOKALIKES = {"O": "06", "D": "0", "C": "06", "Q": "0", "G": "6", "S": "5", "B": "8",
                    "I": "1", "L": "1", "Z": "2", "T": "7", "©": "0"}
SIRET_AFTER_LABEL = re.compile(r"(S[I1L]R[EO][TN]\s*(?:N[O°]?\.?)?\s*:?\s*[-~]?\s*)([\dODCQGSBILZT©][\dODCQGSBILZT© .]{12,22}[\dODCQGSBILZT©])")
# not glued to a letter: a card slip's application id (`A0000000421010`, read `A60000004210610`)
SIRET_GROUPED = re.compile(r"(?<![\dA-Z])(?P<num>\d{3} ?\d{3} ?\d{3} ?\d{5})(?![\d,.])")
PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)")  # not inside a longer number (a SIRET)

NOT_NAME = re.compile(
    r"BIENVENUE|WELCOME|MERCI|\bTEL\b|\bTEL\.|\bFAX\b|WWW|HTTP|@|\.FR\b|\.COM\b|SIRET|SIREN|\bRCS\b"
    r"|\bTVA\b|\bNAF\b|\bAPE\b|CAPITAL|HORAIRE|OUVERT|TICKET|CAISSE|VENDEUR|HOTESSE|DUPLICATA"
    r"|\bCOPIE\b|FACTURE|MAGASIN N|\bSAS\b|\bSARL\b|S\.A\.S|BONJOUR|A BIENTOT|CLIENT|CARTE BANCAIRE"
)
# Chains seen on receipts; a header line naming one is the shop name even below logo noise.
KNOWN_RETAILERS = (
    "CARREFOUR", "CARREFOUR MARKET", "CARREFOUR CITY", "CARREFOUR EXPRESS", "E.LECLERC", "LECLERC",
    "AUCHAN", "INTERMARCHE", "MONOPRIX", "MONOP", "FRANPRIX", "LIDL", "ALDI", "CASINO", "GEANT",
    "SUPER U", "HYPER U", "MARCHE U", "SYSTEME U", "LEADER PRICE", "NETTO", "CORA", "MATCH", "SPAR",
    "PICARD", "NATURALIA", "BIOCOOP", "GRAND FRAIS", "SEPHORA", "MARIONNAUD", "NOCIBE", "YVES ROCHER",
    "DOUGLAS", "KIKO", "ICI PARIS XL", "PASSION BEAUTE", "MCDONALD'S", "BURGER KING", "KFC", "QUICK",
    "SUBWAY", "PAUL", "BRIOCHE DOREE", "LEROY MERLIN", "CASTORAMA", "BRICO DEPOT", "BRICOMARCHE",
    "MR BRICOLAGE", "WELDOM", "BRICORAMA", "POINT P", "FRANCK PROVOST", "JEAN LOUIS DAVID", "DESSANGE",
    "SAINT ALGUE", "TCHIP", "CAMILLE ALBANE", "COIFF&CO", "JACQUES DESSANGE", "PROVALLIANCE",
    "BIGUINE", "SHAMPOO", "INTERCOIFFURE", "PHARMACIE", "PARAPHARMACIE", "PROXI", "VIVAL", "SPAR",
    "COCCINELLE", "U EXPRESS", "CARREFOUR CONTACT", "COLRUYT", "TOTALENERGIES", "TOTAL ACCESS", "ESSO",
    "DECATHLON", "FNAC", "DARTY", "KIABI", "GIFI", "NORAUTO", "CULTURA", "JARDILAND", "CONFORAMA", "IKEA",
    "ACTION",
)  # fmt: skip
# the words of chains' names, to put back an I read as T, L or 1 in a short one (`PROXT`)
CHAIN_WORDS = frozenset(w for brand in KNOWN_RETAILERS for w in re.findall(r"[A-Z]{4,}", brand))
# words shop names are made of, whose I a condensed face prints a pixel wide and both engines
# may lose (`ATELER`): only these get one back, since a lost I fits many names (`MARE`, MARIE)
SHOP_WORDS = frozenset("""
ATELIER COIFFURE COIFFEUR COIFFEUSE INSTITUT BOUTIQUE MAISON CAPILLAIRE CISEAUX EPICERIE
PHARMACIE PARAPHARMACIE BRICOLAGE DISCOUNT PRIMEUR CREPERIE PIZZERIA BOULANGERIE PATISSERIE
BIJOUTERIE PARFUMERIE DROGUERIE QUINCAILLERIE LIBRAIRIE PAPETERIE ESTHETIQUE ONGLERIE
FOURNIL FOURNEE BISTROT COMPTOIR AUBERGE BRASSERIE TRATTORIA RELAIS STATION GARAGE
SUPERETTE SUPERMARCHE MARCHE BOUCHERIE CHARCUTERIE FROMAGERIE
""".split())  # (FOURNIL, a bakehouse, is in neither dictionary)
MIN_LOST_I = 5  # letters a word must keep to be given a lost I back
NOISE_CONF = 0.4  # header lines read below this OCR confidence are logo noise
MAX_NAME_DIGITS = 8  # a header line holding this many digits is a number's, not the name's
DOUBTED_SHORT = 0.6  # a name of two characters read below this yields to a line after it
BRAND_SCORE = 90  # rapidfuzz ratio for a header window to count as a known chain

# A line naming only the trade or its customers (`COIFFURE MIXTE`, `HOMMES - FEMMES - ENFANTS`)
# is a tagline under the shop name, never the name itself.
TAGLINE_WORDS = (
    "COIFFURE", "COIFFEUR", "COIFFEUSE", "COIFFEURS", "VISAGISTE", "VISAGISTES", "BARBIER", "MIXTE",
    "HOMME", "HOMMES", "FEMME", "FEMMES", "ENFANT", "ENFANTS", "DAMES", "MESSIEURS", "SALON",
    "ESTHETIQUE", "ONGLERIE", "SOINS", "BEAUTE", "BIEN-ETRE", "CREATEUR", "COLORISTE", "EXPERT", "INSTITUT",
    "BOULANGERIE", "PATISSERIE", "VIENNOISERIE", "CONFISERIE", "BOUCHERIE", "CHARCUTERIE", "TRAITEUR",
    "ALIMENTATION", "GENERALE", "EPICERIE", "FINE", "PRIMEUR", "FRUITS", "LEGUMES", "PRODUITS",
    "FRAIS", "VINS", "SPIRITUEUX", "CAVE", "BAR", "TABAC", "PRESSE", "LOTO", "RESTAURANT",
    "BRASSERIE", "PIZZERIA", "CREPERIE", "SUR", "PLACE", "A", "EMPORTER", "LIVRAISON",
    "DE", "DES", "DU", "ET", "LA", "LE", "LES", "&", "-", "/", "|", ".", ",",
)  # fmt: skip
_TAGLINE_SET = frozenset(TAGLINE_WORDS)
# trades that name a shop on their own when no other name is printed (not a salon's `COIFFURE MIXTE`)
SHOP_TRADE = re.compile(r"\b(?:BOULANGERIE|PATISSERIE|BOUCHERIE|CHARCUTERIE|TRAITEUR|EPICERIE|PRIMEUR|INSTITUT|"
                        r"RESTAURANT|BRASSERIE|PIZZERIA|CREPERIE|CAVE|TABAC|PRESSE)\b")
BENEFICIARY_LINE = re.compile(
    r"^\s*(?:(?:NOM|CLIENTE?|BENEFICIAIRE|ADHERENTE?|PATIENTE?)\b[\w\s]{0,12}[:\-]|(?:MME|MLLE|MADAME|MONSIEUR)\b)"
)

PRICED = re.compile(r"\d+[.,]\s?\d{2}\b|\d\s?(?:€|EUR\b)")  # an amount: the header has ended
MONEY_LABEL = re.compile(r"^(?:SOUS[\s\-]*)?TOTAL\b|^NET A PAYER|^A PAYER|^MONTANT\b|^RENDU|^ESPECES")
CEDEX = re.compile(r"\s+CEDEX(?:\s+\d+)?$")


def valid_postal_code(code: str) -> bool:
    """Metropolitan France (Corsica included), Monaco (98000) and overseas (97xxx)."""
    if not re.fullmatch(r"\d{5}", code):
        return False
    n = int(code)
    return 1000 <= n <= 95999 or 97100 <= n <= 97699 or n == 98000


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


VAT_NUMBER = re.compile(r"\bFR\s?(?P<key>\d{2})\s?(?P<siren>\d{3}\s?\d{3}\s?\d{3})(?!\d)")
MAX_REPAIRS = 5


def vat_key(siren: str) -> int:
    """The key of the intra-community VAT number built on `siren` (FR kk nnnnnnnnn)."""
    return (12 + 3 * (int(siren) % 97)) % 97


def vat_siren(lines: list[TextLine]) -> str | None:
    """The SIREN inside an intra-community VAT number whose key checks (FR kk nnnnnnnnn)."""
    for line in lines:
        for m in VAT_NUMBER.finditer(line.digits):
            siren = re.sub(r"\D", "", m["siren"])
            if int(m["key"]) == vat_key(siren) and luhn_ok(siren):
                return siren
    return None


def vat_keys(lines: list[TextLine]) -> set[int]:
    """The keys printed in VAT numbers whose SIREN was misread (neither key nor Luhn checks)."""
    return {int(m["key"]) for line in lines for m in VAT_NUMBER.finditer(line.digits)
            if not luhn_ok(siren := re.sub(r"\D", "", m["siren"])) and int(m["key"]) != vat_key(siren)}


def keyed_siren(head: str, keys: set[int]) -> str | None:
    """The one SIREN a single digit away from `head`, or some of its 6/8/9 away from zeros,
    that passes both its Luhn key and a VAT number's key, or None: `884450328` with `FR53`,
    read for 884456328 on both lines; `194706786` with `FR74` for 104700786.

    Luhn alone leaves one candidate per position (nine); the VAT key, a check modulo 97,
    keeps the right one and, more than nine times in ten, no other (else None)."""
    found = {head[:i] + d + head[i + 1:] for i in range(len(head)) for d in "0123456789"
             if d != head[i]} | {v for _, v in zero_variants(head)}
    found = {v for v in found if luhn_ok(v) and vat_key(v) in keys}
    return found.pop() if len(found) == 1 else None


def zero_variants(digits: str, offset: int = 0):
    """(number of repairs, variant) for every way of reading some 6/8/9 of `digits[offset:]` as 0."""
    spots = [i for i, ch in enumerate(digits) if i >= offset and ch in ZERO_LOOKALIKES]
    if len(spots) > 8:
        return
    for mask in range(1 << len(spots)):
        chosen = {spots[k] for k in range(len(spots)) if mask >> k & 1}
        if len(chosen) <= MAX_REPAIRS:
            yield len(chosen), "".join("0" if i in chosen else ch for i, ch in enumerate(digits))


def repaired_siret(digits: str, siren: str | None, keys: set[int] = frozenset()) -> str | None:
    """A SIRET failing its Luhn key, made valid by reading misread zeros as 0, or None.

    6/8/9 -> 0 substitutions are tried (the confusion thermal fonts cause). The
    SIREN (first 9 digits, with its own Luhn key) comes from a checked VAT number when
    the read differs from it only by such substitutions, else from the read itself:
    with any one digit changed when a misread VAT number's key then checks too and
    no other change does (`keyed_siren`), else repaired only when one zero candidate
    needs fewer changes than every other. In the establishment number (last 5) the
    candidate with the most zeros wins (misreads go from 0 to 6/8/9), then the
    smallest: establishments are numbered from 00010 up.
    """
    head = digits[:9]
    if siren is not None and zeros_misread_in(head, siren):
        head = siren
    elif not luhn_ok(head) and keys and (keyed := keyed_siren(head, keys)) is not None:
        head = keyed
    elif not luhn_ok(head):  # without a VAT number, one misread zero at most: else too unsure
        found = [v for n, v in zero_variants(head) if n == 1 and luhn_ok(v)]
        if len(found) != 1:
            return None
        head = found[0]
    # most zeros first, then the smallest establishment number (they are numbered from 00010 up)
    found = sorted((-n, int(v[9:]), v) for n, v in zero_variants(head + digits[9:], 9) if luhn_ok(v))
    return found[0][2] if found else None


def siret_letters(token: str) -> str:
    """A SIRET read with letters for some digits, the letters replaced by the digits they
    look like: where a letter may be two digits, the one combination passing the check keys."""
    spots = [(i, SIRET_LOOKALIKES[c]) for i, c in enumerate(token) if c in SIRET_LOOKALIKES]
    if not spots:
        return token
    if len(spots) <= 4:
        valid = set()
        for combo in itertools.product(*(digits for _, digits in spots)):
            chars = list(token)
            for (i, _), d in zip(spots, combo):
                chars[i] = d
            candidate = "".join(chars)
            number = re.sub(r"\D", "", candidate)
            if len(number) == 14 and luhn_ok(number[:9]) and luhn_ok(number):
                valid.add(candidate)
        if len(valid) == 1:
            return valid.pop()
    return "".join(SIRET_LOOKALIKES.get(c, c)[0] for c in token)


def find_siret(lines: list[TextLine]) -> tuple[str, float] | None:
    """A 14-digit SIRET (labelled, or grouped 3-3-3-5 and passing the Luhn check)."""
    for line in lines:
        # letters are read on the folded print: `line.digits` has already made every O a 0
        found = SIRET_AFTER_LABEL.search(line.up)
        digits = line.digits
        if found:
            digits = digits[: found.start(2)] + siret_letters(found[2]) + digits[found.end(2) :]
        m = SIRET_LABELLED.search(digits)
        if m:
            digits = re.sub(r"\D", "", m["num"])
            if len(digits) == 14:
                if luhn_ok(digits):
                    return digits, line.conf
                fixed = repaired_siret(digits, vat_siren(lines), vat_keys(lines))
                if fixed is not None:
                    return fixed, line.conf * 0.9
                return digits, line.conf * 0.8
    for line in lines:
        if "SIREN" in line.labels or "TVA" in line.labels:
            continue
        m = SIRET_GROUPED.search(line.digits)
        if m:
            digits = re.sub(r"\D", "", m["num"])
            if luhn_ok(digits) and not PHONE.search(line.digits):
                return digits, line.conf * 0.8
    return None


@dataclass(frozen=True)
class Place:
    postal_code: str
    city: str | None
    line: int
    conf: float


def _corsica(code: str) -> str:
    code = code.replace(" ", "")
    return "20" + code[2:] if code[:2] in ("2A", "2B") else code


# an amount's label: its figures, however garbled, are no postal code (`SUBTOTAL 19749`)
AMOUNT_LABEL = re.compile("|".join([p for p, _ in TOTAL_LABELS] + [SUBTOTAL.pattern]))


def find_place(lines: list[TextLine], span: int = HEADER_SPAN) -> Place | None:
    """The shop's postal code and city: header first, then anywhere (footers)."""
    order = list(range(min(span, len(lines)))) + list(range(span, len(lines)))
    for i in order:
        line = lines[i]
        if PHONE.search(line.digits) and not re.search(r"\d{5}\s+[A-Z]{2}", line.digits):
            continue
        if "SIRE" in line.labels or "TVA" in line.labels or find_date_matches(line.digits):
            continue
        if AMOUNT_LABEL.search(line.labels):
            continue
        for m in POSTAL.finditer(line.digits):
            code = _corsica(m["code"])
            if not valid_postal_code(code):
                continue
            city = None
            if m["city"]:
                start = m.start("city")
                city = line.raw[start : start + len(m["city"])].strip(" -,")
                city = re.split(r"\s{2,}|\s(?:TEL|Tel|tel|T[ée]l)\b", city)[0].strip() or None
            elif m.start("code") > 0:
                before = CITY_BEFORE.search(line.digits[: m.end("code") + 1].rstrip(") "))
                if before:
                    s, e = before.span("city")
                    city = line.raw[s:e].strip() or None
            if city is None and m.end() == len(line.digits.rstrip()):
                nxt = lines[i + 1] if i + 1 < len(lines) else None
                if nxt and re.fullmatch(r"[A-Z][A-Z' \-]+", nxt.labels.strip()):
                    city = nxt.raw.strip()
            if city is None and not (m.start("code") == 0 or "CP" in line.labels):
                continue  # a bare five-digit number mid-line is no postal code
            if city:
                city = printed_city(city)
            conf = line.conf * (1.0 if city else 0.8) * (1.0 if i < span else 0.85)
            return Place(code, city, i, conf)
        if (extra := one_digit_too_many(line) or letters_in_code(line)) is not None:
            return Place(extra[0], extra[1], i, line.conf * REPAIRED_PLACE * (1.0 if i < span else 0.85))
    return None


def printed_city(raw: str) -> str:
    """A city as read after its postal code, its words repaired and CEDEX dropped."""
    return tidy_city(CEDEX.sub("", repair_words(raw)))


SIX_DIGITS_THEN_CITY = re.compile(r"^\W*(?P<code>\d{6})\s+(?P<city>[A-Z][A-Z' \-]*[A-Z])")


def one_digit_too_many(line: TextLine) -> tuple[str, str] | None:
    """`921688 BOULOGNE -BILLANCOURT`: a slashed zero read as two digits (and others as
    6 or 8). The one code, left by dropping a digit, that serves the city; and the city."""
    m = SIX_DIGITS_THEN_CITY.match(line.digits)
    if not m:
        return None
    start = m.start("city")
    city = printed_city(line.raw[start : start + len(m["city"])].strip(" -,"))
    places = postcodes.table()
    codes = {m["code"][:k] + m["code"][k + 1 :] for k in range(6)}
    codes |= {v for c in codes for v in postcodes.variants_of(c)}  # and its other zeros misread
    fits = [c for c in codes if places.matches(c, city)]
    return (fits[0], city) if len(fits) == 1 else None


# a code with letters or a € for some of its digits, or one character too many, then a city
CODE_WITH_LETTERS_THEN_CITY = re.compile(r"^\W*(?P<code>[\dOGCDQSBILZ€]{5,6})\s+(?P<city>[A-Z][A-Z' \-]*[A-Z])")
CODE_LOOKALIKES = {"O": "0", "D": "0", "Q": "0", "C": "06", "G": "6", "€": "06", "S": "5", "B": "8",
                   "I": "1", "L": "1", "Z": "2"}
MIN_CODE_DIGITS = 3  # digits read as digits (or as O): fewer, and the city alone would be choosing


def letters_in_code(line: TextLine) -> tuple[str, str] | None:
    """`0GC000 NICE`, `5900€ LILLE`: a postal code read with letters for digits. The one
    code its look-alikes (and one character dropped, for six) make that serves the city
    printed after it; and the city. The table of places is the check."""
    m = CODE_WITH_LETTERS_THEN_CITY.match(line.digits)
    if not m or sum(c.isdigit() or c == "O" for c in m["code"]) < MIN_CODE_DIGITS or m["code"].isdigit():
        return None
    start = m.start("city")
    city = printed_city(line.raw[start : start + len(m["city"])].strip(" -,"))
    read = m["code"]
    spellings = {read} if len(read) == 5 else {read[:k] + read[k + 1 :] for k in range(6)}
    places = postcodes.table()
    fits = {code for spelling in spellings
            for code in map("".join, itertools.product(*(CODE_LOOKALIKES.get(c, c) for c in spelling)))
            if code.isdigit() and places.matches(code, city)}
    return (fits.pop(), city) if len(fits) == 1 else None


def find_address(lines: list[TextLine], place: Place | None) -> tuple[str, int] | None:
    """The street line: number + street word, or a shopping-centre / ZAC line."""
    limit = min(HEADER_SPAN, len(lines))
    # the first line is the shop's name, even when it reads like a numberless site (`ESPACE BEAUTE`)
    first = next((i for i in range(len(lines)) if not _looks_like_noise(lines[i])), -1)
    site_name = lambda j: (j == first and not re.search(r"\d", lines[j].raw)  # noqa: E731
                           and not ROAD_NAME.match(lines[j].labels))
    if place is not None:
        limit = max(limit, place.line + 1)
        # the street is usually just above the postal code line, or on it
        line = lines[place.line]
        m = STREET_NUMBERED.search(line.digits) or STREET.search(line.labels)
        code_at = line.digits.find(place.postal_code[:2])
        if m and 0 <= m.start() < code_at:
            part = line.raw[m.start() : code_at].strip(" ,-")
            if part:
                return part, place.line
        for j in (place.line - 1, place.line - 2):
            if j >= 0 and not site_name(j) and (
                    STREET.search(lines[j].labels) or STREET_NUMBERED.search(lines[j].digits)):
                return lines[j].raw.strip(" ,"), j
        j = place.line - 1
        if j >= 0 and NUMBER_THEN_WORDS.match(lines[j].labels) and not PHONE.search(lines[j].digits):
            return lines[j].raw.strip(" ,"), j
        if j >= 0 and j != first and GLUED_ROAD.match(lines[j].raw.strip(" ,")):
            return GLUED_ROAD.sub(r"\g<type> ", lines[j].raw.strip(" ,"), count=1), j
    for i in range(limit):
        line = lines[i]
        if "TEL" in line.labels or find_date_matches(line.digits) or site_name(i):
            continue
        if STREET_NUMBERED.search(line.digits) or STREET.match(line.labels):
            return line.raw.strip(" ,"), i
    return None


def _looks_like_noise(line: TextLine) -> bool:
    if line.conf < NOISE_CONF:
        return True
    letters = sum(c.isalpha() for c in line.raw)
    if letters < 2:
        return True
    alnum = sum(c.isalnum() or c in " '&-." for c in line.raw)
    if alnum / max(1, len(line.raw)) < 0.7:
        return True  # a logo read as punctuation soup
    words = re.findall(r"[A-Za-zÀ-ÿ]{2,}", line.raw)
    return not words


def names_chain(labels: str) -> bool:
    """Whether a line (folded) names a known chain, OCR slips tolerated."""
    words = re.sub(r"[^A-Z0-9&' ]", " ", labels).split()
    for brand in KNOWN_RETAILERS:
        n = len(brand.split())
        for j in range(max(1, len(words) - n + 1)):
            window = " ".join(words[j : j + n])
            if window == re.sub(r"[^A-Z0-9&' ]", " ", brand).strip() or (
                len(brand) >= 5 and fuzz.ratio(window, brand) >= BRAND_SCORE
            ):
                return True
    return False


def _brand_line(lines: list[TextLine], taken: set[int]) -> int | None:
    """The first header line naming a known chain, above the first amount (an item line
    may name one: `REDKEN ALL SOFT SHAMPOO 3 24,70` under a short header)."""
    for i in range(min(NAME_SPAN, len(lines))):
        if PRICED.search(lines[i].digits):
            return None
        if i not in taken and not NOT_NAME.search(lines[i].labels) and names_chain(lines[i].labels):
            return i
    return None


def is_tagline(line: TextLine) -> bool:
    """Only trade or customer words (`COIFFURE MIXTE`, `HOMMES - FEMMES - ENFANTS`)."""
    words = re.findall(r"[A-Z][A-Z\-]*|[&/|.,]", line.labels)
    return bool(words) and all(w.strip("-") in _TAGLINE_SET or w == "-" for w in words)


# `LES CISEAUX D OR`: a lone D, L or J before a vowel is an elision whose apostrophe was lost
LOST_APOSTROPHE = re.compile(r"(?<![\w'])([DLJdlj])\s(?=[AEIOUYHÉÈaeiouyhéè])")
# `MAISON CAPILLAIRE | 7`, `PRIX BAS (1 k`: a bar or an unclosed bracket, then a few marks
NAME_TAIL_DEBRIS = re.compile(r"\s+(?:\||\((?![^()]*\)))[^A-Za-z]*(?:\b[A-Za-z]\b[^A-Za-z]*)?$")


# articles and prepositions that make a shop name a French phrase
FRENCH_PARTICLES = frozenset({"LA", "LE", "LES", "DE", "DU", "DES", "AU", "AUX"})

LOWER_TAIL = re.compile(r"(?:\s+[+~_=*.,:;|]*\s*[a-zà-ÿ]{1,3})+\s*$")
# `vier add LES CISEAUX D'OR`: lower-case bits read before a capitals name (not `chez MARIE`)
LOWER_HEAD = re.compile(r"^(?:(?!(?:chez|le|la|les|de|du|des|au|aux|et)\b)[a-z]{1,4}[^\w\s]*\s+)+(?=[A-Z0-9][A-Z'])")


def chain_restored(word: str) -> str | None:
    """A word in capitals that is a chain's with one I read as T, L or 1 (`PROXT` for PROXI),
    or a shop's common word with its thin I lost (`ATELER` for ATELIER, `COFFURE`; two of
    them in a longer word: `CAPLLARE`), when it is no word and only one such word is one such
    change away."""
    if not word.isupper() or len(word) < 4 or word in CHAIN_WORDS or is_word(word):
        return None
    found = {word[:k] + "I" + word[k + 1 :] for k, ch in enumerate(word) if ch in I_MISREADS} & CHAIN_WORDS
    if len(word) >= MIN_LOST_I:
        once = {word[:k] + "I" + word[k:] for k in range(1, len(word))}
        found |= once & SHOP_WORDS
        if not found and len(word) > MIN_LOST_I:
            found = {w[:k] + "I" + w[k:] for w in once for k in range(1, len(w))} & SHOP_WORDS
    if not found and len(word) >= MIN_MISREAD_SHOP_WORD and (near := one_letter_from(word, SHOP_WORDS)):
        found = {near}  # `LA NAISON DU BRICO`: one letter of a shop's common word misread
    return found.pop() if len(found) == 1 else None


MIN_MISREAD_SHOP_WORD = 6  # letters a word must have to be taken for a shop's word one letter away


def tidy_name(name: str) -> str:
    """A shop name without the lost apostrophes and trailing debris of its OCR."""
    name = NAME_TAIL_DEBRIS.sub("", name.replace("‘", "'").replace("’", "'").replace("`", "'"))
    name = re.sub(r"(?<=\w)\*'|'\*(?=\w)", "'", name)  # `QUICK*' EAT`: one apostrophe read as two marks
    name = re.sub(r"(?<=\w)\s*'\s*(?=\w)", "'", name)  # `COIFF' AND CO`, `STYL ‘HAIR`
    if name.endswith(")") and name.count(")") > name.count("("):
        name = name[:-1]  # the paper's edge read as a bracket
    if sum(c.isupper() for c in name) > 2 * sum(c.islower() for c in name):
        name = LOWER_TAIL.sub("", name)  # `LIDOR DISCOUNT + ae`: lower-case bits after a capitals name
    rest = LOWER_HEAD.sub("", name)
    if rest != name and sum(c.isupper() for c in rest) > 2 * sum(c.islower() for c in rest):
        name = rest
    name = re.sub(r"^0\s(?=[A-Z]{2})", "O'", name)  # `0 TACOS`: the O' of O'TACOS read as a zero
    name = re.sub(r"(?<=[A-Z]{2})!(?=\s|$)", "I", name)  # `PROX! CENTRE`: an I read as a bang
    name = re.sub(r"(?<=[A-Z]{2})\*(?=[A-Z]{2})", "'", name)  # `COIFF*AND CO`: an apostrophe read as a star
    name = re.sub(r"\b[A-Z]+0[A-Z0]*\b", lambda m: m.group().replace("0", "O"), name)  # `COIFF'AND C0`
    name = re.sub(r"\bDOR$", "D'OR", name)  # `LES CISEAUX DOR`: no French word, the apostrophe lost
    # `MAISON CAPILLATRE`: an I read as T or L in a word that is then no word (no French one
    # in a French phrase: `LA MATSON DU BRICO`)
    known = ("fra",) if FRENCH_PARTICLES & set(name.upper().split()) else ("fra", "eng")
    name = re.sub(r"\b([A-Z]{4,})(\d{1,3})\b", r"\1 \2", name)  # `ATELER21`: a word glued to the number after it
    name = re.sub(r"[^\W_]+", lambda m: i_restored(m.group(), known) or chain_restored(m.group()) or m.group(), name)
    name = re.sub(r"\b[A-Z]{7,}\b", lambda m: space_restored(m.group(), known)
                  or (particle_split(m.group(), known) if m.end() < len(name.rstrip()) else None) or m.group(), name)
    name = TRADE_PARTICLE.sub(lambda m: f"{m['trade']} {PARTICLES[m['particle']]} " if m["trade"] in SHOP_WORDS
                              else m.group(), name)
    return LOST_APOSTROPHE.sub(r"\1'", stray_apostrophe_dropped(name)).strip()


# French elides before a vowel after these (`L'ATELIER`, `D'ANTIBES`, `QU'`), and Irish-style names after O
ELIDING = frozenset({"C", "D", "J", "L", "M", "N", "S", "T", "QU", "O"})
STRAY_APOSTROPHE = re.compile(r"\b([^\W\d_]+)'([^\W\d_]+)\b")


def stray_apostrophe_dropped(text: str) -> str:
    """`HYP'ER MARCHE`, `LES P'ORTES`: an apostrophe put inside a word (a speck between two
    letters), where the letters before it elide nothing, two or more follow it (not an
    English `'S`) and the word whole is a word."""
    def mend(m: re.Match) -> str:
        head, tail = m.group(1), m.group(2)
        if (head.upper() in ELIDING or head.upper().endswith("QU")  # `PRESQU'ILE`
                or len(tail) < 2 or not is_word(head + tail)):  # `MCDONALD'S`: an English possessive
            return m.group()
        return head + tail
    return STRAY_APOSTROPHE.sub(mend, text)


GLUED_HEADS = tuple(sorted(FRENCH_PARTICLES | CHAIN_WORDS, key=lambda w: (-len(w), w)))  # longest first
MIN_GLUED_WORD = 5  # letters the word after a glued particle or chain's word must have


def space_restored(word: str, known: tuple[str, ...]) -> str | None:
    """`PROXICENTRE`, `LEFOURNIL`: a particle or a chain's word glued to a word (French, or
    a shop's common word) of five letters or more, the space lost in large print, when the
    whole is no word nor a chain's (`LECLERC`, `BRICOMAX` stay whole: MAX is too short).
    `SUPERETTEDUPORT`: a shop's common word, a particle and the place's word, every space lost."""
    if is_word(word, known) or word in CHAIN_WORDS:
        return None
    for head in GLUED_HEADS:
        rest = word[len(head):]
        if word.startswith(head) and len(rest) >= MIN_GLUED_WORD and (is_word(rest, ("fra",)) or rest in SHOP_WORDS):
            return f"{head} {rest}"
    for trade in TRADE_HEADS:
        for glued, particle in PLACE_PARTICLES:
            place = word[len(trade) + len(glued):]
            if (word.startswith(trade + glued) and len(place) >= MIN_PLACE_WORD
                    and (is_word(place, ("fra",)) or place in STREET_VOCABULARY)):
                return f"{trade} {particle} {place}"
    return None


TAIL_PARTICLES = ("DES", "DU", "DE")  # the longer first
MIN_HEAD_WORD = 4  # letters of the word a particle glued after may end


def particle_split(word: str, known: tuple[str, ...]) -> str | None:
    """`GRAINDE BEAUTE`: a word of the name glued to the particle after it (the space lost
    before `DE` in large print), when the whole is no word and what comes before the particle
    is a French word or a shop's common word. The caller checks another word follows."""
    if is_word(word, known) or word in CHAIN_WORDS:
        return None
    for particle in TAIL_PARTICLES:
        head = word[: -len(particle)]
        if (word.endswith(particle) and len(head) >= MIN_HEAD_WORD
                and (is_word(head, ("fra",)) or head in SHOP_WORDS)):
            return f"{head} {particle}"
    return None


TRADE_HEADS = tuple(sorted(SHOP_WORDS, key=lambda w: (-len(w), w)))  # longest first
# `DU PORT`, `DE LA GARE`, `DES HALLES` glued (the longer first: DES before DE)
PLACE_PARTICLES = (("DELA", "DE LA"), ("DES", "DES"), ("AUX", "AUX"), ("DU", "DU"), ("DE", "DE"), ("AU", "AU"))
MIN_PLACE_WORD = 4  # letters of the word after the particle (PORT, GARE)


# `RUE OE PARIS`, `ZAC OU GRAND PRE`: a D read as an O in the particles of a street name
PARTICLES = {"OE": "DE", "0E": "DE", "OU": "DU", "0U": "DU", "OES": "DES", "0ES": "DES"}
# `LE BISTROT OU MARCHE`: after the trade, the same particles misread
TRADE_PARTICLE = re.compile(rf"\b(?P<trade>[A-Z]{{5,}}) (?P<particle>{'|'.join(PARTICLES)}) (?=[A-Z]{{2,}})")
MISREAD_TYPES = {"8D": "BD"}  # the street type after the number, a letter read as a figure


# Words of French street names, to restore one misread letter (`Avonue`, `Marcho`, `Vignos`)
STREET_VOCABULARY = frozenset("""
AVENUE BOULEVARD CHEMIN ROUTE ALLEE IMPASSE PASSAGE SQUARE PLACE QUAI COURS RUELLE SENTIER
FAUBOURG PROMENADE ESPLANADE TRAVERSE HAMEAU RESIDENCE CENTRE COMMERCIAL GALERIE
GENERAL LECLERC GAULLE REPUBLIQUE MARCHE EGLISE GARE ECOLES ECOLE VIGNES TILLEULS CHATEAU
MOULIN FONTAINE LIBERATION NATIONALE COMMERCE PASTEUR GAMBETTA JAURES VICTOR HUGO MIRABEAU
MARECHAL PRESIDENT LIBERTE VERDUN PARIS ABBAYE CHAMPS PORTES BELGES MOULINS PRINCESSE GRANDE
""".split())
# The most common street names of France are people's: after the first name, a word one letter
# from the surname is the surname (`VICTOR HUGC`), however short
STREET_SURNAMES = {"VICTOR": "HUGO", "EMILE": "ZOLA", "PAUL": "BERT", "LEON": "BLUM", "JULES": "FERRY",
                   "JEAN": "JAURES", "ANATOLE": "FRANCE", "ARISTIDE": "BRIAND", "GEORGES": "CLEMENCEAU"}
STREET_BLOT = re.compile(r"([A-Z]{3,})([:;.,!|])([A-Z]+)")  # a long word with one letter read as a mark
SHORT_STREET_TYPES = frozenset({"RUE", "QUAI"})  # a short word is mended only to these (`Ruc`): `GORE` may be a name


# letters Tesseract confuses in street names (`Avonuo`, `Ruc`): e read as o or c
STREET_CONFUSIONS = frozenset({("O", "E"), ("C", "E"), ("O", "A"), ("I", "L"), ("L", "I"), ("T", "I")})


def confused_from(word: str, vocabulary, most: int) -> str | None:
    """The one word of `vocabulary` that `word` is, with one to `most` of its letters read as
    their usual look-alikes (`AVONUO` -> AVENUE, `RUC` -> RUE), if exactly one is."""
    near = [v for v in vocabulary if len(v) == len(word)
            and 0 < sum(a != b for a, b in zip(word, v)) <= most
            and all(a == b or (a, b) in STREET_CONFUSIONS for a, b in zip(word, v))]
    return near[0] if len(near) == 1 else None


def _street_word(word: str) -> str:
    """`word` as the one street-name word one letter away, or two look-alikes away in a long
    word (a short one only to a street type: `Ruc`), in the word's own case."""
    up = fold(word)
    if (blot := STREET_BLOT.fullmatch(up)) is not None:
        # `BELG:S`: one letter read as a mark, the others as printed
        near = [v for v in STREET_VOCABULARY
                if len(v) == len(up) and v[: blot.start(2)] == blot[1] and v[blot.end(2) :] == blot[3]]
        if len(near) != 1:
            return word
        return in_case_of(near[0], re.sub(r"[^\w]", "A" if word.isupper() else "a", word))
    if len(up) < 3 or not up.isalpha() or up in STREET_VOCABULARY:
        return word  # `Marché` is MARCHE with its accent
    near = (one_letter_from(up, STREET_VOCABULARY) if len(up) >= 5 else None) or confused_from(
        up, STREET_VOCABULARY if len(up) >= 5 else SHORT_STREET_TYPES, 2 if len(up) >= 6 else 1)
    if near is None:
        return word
    return in_case_of(near, word)


def in_case_of(new: str, word: str) -> str:
    """`new` in `word`'s case, letter by letter."""
    return "".join(n if w.isupper() else n.lower() for n, w in zip(new, word))


def _surname(first: str, word: str) -> str:
    """`word` as the surname `first` goes with in a street name, when one letter sets them apart."""
    surname = STREET_SURNAMES.get(fold(first))
    if surname and one_letter_from(fold(word), (surname,)):
        return in_case_of(surname, word)
    return word


ELIDED_SPACED = re.compile(r"(?<![\w'])([DLdl])\s*'\s*(?=[^\W\d_])")  # `D' ANTIBES`, `d 'Italie`


def tidy_address(address: str) -> str:
    """A street line without the debris read before its number (`Sets ha 54 RUE ...`,
    `2 83 BOULEVARD ...`), with its particles' D and its words' misread letters restored."""
    m = STREET_NUMBERED.search(address.upper())
    if m and m.start() > 0 and re.search(r"[a-z]|[^\w\s]|^\d\s+$", address[: m.start()]):
        address = address[m.start() :]
    # `SAINT -MARTIN`: a space read on one side of a hyphen joining two words
    address = re.sub(r"(?<=[^\W\d_])(?:\s+-|-\s+)(?=[^\W\d_])", "-", address)
    address = ELIDED_SPACED.sub(r"\1'", address)  # `RUE D' ANTIBES`: a space read beside the apostrophe
    words = address.split()
    while len(words) > 2 and (words[-1] in ("À", "à") or not any(ch.isalnum() for ch in words[-1])):
        words.pop()  # a speck or the paper's edge read as a lone À or `)`: no street name ends on them
    words = [PARTICLES.get(w, w) if 0 < k < len(words) - 1 else w for k, w in enumerate(words)]
    if len(words) > 2 and words[0][:1].isdigit():
        words[1] = MISREAD_TYPES.get(words[1], words[1])
    words = [_street_word(stray_apostrophe_dropped(w)) for w in words]
    words = [words[0]] + [particle_unglued(w) for w in words[1:]]
    return " ".join([words[0]] + [_surname(a, b) for a, b in zip(words, words[1:])])


STREET_HEADS = ("DES", "LES", "DU", "DE", "LA", "LE")  # the longer first
MIN_STREET_REST = 5  # letters of the street word a glued particle may come before


def particle_unglued(word: str) -> str:
    """`DE LALIBERATION`, `DEGAULLE`: a particle glued to a street word of the vocabulary
    (only those: `LEBLANC`, `DELACROIX` are streets' own names)."""
    up = word.upper()
    if not up.isalpha() or up in STREET_VOCABULARY:
        return word
    for head in STREET_HEADS:
        rest = up[len(head):]
        if up.startswith(head) and len(rest) >= MIN_STREET_REST and rest in STREET_VOCABULARY:
            return f"{word[:len(head)]} {word[len(head):]}"
    return word


def tidy_city(city: str) -> str:
    """`CLERMONT - FERRAND`, `BOURG -EN-BRESSE`: no city name has spaces around its hyphens."""
    return re.sub(r"\s*-\s*", "-", city).strip("-")


def line_name(line: TextLine) -> str:
    """A line read as a shop name: its words repaired, its edge marks dropped, tidied."""
    return tidy_name(re.sub(r"^[^\wÀ-ÿ&']+|[^\wÀ-ÿ&'.)!]+$", "", repair_words(line.raw)).strip())


LOGO_LETTERS = re.compile(r"[A-Za-z]{2,4}")  # an emblem's initials, read as one short word (`CHMP`, `Cucm`)
MIN_NAME_AFTER_LOGO = 5  # letters of the name line a logo's reading yields to


def find_name(lines: list[TextLine], taken: set[int], block: int | None = None) -> tuple[str, int] | None:
    """The first meaningful header line above the address `block`: no greeting, tagline,
    customer, phone, address, date or legal line (a known chain may sit anywhere in the header).
    A logo's initials read as a word (`CHMP` over HYPER MARCHE PLUS, a pictogram read `QD`)
    yield to a name line under them."""
    brand = _brand_line(lines, taken)
    candidates = _name_candidates(lines, taken, block, brand)
    first = next(candidates, None)
    if first is None:
        return None
    if first[2] is not None or first[1] == brand or not logo_like(first[0]):
        return first[:2]
    second = next(candidates, None)
    if second is not None and second[2] is None and sum(c.isalpha() for c in second[0]) >= MIN_NAME_AFTER_LOGO:
        return second[:2]
    return first[:2]


def logo_like(name: str) -> bool:
    """Two to four letters alone: how a logo's initials or a pictogram read (the dictionaries
    hold most such strings as abbreviations, so they cannot tell)."""
    return bool(LOGO_LETTERS.fullmatch(name))


def _name_candidates(lines: list[TextLine], taken: set[int], block: int | None, brand: int | None):
    """The header's name candidates from the top, as (name, line, None); then the fallback,
    if any, as (name, line, "fallback"): a doubted two-letter line, or the trade alone."""
    span = min(HEADER_SPAN, len(lines)) if block is None else block
    order = ([brand] if brand is not None else []) + list(range(span))
    speck: tuple[str, int] | None = None  # a doubted two-letter line: the name only if nothing else is
    trade: tuple[str, int] | None = None  # the trade alone atop the header: the name if no other line is
    seen: set[int] = set()
    for i in order:
        if i in taken or i in seen:
            continue
        seen.add(i)
        line = lines[i]
        if _looks_like_noise(line):
            continue
        up = line.labels
        if PRICED.search(line.digits) or (MONEY_LABEL.search(up) and i != brand):
            break  # reached the items or the totals (the top of the ticket is missing; `TOTAL ACCESS` is a chain)
        if is_tagline(line) and trade is None and speck is None and SHOP_TRADE.search(up):
            trade = line_name(line), i  # `BOULANGERIE PATISSERIE` over the street: a bakery named by its trade
            continue
        if NOT_NAME.search(up) or PHONE.search(line.digits) or BENEFICIARY_LINE.match(up) or is_tagline(line):
            continue
        if CARD_SLIP_WORDS.search(up):
            continue
        if find_date_matches(line.digits) or STREET_NUMBERED.search(line.digits):
            continue
        if sum(c.isdigit() for c in line.digits) >= MAX_NAME_DIGITS:
            continue  # `Saret 471 951 699 00993`: a SIRET or phone line whose label was misread
        name = line_name(line)
        if sum(c.isupper() for c in name) > 2 * sum(c.islower() for c in name):
            name = re.sub(r"^[A-Za-z]*[a-z][A-Za-z]*\s+(?=[A-Z]{2})", "", name)  # `eS SUPERETTE`: edge debris
        if len(name) == 2 and line.conf < DOUBTED_SHORT and speck is None:
            # `ll` read at 49 % above `STYL'HAIR`: a speck of the logo, if a line follows
            speck = name, i
            continue
        if len(name) >= 2:
            yield name, i, None
    fallback = speck or trade
    if fallback is not None:
        yield *fallback, "fallback"


# `LE 25/01/26 A 12:09:41`: a card slip's date line; the terminal prints the merchant's
# name under it, then its city and postal code
SLIP_DATE_LINE = re.compile(r"^\W*L[E£]\s*\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?\d{2,4}\s*[A-Z]?\s*\d{1,2}\s?[:H]\s?\d{2}")
AMOUNT = re.compile(r"\d[.,]\s?\d{2}\b")  # `CB 179,80` is the ticket's payment line, not the slip's wording
SLIP_WORDING = 6  # lines above the slip's date line searched for its wording
MIN_SLIP_WORDS = 2  # lines of card-slip wording there (`CARTE BANCAIRE`, `A0000000421010`, `CB`)
SLIP_NAME = 0.9  # confidence kept by a name read on the card slip rather than the header
CUT_NAME = 0.5  # a header name this short a part of the slip's is what the crop left of it
MIN_CUT, CUT_SCORE = 4, 75  # letters such a part must have, and how alike (one in four misread)


def slip_merchant(lines: list[TextLine], start: int) -> tuple[str, int] | None:
    """The shop's name as the card slip printed under the ticket gives it, from line `start` down.

    Real French terminals print `LE dd/mm/yy A hh:mm:ss`, then the merchant's name, city and
    postal code; the lines above hold the slip's own wording (`CARTE BANCAIRE`, the card's AID).
    """
    for i in range(start, len(lines) - 1):
        if not SLIP_DATE_LINE.match(lines[i].digits):
            continue
        wording = sum(1 for line in lines[max(0, i - SLIP_WORDING) : i]
                      if CARD_SLIP_WORDS.search(line.labels) and not AMOUNT.search(line.digits))
        line = lines[i + 1]
        if wording < MIN_SLIP_WORDS or _looks_like_noise(line) or CARD_SLIP_WORDS.search(line.labels):
            continue
        if NOT_NAME.search(line.labels) or sum(c.isdigit() for c in line.digits) >= 3:
            continue
        name = line_name(line)
        if len(name) >= 3:
            return name, i + 1
    return None


def letters_dropped(first: str, second: str) -> bool:
    """Whether `second` is `first` with letters dropped inside its words (`PRI BAS` for
    PRIX BAS), which PP-OCR does: no better reading, however confident. A whole word
    dropped (a stray letter of the table before the name) is not this."""
    a, b = first.upper().split(), second.upper().split()
    if len(a) != len(b) or a == b:
        return False
    return all(op in ("equal", "delete") for x, y in zip(a, b)
               for op, *_ in SequenceMatcher(None, x, y, autojunk=False).get_opcodes())


def unknown_words(name: str) -> int:
    """Words of three letters or more of a name in neither dictionary (`ATHLE`, `LU`)."""
    return sum(not is_word(w) for w in re.findall(r"[^\W\d_]{3,}", name))


def slip_names_it(header: str, slip: str) -> bool:
    """Whether the slip's name is the better reading of the shop the header names: the header
    kept only a part of it (`CURE` for the end of L'AMBASSADE DE LA COIFFURE: the crop cut the
    line), or lost letters the slip shows (`SALON ATHLE` for SALON NATHALIE), or both read one
    name whose words line up and the header's differing words are no words where the slip's are
    (`LE MMenE` for LE KIOSQUE). A name the slip prints otherwise (a company's or a till's
    short name) leaves the header's alone, as does a chain's name."""
    if names_chain(fold(header)):
        return False
    a, b = (re.sub(r"[^A-Z0-9]", "", fold(n)) for n in (header, slip))
    if letters_dropped(slip, header):
        return True
    if MIN_CUT <= len(a) <= CUT_NAME * len(b) and max(
            fuzz.ratio(a, b[: len(a)]), fuzz.ratio(a, b[-len(a) :])) >= CUT_SCORE:
        return True  # a centred line cut on one side: its start or its end (`CURE` for ...FFURE)
    ours, theirs = fold(header).split(), fold(slip).split()
    if len(ours) != len(theirs) or ours == theirs:
        return False
    differ = [(x, y) for x, y in zip(ours, theirs) if x != y]
    return len(differ) < len(ours) and all(
        unknown_words(x) and not unknown_words(y) and re.fullmatch(r"[A-Z'&\-]+", y) for x, y in differ)


def parse_retailer(lines: list[TextLine]) -> tuple[Retailer, dict[str, float]]:
    """The shop, with a confidence per sub-field."""
    conf: dict[str, float] = {}
    place = find_place(lines)
    if place is not None:
        code, city = postcodes.table().repair(place.postal_code, place.city)
        if (code, city) != (place.postal_code, place.city):
            place = replace(place, postal_code=code, city=city, conf=place.conf * REPAIRED_PLACE)
    address = find_address(lines, place)
    siret = find_siret(lines)
    taken = set()
    if place is not None:
        taken.add(place.line)
        conf["postal_code"] = round(place.conf, 3)
        if place.city:
            conf["city"] = round(place.conf, 3)
    if address is not None:
        taken.add(address[1])
        conf["address"] = round(lines[address[1]].conf * 0.95, 3)
    # the shop's name is printed above its address; below it come phone, legal and customer lines
    block = min((i for i in taken if i < HEADER_SPAN), default=None)
    name = find_name(lines, taken, block)
    if name is not None:
        first = name[1] == next((i for i in range(len(lines)) if not _looks_like_noise(lines[i])), -1)
        conf["retailer"] = round(lines[name[1]].conf * (1.0 if first else 0.85), 3)
    slip = slip_merchant(lines, name[1] + 1 if name else 0)
    if slip is not None and (name is None or slip[0] != name[0] and slip_names_it(name[0], slip[0])):
        name = slip
        conf["retailer"] = round(lines[slip[1]].conf * SLIP_NAME, 3)
    if siret is not None:
        conf["siret"] = round(siret[1], 3)
    retailer = Retailer(
        name=name[0] if name else None,
        address=tidy_address(repair_words(address[0])) if address else None,
        postal_code=place.postal_code if place else None,
        city=place.city if place else None,
        siret=siret[0] if siret else None,
    )
    return retailer, conf
