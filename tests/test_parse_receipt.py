"""Whole receipts of varied real-world layouts, every field asserted."""

from datetime import date
from decimal import Decimal

import pytest

from pipeline.parse import lines_from_text, parse_receipt
from pipeline.values import Item, Line, ReceiptFields, Retailer, VatLine
from tests import receipt_texts as R

D = Decimal


def item(name, qty, price):
    return Item(name=name, quantity=D(qty), price=D(price))


CASES = {
    "hypermarket": (
        R.HYPERMARKET,
        dict(
            retailer=Retailer("E.LECLERC", "CENTRE COMMERCIAL LES ARCADES", "93160", "NOISY-LE-GRAND", "73282932000074"),
            date=date(2017, 1, 26),
            time="08:21",
            ticket="000027",
            beneficiary=None,
            items=(
                item("LAIT DEMI ECREME 1L", "1", "0.95"),
                item("LAIT DEMI ECREME 1L", "1", "0.95"),
                item("PAIN DE MIE HARRYS", "1", "2.35"),
                item("BANANES CAT1", "0.850", "1.69"),
                item("COCA COLA 1,5L", "3", "5.37"),
                item("KERASTASE BAIN SATIN 250ML", "1", "24.50"),
            ),
            subtotal=D("33.81"),
            vat=(VatLine(D("5.50"), D("0.31")), VatLine(D("20.00"), D("4.65"))),
            total=D("33.81"),
            currency="EUR",
            payment="card",
            markers=(),
        ),
    ),
    "city_supermarket": (
        R.CITY_SUPERMARKET,
        dict(
            retailer=Retailer("MONOPRIX", "52 AVENUE DES CHAMPS ELYSEES", "75008", "PARIS", None),
            date=date(2026, 11, 21),
            time="14:32",
            ticket="4521",
            beneficiary=None,
            items=(
                item("SHAMPOOING ELSEVE 250ML", "1", "4.99"),
                item("EAU EVIAN 6X1,5L", "1", "3.20"),
                item("CHOCOLAT NOIR 70%", "1", "2.15"),
            ),
            subtotal=None,
            vat=(VatLine(D("20.00"), D("0.83")), VatLine(D("5.50"), D("0.28"))),
            total=D("10.34"),
            currency="EUR",
            payment="contactless",
            markers=(),
        ),
    ),
    "discounter": (
        R.DISCOUNTER,
        dict(
            retailer=Retailer("LIDL", "8 Rue du Général Leclerc", "69100", "Villeurbanne", "34326262201233"),
            date=date(2026, 11, 21),
            time="18:05",
            ticket="0815",
            beneficiary=None,
            items=(
                item("Beurre doux 250g", "1", "2.19"),
                item("Yaourts nature x8", "1", "1.45"),
                item("Lessive liquide", "1", "5.99"),
                item("Chips nature", "2", "1.78"),
            ),
            subtotal=None,
            vat=(VatLine(D("5.50"), D("0.28")), VatLine(D("20.00"), D("0.83"))),
            total=D("10.41"),
            currency="EUR",
            payment="cash",
            markers=(),
        ),
    ),
    "fast_food": (
        R.FAST_FOOD,
        dict(
            retailer=Retailer("McDonald's", "CC PARLY 2 AVENUE CHARLES DE GAULLE", "78150", "LE CHESNAY", "40823289000066"),
            date=date(2026, 11, 21),
            time="12:41",
            ticket="28412",
            beneficiary=None,
            items=(
                item("MENU BEST OF BIG MAC", "1", "9.50"),
                item("PTIT WRAP RANCH", "1", "2.50"),
                item("SUNDAE CARAMEL", "2", "5.40"),
            ),
            subtotal=None,
            vat=(VatLine(D("10.00"), D("1.58")),),
            total=D("17.40"),
            currency="EUR",
            payment="meal_voucher",
            markers=(),
        ),
    ),
    "diy": (
        R.DIY,
        dict(
            retailer=Retailer("LEROY MERLIN", "ZAC DU PLATEAU 4 RUE ROUGET DE LISLE", "94200", "IVRY SUR SEINE", "38456094200017"),
            date=date(2026, 11, 21),
            time="10:05",
            ticket="F2026-00123",
            beneficiary="M. MARTIN Paul",
            items=(
                item("PEINTURE BLANC MAT 2,5L", "2", "49.80"),
                item("VIS AGGLO 4X40 BOITE 200", "1", "6.90"),
                item("RUBAN MASQUE 50M", "1", "3.45"),
            ),
            subtotal=None,
            vat=(VatLine(D("20.00"), D("10.02")),),
            total=D("60.15"),
            currency="EUR",
            payment="cheque",
            markers=(),
        ),
    ),
    "beauty_shop": (
        R.BEAUTY_SHOP,
        dict(
            retailer=Retailer("NOCIBE", "Centre Commercial Rosny 2", "93110", "ROSNY SOUS BOIS", None),
            date=date(2026, 11, 21),
            time="16:48",
            ticket="0815-0042",
            beneficiary=None,
            items=(
                item("KERASTASE ELIXIR ULTIME 100ML", "1", "49.90"),
                item("KERASTASE BAIN SATIN 250ML", "1", "24.50"),
                item("VERNIS ROUGE", "2", "13.00"),
            ),
            subtotal=None,
            vat=(),
            total=D("77.40"),  # after the loyalty voucher printed below TOTAL
            currency="EUR",
            payment="card",
            markers=(),
        ),
    ),
    "salon_one": (
        R.SALON_ONE,
        dict(
            retailer=Retailer("EMMA COIFFURE", "3 place du Marché", "35000", "Rennes", "81234567800019"),
            date=date(2026, 11, 21),
            time="14:32",
            ticket="0042-123456",
            beneficiary="Mme DUPONT Marie",
            items=(
                item("Shampooing Coupe Brushing", "1", "45.00"),
                item("Fusio Dose", "1", "15.00"),
                item("Kérastase Bain Satin 250ml", "1", "24.50"),
            ),
            subtotal=None,
            vat=(),
            total=D("84.50"),
            currency="EUR",
            payment="card",
            markers=(),
        ),
    ),
    "salon_two_corsica": (
        R.SALON_TWO,
        dict(
            retailer=Retailer("L'ATELIER DE JULIE", "12 bis cours Napoléon", "20000", "Ajaccio", None),
            date=date(2026, 11, 21),
            time="10:05",
            ticket="2026-1187",
            beneficiary="Julie Martin",
            items=(
                item("Coupe Femme Cheveux Longs", "1", "42.00"),
                item("Soin Fusio Dose", "1", "18.00"),
            ),
            subtotal=None,
            vat=(VatLine(D("20.00"), D("10.00")),),
            total=D("60.00"),
            currency="EUR",
            payment="cash",
            markers=(),
        ),
    ),
    "salon_three_monaco": (
        R.SALON_THREE,
        dict(
            retailer=Retailer("MONACO HAIR STUDIO", "7 boulevard des Moulins", "98000", "MONACO", None),
            date=date(2026, 11, 21),
            time="18:45",
            ticket="2026/0456",
            beneficiary=None,
            items=(
                item("Coupe femme", "1", "38.00"),
                item("Masque Kerastase", "2", "25.00"),
            ),
            subtotal=None,
            vat=(VatLine(D("20.00"), D("10.50")),),
            total=D("63.00"),
            currency="EUR",
            payment="card",
            markers=(),
        ),
    ),
    "card_slip_alone": (
        R.CARD_SLIP,
        dict(
            retailer=Retailer("CARREFOUR CITY", None, "75011", "PARIS", None),
            date=date(2026, 11, 21),
            time="14:32",
            ticket=None,
            beneficiary=None,
            items=(),
            subtotal=None,
            vat=(),
            total=D("24.50"),
            currency="EUR",
            payment="contactless",
            markers=("card_slip",),
        ),
    ),
    "duplicata": (
        R.DUPLICATA,
        dict(
            retailer=Retailer("FRANPRIX", "27 rue de Rivoli", "75004", "Paris", None),
            date=date(2026, 11, 21),
            time="07:58",
            ticket="000123",
            beneficiary=None,
            items=(
                item("PAIN AU CHOCOLAT X3", "1", "3.60"),
                item("CAFE MOULU 250G", "1", "4.25"),
            ),
            subtotal=None,
            vat=(),
            total=D("7.85"),
            currency="EUR",
            payment="cash",
            markers=("duplicata",),
        ),
    ),
    "card_block_below": (
        R.CARD_BLOCK_BELOW,
        dict(
            retailer=Retailer("INTERMARCHE SUPER", "ROUTE DE NANTES", "44300", "NANTES", None),
            date=date(2026, 11, 21),
            time="17:12",
            ticket="004411",
            beneficiary=None,
            items=(
                item("JAMBON BLANC X4", "1", "3.49"),
                item("EMMENTAL RAPE 200G", "1", "2.15"),
                item("SHAMPOOING DOP 400ML", "1", "2.99"),
                item("PACK EAU CRISTALINE", "1", "1.99"),
                item("LESSIVE PERSIL", "1", "11.48"),
            ),
            subtotal=D("22.10"),
            vat=(),
            total=D("22.10"),
            currency="EUR",
            payment="contactless",
            markers=(),
        ),
    ),
    "noisy_ocr": (
        R.NOISY_OCR,
        dict(
            retailer=Retailer("CARREFOUR CITY", "12 rue Oberkampf", "75011", "PARIS", "45132133500135"),
            date=date(2026, 11, 21),
            time="19:05",
            ticket="001234",
            beneficiary=None,
            items=(
                item("JUS D'ORANGE 1L", "1", "2.40"),
                item("BRIOCHE TRANCHEE", "1", "1.99"),
            ),
            subtotal=None,
            vat=(),
            total=D("4.39"),
            currency="EUR",
            payment="card",
            markers=(),
        ),
    ),
}

