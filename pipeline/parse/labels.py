"""Label tables for the amount lines of a receipt, matched on folded text (`TextLine.labels`).

Tables, not code: add a label here when a real receipt shows a new spelling.
"""

from __future__ import annotations

import re

# (pattern, priority): the amount due. Higher wins before cross-checks.
TOTAL_LABELS: tuple[tuple[str, int], ...] = (
    (r"NET\s*A\s*PA[YI]ER", 100),
    (r"(?:TOTAL|MONTANT|SOMME|TOT)\s*(?:TTC\s*)?A\s*PA[YI]ER", 100),
    (r"RESTE\s*(?:A|DU)\s*PA[YI]ER|RESTE\s*DU", 95),
    # English tickets (tourist areas, international chains)
    (r"AMOUNT\s*DUE|BALANCE\s*DUE|TOTAL\s*DUE|AMOUNT\s*PAYABLE|TOTAL\s*TO\s*PAY", 100),
    (r"GRAND\s*TOTAL", 92),
    # TTC read TIC or T1C (`MONTANTTIC`)
    (r"TOTA[LI]\s*(?:T[TI1]C|T\.T\.C)", 90),
    (r"MONTANT\s*(?:T[TI1]C|T\.T\.C|DU|NET|TOTAL)", 88),
    (r"TOT\.?\s*T[TI1]C", 88),
    (r"TOTA[LI]\s*(?:EUR|€|EUROS)", 88),
    (r"\bA\s*PA[YI]ER", 85),
    (r"\bTOTA[LI]\b|\bTOTAL|^TOTA|\bTOT\b|\bTTL\b", 80),
    (r"\bNET\b", 60),
    (r"MONTANT\s*PERCU|MONTANT\s*REGLE|MONTANT\s*PAYE", 50),
    (r"^MONTANT\b|\bMONTANT\s*:", 45),
)
# Lines that carry a TOTAL-like word but are not the amount due.
NOT_TOTAL = re.compile(
    r"SOUS[\s\-]*TOTA|S\s*/\s*TOTA|S\.\s*TOTA|\bSTOTAL|SUBTOTAL|SUB TOTAL"
    r"|TOTA[LI]\s*(?:DES\s*)?(?:HT\b|H\.T|HORS|TVA|T\.V\.A|TAXE|REMISES?|REDUCTIONS?|ECONOMI|AVANTAGES?"
    r"|FIDELITE|POINTS?|CAGNOTT|QTE|QUANTITE|ARTICLES?\s*:?\s*\d*\s*$|PIECES?\s*:?\s*\d*\s*$)"
    r"|ECONOMIS|\bHT\b|HORS TAXE|CUMUL|CAGNOTTE|POINTS|SOLDE|VOUS AVEZ|RENDU|MONNAIE"
    r"|TOTAL\s?ACCESS|TOTAL\s?ENERGIES"  # the filling stations' chain
)
# The items table's column titles (`ARTICLE QTE PRIX TOTAL`, `DESIGNATION QTE P.U. MONTANT`):
# no total, though one of them may say TOTAL or MONTANT
_COLUMN = r"(?:ARTICL[EO]S?|DESIGNATIONS?|LIBELLES?|PRODUITS?|DESCRIPTION|QTE|QTY|QUANTITE|QT|PRIX|P\.?\s?U\.?|UNIT(?:AIRE)?|MONTANT|TOTAL|TTC|EUR|TVA)"
COLUMN_HEADER = re.compile(
    rf"^(?=.*\b(?:ARTICL[EO]S?|DESIGNATIONS?|LIBELLES?|PRODUITS?|DESCRIPTION|QTE|QTY|QUANTITE)\b)"  # not `PRIX TOTAL`
    rf"\W*{_COLUMN}(?:[\s.,/|:-]*{_COLUMN})+\W*$")  # `ARTICLE QTE P.U, TOTAL`, `QTEP.U.`, `Articlo` (an E read as O)
# ... or read with one or two of the titles between the first and the last garbled
# (`ARTICLE OTE: -Pavy TOTAL`: QTE with its Q read as O, then P.U.), one of them still a title
_LEAD_COLUMN = r"(?:ARTICL[EO]S?|DESIGNATIONS?|LIBELLES?|PRODUITS?|DESCRIPTION)"
_MIDDLE_COLUMN = r"(?:[QO]TE|QTY|QUANTITE|QT|PRIX|P\.?\s?U\.?|UNIT(?:AIRE)?|MONTANT|TTC|TVA)"
GARBLED_HEADER = re.compile(rf"^\W*{_LEAD_COLUMN}\s+(?P<middle>(?:\S+\s+){{1,3}})(?:PRIX|MONTANT|TOTAL|TTC|EUR)\W*$")


def column_header(labels: str) -> bool:
    """Whether the line is the items table's column titles (read well, or with a title garbled)."""
    if COLUMN_HEADER.match(labels):
        return True
    m = GARBLED_HEADER.match(labels)
    if m is None or re.search(r"\d", labels):
        return False
    middle = [re.sub(r"^\W+|\W+$", "", t) for t in m["middle"].split()]
    known = [t for t in middle if re.fullmatch(_MIDDLE_COLUMN, t)]
    return bool(known) and len(middle) - len(known) <= 2


RULE_WORDS = 8  # a printed rule of stars or dashes read as letters: this many short tokens or more


def rule_debris(labels: str) -> bool:
    """A rule of `*****` read as letters (`TO TOK TOK TOT TOK FE FEE TOK ...`): many tokens of
    three characters at most, none of them an amount's. Its `TOT` is no total label."""
    words = labels.split()
    return (len(words) >= RULE_WORDS and sum(len(w) <= 3 for w in words) >= 0.8 * len(words)
            and not re.search(r"\d", labels))


