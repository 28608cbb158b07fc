"""Where receipts come from: real French towns, plausible streets and shop names, SIRETs.

Shop names are invented on purpose (no trademark on a test corpus); towns and postal
codes are real, including Corsica (20xxx), Monaco (98000) and, rarely, overseas (97xxx).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# (postal code, city as printed, weight). Metropolitan France dominates, like the real traffic.
CITIES: tuple[tuple[str, str, int], ...] = (
    ("75011", "PARIS", 6), ("75008", "PARIS", 4), ("75015", "PARIS", 4), ("75018", "PARIS", 3),
    ("69002", "LYON", 4), ("69003", "LYON", 2), ("13001", "MARSEILLE", 3), ("13008", "MARSEILLE", 2),
    ("31000", "TOULOUSE", 3), ("06000", "NICE", 3), ("44000", "NANTES", 3), ("67000", "STRASBOURG", 3),
    ("34000", "MONTPELLIER", 3), ("33000", "BORDEAUX", 3), ("59000", "LILLE", 3), ("35000", "RENNES", 2),
    ("51100", "REIMS", 2), ("42000", "SAINT-ETIENNE", 2), ("83000", "TOULON", 2), ("38000", "GRENOBLE", 2),
    ("21000", "DIJON", 2), ("49000", "ANGERS", 2), ("37000", "TOURS", 2), ("63000", "CLERMONT-FERRAND", 2),
    ("92100", "BOULOGNE-BILLANCOURT", 2), ("92300", "LEVALLOIS-PERRET", 1), ("94300", "VINCENNES", 1),
    ("78000", "VERSAILLES", 2), ("64200", "BIARRITZ", 1), ("74000", "ANNECY", 2), ("29200", "BREST", 1),
    ("57000", "METZ", 1), ("54000", "NANCY", 1), ("84000", "AVIGNON", 1), ("17000", "LA ROCHELLE", 1),
    ("13100", "AIX-EN-PROVENCE", 2), ("06400", "CANNES", 1), ("76000", "ROUEN", 1), ("80000", "AMIENS", 1),
    ("45000", "ORLEANS", 1), ("87000", "LIMOGES", 1), ("66000", "PERPIGNAN", 1), ("01000", "BOURG-EN-BRESSE", 1),
    ("20000", "AJACCIO", 2), ("20200", "BASTIA", 2), ("20137", "PORTO-VECCHIO", 1), ("20260", "CALVI", 1),
    ("98000", "MONACO", 2),
    ("97400", "SAINT-DENIS", 1), ("97200", "FORT-DE-FRANCE", 1),
)

STREETS: tuple[str, ...] = (
    "RUE DE LA REPUBLIQUE", "AVENUE JEAN JAURES", "BD VICTOR HUGO", "RUE DU GENERAL LECLERC",
    "PLACE DU MARCHE", "COURS MIRABEAU", "RUE NATIONALE", "AV. DE LA LIBERATION", "RUE PASTEUR",
    "RUE DES ECOLES", "BOULEVARD GAMBETTA", "RUE SAINT-MARTIN", "AVENUE FOCH", "RUE DE PARIS",
    "QUAI DES BELGES", "RUE FESCH", "BD DE LA MADELEINE", "RUE OBERKAMPF", "AV. PRINCESSE GRACE",
    "RUE D'ANTIBES", "ALLEE DES TILLEULS", "RUE DU COMMERCE", "GRANDE RUE", "CHEMIN DES VIGNES",
)
MALLS: tuple[str, ...] = (
    "CENTRE CIAL LES ARCADES", "ZAC DU GRAND PRE", "ZI LES PORTES DU SUD", "C.C. GRAND VAR",
    "ROUTE DE LYON", "ZONE ACTIVITE LES OLIVIERS", "RN 7 - LIEU DIT LA BARAQUE",
)

SALON_NAMES: tuple[str, ...] = (
    "SALON ELEGANCE", "L'ATELIER COIFFURE", "HAIR STUDIO 13", "COIFFURE CREATION", "INSTANT BEAUTE",
    "L'ESPACE K", "MAISON CAPILLAIRE", "STUDIO BOUCLES", "COIFF'AND CO", "SALON NATHALIE",
    "L'AMBASSADE DE LA COIFFURE", "BELLE MECHE", "LES CISEAUX D'OR", "ARTEMIS COIFFURE",
    "SALON U CAPELLU", "COIFFURE DU PORT", "ATELIER 21", "GRAIN DE BEAUTE COIFFURE", "STYL'HAIR",
)
SUPERMARKET_NAMES: tuple[tuple[str, str], ...] = (
    ("HYPER MARCHE PLUS", "hyper"), ("MAXI HYPER", "hyper"), ("GRAND MARCHE DU SUD", "hyper"),
    ("PROXI CENTRE", "city"), ("MARKET EXPRESS", "city"), ("SUPERETTE DU PORT", "city"),
    ("U CITY MARCHE", "city"), ("LIDOR DISCOUNT", "discount"), ("PRIX BAS", "discount"),
    ("ECOMAX", "discount"),
)
FASTFOOD_NAMES: tuple[str, ...] = ("BURGER STATION", "LE KIOSQUE", "O'TACOS DU CENTRE", "QUICK'EAT", "PIZZA MARIO")
DIY_NAMES: tuple[str, ...] = ("BRICO DEPOT SUD", "MR BRICOLAGE PLUS", "LA MAISON DU BRICO", "BRICOMAX")
BEAUTY_NAMES: tuple[str, ...] = ("PARFUMERIE ELISE", "BEAUTY SUCCESS CENTRE", "NOCIBELLE", "ESPACE BEAUTE")
# the shops of the `more_shops` scenario only (the main mix never draws them)
RESTAURANT_NAMES: tuple[str, ...] = ("LE BISTROT DU MARCHE", "BRASSERIE DE LA GARE", "CREPERIE LA BRETONNE",
                                     "PIZZERIA NAPOLI", "LE COMPTOIR", "L'AUBERGE DU LAC", "CAFE DES SPORTS")
BAKERY_NAMES: tuple[str, ...] = ("BOULANGERIE PATISSERIE", "AU PAIN D'ANTAN", "LA FOURNEE DOREE",
                                 "BOULANGERIE DU CENTRE", "MAISON MARTIN", "LE FOURNIL")
FUEL_NAMES: tuple[str, ...] = ("STATION DU LAC", "RELAIS DE LA N7", "STATION ROUTE BLEUE", "GARAGE DU CENTRE",
                               "RELAIS DES ALPES")

FIRST_NAMES = ("Marie", "Sophie", "Julie", "Camille", "Laura", "Emma", "Chloe", "Nathalie", "Isabelle",
               "Sandrine", "Lea", "Ines", "Paul", "Luc", "Thomas", "Karim", "Antoine")
LAST_NAMES = ("DUPONT", "MARTIN", "BERNARD", "PETIT", "ROBERT", "RICHARD", "DURAND", "LEROY", "MOREAU",
              "SIMON", "LAURENT", "LEFEBVRE", "MICHEL", "GARCIA", "ROUSSEAU", "BENALI", "SANTONI", "CASANOVA")
MEN = ("Paul", "Luc", "Thomas", "Karim", "Antoine")
STAFF = ("JULIE", "KEVIN", "SARAH", "MANON", "LUCAS", "AMANDINE", "NADIA", "CELINE", "YANNICK")


@dataclass(frozen=True)
class Shop:
    name: str
    street: str  # the street line as printed
    postal_code: str
    city: str
    phone: str
    siret: str | None  # 14 digits, None in Monaco (RCI instead)
    vat_id: str | None
    sector: str  # salon, supermarket, fastfood, diy, beauty; restaurant, bakery, fuel (more_shops)
    kind: str = ""  # hyper / city / discount for supermarkets


def luhn_complete(digits: str) -> str:
    """Append the digit that makes `digits` pass the Luhn check (SIREN and SIRET use it)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return digits + str((10 - total % 10) % 10)