FIELDS = ("retailer", "date", "time", "ticket", "beneficiary", "items", "subtotal", "vat",
          "total", "currency", "payment", "markers")  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("field", FIELDS)
def test_receipt_field(name, field):
    text, expected = CASES[name]
    got = parse_receipt(lines_from_text(text))
    assert getattr(got, field) == expected[field]


@pytest.mark.parametrize("name", list(CASES))
def test_confidences_in_range(name):
    got = parse_receipt(lines_from_text(CASES[name][0]))
    assert got.confidence, "every found field has a confidence"
    assert all(0.0 <= v <= 1.0 for v in got.confidence.values())
    for key in ("date", "total"):
        assert key in got.confidence


def test_separator_lines_and_empty_input():
    assert parse_receipt(lines_from_text("=====\n-----\n*****\n_____")) == ReceiptFields(confidence={})
    assert parse_receipt(()) == ReceiptFields(confidence={})


def test_low_ocr_confidence_lowers_field_confidence():
    sure = parse_receipt(lines_from_text(R.SALON_ONE))
    doubtful = parse_receipt(
        tuple(Line(text=t, conf=40.0, box=(0, 0, 0, 0)) for t in R.SALON_ONE.splitlines())
    )
    assert doubtful.total == sure.total
    assert doubtful.confidence["total"] < sure.confidence["total"]


def test_underlined_item_is_kept():
    lines = [Line(text=t, conf=90.0, box=(0, 0, 0, 0), underlined="Fusio" in t) for t in R.SALON_ONE.splitlines()]
    got = parse_receipt(lines)
    assert [i.name for i in got.items if i.underlined] == ["Fusio Dose"]


@pytest.mark.parametrize(
    ("text", "total", "payment"),
    [
        ("TOTAL 50,00\nREMISE FIDELITE -5,00\nNET A PAYER 45,00\nCB 45,00", "45.00", "card"),
        ("SOUS TOTAL 30,00\nTOTAL 24,50\nESPECES 30,00\nRENDU 5,50", "24.50", "cash"),
        ("ARTICLES 3\nTOTAL TTC 24,50 EUR\nCARTE BANCAIRE 24,50 EUR", "24.50", "card"),
        ("TOTAL 24,50 dont TVA 4,08\nCHQ 24,50", "24.50", "cheque"),
        ("TOTAL\n24,50\nTICKET RESTAURANT 24,50", "24.50", "meal_voucher"),
        ("S/TOTAL 26,00\nMONTANT DU 24,50\nSWILE 24,50", "24.50", "meal_voucher"),
        ("TOT TTC €24.50\nVISA 24.50", "24.50", "card"),
        ("Total 24.50\nCash 30.00\nChange 5.50", "24.50", "cash"),
        ("MONTANT PERCU 30,00\nA PAYER 24,50\nESP 30,00\nRENDU MONNAIE 5,50", "24.50", "cash"),
        ("TOTAL TTC 19 964,29\nVIREMENT 19 964,29", "19964.29", "other"),
        ("VOUS AVEZ ECONOMISE 3,00\nTOTAL 24,50\nCB SANS CONTACT 24,50", "24.50", "contactless"),
    ],
)
def test_total_and_payment_labels(text, total, payment):
    got = parse_receipt(lines_from_text(text))
    assert got.total == D(total)
    assert got.payment == payment


@pytest.mark.parametrize(
    ("text", "currency"),
    [("TOTAL 24,50 €", "EUR"), ("TOTAL 24,50", "EUR"), ("TOTAL USD 24.50", "USD"),
     ("TOTAL CHF 24.50", "CHF"), ("Total £24.50", "GBP")],
)  # fmt: skip
def test_currency(text, currency):
    assert parse_receipt(lines_from_text(text)).currency == currency


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TICKET N° 000123", "000123"),
        ("Ticket: 4521", "4521"),
        ("N° TICKET : 778", "778"),
        ("N°0042-123456", "0042-123456"),
        ("TRANSACTION 99812", "99812"),
        ("TK 0456", "0456"),
        ("FACTURE N° 2026-0042", "2026-0042"),
        ("0006 002 000027 26/01/2017 08:21:05", "000027"),
        ("0399 001 045152 62/66/2026 08:10:24", "045152"),  # the date's zeros misread: still a till line
        ("N° TVA FR12345678901", None),
        ("TICKET CLIENT", None),
        ("Ticket 58843", "58843"),
        ("Receipt No. 58843", "58843"),
        ("N° 0012-061742", "0012-061742"),
        ("FACTURE N° F2025-85181", "F2025-85181"),
        ("22/11/26 09:14 N°0231", "0231"),  # a bakery's footer: the number beside the date
        ("22/11/26 09:14 N° 12/03", None), ("22/11/26 TEL N° 0231", None),
        ("19/66/24 10:00 N°5061", "5061"),  # the date's zeros read as sixes: still a bakery's dated number
        ("19/77/24 10:00 N°5061", None),  # no date a misread can explain: a number after N° alone is none
        ("Note : 4881", "4881"), ("Addition n° 7462", "7462"), ("NOTE N° 1587", "1587"),  # restaurants' bills
    ],
)
def test_ticket_forms(text, expected):
    assert parse_receipt(lines_from_text(text)).ticket == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Client : Mme DUPONT Marie", "Mme DUPONT Marie"),
        ("Cliente: Sophie Bernard", "Sophie Bernard"),
        ("Nom : Julie Martin", "Julie Martin"),
        ("Bénéficiaire : M. Paul Durand", "M. Paul Durand"),
        ("Client : 004512", None),
        ("TICKET CLIENT", None),
    ],
)
def test_beneficiary(text, expected):
    assert parse_receipt(lines_from_text(text)).beneficiary == expected


