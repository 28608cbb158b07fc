"""How a till prints things: amounts, dates, ticket numbers, labels, card-terminal blocks."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

MONTHS_ABBR = ("JANV", "FEVR", "MARS", "AVR", "MAI", "JUIN", "JUIL", "AOUT", "SEPT", "OCT", "NOV", "DEC")
MONTHS_SHORT = ("JAN", "FEV", "MAR", "AVR", "MAI", "JUN", "JUL", "AOU", "SEP", "OCT", "NOV", "DEC")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")

TOTAL_LABELS = ("TOTAL", "TOTAL A PAYER", "NET A PAYER", "MONTANT TTC", "MONTANT DU", "TOT TTC", "A PAYER",
                "TOTAL TTC", "TOTAL EUR", "TOTAL TTC", "TOTAL")
TOTAL_LABELS_EN = ("TOTAL", "AMOUNT DUE", "TOTAL DUE")
SUBTOTAL_LABELS = ("SOUS-TOTAL", "SOUS TOTAL", "S/TOTAL", "SOUS-TOTAL TTC")
DISCOUNT_LABELS = ("REMISE FIDELITE", "AVANTAGE FIDELITE", "REMISE CARTE FIDELITE", "BON DE REDUCTION", "REMISE CLIENT")
PAYMENT_LABELS = {
    "card": ("CB", "CARTE BANCAIRE", "CARTE BLEUE", "PAIEMENT CB", "CB EMV"),
    "contactless": ("SANS CONTACT", "CB SANS CONTACT", "PAIEMENT SANS CONTACT"),
    "cash": ("ESPECES", "ESPECES", "ESP."),
    "cheque": ("CHEQUE", "CHQ", "PAIEMENT CHEQUE"),
    "meal_voucher": ("TICKET RESTAURANT", "TITRE RESTAURANT", "TICKET RESTO"),
    "other": ("AVOIR", "CARTE CADEAU", "BON D'ACHAT"),
}
PAYMENT_LABELS_EN = {"card": ("CARD",), "contactless": ("CONTACTLESS",), "cash": ("CASH",), "cheque": ("CHEQUE",),
                     "meal_voucher": ("MEAL VOUCHER",), "other": ("GIFT CARD",)}
CHANGE_LABELS = ("RENDU MONNAIE", "RENDU", "A RENDRE", "MONNAIE RENDUE")
THANKS = ("MERCI DE VOTRE VISITE", "MERCI ET A BIENTOT", "A BIENTOT !", "MERCI DE VOTRE FIDELITE",
          "Merci de votre visite", "MERCI ET BONNE JOURNEE")
FOOTNOTES = ("TICKET A CONSERVER", "Ni repris ni échangé sans ce ticket", "CONSERVEZ VOTRE TICKET",
             "Suivez-nous sur Instagram", "Prenez RDV en ligne 24h/24", "Horaires : mar-sam 9h-19h")


@dataclass(frozen=True)
class Money:
    """A till's way to print amounts: decimal separator, thousands, currency marks."""

    sep: str = ","
    thousands: bool = False
    item_suffix: str = ""
    total_suffix: str = ""
    star: bool = False

    def __call__(self, value: Decimal, suffix: str = "") -> str:
        sign = "-" if value < 0 else ""
        units, cents = f"{abs(value):.2f}".split(".")
        if self.thousands and len(units) > 3:
            units = f"{int(units):,}".replace(",", " ")
        return f"{sign}{units}{self.sep}{cents}{suffix}"

    def item(self, value: Decimal) -> str:
        return ("*" if self.star else "") + self(value, self.item_suffix)

    def total(self, value: Decimal) -> str:
        return self(value, self.total_suffix)


def pick_money(rng: random.Random, language: str) -> Money:
    if language == "en":
        return Money(sep=".", item_suffix="", total_suffix=rng.choice(("", " EUR")))
    dot = rng.random() < 0.1
    return Money(
        sep="." if dot else ",",
        thousands=rng.random() < 0.5,
        item_suffix=rng.choice(("", "", "", " €", " EUR")),
        total_suffix=rng.choice(("", " €", " EUR", " EUR", "€")),
        star=dot and rng.random() < 0.5,
    )


def clock(when: datetime, rng: random.Random) -> str:
    return rng.choice((f"{when:%H:%M}", f"{when:%H:%M}", f"{when:%H:%M:%S}", f"{when:%H}H{when:%M}", f"{when:%H}h{when:%M}"))


