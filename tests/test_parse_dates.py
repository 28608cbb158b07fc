"""Dates and times of purchase in every form French tills print them."""

from datetime import date

import pytest

from pipeline.parse import find_dates, find_times, lines_from_text, parse_receipt
from pipeline.parse.dates import pick_date, pick_time
from pipeline.parse.text import clean_lines

D21 = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21/11/2026", [D21]),
        ("21/11/26", [D21]),
        ("21-11-2026", [D21]),
        ("21.11.2026", [D21]),
        ("21.11.26", [D21]),
        ("5.06.17", [date(2017, 6, 5)]),
        ("5/6/17", [date(2017, 6, 5)]),
        ("21 NOV 2026", [D21]),
        ("21 Nov. 2026", [D21]),
        ("21 novembre 2026", [D21]),
        ("21 NOVEMBRE 26", [D21]),
        ("1er février 2025", [date(2025, 2, 1)]),
        ("Samedi 1 février 2025", [date(2025, 2, 1)]),
        ("3 AOÛT 2024", [date(2024, 8, 3)]),
        ("14 juil 2023", [date(2023, 7, 14)]),
        ("21-nov-26", [D21]),
        ("21NOV26", [D21]),
        ("LE 21/11/2026 A 14H32", [D21]),
        ("2026-11-21", [D21]),
        ("2026/11/21 14:32", [D21]),
        ("0006 002 000027 26/01/2017 08:21:05", [date(2017, 1, 26)]),
        ("Date : 21/11/2026  Heure : 14:32", [D21]),
        ("DATE: 211126", [D21]),
        ("Nov 21, 2026", [D21]),
        # OCR look-alikes and stray spaces
        ("2l/1l/2O26", [D21]),
        ("21/1I/2026", [D21]),
        ("21 / 11 / 2026", [D21]),
        ("2I.11.2O26", [D21]),
        ("O5/O6/2O17", [date(2017, 6, 5)]),
        ("21/11/2S", [date(2025, 11, 21)]),
        # impossible dates are dropped
        ("31/02/2026", []),
        ("32/01/2026", []),
        ("00/01/2026", []),
        ("21/11/1985", []),
        # amounts, rates and phones are no dates
        ("4.08 24.50 20.00", []),
        ("TEL 01.43.55.12.34", []),
        ("TOTAL 24,50", []),
    ],
)
def test_find_dates(text, expected):
    assert find_dates(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:32", ["14:32"]),
        ("14:32:05", ["14:32"]),
        ("14H32", ["14:32"]),
        ("14h32", ["14:32"]),
        ("14 h 32", ["14:32"]),
        ("8h05", ["08:05"]),
        ("LE 21/11/2026 A 14H32", ["14:32"]),
        ("21.11.2026 14.32", ["14:32"]),
        ("0006 002 000027 26/01/2017 08:21:05", ["08:21"]),
        ("l4:3O", ["14:30"]),
        ("14H3O", ["14:30"]),
        ("12 janvier 2026 à 14h0&", ["14:08"]),  # an 8 read as & (seed 17)
        ("COIFF & CO 12 RUE", []),  # an ampersand of a name is no figure
        ("29/07/2024 T6:18:34", ["16:18"]),  # a serif 1 read as T
        ("PORT6:18", ["06:18"]),  # a T ending a word stays a letter
        ("14.32", []),  # a dot time only next to a date
        ("TOTAL 14.32", []),
        ("25:10", []),
        ("14:75", []),
        ("OUVERT DE 8H30-20H00", []),
        ("Date:22/05/2025 Heure:18:42", ["18:42"]),  # a label's colon before the hour
        ("LE 220926 A 150726", ["15:07"]),  # a card slip's, its colons lost
        ("LE 220926 A 157726", []),
        ("LE 12/1024 À 09-48-26", ["09:48"]),  # its colons read as dashes (seed 61)
        ("12-10-24", []),  # a date, not 12:10:24
        ("LE 12/10/24 A 29-48-26", []),
        ("02/04/25:13:38", ["13:38"]),  # the space before the time read as a colon (seed 101)
        ("02/04/2025:13:38:07", ["13:38"]),
        ("12:34:56", ["12:34"]),  # seconds stay seconds
    ],
)
def test_find_times(text, expected):
    assert find_times(text) == expected


def _lines(text):
    return clean_lines(lines_from_text(text))


@pytest.mark.parametrize(
    ("text", "expected_date", "expected_time"),
    [
        (
            "BON DE REDUCTION 2 EUR\nVALABLE JUSQU'AU 31/12/2026\nTICKET 0042\n21/11/2026 14:32",
            D21,
            "14:32",
        ),
        ("21/11/2026 14:32\nOFFRE VALABLE DU 01/12/2026 AU 31/12/2026", D21, "14:32"),
        ("CARTE ************1234 EXP 12/28\nDATE D'EXPIRATION 30/11/2027\nLE 21/11/26 A 09H05", D21, "09:05"),
        ("PROCHAIN RDV LE 19/12/2026 A 10H00\nLe 21/11/2026 à 14h32", D21, "14:32"),
        ("DATE LIMITE 15/12/2026\nVENTE DU 21-11-2026\n14:32", D21, "14:32"),
        ("REEDITE LE 30/11/2026 10:00\nTICKET DU 21/11/2026 14:32", D21, "14:32"),
        ("OUVERT DU LUNDI AU SAMEDI 8H30-20H00\n21/11/26\n14:32:05", D21, "14:32"),
        ("VALABLE JUSQU'AU :\n31/12/2026\n21/11/2026", D21, None),
        ("CARTE BANCAIRE\nLE 211126 A 143205\nMONTANT", D21, "14:32"),  # a card slip, separators lost
    ],
)
def test_pick_purchase_date(text, expected_date, expected_time):
    lines = _lines(text)
    picked = pick_date(lines)
    assert picked is not None and picked.value == expected_date
    time = pick_time(lines, picked.line)
    assert (time[0] if time else None) == expected_time