@pytest.mark.parametrize(
    ("text", "markers"),
    [
        ("DUPLICATA\nTOTAL 5,00", ("duplicata",)),
        ("DUPL1CATA\nTOTAL 5,00", ("duplicata",)),
        ("** COPIE **\nTOTAL 5,00", ("duplicata",)),
        ("REIMPRESSION TICKET\nTOTAL 5,00", ("duplicata",)),
        ("RE-EDITION\nTOTAL 5,00", ("duplicata",)),
        ("2EME EDITION\nTOTAL 5,00", ("duplicata",)),
        ("TICKET REEDITE\nTOTAL 5,00", ("duplicata",)),
        ("CAFE 5,00\nTOTAL 5,00\nCARTE BANCAIRE\nTICKET CLIENT\nA CONSERVER", ()),
    ],
)
def test_markers(text, markers):
    assert parse_receipt(lines_from_text(text)).markers == markers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 RUE DE LA PAIX\n75002 PARIS", ("12 RUE DE LA PAIX", "75002", "PARIS")),
        ("12 RUE DE LA PAIX 75002 PARIS", ("12 RUE DE LA PAIX", "75002", "PARIS")),
        ("AV. JEAN JAURES\n13001 MARSEILLE CEDEX 01", ("AV. JEAN JAURES", "13001", "MARSEILLE")),
        ("2 chemin des Vignes\n97200 Fort-de-France", ("2 chemin des Vignes", "97200", "Fort-de-France")),
        ("5 impasse du Port\nF-06000 NICE", ("5 impasse du Port", "06000", "NICE")),
        ("Quai Saint-Pierre\nBASTIA 20200", ("Quai Saint-Pierre", "20200", "BASTIA")),
        ("TEL 01 23 45 67 89\n00000 NOWHERE", (None, None, None)),
        ("118B QUAI DES BELGES\n13002 MARSEILLE", ("118B QUAI DES BELGES", "13002", "MARSEILLE")),
        ("8 BIS GRANDE RUE\n21000 DIJON", ("8 BIS GRANDE RUE", "21000", "DIJON")),
        ("120 Grande Rue\n75008 PARIS", ("120 Grande Rue", "75008", "PARIS")),
        ("29 LES HAUTS DE CHANTEREINE\n69003 LYON", ("29 LES HAUTS DE CHANTEREINE", "69003", "LYON")),
        ("ZI LES PORTES DU SUD |\n44000 NANTES |", ("ZI LES PORTES DU SUD", "44000", "NANTES")),
        ("| 130 PLACE DU MARCHE\n69003 LYON", ("130 PLACE DU MARCHE", "69003", "LYON")),
        ("RN 7 - LIEU DIT LA BARAQUE\n59000 LILLE", ("RN 7 - LIEU DIT LA BARAQUE", "59000", "LILLE")),
    ],
)
def test_address_forms(text, expected):
    r = parse_receipt(lines_from_text("SHOP\n" + text)).retailer
    assert (r.address, r.postal_code, r.city) == expected


def test_siren_is_not_a_siret():
    r = parse_receipt(lines_from_text("SHOP\nSIREN 732 829 320\nRCS PARIS 732 829 320")).retailer
    assert r.siret is None


@pytest.mark.parametrize(
    ("printed", "extra", "expected"),
    [
        # slashed zeros read as 6: the VAT number's SIREN fixes the head, the Luhn key the rest
        ("Siret : 384072583 66671", "N° TVA FR60384072583", "38407258300071"),
        ("Siret : 384072583 66671", "", "38407258300071"),
        ("SIRET 818 121 188 66341", "", "81812118800341"),
        ("SIRET 165 367 182 66122", "", "16530718200122"),
        ("SIRET 818 121 188 00341", "", "81812118800341"),  # valid as read: untouched
        # two single repairs pass the key (00416, 60410): establishments are numbered from 00010 up
        ("Siret 305 631 848 60416", "", "30563184800416"),
        ("SIRET : 84038429190935", "", "84038429100935"),
        # a 6 read as 0 on both lines: the VAT number's key (53 is 884456328's) picks the digit
        ("Siret 884 450 328 00340", "TVA INTRA : FR53884450328", "88445632800340"),
        ("Siret 884 450 328 00340", "TVA INTRA : FR00884450328", "88445032800340"),  # no SIREN fits: as read
        # two zeros misread in the SIREN, on both lines (seed 101): its Luhn key and the VAT
        # number's choose between the zero repairs; a dash read before the number
        ("SIRET -19470678600494", "TVA INTRA : FR74164709786", "10470078600494"),
        ("SIRET 19470678600494", "TVA INTRA : FR11164709786", "19470678600494"),  # no key fits: as read
    ],
)
def test_a_siret_with_misread_zeros_is_repaired_by_its_check_keys(printed, extra, expected):
    r = parse_receipt(lines_from_text(f"SHOP\n{printed}\n{extra}")).retailer
    assert r.siret == expected


def test_a_siret_whose_label_was_misread_is_no_phone_number_for_the_digits_inside_it():
    """`rire 50205578300992`: `0205578300` inside it reads like a phone number."""
    text = "GRAIN DE BEAUTE\n31000 TOULOUSE\nrire 50205578300992\nTel : 05.16.88.04.93"
    assert parse_receipt(lines_from_text(text)).retailer.siret == "50205578300992"


def test_a_card_slips_application_id_is_no_siret():
    """`A0000000421010` read `A60000004210610`: fourteen digits passing the Luhn key, after a letter."""
    text = "SUPERETTE DU PORT\n75015 PARIS\nTOTAL TTC 60,06\nCARTE BANCAIRE\nA60000004210610\nMASTERCARD"
    assert parse_receipt(lines_from_text(text)).retailer.siret is None
    assert parse_receipt(lines_from_text(text.replace("A6", "6"))).retailer.siret == "60000004210610"


def test_a_siret_that_no_zero_reading_can_fix_is_kept_as_read():
    r = parse_receipt(lines_from_text("SHOP\nSIRET 123 456 789 12345")).retailer
    assert r.siret == "12345678912345"  # invalid, but what is printed; its confidence is lower


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

RECEIPT_ALPHABET = st.sampled_from(list("0123456789 ,.:/-*€%xXOlIS|BNTAEUROTALCBDPQ°'\n") + ["TOTAL", "TVA", "CB", "€"])


@settings(max_examples=300, deadline=None)
@given(st.lists(RECEIPT_ALPHABET, max_size=200).map("".join))
def test_never_raises_on_noise(text):
    got = parse_receipt(lines_from_text(text))
    assert all(0.0 <= v <= 1.0 for v in got.confidence.values())
    assert got.total is None or got.total > 0


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([("cite ie 't", 90.0), ("E.LECLERC", 90.0), ("93160 NOISY-LE-GRAND", 90.0)], "E.LECLERC"),
        ([("Sa iE", 30.0), ("Emma Coiffure", 88.0), ("35000 Rennes", 90.0)], "Emma Coiffure"),
        ([("BIENVENUE", 90.0), ("INTERMARCHE SUPER", 90.0)], "INTERMARCHE SUPER"),
        ([("Tel 01 43 55 12 34", 90.0), ("Salon Léa", 90.0)], "Salon Léa"),
        ([("FRANCK PR0VOST", 80.0), ("COIFFEUR", 90.0)], "FRANCK PROVOST"),
        ([("COIFFURE CREATION", 90.0), ("HOMMES - FEMMES - ENFANTS", 90.0), ("75 QUAI DES BELGES", 90.0)],
         "COIFFURE CREATION"),
        # the name line was not read: a tagline, an address or a customer is no name
        ([("HOMMES - FEMMES - ENFANTS", 90.0), ("75 QUAI DES BELGES", 90.0), ("63000 CLERMONT", 90.0)], None),
        ([("Salon de coiffure", 90.0), ("12 RUE DE LA PAIX", 90.0), ("75002 PARIS", 90.0)], None),
        ([("29 GRANDE RUE", 90.0), ("75008 PARIS", 90.0), ("TEL 01 57 27 66 54", 90.0)], None),
        ([("148 BD GAMBETTA", 90.0), ("75015 PARIS", 90.0), ("Nom : MME LEFEBVRE Ines", 90.0)], None),
        ([("SOUS TOTAL", 90.0), ("ESPECES 50,00", 90.0), ("Vous avez été servi", 90.0)], None),
        ([("| HAIR STUDIO 13", 90.0), ("93B GRANDE RUE", 90.0), ("75015 PARIS", 90.0)], "HAIR STUDIO 13"),
        ([("MR BRICOLAGE", 90.0), ("ZA DU MOULIN", 90.0), ("59000 LILLE", 90.0)], "MR BRICOLAGE"),
        # a SIRET line whose label was misread is no name
        ([("Saret 471 951 699 00993", 92.0), ("75002 PARIS", 90.0)], None),
        ([("LES CISEAUX DOR", 90.0), ("75002 PARIS", 90.0)], "LES CISEAUX D'OR"),  # its apostrophe lost
    ],
)
def test_name_under_logo_noise(lines, expected):
    got = parse_receipt([Line(text=t, conf=c, box=(0, 0, 0, 0)) for t, c in lines])
    assert got.retailer.name == expected