SUBTOTAL = re.compile(r"SOUS[\s\-]*TOTA|S\s*/\s*TOTA|S\.\s*TOTA|\bSTOTAL|SUBTOTAL|SUB TOTAL")
CHANGE = re.compile(r"RENDU|A\s*RENDRE|MONNAIE|CHANGE\b")

# (pattern, method), first match wins: contactless before card, meal vouchers before cheques.
PAYMENT_LABELS: tuple[tuple[str, str], ...] = (
    (r"SANS\s*CONTACT|CONTACTLESS|\bNFC\b|APPLE\s*PAY|GOOGLE\s*PAY|SAMSUNG\s*PAY", "contactless"),
    (r"TI?C?KETS?\s*RESTAU|TI?C?KETS?\s*RESTO\b|TITRES?\s*RESTAU|TITRE\s*REST|\bT\.?R\.?\b|SWILE|LUNCHR|EDENRED|SODEXO"
     r"|PLUXEE|UP\s*DEJ|CHEQUES?\s*DEJ|PASS\s*RESTAU|APETIZ|BIMPLI|CARTE\s*RESTO|CONECS"
     r"|MEAL\s*VOUCHER|LUNCH(?:EON)?\s*VOUCHER", "meal_voucher"),  # before `VOUCHER`, any voucher
    (r"CHEQUES?\s*CADEAU|CARTES?\s*CADEAU|BON\s*D.?ACHAT|AVOIR|VIREMENT|PAYPAL|LYDIA|KADEOS"
     r"|ILLICADO|PAIEMENT\s*FRACTIONNE|CREDIT\s*MAGASIN|GIFT\s*CARD|VOUCHER|STORE\s*CREDIT", "other"),
    (r"CHEQUES?\b|\bCH[QO]\b|\bCHEQ|\bCHECK\b", "cheque"),  # `CHO`: a Q read as O
    (r"CARTE\s*BANCAIRE|CARTE\s*BLEUE|\bC\.?B\.?\b|CB\s*EMV|\bEMV\b|\bVISA\b|MASTER\s*CARD|MAESTRO"
     r"|\bAMEX\b|AMERICAN\s*EXPRESS|\bCARTE\b|PAIEMENT\s*CARTE|\bDEBIT\b|\bCREDIT\b|\bCARD\b", "card"),
    # `FSPECES`: an E read as F; LIQUIDE only opening the line or after PAIEMENT/EN (`LESSIVE LIQUIDE` is a product)
    (r"[EF]SPECES|ESPEC[EF]S|\bESP\b|\bCASH\b|NUMERAIRE|^\W*LIQUIDE\b|(?:PAIEMENT|EN|REGLEMENT)\s*LIQUIDE", "cash"),
)
# A payment line needs a method word; these words alone make an amount line a payment.
PAYMENT_LINE_HINT = re.compile(r"REGLEMENT|PAIEMENT|PAYE|PAYMENT|RECU|ENCAISSE")

DISCOUNT = re.compile(
    # word starts: `COFFRET` is no `OFFRE`, `DETOUR` no `RETOUR`; a BR (bon de réduction)
    # opens its line (`COUPE BR` is a name cut short)
    r"\bREMISE|\bPROMO|\bREDUC|\bRABAIS|\bCOUPON|\bBON\b|\bAVANTAGE|\bESCOMPTE|^\W*BRI?\b|\bOFFRE"
    r"|-\s?\d+\s?%|\bIMMEDIAT|\bDEDUCTION|\bFIDELITE|\bCAGNOTTE|\bANNUL|\bCORRECTION|\bRETOUR"
    r"|\bDISCOUNT|\bLOYALTY|\bVOUCHER"  # English tickets
)

VAT_HEADER = re.compile(r"\bTVA\b|T\.V\.A|\bTAUX\b|\bTX\b|\bVAT\b")
VAT_RATES = ("0", "0.9", "1.05", "2.1", "2.10", "5.5", "5.50", "7", "7.0", "8.5", "10", "13", "19.6", "20")

# Lines that are never items (matched on `labels`).
NOT_ITEM = re.compile(
    r"TOTA[LI]|SOUS[\s\-]*TOT|S\s*/\s*TOT|\bTVA\b|T\.V\.A|\bHT\b|\bTTC\b|A\s*PAYER|NET\s*A"
    r"|ARTICLES?\b|NB\s*ART|NOMBRE|\bQTE\s*TOTALE|FIDELITE|CAGNOTTE|POINTS?\b|SOLDE|PAIEMENT"
    r"|REGLEMENT|MONTANT|ECONOMI|RENDU|MONNAIE|ESPECES|\bCB\b|CARTE|CHEQUE|\bVISA\b|MASTERCARD"
    r"|CONTACT|DEBIT|CREDIT|AUTORIS|CAPITAL|SIRET|SIREN|\bRCS\b|\bTEL\b|TICKET|CAISSE|TAUX"
    r"|VOUS AVEZ|A CONSERVER|TRANSACTION|TERMINAL|\bAID\b|\bTR\b|TITRE|ACOMPTE|REPORT|CUMUL"
    r"|AMOUNT\s*DUE|BALANCE\s*DUE|AMOUNT\s*PAYABLE|\bCHANGE\b|\bVAT\b|\bCASH\b|\b(?:APE|NAF)\b"
    r"|^\W*SERVEU(?:R|SE)\b|^\W*SERVIE?\b"  # a restaurant's `Serveur : JULIE`, `Servi par MANON`
)
