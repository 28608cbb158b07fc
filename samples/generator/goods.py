"""What is sold: Kérastase products, Fusio-Dose and other salon services, shop goods.

Each entry is (name, low price, high price, VAT rate, kind). `kind` tells the truth
which lines a participant would declare: "kerastase", "fusio", or "" for the rest.
"""

from __future__ import annotations

import random

KERASTASE = (
    "BAIN SATIN 1 250ML", "BAIN SATIN 2 250ML", "ELIXIR ULTIME HUILE 100ML",
    "ELIXIR ULTIME L'HUILE ORIGINALE 100ML", "NUTRITIVE MASQUINTENSE 200ML",
    "RESISTANCE BAIN FORCE ARCHITECTE 250ML", "GENESIS BAIN HYDRA-FORTIFIANT 250ML",
    "GENESIS SERUM ANTI-CHUTE 90ML", "BLOND ABSOLU BAIN LUMIERE 250ML", "BLOND ABSOLU CICAFLASH 250ML",
    "CHRONOLOGISTE BAIN REGENERANT 250ML", "DISCIPLINE BAIN FLUIDEALISTE 250ML",
    "SPECIFIQUE BAIN DIVALENT 250ML", "SYMBIOSE BAIN CREME 250ML", "CHROMA ABSOLU BAIN RICHE 250ML",
    "CHROMA ABSOLU SOIN ACIDE 210ML", "NUTRITIVE 8H MAGIC NIGHT SERUM 90ML",
    "CURL MANIFESTO BAIN HYDRATATION 250ML", "ELIXIR ULTIME MASQUE 200ML", "RESISTANCE CIMENT ANTI-USURE 200ML",
    "GENESIS HOMME BAIN DE MASSE 250ML", "PREMIERE BAIN DECALCIFIANT 250ML", "NUTRITIVE BAIN SATIN RICHE 250ML",
    "CHROMA ABSOLU MASQUE 200ML", "BLOND ABSOLU HUILE CICAGLOSS 75ML", "DENSIFIQUE BAIN DENSITE 250ML",
)
KERASTASE_PREFIXES = ("KERASTASE ", "KERASTASE ", "K ", "KER ", "KERAST. ", "KER.", "", "K.")
FUSIO = ("SOIN FUSIO-DOSE", "FUSIO DOSE K", "SOIN FUSIO DOSE KERASTASE", "RITUEL FUSIO-DOSE",
         "FUSIO-DOSE BOOSTER", "SOIN FUSIO", "FUSIODOSE")
SALON_SERVICES = (
    ("COUPE FEMME", 32, 65), ("COUPE HOMME", 20, 32), ("BRUSHING", 22, 40), ("SHAMPOING", 6, 12),
    ("COLORATION", 45, 85), ("MECHES", 60, 110), ("BALAYAGE", 70, 130), ("COUPE ENFANT", 14, 22),
    ("SOIN PROFOND", 12, 25), ("COUPE + BRUSHING", 45, 80), ("TAILLE BARBE", 12, 20),
    ("FORFAIT SHAMP COUPE BRUSH", 48, 75), ("PATINE", 20, 35),
)
OTHER_HAIR_PRODUCTS = (
    ("L'OREAL PRO ABSOLUT REPAIR 300ML", 18, 26), ("REDKEN ALL SOFT SHAMPOO 300ML", 19, 25),
    ("MOROCCANOIL HUILE 100ML", 36, 45), ("OLAPLEX N3 100ML", 28, 32), ("BIOLAGE HYDRASOURCE 250ML", 16, 22),
    ("SHU UEMURA ART OF HAIR 75ML", 45, 60), ("LAQUE ELNETT 300ML", 8, 12), ("CIRE COIFFANTE 75ML", 12, 18),
)