def test_a_numberless_road_first_under_an_unread_name_is_the_address_not_the_name():
    """Seed 61's PRIX BAS read at 38 %: `ROUTE DE LYON`, the first clear line, was taken for the
    shop (as `ESPACE BEAUTE` rightly is) and the address left empty."""
    lines = [("PRIX BAS", 38.0), ("ROUTE DE LYON", 96.0), ("45000 ORLEANS", 96.0), ("TEL 0236918452", 96.0)]
    got = parse_receipt([Line(text=t, conf=c, box=(0, 0, 0, 0)) for t, c in lines])
    assert (got.retailer.name, got.retailer.address) == (None, "ROUTE DE LYON")
    site = [("ESPACE BEAUTE", 96.0), ("45000 ORLEANS", 96.0)]
    assert parse_receipt([Line(text=t, conf=c, box=(0, 0, 0, 0)) for t, c in site]).retailer.name == "ESPACE BEAUTE"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2XTHON ENTIER 3X80G 11,00", [("THON ENTIER 3X80G", "2", "11.00")]),
        ("1xCOUPE FEMME 25,00", [("COUPE FEMME", "1", "25.00")]),
        ("3 x COCA 5,40", [("COCA", "3", "5.40")]),
        ("6X1,5L EAU 3,20", [("6X1,5L EAU", "1", "3.20")]),
        ("RITUEL FUSIO-DOSE se __ 10,00 EUR", [("RITUEL FUSIO-DOSE", "1", "10.00")]),
        ("1 X RITUEL FUSIO-DOSE ied | 8,50", [("RITUEL FUSIO-DOSE", "1", "8.50")]),
        ("Pain au lait 1,20", [("Pain au lait", "1", "1.20")]),
        ("SOIN PROFOND 1*14,00", [("SOIN PROFOND", "1", "14.00")]),
        ("SOIN PROFOND 2*14,00", [("SOIN PROFOND", "2", "28.00")]),
        ("PATINE.1*3.3300 33,00", [("PATINE", "1", "33.00")]),  # its `1*33,00` garbled, glued to the name
        ("K ELIXIR ULTIME L'HU 1°2909 29,09", [("K ELIXIR ULTIME L'HU", "1", "29.09")]),
        ("VIS BOIS 4X40 8,90", [("VIS BOIS 4X40", "1", "8.90")]),  # a size, not a count
        # a size whose ML was lost, before a price marked with a star: no 250 units
        ("K.CURL MANIFESTO B.HYDRATATION 250*35.20", [("K.CURL MANIFESTO B.HYDRATATION 250", "1", "35.20")]),
        ("KER BAIN DECALC 1*29, 80 29,80", [("KER BAIN DECALC", "1", "29.80")]),
        ("COMTE AOP 200G 8, 60\n2 x 4,30", [("COMTE AOP 200G", "2", "8.60")]),
        ("JUS ORANGE 1L 5,18 EUR A\n2 x 2;59", [("JUS ORANGE 1L", "2", "5.18")]),
        ("COFFRET SOIN VISAGE 72,89 €", [("COFFRET SOIN VISAGE", "1", "72.89")]),
        ("CURL MANIFESTO BAIN 25,39 EUK", [("CURL MANIFESTO BAIN", "1", "25.39")]),
        ("PATES FUSILLI 1*1,60 1,60 |\nBAGUETTE 2*1,00 2,00 —", [("PATES FUSILLI", "1", "1.60"), ("BAGUETTE", "2", "2.00")]),
        ("10xVIS BOIS 4X40 BTE200 108,90 €", [("VIS BOIS 4X40 BTE200", "10", "108.90")]),
    ],
)
def test_item_line_forms(text, expected):
    got = parse_receipt(lines_from_text(text + "\nTOTAL 999,00"))
    assert [(i.name, i.quantity, i.price) for i in got.items] == [(n, D(q), D(p)) for n, q, p in expected]


@pytest.mark.parametrize(
    ("text", "prices"),
    [
        # a 0 read as 6: the total, confirmed by the payment, says which price is wrong
        ("CAFE 2,09\nTACOS XL 11,60\nTOTAL 13,09\nCB 13,09", ["2.09", "11.00"]),
        # no confirmation of the total: prices are left as read
        ("CAFE 2,09\nTACOS XL 11,60\nTOTAL 13,09", ["2.09", "11.60"]),
        # the gap is a discount under the subtotal, not a misread
        ("SOIN 48,29\nSOUS TOTAL 48,29\nAVANTAGE FIDELITE -2,00\nTOTAL 46,29\nCB 46,29", ["48.29"]),
    ],
)
def test_item_price_misread_repaired_by_total(text, prices):
    got = parse_receipt(lines_from_text(text))
    assert [i.price for i in got.items] == [D(p) for p in prices]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TEL: 02.17.64.81.40\n06/07/202514:53", date(2025, 7, 6)),  # a phone is no date; time glued
        ("EDITE 17/02/2064\nLE 06/07/2025", date(2025, 7, 6)),
        ("17/02/2064 10:00\nLE 06/07/2025", date(2025, 7, 6)),  # an absurd year loses even with a time
        ("Date : 22/07/2826 Heure : 17:16", date(2026, 7, 22)),  # zeros misread, repaired when alone
        ("Date: 10/67/2624 Time: 16:30", date(2024, 7, 10)),
    ],
)
def test_purchase_date_plausible(text, expected):
    assert parse_receipt(lines_from_text(text)).date == expected


@pytest.mark.parametrize("text, name, quantity, price", [
    ("PAPIER TOILETTE X12 *4.30", "PAPIER TOILETTE X12", "1", "4.30"),  # a star after a space marks the price
    ("YAOURT NATURE X8 *3.60", "YAOURT NATURE X8", "1", "3.60"),
    ("COCA 2*1,50 3,00", "COCA", "2", "3.00"),  # a glued star multiplies
    ("ae Ss LAIT DEMI ECREME 1L 1,30", "LAIT DEMI ECREME 1L", "1", "1.30"),  # debris from the table
    ("eee ‘À RIZ BASMATI 1KG 2,29", "RIZ BASMATI 1KG", "1", "2.29"),
    ("“SOIN PROFOND 24,00", "SOIN PROFOND", "1", "24.00"),
    ("FUSIO-DOSE BOOSTER =, 11,00", "FUSIO-DOSE BOOSTER", "1", "11.00"),
    ("Kérastase Bain Satin 24,50", "Kérastase Bain Satin", "1", "24.50"),  # mixed case is a name, not debris
])
def test_item_names_and_price_marks(text, name, quantity, price):
    items = parse_receipt(lines_from_text(f"SHOP\n12 RUE DE LA PAIX\n75001 PARIS\n{text}\nTOTAL {price}")).items
    assert [(i.name, i.quantity, i.price) for i in items] == [(name, D(quantity), D(price))]


@pytest.mark.parametrize("header, name", [("eS SUPERETTE DU PORT", "SUPERETTE DU PORT"),
                                          ("Salon Elegance", "Salon Elegance")])
def test_edge_debris_before_a_capitals_shop_name(header, name):
    lines = lines_from_text(f"{header}\n12 RUE DE LA PAIX\n75001 PARIS\nTOTAL 4,30")
    assert parse_receipt(lines).retailer.name == name


