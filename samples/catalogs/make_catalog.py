"""Write the salon-rewards catalog: python samples/catalogs/make_catalog.py

The catalog follows what `samples/generator` prints, so generated and committed
receipts decide sensibly:

- retailers.csv: every salon name of the generator in every metropolitan town of the
  generator (Monaco included), except three salons that are not approved
  (NOT_APPROVED); three approved online shops. Supermarkets, fast food, DIY stores and
  perfumeries are not approved: they are absent.
- products.csv: the Kérastase range (eligible products), a few technical products for
  professional use (earn nothing), the Fusio-Dose services (eligible services), the
  other salon services and other brands (known, not eligible).

Deterministic: running it twice writes the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from samples.generator import goods, places  # noqa: E402

OUT = Path(__file__).resolve().parent / "salon-rewards"
NOT_APPROVED = ("BELLE MECHE", "STYL'HAIR", "COIFF'AND CO")
ONLINE = (
    ("KERASTASE.FR", "30 RUE D'ALSACE", "92300", "LEVALLOIS-PERRET", "https://www.kerastase.fr"),
    ("BEAUTE CAPILLAIRE EN LIGNE", "12 RUE DU COMMERCE", "69002", "LYON", "https://www.beaute-capillaire.example"),
    ("COIFFSHOP PRO-DIRECT", "4 AVENUE FOCH", "33000", "BORDEAUX", "https://www.coiffshop.example"),
)
# Back-bar sizes and salon-only technical treatments: "conçu pour un usage professionnel" (art. 3.1).
PROFESSIONAL = (
    "BAIN SATIN 1 FORMAT PROFESSIONNEL 1000ML", "ELIXIR ULTIME MASQUE FORMAT PROFESSIONNEL 500ML",
    "PREMIERE CONCENTRE DECALCIFIANT USAGE PROFESSIONNEL 45ML", "PLASTIFIANT TECHNIQUE USAGE PROFESSIONNEL 500ML",
)
FUSIO_SERVICES = ("SOIN FUSIO-DOSE", "RITUEL FUSIO-DOSE", "FUSIO-DOSE BOOSTER")
OTHER_BRANDS = {"L'OREAL PRO": "L'Oréal Professionnel", "REDKEN": "Redken", "MOROCCANOIL": "Moroccanoil",
                "OLAPLEX": "Olaplex", "BIOLAGE": "Biolage", "SHU UEMURA": "Shu Uemura", "LAQUE ELNETT": "L'Oréal Paris"}


def sku(name: str, prefix: str) -> str:
    return prefix + hashlib.sha256(name.encode()).hexdigest()[:6].upper()


def street(name: str, postal: str) -> str:
    h = int(hashlib.sha256(f"{name}|{postal}".encode()).hexdigest(), 16)
    return f"{h % 170 + 1} {places.STREETS[h % len(places.STREETS)]}"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    towns = sorted({(code, city) for code, city, _ in places.CITIES if not code.startswith("97")})
    with (OUT / "retailers.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("name", "address", "postal_code", "city", "kind", "url"))
        for salon in places.SALON_NAMES:
            if salon in NOT_APPROVED:
                continue
            for code, city in towns:
                w.writerow((salon, street(salon, code), code, city, "salon", ""))
        for name, address, code, city, url in ONLINE:
            w.writerow((name, address, code, city, "online", url))
    with (OUT / "products.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("sku", "name", "brand", "kind", "eligible", "professional"))
        for name in goods.KERASTASE:
            w.writerow((sku(name, "K"), name, "Kérastase", "product", "true", "false"))
        for name in PROFESSIONAL:
            w.writerow((sku(name, "KP"), name, "Kérastase", "product", "false", "true"))
        for name in FUSIO_SERVICES:
            w.writerow((sku(name, "FD"), name, "Kérastase", "service", "true", "false"))
        for name, _, _ in goods.SALON_SERVICES:
            w.writerow(("", name, "", "service", "false", "false"))
        for name, _, _ in goods.OTHER_HAIR_PRODUCTS:
            brand = next((b for prefix, b in OTHER_BRANDS.items() if name.startswith(prefix)), "")
            w.writerow(("", name, brand, "product", "false", "false"))


if __name__ == "__main__":
    main()