@pytest.mark.parametrize("text, expected", [
    ("39 JUN 2026 13:07", date(2026, 6, 30)),  # a zero read as 9 in the day
    ("13 août 2626 à 17h39", date(2026, 8, 13)),  # ... as 6 in the year
    ("12 juillot 2024 a 13h11", date(2024, 7, 12)),  # one letter of the month misread
    ("12 juillet 2024", date(2024, 7, 12)),
    ("26 soptombre 2025 à 10h18", date(2025, 9, 26)),  # two, in a long month (photo-13700042)
    ("3 octobor 2025", date(2025, 10, 3)), ("3 OCTBORE 2025", date(2025, 10, 3)),
    ("3 MARDI 2025", []),  # a short word two letters from MARCH is no month
    ("ME OL JUL 2024 15:13", date(2024, 7, 1)),  # the day's 0 and 1 read as letters
    ("O1 JANV 26", date(2026, 1, 1)),
])
def test_named_month_dates_with_misreads(text, expected):
    assert find_dates(text) == ([expected] if expected else [])


@pytest.mark.parametrize("text, expected", [
    ("LE17082026 14157", [date(2026, 8, 17)]),  # a card slip's date, its separators lost (PP-OCR)
    ("LE 17082026", [date(2026, 8, 17)]),
    ("LE 12345678", []), ("IL JUIN", []), ("MOL JUL 2024", []),
    ("29.01 26 14:42", [date(2026, 1, 29)]),  # the year's dot read as a space (logo-codes-500060)
    ("29.01 26", []), ("PAIN 1.20 26 14:42", []),  # no time after it; no month 20
])
def test_dates_with_their_separators_or_digits_lost_after_a_label(text, expected):
    assert find_dates(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("26/06/24 69:52", ["09:52"]), ("LE 27/08/2024 A 09H64", ["09:04"]),  # impossible until a 6 is a 0
    ("Datc : 26/10/2025 Heuro : 17:14", ["17:14"]),  # the O ending a word is no zero of a time
    ("26/06/24 19:52", ["19:52"]), ("VALABLE 75:75", []),
])
def test_times_with_zeros_misread(text, expected):
    assert find_times(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("21.11.26 - 14:32", ["14:32"]), ("OUVERT 9H30 - 19H00", []), ("9:00 - 12:00", []),  # a dash after a date, not in a range
    ("21/11/2026 2:32 PM", ["14:32"]), ("21/11/2026 12:05 AM", ["00:05"]), ("14:32 AMIENS", ["14:32"]),  # a 12-hour clock
])
def test_time_forms(text, expected):
    assert find_times(text) == expected


def test_a_day_s_zero_misread_in_a_font_whose_zeros_are_misread_yields_to_another_line():
    """Seed 61: `28-64-2625` repairs to 28/04/2025, a valid date, but the card slip's `20/64/25`
    shows the day's 8 was a zero too; another day there is no zero's misread, and stays."""
    text = "SALON\n34000 MONTPELLIER\nCOUPE 20,00\nTOTAL 20,00\n28-64-2625 13:39:47\nLE 20/64/25 A 13:39:47"
    fields = parse_receipt(lines_from_text(text))
    assert fields.date == date(2025, 4, 20)
    assert parse_receipt(lines_from_text(text.replace("LE 20/", "LE 21/"))).date == date(2025, 4, 28)


@pytest.mark.parametrize("till, slip, expected", [
    ("16:34", "18:34:26", "10:34"),  # seed 71: the hour's zero read 6 on the ticket, 8 on the card slip
    ("16:34", "10:34:26", "10:34"),  # the slip read it right
    ("10:36", "10:38:26", None),  # a slip printed two minutes later: the minutes are no misread
    ("16:34", "17:34:26", None),  # 7 is no zero's look-alike
])
def test_the_hour_s_zero_is_restored_by_the_card_slip_s_time(till, slip, expected):
    text = (f"COIFF'AND CO\n42000 SAINT-ETIENNE\nCOUPE HOMME 27,00\nTOTAL 27,00\n31/08/2025 {till}\n"
            f"CARTE BANCAIRE\nLE 31/08/25 A {slip}\nMONTANT 27,00 EUR")
    time = parse_receipt(lines_from_text(text)).time
    assert time == expected if expected else time in (till, slip[:5])  # as printed on one line or the other


@pytest.mark.parametrize("text, expected", [
    ("0009 003 062189 27/1 1/2024 14:49:10", [date(2024, 11, 27)]),  # held-out more_shops seed 71
    ("12/1 0/24", [date(2024, 10, 12)]),
    ("2/1 5/2024", []),  # no month 15
])
def test_a_month_whose_two_digits_were_read_apart(text, expected):
    """A monospace 1 is narrow and stands far from its neighbour: `27/1 1/2024` lost the receipt
    its date (refused as incomplete)."""
    assert find_dates(text) == expected