@pytest.mark.parametrize(
    ("read", "kept"),
    [
        ("PATINE 34,00 EUR Ca", "PATINE 34,00 EUR"),  # the table beside the paper
        ("TOTAL A PAYER 104,50 EUR oa", "TOTAL A PAYER 104,50 EUR"),
        ("20,00% 17,42 À a ts", "20,00% 17,42"),
        ("COUPE FEMME 32,00 A", "COUPE FEMME 32,00 A"),  # a till's VAT code: kept
        ("SHAMPOING 9,00 EUR", "SHAMPOING 9,00 EUR"),
        ("CB SANS CONTACT 12,00 le 14/11", "CB SANS CONTACT 12,00 le 14/11"),  # figures after: not debris
    ],
)
def test_debris_beside_the_paper_after_the_last_amount_is_dropped(read, kept):
    from pipeline.parse.text import drop_tail_debris

    assert drop_tail_debris(read) == kept


@pytest.mark.parametrize(("text", "payment"), [
    ("MONTANT TTC 170,10 EUR\n200,00\nMONNAIE RENDUE 29,90", "cash"),  # seed 89: `ESPECES` unread
    ("TOTAL 24,50\n30,00\nA RENDRE 5,50", "cash"),
    ("TOTAL 24,50\n24,50\nRENDU 0,00", None),  # nothing given back: nothing tells how it was paid
    ("TOTAL 24,50\nCB 24,50\nRENDU 0,00", "card"),
])
def test_change_given_back_tells_a_cash_payment_whose_line_was_lost(text, payment):
    got = parse_receipt(lines_from_text(text))
    assert got.total == D("170.10" if "170" in text else "24.50")
    assert got.payment == payment
    if payment == "cash":
        assert got.confidence["payment"] < 0.8  # told by the change alone


def test_a_table_of_items_under_column_titles():
    """`Article Qte Prix Total`: the titles are no total line (the items were lost above
    them), and a bare count before a lone amount is the quantity column's."""
    action = parse_receipt(lines_from_text(
        "ACTION\n67000 Strasbourg\nArticle Qte Prix Total\nBougie parfumee 2 1,29 2,58\nPiles AA x8 1 2,99 2,99\n"
        "Total EUR 5,57\nPaye par carte 5,57\nDate 21-11-2026 16:20"))
    assert [(i.name, i.quantity, f"{i.price:.2f}") for i in action.items] == [
        ("Bougie parfumee", 2, "2.58"), ("Piles AA x8", 1, "2.99")]
    assert action.total == Decimal("5.57")
    text = ("AUCHAN SUPERMARCHE\n59000 LILLE\n{titles}CHIPS NATURE 200G 1 1,99\nCOCA COLA 1.5L 3 5,37\n"
            "TOTAL (4 ARTICLES) 7,36\nCARTE BLEUE 7,36\n22/11/2026 11:02:45")
    auchan = parse_receipt(lines_from_text(text.format(titles="DESIGNATION QTE PRIX\n")))
    assert [(i.name, i.quantity) for i in auchan.items] == [("CHIPS NATURE 200G", 1), ("COCA COLA 1.5L", 3)]
    # without a quantity column, a number ending the name is the name's
    bare = parse_receipt(lines_from_text(text.format(titles="")))
    assert [(i.name, i.quantity) for i in bare.items] == [("CHIPS NATURE 200G 1", 1), ("COCA COLA 1.5L 3", 1)]


@pytest.mark.parametrize("titles, header", [
    ("ARTICLE QTE PRIX TOTAL", True), ("DESIGNATION QTE P.U. MONTANT", True), ("Libellé Qté Montant", True),
    ("TOTAL TTC", False), ("MONTANT TOTAL", False), ("TOTAL EUR", False), ("ARTICLE QTE PRIX TOTAL 12,50", False),
    ("PRIX TOTAL", False), ("QTE PRIX", True),  # a total's label, its amount on the next line; a table's titles
])
def test_column_titles_are_told_from_total_labels(titles, header):
    from pipeline.parse.labels import COLUMN_HEADER
    from pipeline.parse.text import clean_lines

    assert bool(COLUMN_HEADER.match(clean_lines(lines_from_text(titles))[0].labels)) is header


def test_a_filling_station_named_total_and_a_restaurant_bill_number():
    """`TOTAL ACCESS` heads a filling station's ticket: a chain, not a total label (the name
    was lost); a restaurant numbers its bill `Note n° 1587`."""
    station = parse_receipt(lines_from_text(
        "TOTAL ACCESS\nRELAIS DES ALPES\nROUTE NATIONALE 7\n13100 AIX-EN-PROVENCE\nPOMPE 3 GAZOLE\n"
        "35,20 L x 1,799 EUR/L\nMONTANT 63,32 EUR\nCB 63,32 EUR\n21.11.2026 14:32:05\nTICKET N° 004521"))
    assert station.retailer.name == "TOTAL ACCESS" and station.total == Decimal("63.32")
    bistro = parse_receipt(lines_from_text(
        "LE PETIT BISTROT\n15 rue de la Paix\n75002 Paris\nTable 12 Couverts 2\n2 Menu du jour 32,00\n"
        "Total TTC 32,00 €\nPayé CB 32,00 €\nLe 21 novembre 2026 à 13h05\nNote n° 1587"))
    assert bistro.ticket == "1587" and bistro.date.isoformat() == "2026-11-21"


def test_a_rule_of_stars_read_as_letters_is_no_total_line():
    """Seed 7: the `*****` rule above the items read `to tok tok TOT tok ...`; its TOT ended
    the items before the first one."""
    rule = "to tok tok too tok tok tot tok fe fee tok tok otk tok tok doko Ne"
    fields = parse_receipt(lines_from_text(
        f"L'AMBASSADE DE LA COIFFURE\n114 AVENUE FOCH\n69003 LYON\n{rule}\nSHAMPOING 9,00\n"
        f"RESISTANCE CIMENT ANTI-USURE 200ML 57,50\n{rule}\nTOTAL 66,50\nCARTE BLEUE 66,50\n13/08/2026 17:39"))
    assert [f"{i.price:.2f}" for i in fields.items] == ["9.00", "57.50"] and fields.total == Decimal("66.50")
    assert parse_receipt(lines_from_text("SALON\nCOUPE 20,00\nTOT TTC 20,00\nCB 20,00")).total == Decimal("20.00")


def test_litres_at_the_pump_are_the_fuel_line_quantity():
    """`64,87 L x 0,838 €/I` under `E85 54,36`: the litres are the quantity (the price per
    litre has three decimals), and a grade is a name however few its letters."""
    def items(body):
        fields = parse_receipt(lines_from_text(f"STATION DU LAC\n20200 BASTIA\n{body}\nCB 54,36\n12/06/2024 11H43"))
        return [(i.name, i.quantity, f"{i.price:.2f}") for i in fields.items]

    assert items("E85 54,36 EUR\n64,87 L x 0,838 €/I\nMONTANT DU 54,36") == [("E85", Decimal("64.87"), "54.36")]
    assert items("GAZOLE 96,27\n  54,73 L x 1,759 EUR/L\nCAFE 2,20\nTOTAL 98,47") == [
        ("GAZOLE", Decimal("54.73"), "96.27"), ("CAFE", 1, "2.20")]
    assert items("SP95-E10 28,37\n15,71 L x 1,806 €/L\nTOTAL 28,37") == [("SP95-E10", Decimal("15.71"), "28.37")]
    assert items("X 12,50\nTOTAL 12,50") == []  # one letter that is no grade is no name
    # the price per litre's zeros read as 8 (0,810): the litres still are the quantity; not another misread
    assert items("E85 44,59\n55,05 L x 8,818 €/1\nTOTAL 44,59") == [("E85", Decimal("55.05"), "44.59")]
    assert items("E85 44,59\n55,05 L x 1,818 €/L\nTOTAL 44,59") == [("E85", 1, "44.59")]
    # the line's price lost its comma (`21 25`): the product below vouches for it, the name is before it
    assert items("SP98 21 25\n10,75 L x 1,977 €/L\nTOTAL 21,25") == [("SP98", Decimal("10.75"), "21.25")]
    assert items("KIR 2156\n4 x 5,39\nTOTAL 21,56") == [("KIR", 4, "21.56")]
    assert items("COCA 50CL 741\n2 x 3,70\nTOTAL 7,40") == [("COCA 50CL 741", 2, "7.40")]  # figures not the price's
    # a third decimal only before a per-unit sign: `2 x 3,507,00` keeps its 3,50 and 7,00
    assert items("COCA 7,00\n2 x 3,507,00\nTOTAL 7,00") == [("COCA", 2, "7.00")]