SUPERMARKET = (
    ("LAIT DEMI ECREME 1L", 0.95, 1.35, "5.50"), ("BAGUETTE TRADITION", 0.95, 1.30, "5.50"),
    ("BEURRE DOUX 250G", 2.2, 3.4, "5.50"), ("OEUFS PLEIN AIR X12", 3.2, 4.6, "5.50"),
    ("YAOURT NATURE X8", 1.6, 2.8, "5.50"), ("COMTE AOP 200G", 3.5, 5.9, "5.50"),
    ("JAMBON BLANC 4TR", 2.5, 3.9, "5.50"), ("PATES FUSILLI 500G", 0.85, 1.6, "5.50"),
    ("RIZ BASMATI 1KG", 2.1, 3.5, "5.50"), ("CAFE MOULU 250G", 2.9, 4.8, "5.50"),
    ("EAU MINERALE 6X1,5L", 2.4, 3.9, "5.50"), ("JUS ORANGE 1L", 1.8, 3.2, "5.50"),
    ("COCA-COLA 1,5L", 1.9, 2.6, "5.50"), ("BIERE BLONDE 6X25CL", 3.9, 6.5, "20.00"),
    ("VIN ROUGE COTES DU RHONE", 4.5, 9.9, "20.00"), ("LESSIVE LIQUIDE 2L", 6.9, 12.5, "20.00"),
    ("PAPIER TOILETTE X12", 4.2, 7.9, "20.00"), ("LIQUIDE VAISSELLE", 1.5, 2.9, "20.00"),
    ("SHAMPOOING DOUX 250ML", 1.9, 4.5, "20.00"), ("GEL DOUCHE 250ML", 1.6, 3.9, "20.00"),
    ("CHOCOLAT NOIR 70% 100G", 1.3, 2.7, "5.50"), ("BISCUITS SABLES", 1.2, 2.6, "5.50"),
    ("SAC CABAS", 0.1, 1.5, "20.00"), ("THON ENTIER 3X80G", 3.5, 5.5, "5.50"),
)
WEIGHED = (("TOMATES GRAPPE", 2.49, 4.99), ("BANANES", 1.49, 2.49), ("POMMES GALA", 1.99, 3.49),
           ("CLEMENTINES", 2.29, 3.99), ("COURGETTES", 1.99, 3.49), ("CAROTTES VRAC", 0.99, 1.89))
