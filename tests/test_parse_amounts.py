"""Amounts as printed on French receipts, OCR confusions included."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.parse import find_amounts, format_amount, parse_amount
from pipeline.parse.text import digitize, fold

D = Decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24,50", D("24.50")),
        ("24.50", D("24.50")),
        ("24.50 €", D("24.50")),
        ("24,50€", D("24.50")),
        ("€ 24.50", D("24.50")),
        ("€24,50", D("24.50")),
        ("*6.50", D("6.50")),
        ("EUR 24,50", D("24.50")),
        ("24,50 EUR", D("24.50")),
        ("24,50 euros", D("24.50")),
        ("19 964,29", D("19964.29")),
        ("1.234,56", D("1234.56")),
        ("1,234.56", D("1234.56")),
        ("1 234,56 €", D("1234.56")),
        ("0,99", D("0.99")),
        ("1,5", D("1.50")),
        ("-3,00", D("-3.00")),
        ("- 3,00", D("-3.00")),
        ("3,00-", D("-3.00")),
        ("(3,00)", D("-3.00")),
        ("24 ,50", D("24.50")),
        ("24 50", D("24.50")),  # comma read as a space
        ("12", D("12.00")),
        ("12 €", D("12.00")),
        # OCR look-alikes
        ("2O,5O", D("20.50")),
        ("l2,5O", D("12.50")),
        ("S,50", D("5.50")),
        ("1B,00", D("18.00")),
        ("I9,99", D("19.99")),
        ("|4,90", D("14.90")),
        # a glued `e` or `C` for €
        ("24,50e", D("24.50")),
        ("24,50C", D("24.50")),
        ("24,506 €", D("24.50")),
        # not amounts
        ("", None),
        ("TOTAL", None),
        ("abc", None),
        ("24,506", None),  # three decimals: only with an € expected
    ],
)
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "kwargs", "expected"),
    [
        ("2450", {"implied_decimals": True}, D("24.50")),
        ("2450", {}, D("2450.00")),
        ("24,506", {"euro_expected": True}, D("24.50")),
        ("24,508", {"euro_expected": True}, D("24.50")),
        ("995", {"implied_decimals": True}, D("9.95")),
    ],
)
def test_parse_amount_options(text, kwargs, expected):
    assert parse_amount(text, **kwargs) == expected


def _amounts(line, euro_expected=True):
    return [a.value for a in find_amounts(fold(digitize(line)), euro_expected=euro_expected)]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("KERASTASE BAIN SATIN 250ML   24,50", ["24.50"]),
        ("KERASTASE BAIN SATIN 250ML   24,50 A", ["24.50"]),
        ("2 x 12,25   24,50", ["12.25", "24.50"]),
        ("2 X SHAMPOOING 12,25 24,50", ["12.25", "24.50"]),
        ("1,99 B 5.5%", ["1.99"]),
        ("TVA 20,00% 4,08", ["4.08"]),
        ("A 20.00 20.42 4.08 24.50", ["20.00", "20.42", "4.08", "24.50"]),
        ("0,532 kg x 2,99 €/kg  1,59", ["2.99", "1.59"]),
        ("TOTAL 19 964,29", ["19964.29"]),
        ("REMISE FIDELITE -1,00", ["-1.00"]),
        ("BON REDUCTION 0,50-", ["-0.50"]),
        ("TOTAL A PAYER 2O,5O", ["20.50"]),
        ("TOTAL 24,506", ["24.50"]),
        ("TOTAL TTC *6.50", ["6.50"]),
        ("CB 5 €", ["5.00"]),
        ("TOTAL TTC 149 60€", ["149.60"]),  # the comma read as a space before a currency: not 60 euros
        ("TOTAL 60 EUR", ["60.00"]),
        ("MONTANT DU 218 , 30€", ["218.30"]),  # a comma read apart: not 30 euros
        ("EUR 24,50", ["24.50"]),
        ("ESPECES €30.00", ["30.00"]),
        ("TOTAL 12€50", ["12.50"]), ("CB 12€ 50", ["12.00"]),  # the euro sign as the comma, as written in France
        ("0006 002 000027 26/01/2017 08:21:05", []),
        ("LE 5.06.17 A 14:32", []),
        ("TEL 01.43.55.12.34", []),
        ("COCA COLA 1,5L", []),
        ("BANANES 0,532 KG", []),
    ],
)
def test_find_amounts(line, expected):
    assert _amounts(line) == [D(x) for x in expected]


def test_find_amounts_flags():
    found = find_amounts(fold("0,532 kg x 2,99 €/kg  1,59"))
    assert [(a.value, a.per_unit) for a in found] == [(D("2.99"), True), (D("1.59"), False)]
    guessed = find_amounts("TOTAL 24,506", euro_expected=True)
    assert guessed[0].guessed and guessed[0].value == D("24.50")
    assert find_amounts("TOTAL 24,506", euro_expected=False) == []


amounts = st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2)


def _thousands(value: Decimal, sep: str, dec: str) -> str:
    whole, cents = f"{value:.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sep.join(groups) + dec + cents


@given(amounts, st.sampled_from(["{}", "{} €", "€ {}", "{}€", "EUR {}", "{} EUR", "*{}", "{} euros"]))
def test_round_trip_plain(value, template):
    assert parse_amount(template.format(f"{value:.2f}".replace(".", ","))) == value
    assert parse_amount(template.format(f"{value:.2f}")) == value


@given(amounts, st.sampled_from([(" ", ","), (".", ","), (",", "."), ("\u202f", ",")]))
def test_round_trip_thousands(value, seps):
    text = _thousands(value, *seps)
    assert parse_amount(text) == value


@given(amounts)
def test_round_trip_format_amount(value):
    assert parse_amount(format_amount(value)) == value
    assert parse_amount(format_amount(-value)) == -value


@given(amounts, st.sampled_from(["TOTAL", "TOTAL A PAYER", "CB", "KERASTASE BAIN 250ML"]))
def test_found_in_line(value, label):
    line = f"{label}   {format_amount(value)} €"
    assert _amounts(line)[-1] == value


@given(amounts)
def test_implied_decimals(value):
    digits = f"{value:.2f}".replace(".", "").lstrip("0") or "0"
    if len(digits) >= 3:
        assert parse_amount(digits, implied_decimals=True) == value


def test_a_total_with_misread_zeros_is_restored_only_where_the_payment_vouches_for_it():
    from pipeline.parse import lines_from_text, parse_receipt

    vouched = parse_receipt(lines_from_text(
        "SALON\nSHAMPOOING 81,90\nTOTAL 81,96\nCB 81,90\n12/03/2026 10:12"))
    assert vouched.total == Decimal("81.90")
    alone = parse_receipt(lines_from_text("SALON\nSHAMPOOING 81,96\nTOTAL 81,96\n12/03/2026 10:12"))
    assert alone.total == Decimal("81.96")  # everything agrees on what is printed: kept


def test_english_amount_due_is_the_total_not_an_item():
    from pipeline.parse import lines_from_text, parse_receipt

    r = parse_receipt(lines_from_text(
        "HAIR STUDIO\nCOUPE ENFANT 15.00\nSOIN FUSIO-DOSE 16.50\nAMOUNT DUE 31.50\nCASH 40.00\nCHANGE 8.50\n"
        "14/11/2026 13:21"))
    assert r.total == Decimal("31.50")
    assert [i.name for i in r.items] == ["COUPE ENFANT", "SOIN FUSIO-DOSE"]