def test_counts_and_unit_prices_in_table_columns():
    """Under `Article Qte Prix Total`, the count before a unit price is no thousands group
    (`2 164,30`), nor is the count column glued to a price (`10 103,90`); a count after a
    name's own figures is still the count (`BTE200 1`)."""
    fields = parse_receipt(lines_from_text(
        "BRICOMAX\n44000 NANTES\nLIBELLE QTY TOTAL\nVIS BOIS 4X40 BTE200 1 10,39\nAMPOULE LED E27 X3 10 103,90\n"
        "TONDEUSE 1 1 299,00\nTOTAL 1413,29 EUR\nCB 1413,29\n15-01-2025 18:14:19"))
    assert [(i.name, i.quantity, f"{i.price:.2f}") for i in fields.items] == [
        ("VIS BOIS 4X40 BTE200", 1, "10.39"), ("AMPOULE LED E27 X3", 10, "103.90"), ("TONDEUSE", 1, "1299.00")]
    priced = parse_receipt(lines_from_text(
        "LA MAISON DU BRICO\n75008 PARIS\nArticle Qté Prix Total\nTONDEUSE ELECTRI 1 156,79 156,79 EUR\n"
        "PERCEUSE VISSEUS 2 164,30 328,60 EUR\nTOTAL A PAYER 485,39€\nCARTE BANCAIRE 485,39\n18-06-2025 11:07:37"))
    assert [(i.name, i.quantity, f"{i.price:.2f}") for i in priced.items] == [
        ("TONDEUSE ELECTRI", 1, "156.79"), ("PERCEUSE VISSEUS", 2, "328.60")]


@pytest.mark.parametrize("header, name", [
    ("BOULANGERIE PATISSERIE\n90 BIS AV. DE LA LIBERATION", "BOULANGERIE PATISSERIE"),  # the trade alone
    ("BOULANGERIE PATISSERIE\nMAISON DUPONT\n90 BIS AV. DE LA LIBERATION", "MAISON DUPONT"),  # a tagline over the name
    ("COIFFURE MIXTE\n90 BIS AV. DE LA LIBERATION", None),  # a salon's tagline names no shop
])
def test_a_trade_alone_atop_the_header_names_the_shop(header, name):
    fields = parse_receipt(lines_from_text(f"{header}\n33000 BORDEAUX\nPAIN 3,60\nTOTAL 3,60\n25/12/24 17:30"))
    assert fields.retailer.name == name


@pytest.mark.parametrize("header, name", [
    ("CHMP)\nHYPER MARCHE PLUS", "HYPER MARCHE PLUS"),  # a ringed emblem's initials, the ring read C
    ("QD\nL'ATELIER COIFFURE", "L'ATELIER COIFFURE"),  # scissors drawn over the name, read as letters
    ("CL |\nATELIER 21 |\nSalon de coiffure |", "ATELIER 21"),
    ("MIM\nCOIFFURE MIXTE", "MIM"),  # a short name over its tagline stays the name
    ("ZEN\nINSTITUT DE BEAUTE", "ZEN"), ("INSTITUT DE BEAUTE", "INSTITUT DE BEAUTE"),  # the trade alone names it
    ("KIKO", "KIKO"),  # ... and alone over its address
    ("Cucm)\nU CITY MARCHE", "U CITY MARCHE"),  # a ring and initials read in small letters (seed 11)
])
def test_a_logo_read_as_a_few_capitals_yields_to_the_name_under_it(header, name):
    """logo-codes seed 5: tills print a logo over the shop's name; Tesseract reads an emblem's
    initials or a pictogram as two to four capitals, which were taken for the name."""
    fields = parse_receipt(lines_from_text(f"{header}\n12 RUE DE LA PAIX\n75002 PARIS\nCOUPE 24,70\n"
                                          "TOTAL 24,70\n12.03.25 12:28"))
    assert fields.retailer.name == name


def test_a_chain_named_by_an_item_line_under_a_short_header_is_not_the_shop():
    """photo-12mp-13100043: `SHAMPOO` (a salon chain) in the second item line, within the
    first six lines, was taken for the chain's name line, and its price ended the search
    for the name above it: the shop had no name."""
    fields = parse_receipt(lines_from_text(
        "GRAIN DE BEAUTE COIFFURE\nCoiffeur - Visagiste\n170B RUE D'ANTIBES\n59000 LILLE\n"
        "KERAST. NUTR 2*43,30 86,60\nREDKEN ALL SOFT SHAMPOO 3 24,70\nTOTAL TTC 111,30\n12.03.25 12:28"))
    assert fields.retailer.name == "GRAIN DE BEAUTE COIFFURE"
    chain = parse_receipt(lines_from_text("MERCI DE VOTRE VISITE\nSHAMPOO\n12 RUE DE LA PAIX\n75002 PARIS\n"
                                          "COUPE 24,70\nTOTAL 24,70\n12.03.25 12:28"))
    assert chain.retailer.name == "SHAMPOO"  # the chain's own line, above the first amount, still is


@pytest.mark.parametrize("body, items", [
    # the count column before a starred price, and titles whose words ran together
    ("Article Qté Total\nYAOURT NATURE X8 1 *2,10\nCOMTE AOP 200G 3 *15.60",
     [("YAOURT NATURE X8", 1, "2.10"), ("COMTE AOP 200G", 3, "15.60")]),
    ("ARTICLE QTEP.U. TOTAL\nSAC GRAVIER 35KG 2 6,80 13,60 EUR\nGANTS DE TRAVAIL 1 6,59 6,59 EUR",
     [("SAC GRAVIER 35KG", 2, "13.60"), ("GANTS DE TRAVAIL", 1, "6.59")]),
    # `4 x 12,70` read `dx 1270`: the count lost, the unit price divides the line's
    ("Serveur : JULIE 14,50 EUR\nSALADE DE CHEVRE *50.80 €\ndx 1270", [("SALADE DE CHEVRE", 4, "50.80")]),
    # a degree and a star for the times sign; a separator read twice
    ("BAGUETTE TRADITION 1°*1,20 1,20\nSALADE DE CHEVRE 2*12,;80 25,60 €",
     [("BAGUETTE TRADITION", 1, "1.20"), ("SALADE DE CHEVRE", 2, "25.60")]),
])
def test_restaurant_and_table_item_lines_as_photos_read_them(body, items):
    """Seen on the `more_shops` photos; a waiter's line that caught an amount is no item."""
    fields = parse_receipt(lines_from_text(f"LE COMPTOIR\n75011 PARIS\n{body}\nTOTAL 99,99\n03-07-2024 17:12:58"))
    assert [(i.name, i.quantity, f"{i.price:.2f}") for i in fields.items] == items