def date_line(when: datetime, rng: random.Random, language: str) -> str:
    """A footer line carrying date and time in one of the forms seen on French tills."""
    if language == "en":
        return rng.choice((f"Date: {when:%d/%m/%Y}  Time: {when:%H:%M}", f"{when:%d/%m/%Y} {when:%H:%M}"))
    forms = (
        lambda: f"{when:%d/%m/%Y} {clock(when, rng)}",
        lambda: f"{when:%d/%m/%y} {when:%H:%M}",
        lambda: f"{when:%d-%m-%Y} {when:%H:%M:%S}",
        lambda: f"{when.day}.{when:%m.%y} {when.hour}:{when:%M}",
        lambda: f"{when.day:02d} {MONTHS_SHORT[when.month - 1]} {when.year} {when:%H:%M}",
        lambda: f"{when.day} {MONTHS[when.month - 1]} {when.year} à {when:%H}h{when:%M}",
        lambda: f"LE {when:%d/%m/%Y} A {when:%H}H{when:%M}",
        lambda: f"Date : {when:%d/%m/%Y}  Heure : {when:%H:%M}",
        lambda: f"{when:%d/%m/%Y}    {when:%H:%M:%S}",
    )
    return rng.choice(forms)()


def ticket_line(number: int, till: int, when: datetime, rng: random.Random, language: str) -> tuple[str, str]:
    """(printed line, ticket as the truth records it)."""
    if language == "en":
        text = f"{number}"
        return rng.choice((f"Receipt No. {text}", f"Receipt #{text}")), text
    choice = rng.randrange(6)
    if choice == 0:
        text = f"{number:06d}"
        return f"TICKET N° {text}", text
    if choice == 1:
        return f"Ticket: {number}", str(number)
    if choice == 2:
        text = f"{till:04d}-{number:06d}"
        return f"N° {text}", text
    if choice == 3:
        text = f"F{when.year}-{number:05d}"
        return f"FACTURE N° {text}", text
    if choice == 4:
        return f"Trans. {number}  Caisse {till}", str(number)
    text = f"{number:05d}"
    return f"TICKET {text}", text


def till_line(number: int, till: int, store: int, when: datetime) -> tuple[str, str]:
    """The supermarket form `0006 002 000027 26/01/2017 08:21:05`: store, till, ticket, date, time."""
    text = f"{number:06d}"
    return f"{store:04d} {till:03d} {text} {when:%d/%m/%Y} {when:%H:%M:%S}", text


def siret_line(siret: str, rng: random.Random) -> str:
    spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    return rng.choice((f"SIRET {siret}", f"SIRET: {spaced}", f"Siret : {siret[:9]} {siret[9:]}",
                       f"N° SIRET {siret[:9]} {siret[9:]}", f"SIRET:{siret}", f"Siret {spaced}"))


def card_block(shop_name: str, city: str, postal: str, amount: str, when: datetime, contactless: bool,
               rng: random.Random) -> list[tuple[str, str]]:
    """Lines of a card-terminal slip as (alignment, text); alignment is 'c' or 'l'."""
    pan = f"############{rng.randint(1000, 9999)}"
    lines = [("c", "CARTE BANCAIRE")]
    if contactless:
        lines.append(("c", "SANS CONTACT"))
    lines += [
        ("l", rng.choice(("A0000000421010", "A0000000031010", "A0000000041010"))),
        ("l", rng.choice(("CB", "VISA", "CB DEBIT", "MASTERCARD"))),
        ("l", f"LE {when:%d/%m/%y} A {when:%H:%M:%S}"),
        ("l", shop_name),
        ("l", city),
        ("l", postal),
        ("l", f"{rng.randint(1000000, 9999999)}"),
        ("l", f"{rng.randint(10**11, 10**12 - 1)}"),
        ("l", pan),
        ("l", f"{rng.getrandbits(64):016X}"),
        ("l", f"C @ {rng.randint(100, 999)} {rng.randint(1000, 9999)}"),
        ("l", f"No AUTO : {rng.randint(100000, 999999)}"),
        ("l", "MONTANT ="),
        ("c", amount),
        ("c", "DEBIT"),
        ("c", "TICKET CLIENT"),
        ("c", "A CONSERVER"),
    ]
    return lines