FASTFOOD = (
    ("MENU BEST OF", 9.5, 12.9), ("MENU MAXI BURGER", 10.9, 13.9), ("FRITES MOYENNES", 2.9, 3.9),
    ("NUGGETS X9", 6.5, 8.9), ("COCA 50CL", 2.8, 3.8), ("SUNDAE CARAMEL", 2.9, 3.9),
    ("TACOS XL", 9.9, 12.5), ("PIZZA MARGHERITA", 9.0, 12.0), ("SALADE CESAR", 7.5, 9.9),
    ("CAFE", 1.5, 2.5), ("EAU 50CL", 1.9, 2.5), ("WRAP POULET", 5.5, 7.5),
)
DIY = (
    ("PEINTURE BLANC MAT 10L", 39.0, 89.0), ("VIS BOIS 4X40 BTE200", 6.9, 12.9), ("PERCEUSE VISSEUSE 18V", 79.0, 189.0),
    ("SAC GRAVIER 35KG", 4.5, 7.9), ("ROULEAU PEINTURE 180MM", 6.9, 14.9), ("SILICONE SANITAIRE", 5.9, 11.9),
    ("AMPOULE LED E27 X3", 7.9, 14.9), ("PLANCHE PIN 200X20", 9.9, 24.9), ("TONDEUSE ELECTRIQUE 1400W", 129.0, 299.0),
    ("GANTS DE TRAVAIL", 3.9, 8.9), ("ESCABEAU ALU 5 MARCHES", 49.0, 119.0), ("CARRELAGE SOL 45X45 M2", 12.9, 39.9),
)
BEAUTY = (
    ("EAU DE PARFUM 50ML", 59.0, 129.0), ("MASCARA VOLUME NOIR", 19.0, 36.0), ("CREME HYDRATANTE 50ML", 25.0, 69.0),
    ("ROUGE A LEVRES MAT", 19.0, 39.0), ("FOND DE TEINT FLUIDE", 29.0, 49.0), ("VERNIS A ONGLES", 9.9, 22.0),
    ("DEMAQUILLANT BIPHASE 125ML", 14.0, 29.0), ("COFFRET SOIN VISAGE", 39.0, 89.0),
)
RESTAURANT = (  # (name, low, high, VAT rate): food 10 %, alcohol 20 %
    ("MENU DU JOUR", 14.5, 19.9, "10.00"), ("PLAT DU JOUR", 11.5, 15.9, "10.00"), ("ENTRECOTE FRITES", 18.0, 26.0, "10.00"),
    ("SALADE DE CHEVRE", 11.0, 15.0, "10.00"), ("CREPE COMPLETE", 8.5, 11.5, "10.00"), ("PIZZA REGINA", 11.0, 15.0, "10.00"),
    ("TIRAMISU", 6.0, 8.5, "10.00"), ("CAFE GOURMAND", 7.5, 9.9, "10.00"), ("CAFE", 1.8, 2.8, "10.00"),
    ("EAU PETILLANTE 50CL", 3.9, 5.5, "10.00"), ("QUART DE VIN ROUGE", 6.5, 9.5, "20.00"),
    ("DEMI PRESSION", 3.8, 5.5, "20.00"), ("KIR", 4.5, 6.5, "20.00"), ("CIDRE BRUT 75CL", 12.0, 18.0, "20.00"),
)
BAKERY = (
    ("BAGUETTE TRADITION", 1.10, 1.40), ("CROISSANT", 1.05, 1.40), ("PAIN AU CHOCOLAT", 1.15, 1.50),
    ("PAIN DE CAMPAGNE", 2.8, 4.2), ("FLAN PATISSIER", 2.6, 3.6), ("ECLAIR CAFE", 2.6, 3.5),
    ("TARTE AUX POMMES", 14.0, 22.0), ("SANDWICH JAMBON BEURRE", 4.2, 5.9), ("CHAUSSON AUX POMMES", 1.5, 2.2),
)
FUELS = (("GAZOLE", 1.62, 1.89), ("SP95-E10", 1.72, 1.99), ("SP98", 1.82, 2.09), ("E85", 0.79, 0.99))
FUEL_SHOP = (("LAVAGE PROGRAMME 3", 9.0, 14.0), ("CAFE", 1.5, 2.5), ("LAVE-GLACE 5L", 4.9, 7.9),
             ("EAU MINERALE 50CL", 1.2, 2.0))