def test_the_count_column_against_sizes_ending_names_and_misread_figures():
    """Under `LIBELLE QTY PU TOTAL`: a count misread (4 x 9,50 printed 38,08; 10 read 16 where
    the unit price divides the line's total), a size ending a truncated name beside a count
    the figures settle (`14 1 292,09 292,09`, `140 1 235,40`)."""
    fields = parse_receipt(lines_from_text(
        "LA MAISON DU BRICO\n75011 PARIS\nLIBELLE QTY PU TOTAL\nVIS BOIS 4X40 STE200 4 9,50 38,08\n"
        "TONDEUSE ELECTRIQUE 1 16 193,00 1930,00\nTONDEUSE ELECTRIQUE 14 1 292,09 292,09\n"
        "TOTAL 2260,17\n03-07-2024 17:12:58"))
    assert [(i.name, i.quantity, f"{i.price:.2f}") for i in fields.items] == [
        ("VIS BOIS 4X40 STE200", 4, "38.08"), ("TONDEUSE ELECTRIQUE 1", 10, "1930.00"),
        ("TONDEUSE ELECTRIQUE 14", 1, "292.09")]
    bare = parse_receipt(lines_from_text(
        "BRICO\n75011 PARIS\nLIBELLE QTY TOTAL\nTONDEUSE ELECTRIQUE 140 1 235,40\nTOTAL 235,40\n03-07-2024 17:12:58"))
    assert [(i.name, i.quantity, f"{i.price:.2f}") for i in bare.items] == [("TONDEUSE ELECTRIQUE 140", 1, "235.40")]


@pytest.mark.parametrize("read, name", [
    ("PROXICENTRE", "PROXI CENTRE"), ("CARREFOURMARKET", "CARREFOUR MARKET"), ("LABOULANGERIE", "LA BOULANGERIE"),
    ("BRICOMAX", "BRICOMAX"), ("LECLERC", "LECLERC"), ("INTERMARCHE", "INTERMARCHE"), ("LEFOURNIL", "LE FOURNIL"),
    ("LEGRAND", "LEGRAND"), ("LAFAYETTE", "LAFAYETTE"),
])
def test_a_space_lost_after_a_particle_or_a_chains_word_in_large_print(read, name):
    """Only before a French word or a shop's common word of five letters or more (FOURNIL is
    in neither dictionary), never inside a chain's own word."""
    from pipeline.parse.retailer import tidy_name

    assert tidy_name(read) == name


@pytest.mark.parametrize("read, name", [
    ("SUPERETTEDUPORT", "SUPERETTE DU PORT"),  # both engines, seed 43 of the new tickets
    ("BOULANGERIEDUCENTRE", "BOULANGERIE DU CENTRE"), ("COIFFUREDELAGARE", "COIFFURE DE LA GARE"),
    ("EPICERIEDESHALLES", "EPICERIE DES HALLES"),
    ("SUPERMARCHE", "SUPERMARCHE"), ("BIOCOOP", "BIOCOOP"),  # a word, a brand: whole
    ("COIFFUREDUXYZW", "COIFFUREDUXYZW"),  # no word after the particle
    ("GARAGEDUPO", "GARAGEDUPO"),  # too short to be the place's word
])
def test_a_shop_trade_glued_to_its_place_by_a_particle(read, name):
    """`SUPERETTE DU PORT` in large print read with every space lost: the shop's common word,
    a particle and the place's word."""
    from pipeline.parse.retailer import tidy_name

    assert tidy_name(read) == name


@pytest.mark.parametrize("read, name", [
    ("GRAINDE BEAUTE COIFFURE", "GRAIN DE BEAUTE COIFFURE"),  # held-out seed 113
    ("COIFFUREDES HALLES", "COIFFURE DES HALLES"),  # a shop's common word before it
    ("GRAINDE", "GRAINDE"),  # nothing after the particle: no particle
    ("HOLLANDE COIFFURE", "HOLLANDE COIFFURE"), ("CHEZ FERNANDE BEAUTE", "CHEZ FERNANDE BEAUTE"),  # no word before DE
    ("LA GRANDE MAISON", "LA GRANDE MAISON"),  # a word whole
])
def test_a_space_lost_before_a_particle_in_large_print(read, name):
    from pipeline.parse.retailer import tidy_name

    assert tidy_name(read) == name


@pytest.mark.parametrize("read, name", [
    ("HYP'ER MARCHE PLUS", "HYPER MARCHE PLUS"),  # a speck between two letters read as an apostrophe
    ("L'ATELIER COIFFURE", "L'ATELIER COIFFURE"), ("STYL'HAIR", "STYL'HAIR"), ("QUICK'EAT", "QUICK'EAT"),
    ("O'TACOS DU CENTRE", "O'TACOS DU CENTRE"), ("LES CISEAUX D'OR", "LES CISEAUX D'OR"), ("MCDONALD'S", "MCDONALD'S"),
])
def test_an_apostrophe_inside_a_word_that_elides_nothing_is_dropped(read, name):
    from pipeline.parse.retailer import tidy_address, tidy_name

    assert tidy_name(read) == name
    assert tidy_address("ZI LES P'ORTES DU SUD") == "ZI LES PORTES DU SUD"
    assert tidy_address("3 AV DE LA PRESQU'ILE") == "3 AV DE LA PRESQU'ILE"


def _table(body: str, foot: str = "TOTAL 99,99\n03-07-2024 17:12:58", titles: str = "PRODUIT QTE PRIX MONTANT"):
    fields = parse_receipt(lines_from_text(f"HYPER MARCHE PLUS\n13008 MARSEILLE\n{titles}\n{body}\n{foot}"))
    return [(i.name, i.quantity, f"{i.price:.2f}") for i in fields.items]


@pytest.mark.parametrize("row, item", [
    ("CHOCOLAT NOIR 70% 100G 32,60 780€", ("CHOCOLAT NOIR 70% 100G", 3, "7.80")),  # glued count, total's comma lost
    ("JAMBON BLANC 4TR 1 2,80 280€", ("JAMBON BLANC 4TR", 1, "2.80")),
    ("ESCABEAU ALU 5 MARCHES 1 96,30 96,3", ("ESCABEAU ALU 5 MARCHES", 1, "96.30")),  # cut by the photo's edge
    ("SILICONE SANITAIRE 2 8,59 17,1:", ("SILICONE SANITAIRE", 2, "17.18")),
    ("PERCEUSE VISSEUSE 18V 412150 486,00", ("PERCEUSE VISSEUSE 18V", 4, "486.00")),  # 4 121,50 glued, comma lost
    ("EAU MINERALE 6X1,5L 22,99 5,80 €", ("EAU MINERALE 6X1,5L", 2, "5.80")),  # 2 2,90 glued, a 0 read 9
])
def test_table_rows_whose_figures_add_up_once_mended(row, item):
    """more_shops photos of tables: the count times the unit price says what a garbled total,
    or a count glued to its unit price, was; those whose figures never add up are not mended."""
    assert _table(row) == [item]


def test_table_rows_that_do_not_add_up_are_left_to_the_usual_reading():
    from pipeline.parse.items import table_row
    from pipeline.parse.text import clean_lines

    for row in ("CHOCOLAT NOIR 2 2,60 780€", "ESCABEAU ALU 1 96,30 95,3", "PERCEUSE 18V 412150 470,00",
                "SAC GRAVIER 35KG 2 6,80 13,60"):  # the last adds up as read: nothing to mend
        assert table_row(clean_lines(lines_from_text(row))[0]) is None, row


def test_a_count_and_a_total_one_digit_apart_let_the_paid_total_choose():
    """`PERCEUSE VISSEUS 2 130,00 260,08`: 2 x 130,00 and the card's 260,00 agree: the 8 was a 0."""
    assert _table("PERCEUSE VISSEUS 2 130,00 260,08 EUR", "TOTAL TTC 260,00 €\nPAIEMENT CB 260,00\n18/08/2026 16:11",
                  "Article Qté Prix Total") == [("PERCEUSE VISSEUS", 2, "260.00")]


@pytest.mark.parametrize("row, item", [
    ("OEUFS PLEIN AIR X12 1:3:70 3,70", ("OEUFS PLEIN AIR X12", 1, "3.70")),  # `1 3,70` with colons
    ("LAIT DEMI ECREME 1L 1 1:19 1;19", ("LAIT DEMI ECREME 1L", 1, "1.19")),
    ("GANTS DE TRAVAIL T5559 5,59 EUR", ("GANTS DE TRAVAIL", 1, "5.59")),  # the count of one read as T
    ("ROULEAU PEINTURE 180 1 1,80", ("ROULEAU PEINTURE 180", 1, "1.80")),  # a size, no separator: kept
])
def test_a_unit_price_echoing_the_line_total_is_cut_from_the_name(row, item):
    assert _table(row, titles="ARTICLE QTE PRIX TOTAL") == [item]