def make_siret(rng: random.Random) -> str:
    siren = luhn_complete(str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(7)))
    return luhn_complete(siren + f"{rng.randint(1, 99):04d}")


def vat_number(siren: str) -> str:
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def phone_for(postal_code: str, rng: random.Random) -> str:
    if postal_code == "98000":
        return f"+377 93 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    if postal_code.startswith("97"):
        prefix = "0262" if postal_code.startswith("974") else "0596"
        return f"{prefix} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    dep = int(postal_code[:2])
    zone = ("01" if dep in (75, 77, 78, 91, 92, 93, 94, 95) else "04" if dep in (
        1, 6, 13, 20, 34, 38, 42, 63, 66, 69, 74, 83, 84) else "03" if dep in (
        21, 51, 54, 57, 59, 67, 80) else "05" if dep in (17, 31, 33, 64, 87) else "02")
    groups = [f"{rng.randint(0, 99):02d}" for _ in range(4)]
    sep = rng.choice((" ", ".", ""))
    return zone + sep + sep.join(groups)


def pick_city(rng: random.Random) -> tuple[str, str]:
    postal, city, _ = rng.choices(CITIES, weights=[c[2] for c in CITIES])[0]
    return postal, city


def make_shop(rng: random.Random, sector: str) -> Shop:
    postal, city = pick_city(rng)
    kind = ""
    if sector == "salon":
        name = rng.choice(SALON_NAMES)
    elif sector == "supermarket":
        name, kind = rng.choice(SUPERMARKET_NAMES)
    elif sector == "fastfood":
        name = rng.choice(FASTFOOD_NAMES)
    elif sector == "diy":
        name = rng.choice(DIY_NAMES)
    elif sector == "restaurant":
        name = rng.choice(RESTAURANT_NAMES)
    elif sector == "bakery":
        name = rng.choice(BAKERY_NAMES)
    elif sector == "fuel":
        name = rng.choice(FUEL_NAMES)
    else:
        name = rng.choice(BEAUTY_NAMES)
    if sector in ("supermarket", "diy", "fuel") and kind != "city" and rng.random() < 0.6:
        street = rng.choice(MALLS)
    else:
        number = rng.randint(1, 180)
        bis = rng.choice(("", "", "", " BIS", "B"))
        street = f"{number}{bis} {rng.choice(STREETS)}"
        if rng.random() < 0.15:
            street = street.title()
    siret = None if postal == "98000" else make_siret(rng)
    vat_id = vat_number(siret[:9]) if siret and rng.random() < 0.8 else None
    return Shop(name, street, postal, city, phone_for(postal, rng), siret, vat_id, sector, kind)


def make_beneficiary(rng: random.Random) -> str:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    title = rng.choice(("M. ", "", "Mr ") if first in MEN else ("Mme ", "Mme ", "", "MME ", "Mlle "))
    return f"{title}{last} {first}" if rng.random() < 0.7 else f"{title}{first} {last}"