def money(rng: random.Random, low: float, high: float, step: int = 10) -> float:
    """A price in [low, high] that ends like real prices (x,x0 or x,x9)."""
    cents = rng.randint(int(low * 100) // step, int(high * 100) // step) * step
    if step == 10 and rng.random() < 0.3:
        cents = max(cents - 1, 1)
    return cents / 100


def kerastase_name(rng: random.Random) -> str:
    base = rng.choice(KERASTASE)
    prefix = rng.choice(KERASTASE_PREFIXES)
    if prefix.startswith("K") and not prefix.startswith("KERASTASE") and rng.random() < 0.3:
        base = base.replace("BAIN ", "B.").replace("SERUM", "SER.").replace("MASQUE", "MASQ")
    return prefix + base


def salon_lines(rng: random.Random) -> list[tuple[str, int, float, str, str]]:
    """Lines of a salon ticket: (name, qty, unit price, VAT rate, kind)."""
    lines: list[tuple[str, int, float, str, str]] = []
    n_services = rng.choices((0, 1, 2, 3), weights=(2, 4, 4, 1))[0]
    for name, lo, hi in rng.sample(SALON_SERVICES, n_services):
        lines.append((name, 1, money(rng, lo, hi, 100 if rng.random() < 0.6 else 50), "20.00", ""))
    if rng.random() < 0.55:
        # Most Fusio-Dose services are 8-18 EUR as the rules say; a few are out of range.
        lo, hi = (8, 18) if rng.random() < 0.9 else rng.choice(((19, 25), (5, 7)))
        lines.insert(rng.randint(0, len(lines)), (rng.choice(FUSIO), 1, money(rng, lo, hi, 50), "20.00", "fusio"))
    for _ in range(rng.choices((0, 1, 2, 3), weights=(2, 5, 3, 1))[0]):
        qty = 1 if rng.random() < 0.85 else 2
        lines.append((kerastase_name(rng), qty, money(rng, 24, 62), "20.00", "kerastase"))
    if rng.random() < 0.2:
        name, lo, hi = rng.choice(OTHER_HAIR_PRODUCTS)
        lines.append((name, 1, money(rng, lo, hi), "20.00", ""))
    if not any(kind for *_, kind in lines):
        lines.append((kerastase_name(rng), 1, money(rng, 24, 62), "20.00", "kerastase"))
    return lines


def shop_lines(rng: random.Random, sector: str) -> list[tuple[str, float | int, float, str, str]]:
    """Lines of a non-salon ticket; weighed goods carry a float quantity in kg."""
    lines: list[tuple[str, float | int, float, str, str]] = []
    if sector == "supermarket":
        for name, lo, hi, rate in rng.sample(SUPERMARKET, rng.randint(2, 9)):
            qty = rng.choices((1, 2, 3, 4, 6), weights=(12, 4, 2, 1, 1))[0]
            lines.append((name, qty, money(rng, lo, hi), rate, ""))
        for name, lo, hi in rng.sample(WEIGHED, rng.choice((0, 0, 1, 2))):
            lines.insert(rng.randint(0, len(lines)), (name, rng.randint(180, 2400) / 1000, money(rng, lo, hi), "5.50", ""))
    elif sector == "fastfood":
        for name, lo, hi in rng.sample(FASTFOOD, rng.randint(1, 5)):
            lines.append((name, rng.choices((1, 2), weights=(5, 1))[0], money(rng, lo, hi), "10.00", ""))
    elif sector == "diy":
        for name, lo, hi in rng.sample(DIY, rng.randint(1, 5)):
            lines.append((name, rng.choices((1, 2, 4, 10), weights=(8, 3, 1, 1))[0], money(rng, lo, hi), "20.00", ""))
    elif sector == "restaurant":
        for name, lo, hi, rate in rng.sample(RESTAURANT, rng.randint(2, 6)):
            lines.append((name, rng.choices((1, 2, 3, 4), weights=(8, 4, 1, 1))[0], money(rng, lo, hi), rate, ""))
    elif sector == "bakery":
        for name, lo, hi in rng.sample(BAKERY, rng.randint(1, 4)):
            lines.append((name, rng.choices((1, 2, 3, 4, 6), weights=(8, 4, 2, 1, 1))[0], money(rng, lo, hi, 5), "5.50", ""))
    elif sector == "fuel":
        name, lo, hi = rng.choice(FUELS)
        litres = rng.randint(800, 6500) / 100  # the pump measures litres to the hundredth
        lines.append((name, litres, rng.randint(round(lo * 1000), round(hi * 1000)) / 1000, "20.00", ""))
        if rng.random() < 0.3:
            name, lo, hi = rng.choice(FUEL_SHOP)
            lines.append((name, 1, money(rng, lo, hi), "20.00", ""))
    else:
        for name, lo, hi in rng.sample(BEAUTY, rng.randint(1, 3)):
            lines.append((name, 1, money(rng, lo, hi), "20.00", ""))
        if rng.random() < 0.5:
            lines.append((kerastase_name(rng), 1, money(rng, 26, 62), "20.00", "kerastase"))
    return lines