@pytest.mark.parametrize("titles, header", [
    ("ARTICLE OTE: -Pavy TOTAL", True), ("Designation Qte P.U MONTANT", True),
    ("ARTICLE XYZ -Pavy TOTAL", False), ("ARTICLE OTE 12 TOTAL", False), ("PRODUIT NOUVEAU TOTAL", False),
])
def test_column_titles_with_a_title_garbled(titles, header):
    """`ARTICLE OTE: -Pavy TOTAL` (QTE and P.U.): still the titles (taken for a total label,
    they ended the items above themselves), so long as one title between is read."""
    from pipeline.parse.labels import column_header
    from pipeline.parse.text import clean_lines

    assert column_header(clean_lines(lines_from_text(titles))[0].labels) is header


def test_garbled_titles_head_a_table_whose_items_are_read():
    assert _table("CARRELAGE SOL 45X45 M2 2 25,09 50,18\nAMPOULE LED E27 X3 4 10,60 42,40",
                  "NET A PAYER 92,58 EUR\nCARTE BLEUE 92,58\n24/06/2025 08:59:40", "ARTICLE OTE: -Pavy TOTAL") == [
        ("CARRELAGE SOL 45X45 M2", 2, "50.18"), ("AMPOULE LED E27 X3", 4, "42.40")]


@pytest.mark.parametrize("rows, count, want", [
    # as many articles as lines: a till counting its lines prints that whatever the counts
    ("CAFE MOULU 250G 4 3,69\nJAMBON BLANC 4TR 1 3,19", "NOMBRE D'ARTICLES 2", [4, 1]),
    ("CARRELAGE SOL 1 26,30\nGANTS DE TRAVAIL 1 7,60\nVIS BOIS 4X40 BTE200 18 98,00", "NOMBRE D'ARTICLES 12",
     [1, 1, 10]),  # 10 read 18
    ("CAFE MOULU 250G 2 4,00\nJAMBON BLANC 4TR 2 4,00", "NOMBRE D'ARTICLES 3", [2, 2]),  # either: neither
    ("CAFE MOULU 250G 4 3,69\nJAMBON BLANC 4TR 1 3,19", "NOMBRE D'ARTICLES 3", [4, 1]),  # 3,69 / 2: no
])
def test_a_count_column_misread_is_mended_by_the_till_s_article_count(rows, count, want):
    got = _table(rows, f"{count}\nTOTAL 99,99\n17/08/2026 15:50:51", "ARTICLE QTE TOTAL")
    assert [q for _, q, _ in got] == want


def test_counts_before_prices_whose_separator_was_lost_are_recovered_by_the_paid_total():
    """`SHAMPOOING DOUX 250ML 2 598` under `PRODUIT QTE MONTANT`: read back when they make the
    paid total, one of them with a misread digit the total settles (`1 120` for 7,20)."""
    assert _table("SHAMPOOING DOUX 250ML 2 598 |\nCHOCOLAT NOIR 70% 100G 2 260 |\n4ARTICLES",
                  "S/TOTAL 8,58\nMONTANT DU 8,58€\nESPECES 8,58\n03/07/2026 14H31", "PRODUIT QTE MONTANT") == [
        ("SHAMPOOING DOUX 250ML", 2, "5.98"), ("CHOCOLAT NOIR 70% 100G", 2, "2.60")]
    assert _table("SAC GRAVIER 35KG 1 4,70\nSILICONE SANITAIRE 1 120\nPLANCHE PIN 200X20 1 15,00",
                  "NET A PAYER 26,90 EUR\nPAIEMENT SANS CONTACT 26,90\n28.06.26 15:14", "PRODUIT QTE MONTANT") == [
        ("SAC GRAVIER 35KG", 1, "4.70"), ("SILICONE SANITAIRE", 1, "7.20"), ("PLANCHE PIN 200X20", 1, "15.00")]
    # the digits shown are not the gap's: nothing invented
    assert ("SILICONE SANITAIRE", 1, "7.20") not in _table(
        "SAC GRAVIER 35KG 1 4,70\nSILICONE SANITAIRE 1 350\nPLANCHE PIN 200X20 1 15,00",
        "NET A PAYER 26,90 EUR\nPAIEMENT SANS CONTACT 26,90\n28.06.26 15:14", "PRODUIT QTE MONTANT")


def test_prices_read_as_whole_euros_get_their_cents_back_when_the_paid_total_says_so():
    """A bakery's `1.30€` read `‘130€` (its point lost): 130 euros of bread, until the card's
    7,20 shows the points were lost; a DIY tool at 130 euros, paid 130, keeps its price."""
    def items(body, paid):
        fields = parse_receipt(lines_from_text(f"BOULANGERIE DU CENTRE\n94300 VINCENNES\n{body}\n"
                                               f"TOTAL A PAYER {paid}€\nCARTE BANCAIRE {paid}\n25/06/24 12:57"))
        return [(i.name, i.quantity, f"{i.price:.2f}") for i in fields.items]

    assert items("PAIN AU CHOCOLAT ‘130€\nPAIN DE CAMPAGNE ‘590€\n2x 2.95", "7.20") == [
        ("PAIN AU CHOCOLAT", 1, "1.30"), ("PAIN DE CAMPAGNE", 2, "5.90")]
    assert items("PAIN AU CHOCOLAT 1.30€\nPAIN DE CAMPAGNE ‘590€\n2x 2.95", "7.20") == [
        ("PAIN AU CHOCOLAT", 1, "1.30"), ("PAIN DE CAMPAGNE", 2, "5.90")]
    assert items("PERCEUSE 130€\nFORET 2.50€", "132.50") == [("PERCEUSE", 1, "130.00"), ("FORET", 1, "2.50")]


@pytest.mark.parametrize("lines, payment, payments", [
    # a meal voucher and a card share the total: the voucher, the larger, is `payment`
    ("TICKET RESTAURANT 9,00\nCB 3,50", "meal_voucher", [("meal_voucher", "9.00"), ("card", "3.50")]),
    # cash with change, beside a card: the cash's share is net of the change
    ("CB 10,00\nESPECES 5,00\nRENDU 2,50", "card", [("card", "10.00"), ("cash", "2.50")]),
    ("ESPECES 20,00\nRENDU 7,50", "cash", [("cash", "12.50")]),
    # two vouchers of the same value are two payments, not one printed twice
    ("TITRE RESTAURANT 6,00\nTITRE RESTAURANT 6,00\nCB 0,50", "meal_voucher", [("meal_voucher", "12.00"),
                                                                             ("card", "0.50")]),
    # the card terminal's slip restates the payment: counted once
    ("CB SANS CONTACT 12,50\nCARTE BANCAIRE\nSANS CONTACT\nVISA\nMONTANT = 12,50 EUR\nDEBIT\nTICKET CLIENT",
     "contactless", [("contactless", "12.50")]),
    ("CB 12,50\nCARTE BANCAIRE\nCB 12,50\nTICKET CLIENT", "card", [("card", "12.50")]),
    # shares that do not make the total (a misread): the one means, for the whole total
    ("TICKET RESTAURANT 9,00\nCB 4,50", "meal_voucher", [("meal_voucher", "12.50")]),
    ("", None, []),
])
def test_split_payments_are_listed_with_their_shares(lines, payment, payments):
    from pipeline.contract import fields_to_contract

    got = fields_to_contract(parse_receipt(lines_from_text(
        f"BOULANGERIE DU MARCHE\n75011 PARIS\nSANDWICH 7,50\nBOISSON 5,00\nTOTAL 12,50\n{lines}\n21/11/2026 12:10")))
    assert got["total"] == "12.50" and got["payment"] == payment
    assert [(p["method"], p["amount"]) for p in got["payments"]] == payments
