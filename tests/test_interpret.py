"""Interpretation from stored readings: the second engine's figures spliced into lines."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from pipeline.interpret import interpret, merge_lines, name_mended, same_code_misread, splice
from pipeline.read import tidy
from pipeline.second_opinion import digit_span
from pipeline.second_opinion import lines_to_recheck
from pipeline.parse import parse_receipt
from pipeline.values import Line, Reading, Word


def line(text: str, y: int, conf: float = 90.0) -> Line:
    words, x = [], 10
    for token in text.split():
        words.append(Word(token, conf, (x, y, 14 * len(token), 26)))
        x += 14 * len(token) + 14
    return Line(text=text, conf=conf, box=(10, y, x - 24, 26), words=tuple(words))


TESSERACT = (
    line("SALON ELEGANCE", 0), line("12 RUE DE LA PAIX", 40), line("75088 PARIS", 80),
    line("SHAMPOOING KERASTASE 24,50", 160), line("SOIN FUSIO DOSE 15,00", 200),
    line("TOTAL TTC 39,56 EUR", 240), line("CB 39,50", 280), line("LE 21/11/2026 A 14H32", 320),
)


def test_digit_span_is_the_trailing_figures_or_the_postal_code():
    total = TESSERACT[5]  # TOTAL TTC 39,56 EUR: last word has no digit -> the first figure
    assert digit_span(total) == total.words[2].box
    item = TESSERACT[3]
    assert digit_span(item) == item.words[-1].box
    assert digit_span(TESSERACT[2]) == TESSERACT[2].words[0].box
    assert digit_span(TESSERACT[0]) == TESSERACT[0].box
    sized = line("KERAST. BAIN SATIN 250ML 32,96", 0)  # a size is part of the name, not a figure
    assert digit_span(sized) == sized.words[-1].box
    spaced = line("MONTANT DU 218 , 30€", 0)  # a comma read apart: the amount is its three words
    x0, x1 = spaced.words[2].box[0], spaced.words[4].box[0] + spaced.words[4].box[2]
    assert digit_span(spaced) == (x0, spaced.box[1], x1 - x0, spaced.box[3])


@pytest.mark.parametrize("raw, clean", [("20,69 1", "20,69"), ("( 63000", "63000"), ("39,50", "39,50"), ("θ,90", "0,90")])
def test_tidy_drops_neighbour_glyph_slivers(raw, clean):
    assert tidy(raw) == clean


def test_splice_replaces_only_the_words_under_the_span():
    total = TESSERACT[5]
    fix = Line(text="39,50", conf=97.0, box=total.box, words=(Word("39,50", 97.0, total.words[2].box),))
    assert splice(total, fix).text == "TOTAL TTC 39,50 EUR"
    whole = Line(text="SALON ELEGANCE", conf=95.0, box=TESSERACT[0].box, words=(Word("x", 95.0, TESSERACT[0].box),))
    assert splice(TESSERACT[0], whole).text == "SALON ELEGANCE"


def test_splice_keeps_the_minus_of_a_discount_the_second_engine_dropped():
    """`-5,60` re-read `5,00`: without its minus the discount vanished, the items were checked
    against the total instead of the subtotal, and a right price was "repaired" to fit."""
    remise = line("REMISE CARTE FIDELITE -5,60", 0)
    fix = Line(text="5,00", conf=97.0, box=remise.box, words=(Word("5,00", 97.0, remise.words[-1].box),))
    assert splice(remise, fix).text == "REMISE CARTE FIDELITE -5,00"
    item = line("SOIN FUSIO-DOSE 18,60", 0)
    fix = Line(text="18,00", conf=97.0, box=item.box, words=(Word("18,00", 97.0, item.words[-1].box),))
    assert splice(item, fix).text == "SOIN FUSIO-DOSE 18,00"


@pytest.mark.parametrize("first, second, same", [
    ("75088", "75008", True), ("66088", "66000", True), (None, "31000", True),
    ("78666", "78000", True), ("17781", "34000", False), ("75008", "69008", False), ("75008", "75008", False), ("75008", None, False),
])
def test_postal_code_is_replaced_only_by_a_reading_of_the_same_code(first, second, same):
    assert same_code_misread(first, second) is same


def test_second_engine_fixes_total_and_postal_code_from_stored_readings():
    primary = Reading("tesseract", "5", TESSERACT, variant="psm6")
    fixes = tuple(
        Line(text=t, conf=98.0, box=TESSERACT[i].box, words=(Word(t, 98.0, digit_span(TESSERACT[i])),))
        for i, t in ((2, "75008"), (5, "39,50"))
    )
    second = Reading("rapidocr", "1", fixes, variant="lines")
    alone = interpret((primary,))
    both = interpret((primary, second))
    assert alone.retailer.postal_code == "75088"
    assert both.retailer.postal_code == "75008" and both.retailer.city == "PARIS"
    assert both.total == Decimal("39.50")
    assert merge_lines(TESSERACT, fixes)[5].text == "TOTAL TTC 39,50 EUR"


def test_lines_to_recheck_takes_figures_of_total_and_postal_lines():
    picks = dict(lines_to_recheck(TESSERACT, parse_receipt(TESSERACT)))
    assert picks[2] is True and picks[5] is True and picks[6] is True  # postal, total, payment
    assert 7 not in picks  # the date was read: its line is left alone


def test_a_total_the_items_and_two_of_its_lines_agree_on_is_not_read_again():
    """Items adding up to 39,50, `TOTAL TTC 39,50` and `CB 39,50`: nothing for PP-OCR to settle on
    those lines; the postal code is still read again. With a single line printing it, or items
    that do not add up, the total's lines are read again."""
    agreed = tuple(replace(ln, text="TOTAL TTC 39,50 EUR") if i == 5 else ln for i, ln in enumerate(TESSERACT))
    picks = dict(lines_to_recheck(agreed, parse_receipt(agreed)))
    assert 5 not in picks and 6 not in picks and picks[2] is True
    alone = tuple(ln for i, ln in enumerate(agreed) if i != 6)  # no payment line printing it
    assert dict(lines_to_recheck(alone, parse_receipt(alone)))[5] is True
    assert dict(lines_to_recheck(TESSERACT, parse_receipt(TESSERACT)))[5] is True  # 39,56: items disagree


def test_item_prices_whose_comma_was_read_as_a_mark_are_read_again():
    """photo-12mp-13100049: `RITUEL FUSIO-DOSE E3%50` (13,50) was left out of the lines
    re-read when the items did not add up, so they never did; a semicolon likewise, and
    a digit too many in the cents (`COUPE HOMME 30,060`, logo-codes-500037)."""
    lines = (*TESSERACT[:3], line("RITUEL FUSIO-DOSE E3%50", 160), line("KER.GENESIS SERUM 32; 99", 200),
             line("COUPE HOMME 30,060", 220), *TESSERACT[4:])
    picks = dict(lines_to_recheck(lines, parse_receipt(lines)))
    assert picks[3] is True and picks[4] is True and picks[5] is True


def test_decorative_rows_do_not_make_a_crisp_receipt_illegible():
    from pipeline.errors import IllegibleError
    from pipeline.read import check_confidence
    from pipeline.settings import LegibilityLimits

    crisp = [line(t, 40 * i, conf=95.0) for i, t in enumerate(("SALON", "75008 PARIS", "TOTAL 24,50"))]
    stars = [line("KKKKKKKK KKK KEKE KKK", 200 + 40 * i, conf=2.0) for i in range(2)]
    check_confidence(Reading("tesseract", "5", tuple(crisp + stars)), LegibilityLimits())
    murky = tuple(line(t, 40 * i, conf=30.0) for i, t in enumerate(("SA1ON", "7S0O8 PAR1S", "T0TAL 2A,S0")))
    with pytest.raises(IllegibleError, match=r"OCR confidence 30% .* at least 45% needed"):
        check_confidence(Reading("tesseract", "5", murky), LegibilityLimits())


def test_second_engine_line_above_the_first_is_inserted_and_names_the_shop():
    """Tesseract skipped a display-font shop name; PP-OCR read the print found above its first line."""
    missed = TESSERACT[1:]
    primary = Reading("tesseract", "5", missed, variant="psm6")
    band = (60, 2, 300, 30)
    name = Line(text="SALON ELEGANCE", conf=96.0, box=band, words=(Word("SALON ELEGANCE", 96.0, band),))
    merged = merge_lines(missed, (name,))
    assert [ln.text for ln in merged[:2]] == ["SALON ELEGANCE", "12 RUE DE LA PAIX"]
    assert interpret((primary,)).retailer.name is None
    fields = interpret((primary, Reading("rapidocr", "1", (name,), variant="lines")))
    assert fields.retailer.name == "SALON ELEGANCE"
    assert fields.retailer.address == "12 RUE DE LA PAIX"


def test_a_doubtful_name_yields_to_the_second_engine_but_not_to_one_without_its_spaces():
    doubtful = (line("SALON EI EGANTE", 0, conf=40.0),) + TESSERACT[1:]
    primary = Reading("tesseract", "5", doubtful, variant="psm6")

    def second(text: str) -> Reading:
        return Reading("rapidocr", "1", (Line(text=text, conf=97.0, box=doubtful[0].box,
                                              words=(Word(text, 97.0, doubtful[0].box),)),), variant="lines")

    assert interpret((primary, second("SALON ELEGANCE"))).retailer.name == "SALON ELEGANCE"
    # PP-OCR sometimes drops the spaces of a large line: a name glued into one word is worse
    assert interpret((primary, second("SALONELEGANCE"))).retailer.name == "SALON EI EGANTE"


@pytest.mark.parametrize("first, second, mended", [
    ("STYL HAIR", "STYL'HAIR", "STYL'HAIR"),  # an apostrophe Tesseract read as a space
    ("COIFFAND CO", "COIFF'AND CO", "COIFF'AND CO"),  # ... or lost
    ("NOCTBELLE", "NOCIBELLE", "NOCIBELLE"),  # one letter
    ("Chez Marle", "CHEZ MARIE", "Chez Marie"),  # in the first reading's case
    ("U CITY MARCHE", "CITY MARCHE", None),  # a word the second reading lacks stays: a chain's U
    ("A BELLE MECHE", "BELLE MECHE", None),  # ... even where it was the table's
    ("PROXI CENTRE", "PROXICENTRE", None),  # the second engine dropped a space: nothing to mend
    ("LES CISEAUX D'OR", "LESCISEAUX DOR", None),  # it lost the apostrophe: the first had it right
    ("COIFFAND CO", "COFAND CO", None),  # letters lost
    ("SALON NATHALIE", "I SALON NATHaLE", None),  # more than one difference
    ("HAIR STUDIO 13", "HAIR STUDIO 18", None),  # digits are no letters to mend
    ("LA BELLE", "BELLE", None),  # a word of the name, not a stray letter
    ("L'ESPACE K", "L'ESPACE", None),  # the second engine cut the name short
    ("ARTENIS COIFFURE", "ARTEMIS COIFURE", "ARTEMIS COIFFURE"),  # a letter mended, one it dropped kept
    ("L'AMBASSADE DE LA COIFFURE", "LANBASSADE DE LA COIFFURE", None),  # it lost the apostrophe: no mending
    ("WATSON CAPILLAIRE", "MAISON CAPILLAIRE", "MAISON CAPILLAIRE"),  # two letters, into a word
    ("NOCTBELLE SALON", "NOCIBELLE SALUN", None),  # two letters, not all into words
    ("SUPERETTE OÙ PORT", "SUPERETTE DU PORT", "SUPERETTE DU PORT"),  # two side by side, into a word
    ("LE BISTROT DU MARCHE", "LE BISTROT DO MARCHE", None),  # a particle read right is not unmade
    ('QUICK" EAT', "QUICK'EAT", "QUICK'EAT"),  # an apostrophe read as a quote mark (seed 127)
    ("L’ ATELIER DU PORT", "L'ATELIERDUPORT", "L'ATELIER DU PORT"),  # ... the words after it kept apart
    ("L ATELIER DU PORT", "L'ATELIER DU PORT", "L'ATELIER DU PORT"),  # its words counted apart of it
    ('QUICK" EAT', "QUICK EAT", None),  # a quote mark the second reading lacks: no apostrophe seen
    ('"LA BELLE', "'LA BELLE", None),  # before the first letter: no apostrophe inside a name
])
def test_a_name_is_mended_only_where_tesseract_is_known_to_slip(first, second, mended):
    assert name_mended(first, second) == mended


@pytest.mark.parametrize("first, second, replaced", [
    ("SUPERE 1 1E DU PORT", "SUPERETTE DU PORT", "SUPERETTE DU PORT"),  # `TT` read as `1 1`
    ("SALON 8ELLA", "SALON BELLA", "SALON BELLA"),  # a word with a figure in it
    ("COIFFAND CO", "COFAND CO", None),  # no debris: letters only
    ("HAIR STUDIO 13", "HAIR STUDIO", None),  # a number of the name the second reading lacks
    ("SUPERE 1 1E DU PORT", "SUPERETTEDUPORT", None),  # the second engine glued the words
    ("CHEZ 1 MARIE", "CHEZ JEAN MARIE", None),  # a replacement unlike what it replaces
    ("1 2", "UN DEUX", None),  # no word in common
])
def test_a_name_with_debris_of_a_misread_takes_the_clear_second_reading(first, second, replaced):
    from pipeline.interpret import garbled_replaced

    assert garbled_replaced(first, second) == replaced


def name_read_twice(first: str, conf: float, second_conf: float):
    """The first engine's reading with the shop name `first` read at `conf`, and a function
    giving the second engine's reading of that name's line as `text`, at `second_conf`."""
    primary_lines = (line(first, 0, conf=conf),) + TESSERACT[1:]
    box = primary_lines[0].box

    def second(text: str) -> Reading:
        return Reading("rapidocr", "1", (Line(text=text, conf=second_conf, box=box,
                                              words=(Word(text, second_conf, box),)),), variant="lines")

    return Reading("tesseract", "5", primary_lines, variant="psm6"), second


@pytest.mark.parametrize("conf", [55.0, 36.0])  # doubted, or too faint to be taken for the name at all
def test_a_doubted_name_is_not_replaced_by_a_reading_that_dropped_its_letters(conf):
    """Seed 79's PRIX BAS, read at 36 %: PP-OCR's confident `PRI BAS` lost the X."""
    primary, second = name_read_twice("PRIX BAS", conf, 95.0)
    assert interpret((primary, second("PRI BAS"))).retailer.name == "PRIX BAS"
    assert interpret((primary, second("PRIX BAT"))).retailer.name == "PRIX BAT"  # another letter: the clearer read


def test_a_doubted_name_is_not_replaced_by_a_reading_that_glued_its_words():
    """Seed 89: `SALON U CAPELLU =|` (its space found on the page) read at 60 %, PP-OCR's
    confident `SALON UCAPELLU` glued two of its words."""
    primary, second = name_read_twice("SALON U CAPELLU", 59.5, 94.5)
    assert interpret((primary, second("SALON UCAPELLU"))).retailer.name == "SALON U CAPELLU"
    assert interpret((primary, second("SALON U CAPELLO"))).retailer.name == "SALON U CAPELLO"  # a letter: the clearer


def test_a_name_with_debris_is_replaced_only_by_a_clear_second_reading():
    primary_lines = (line("SUPERE 1 1E DU PORT", 0, conf=64.0),) + TESSERACT[1:]
    primary = Reading("tesseract", "5", primary_lines, variant="psm6")
    box = primary_lines[0].box

    def second(conf: float) -> Reading:
        text = "SUPERETTE DU PORT"
        return Reading("rapidocr", "1", (Line(text=text, conf=conf, box=box, words=(Word(text, conf, box),)),),
                       variant="lines")

    assert interpret((primary, second(91.0))).retailer.name == "SUPERETTE DU PORT"
    assert interpret((primary, second(85.0))).retailer.name == "SUPERE 1 1E DU PORT"  # not clear enough


def test_a_name_read_with_a_doubtful_word_is_read_again_and_mended_by_a_clear_second_reading():
    primary_lines = (line("NOCTBELLE", 0, conf=86.0),) + TESSERACT[1:]
    assert (0, False) in lines_to_recheck(primary_lines, parse_receipt(primary_lines))
    assert (0, False) not in lines_to_recheck(TESSERACT, parse_receipt(TESSERACT))  # read at 90: no doubt
    primary = Reading("tesseract", "5", primary_lines, variant="psm6")

    def second(text: str, conf: float) -> Reading:
        box = primary_lines[0].box
        return Reading("rapidocr", "1", (Line(text=text, conf=conf, box=box, words=(Word(text, conf, box),)),),
                       variant="lines")

    assert interpret((primary, second("NOCIBELLE", 98.0))).retailer.name == "NOCIBELLE"
    assert interpret((primary, second("NOCIBELLE", 88.0))).retailer.name == "NOCTBELLE"  # no clearer


def test_a_word_tesseract_skipped_in_a_confident_name_is_read_again_and_put_back():
    """more_shops seed 31: `CAFE SPORTS` read at 96 %, DES skipped; its place left blank between
    the two words read."""
    cafe, sports = Word("CAFE", 95.2, (346, 19, 98, 42)), Word("SPORTS", 95.9, (547, 24, 134, 26))
    skipped = Line(text="CAFE SPORTS", conf=95.6, box=(346, 19, 335, 42), words=(cafe, sports))
    primary_lines = (skipped,) + TESSERACT[1:]
    assert (0, False) in lines_to_recheck(primary_lines, parse_receipt(primary_lines))
    spaced = (replace(skipped, words=(cafe, replace(sports, box=(466, 24, 134, 26)))),) + TESSERACT[1:]
    assert (0, False) not in lines_to_recheck(spaced, parse_receipt(spaced))  # one space between them
    margin = Word("|", 95.0, (900, 19, 4, 42))  # a rule's trace far off in the margin is no word
    ruled = (replace(spaced[0], words=(*spaced[0].words, margin)),) + TESSERACT[1:]
    assert (0, False) not in lines_to_recheck(ruled, parse_receipt(ruled))

    primary = Reading("tesseract", "5", primary_lines, variant="psm6")

    def second(text: str, conf: float = 90.5) -> Reading:
        box = skipped.box
        return Reading("rapidocr", "1", (Line(text=text, conf=conf, box=box, words=(Word(text, conf, box),)),),
                       variant="lines")

    assert interpret((primary, second("CAFE DES SPORTS"))).retailer.name == "CAFE DES SPORTS"
    assert interpret((primary, second("CAFEDESSPORTS"))).retailer.name == "CAFE DES SPORTS"  # glued: the first's spaces
    assert interpret((primary, second("CAFE DES SPORTS", 85.0))).retailer.name == "CAFE SPORTS"  # not clear enough
    assert interpret((primary, second("CAFE QX SPORTS"))).retailer.name == "CAFE SPORTS"  # no word
    assert interpret((primary, second("CAFE DES SPORT"))).retailer.name == "CAFE DES SPORTS"  # a letter it dropped stays
    assert interpret((primary, second("CAFE DES SPOTRS"))).retailer.name == "CAFE SPORTS"  # and nothing else differs


def test_two_amounts_glued_by_the_second_engine_are_split():
    item = line("KER.PREMIERE BAIN DECALC 1*29,80 29,80", 0)
    span = digit_span(item)
    fix = Line(text="1*29,8029,80", conf=95.0, box=item.box, words=(Word("1*29,8029,80", 95.0, span),))
    assert splice(item, fix).text == "KER.PREMIERE BAIN DECALC 1*29,80 29,80"
    weight = line("TOMATES 0,222kg 3,79", 0)  # three decimals: a weight, not two amounts
    fix = Line(text="0,222kg 3,79", conf=95.0, box=weight.box, words=(Word("0,222kg 3,79", 95.0, weight.box),))
    assert splice(weight, fix).text == "0,222kg 3,79"


def test_a_date_glued_to_the_next_word_by_the_second_engine_is_split():
    from pipeline.interpret import unglue

    assert unglue("|Date:22/05/2025Heure:18:42") == "|Date:22/05/2025 Heure:18:42"
    assert unglue("LE 10/05/26A 16:13:02") == "LE 10/05/26 A 16:13:02"
    assert unglue("REF 1234/56/78AB") == "REF 1234/56/78AB"  # no date


def test_a_date_glued_to_its_time_by_the_second_engine_is_split():
    from pipeline.interpret import unglue

    assert unglue("3.11.2611:52") == "3.11.26 11:52"  # a year is 20xx or two digits: not 2611
    assert unglue("22/05/202518:42") == "22/05/2025 18:42"
    assert unglue("3.11.2026") == "3.11.2026"


def test_a_count_glued_to_a_unit_price_that_lost_its_comma_is_split():
    """Seed 71's `1°39,09 39,09` read by PP-OCR `1390939.09`: one amount of 1,390,939.09."""
    from pipeline.interpret import unglue

    assert unglue("1390939.09") == "1 39,09 39.09"
    assert unglue("KER.GENESIS 2104510.45") == "KER.GENESIS 2104510.45"  # 2 x 10,45 is no 10,45
    assert unglue("12345 23.45") == "12345 23.45"  # apart already


def test_with_no_date_read_a_footer_line_of_figures_is_read_again():
    """Seed 7: `3.11.26 11:52` printed clear, read `Seti 20-11352`: no date, no date shape."""
    lines = (*TESSERACT[:7], line("Seti 20-11352", 320), line("Ticket: 12345", 360), line("MERCI", 400))
    picks = dict(lines_to_recheck(lines, parse_receipt(lines)))
    assert picks.get(7) is False  # read whole
    assert 8 not in picks  # the ticket's number ends the line like a price: not a date
    dated = (*lines[:7], line("LE 21/11/2026 A 14H32", 320), *lines[8:])
    assert 7 not in dict(lines_to_recheck(dated, parse_receipt(dated)))


def test_digit_span_leaves_a_number_ending_the_name_out_of_the_figures():
    item = line("ROULEAU PEINTURE 180 1*12.90 12.90", 0)
    assert digit_span(item) == (item.words[3].box[0], 0, item.box[0] + item.box[2] - item.words[3].box[0], 26)
    siret = line("SIRET: 390 405 439 00360", 0)  # no price at the end: every figure is kept
    assert digit_span(siret)[0] == siret.words[1].box[0]


def test_item_prices_with_a_lost_separator_are_read_again():
    lines = (line("BRICOMAX", 0), line("33000 BORDEAUX", 40), line("SILICONE SANITAIRE 2*6.90 13.80", 120),
             line("CARRELAGE SOL 45X45 1#13:70 135710", 160), line("ESCABEAU ALU 107.10", 200),
             line("TOTAL 134.60", 240), line("CB 134.60", 280), line("07/04/2026 10:55", 320))
    picks = dict(lines_to_recheck(lines, parse_receipt(lines)))
    assert picks.get(3) is True  # the items do not add up, and `135710` is a price read without its comma


@pytest.mark.parametrize("first, second, fixed", [
    ("646184", "046184", "046184"), ("620831", "20831", "020831"),
    ("921948", "021948", "021948"),  # a padding zero read as 9 (seed 29: `19/99/2025` on its line)
    ("F2026-35765", "F2020-35765", None), ("0011-081622", "0011-081022", None),  # not inside the number
    ("646184", "646184", None), ("646184", "746184", None), ("046184", "646184", None), (None, "046184", None),
    ("F2026-19278", "F2026-10278", None),  # PP-OCR reads a 9 as 0 as often as the reverse
    # barred zeros (θ) all read as 6 or 8, one of them as two digits: the font's, restored throughout
    ("6666-6730657", "0006-073057", "0006-073057"), ("6611-6026884", "0011-026804", "0011-026804"),
    ("F2026-86896", "F2026-80806", None),  # a 9 for a 0 among them: not the font's zeros
    ("6611-6026884", "0011-026704", None),  # another digit differs
    # the number after a zero-padded till number is padded too (seed 67): not after an invoice's year
    ("0003-671948", "0003-071948", "0003-071948"), ("F2025-65631", "F2025-05631", None),
    ("0604-051744", "0004-051744", "0004-051744"),  # a zero padding the till number (seed 79)
    ("0011-016622", "0011-010622", None),  # a zero after other figures is no padding
])
def test_ticket_zeros_are_restored_only_where_the_first_read_a_look_alike(first, second, fixed):
    from pipeline.interpret import zeros_restored

    assert zeros_restored(first, second) == fixed


def test_ticket_with_zero_look_alikes_is_read_again_and_restored():
    lines = TESSERACT[:7] + (line("TICKET N° 646184", 320), line("LE 21/11/2026 A 14H32", 360))
    fields = parse_receipt(lines)
    assert fields.ticket == "646184"
    picks = dict(lines_to_recheck(lines, fields))
    assert picks.get(7) is True
    fix = Line(text="046184", conf=98.0, box=lines[7].box, words=(Word("046184", 98.0, digit_span(lines[7])),))
    both = interpret((Reading("tesseract", "5", lines, variant="psm6"), Reading("rapidocr", "1", (fix,), variant="lines")))
    assert both.ticket == "046184"


def test_a_till_line_the_second_engine_read_without_spaces_is_cut_where_the_first_cut_it():
    """Seed 29: `6191 005 921948 19/99/2025 14:27:59`, zeros read as 6 and 9, re-read by PP-OCR
    `019100502194819/09/202514:27:59`: right digits, no spaces, so no ticket number in it."""
    lines = TESSERACT[:7] + (line("6191 005 921948 19/99/2025 14:27:59", 320), line("MERCI", 360))
    fields = parse_receipt(lines)
    assert fields.ticket == "921948"
    picks = dict(lines_to_recheck(lines, fields))
    assert picks.get(7) is True
    glued = "019100502194819/09/202514:27:59"
    fix = Line(text=glued, conf=96.0, box=lines[7].box, words=(Word(glued, 96.0, digit_span(lines[7])),))
    assert splice(lines[7], fix).text == "0191 005 021948 19/09/2025 14:27:59"
    both = interpret((Reading("tesseract", "5", lines, variant="psm6"), Reading("rapidocr", "1", (fix,), variant="lines")))
    assert both.ticket == "021948"


@pytest.mark.parametrize("read, words, spaced", [
    ("SALONELEGANCE", ["SALON", "ELEGANCE"], "SALONELEGANCE"),  # words: a name's spaces are judged elsewhere
    ("14,20 2,84", ["14,20", "2,84"], "14,20 2,84"),
    ("0191 005021948", ["6191", "005", "921948"], "0191 005 021948"),
    ("14,202,84", ["14,26", "2,84"], "14,20 2,84"),
    ("01910050219481", ["6191", "005", "921948"], "01910050219481"),  # a digit more: not the same cut
    ("0191 005 021948", ["6191", "005", "921948"], "0191 005 021948"),  # spaced already
    ("39,50", ["39", ",", "50"], "39,50"),  # a separator read apart is not digits: as read
])
def test_spaced_like_cuts_only_a_reading_that_differs_in_digits(read, words, spaced):
    from pipeline.interpret import spaced_like

    assert spaced_like(read, words) == spaced


def test_a_ticket_line_the_first_engine_lost_is_taken_from_the_second():
    """Tesseract skipped `Receipt No.34465` between the date and the card slip (seed 71);
    the second engine read the line in the gap."""
    lines = TESSERACT
    assert parse_receipt(lines).ticket is None
    lost = Line(text="Receipt No.34465", conf=97.0, box=(10, 360, 300, 26),
                words=(Word("Receipt No.34465", 97.0, (10, 360, 300, 26)),))
    both = interpret((Reading("tesseract", "5", lines, variant="psm6"), Reading("rapidocr", "1", (lost,), variant="lines")))
    assert both.ticket == "34465" and both.confidence["ticket"] > 0


def test_a_zero_inside_a_ticket_is_restored_where_the_font_shows_its_zeros_misread():
    """`Ticket: 56884` for 56804: PP-OCR alone reads a 6 as 0 as often as the reverse, but
    here it also restored the zeros of the postal code and SIRET Tesseract read as 6."""
    lines = (line("BELLE MECHE", 0), line("84B BOULEVARD GAMBETTA", 40), line("67666 STRASBOURG", 80),
             line("N° SIRET 845696707 66957", 120), line("SOIN PROFOND 17,00", 160),
             line("MONTANT DU 17,00", 200), line("CB 17,00", 240), line("21.10.25 9:39", 280),
             line("Ticket: 56884", 320))
    fields = parse_receipt(lines)
    assert fields.retailer.siret == "84569670700957" and fields.ticket == "56884"
    def picked(postal: str, siret: str) -> bool:
        these = lines[:2] + (line(postal, 80), line(siret, 120)) + lines[4:]
        return dict(lines_to_recheck(these, parse_receipt(these))).get(8) is True

    assert picked("67666 STRASBOURG", "N° SIRET 845696707 66957")
    assert picked("67000 STRASBOURG", "N° SIRET 845696707 66957")  # the SIRET passed its keys only so
    assert picked("67666 STRASBOURG", "N° SIRET 845696707 00957")  # 67666 is no place, 67000 is
    assert picked("67006 STRASBOURG", "N° SIRET 845696707 00957")  # restored by its city (seed 61): still a sign
    assert not picked("67000 STRASBOURG", "N° SIRET 845696707 00957")  # no sign of the font: not read

    def fixed(*pairs: tuple[int, str]) -> Reading:
        return Reading("rapidocr", "1", tuple(Line(text=t, conf=99.0, box=lines[i].box,
                                                   words=(Word(t, 99.0, digit_span(lines[i])),)) for i, t in pairs),
                       variant="lines")

    first = Reading("tesseract", "5", lines, variant="psm6")
    assert interpret((first, fixed((2, "67000"), (8, "56804")))).ticket == "56804"
    assert interpret((first, fixed((8, "56804")))).ticket == "56884"  # one zero, no other sign: kept
    assert interpret((first, fixed((2, "67100"), (8, "56804")))).ticket == "56884"  # not a zero's misread


def test_a_siret_failing_its_keys_is_read_again_even_unspaced():
    lines = TESSERACT[:2] + (line("SIRET : 26127103600006", 60),) + TESSERACT[2:]
    fields = parse_receipt(lines)
    assert fields.retailer.siret == "26127103600006"
    assert dict(lines_to_recheck(lines, fields)).get(2) is True
    valid = TESSERACT[:2] + (line("SIRET : 26127193600906", 60),) + TESSERACT[2:]
    assert 2 not in dict(lines_to_recheck(valid, parse_receipt(valid)))


def test_item_zone_of_the_recheck_starts_below_an_address_saying_du():
    """`130 PLACE DU MARCHE` matched the `MONTANT DU` label: the item lines were never read again."""
    lines = (line("COIFF'AND CO", 0), line("130 PLACE DU MARCHE", 40), line("69003 LYON", 80),
             line("TEL: 04.96.93.27.20", 120), line("SOIN FUSIO DOSE KERASTASE 16,50", 160),
             line("GENESIS BAIN HYDRA-FORTIFIANT 250ML 41,/9", 200), line("CIRE COIFFANTE 75ML 15,30", 240),
             line("A PAYER 73,59", 280), line("CB 73,59", 320), line("Date : 15/08/2025 09:09", 360))
    picks = dict(lines_to_recheck(lines, parse_receipt(lines)))
    assert {4, 5, 6} <= set(picks)  # `41,/9`: a 7 read as a slash, re-read like the other prices


def test_a_date_the_first_engine_misread_is_taken_from_the_second():
    """`13 AQUT 2026`: the month's name unreadable; PP-OCR re-read the line whole."""
    lines = TESSERACT[:7] + (line("13 AQUT 2026 A 17H39", 320),)
    alone = interpret((Reading("tesseract", "5", lines, variant="psm6"),))
    assert alone.date is None
    assert dict(lines_to_recheck(lines, parse_receipt(lines))).get(7) is False  # the whole line
    fix = Line(text="13 aout 2026 a 17h39", conf=98.0, box=lines[7].box, words=(Word("13 aout 2026 a 17h39", 98.0, lines[7].box),))
    both = interpret((Reading("tesseract", "5", lines, variant="psm6"), Reading("rapidocr", "1", (fix,), variant="lines")))
    assert str(both.date) == "2026-08-13" and both.time == "17:39"


def test_a_date_taken_from_the_second_engine_brings_the_time_it_read_beside_it():
    """Seed 79: `92;10.25 18:90`, the date unread and the time's 56 read 90 (zeroed to 18:00)."""
    lines = TESSERACT[:7] + (line("92;10.25 18:90", 320),)
    alone = interpret((Reading("tesseract", "5", lines, variant="psm6"),))
    assert alone.date is None and alone.time == "18:00"
    fix = Line(text="22.10.25 18:56", conf=97.0, box=lines[7].box, words=(Word("22.10.25 18:56", 97.0, lines[7].box),))
    both = interpret((Reading("tesseract", "5", lines, variant="psm6"), Reading("rapidocr", "1", (fix,), variant="lines")))
    assert str(both.date) == "2025-10-22" and both.time == "18:56"


def test_a_siret_read_again_passing_its_check_keys_replaces_a_misread_one():
    from pipeline.parse.retailer import luhn_ok

    lines = TESSERACT[:2] + (line("SIRET 566 908 174 10691", 60),) + TESSERACT[2:]  # a 0 read as 1: no repair
    alone = interpret((Reading("tesseract", "5", lines, variant="psm6"),))
    assert alone.retailer.siret == "56690817410691" and not luhn_ok("56690817410691")
    picks = dict(lines_to_recheck(lines, parse_receipt(lines)))
    assert picks.get(2) is True

    def fixed(text: str) -> Reading:
        return Reading("rapidocr", "1", (Line(text=text, conf=99.0, box=lines[2].box,
                                              words=(Word(text, 99.0, digit_span(lines[2])),)),), variant="lines")

    both = interpret((Reading("tesseract", "5", lines, variant="psm6"), fixed("566 908 174 00691")))
    assert both.retailer.siret == "56690817400691" and luhn_ok(both.retailer.siret)
    wrong = interpret((Reading("tesseract", "5", lines, variant="psm6"), fixed("566 908 174 00692")))
    assert wrong.retailer.siret == "56690817410691"  # a second read failing the keys changes nothing


@pytest.mark.parametrize("first, second, fixed", [
    ("278 AV. DE LA LIBERATION", "27B", "27B AV. DE LA LIBERATION"),
    ("848 RUE DES ECOLES", "84BRUEDESECOLES", "84B RUE DES ECOLES"),  # PP-OCR glued the whole line
    ("278 AV. DE LA LIBERATION", "278", None), ("12 RUE DE LA PAIX", "12B", None), (None, "27B", None),
])
def test_a_street_number_bis_read_as_8_is_restored_by_the_second_reading(first, second, fixed):
    from pipeline.interpret import bis_restored

    assert bis_restored(first, second) == fixed


def test_a_street_number_ending_in_8_is_read_again():
    lines = (line("SALON ELEGANCE", 0), line("278 AV. DE LA LIBERATION", 40), line("57000 METZ", 80)) + TESSERACT[3:]
    assert dict(lines_to_recheck(lines, parse_receipt(lines))).get(1) is True


def underlined(text: str, y: int, conf: float) -> Line:
    from dataclasses import replace

    return replace(line(text, y, conf), underlined=True)


UNDERLINED = (
    line("SALON ELEGANCE", 0), line("12 RUE DE LA PAIX", 40), line("75008 PARIS", 80),
    underlined("KERAST, RIONNN ARSNIII RATN J1IIMTERE F0 *40,29", 160, 56.0),
    underlined("SOIN FUSIO DOSE 15,00", 200, 93.0),
    line("TOTAL TTC 55,29 EUR", 240), line("CB 55,29", 280), line("LE 21/11/2026 A 14H32", 320),
)


def whole(of: Line, text: str, conf: float) -> Line:
    return Line(text=text, conf=conf, box=of.box, words=(Word(text, conf, of.box),))


def test_underlined_lines_are_read_again_whole():
    picks = dict(lines_to_recheck(UNDERLINED, parse_receipt(UNDERLINED)))
    assert picks[3] is False and picks[4] is False  # whole lines, not their figures


def test_an_underlined_line_takes_the_clearer_reading_and_keeps_figures_the_pen_garbled():
    # the second engine reads the name through the pen, but not the price under it
    fixes = (whole(UNDERLINED[3], "KERASL. BLOND ABSOLU BAIN LUMIERE-25OML t40-29-", 84.4),
             whole(UNDERLINED[4], "SOIN FUSI0 D0SE 15,00", 90.0))  # no clearer than the first reading
    merged = merge_lines(UNDERLINED, fixes)
    assert merged[3].text == "KERASL. BLOND ABSOLU BAIN LUMIERE-25OML *40,29" and merged[3].underlined
    assert merged[4] is UNDERLINED[4]
    fields = interpret((Reading("tesseract", "5", UNDERLINED, variant="psm6"),
                        Reading("rapidocr", "1", fixes, variant="lines")))
    assert [(i.name, i.price) for i in fields.items] == [  # the item's size read 25OML is restored too
        ("KERASL. BLOND ABSOLU BAIN LUMIERE-250ML", Decimal("40.29")), ("SOIN FUSIO DOSE", Decimal("15.00"))]


def test_an_underlined_line_takes_its_figures_from_the_reading_that_ends_in_an_amount():
    fix = whole(UNDERLINED[3], "KERAST. BLOND ABSOLU BAIN LUMIERE 250ML 40,29", 88.0)  # clearer: all of it
    assert merge_lines(UNDERLINED, (fix,))[3].text == "KERAST. BLOND ABSOLU BAIN LUMIERE 250ML 40,29"
    fix = whole(UNDERLINED[4], "SOIN FUSI0 D0SE 16,00", 90.0)  # no clearer: the first's figures stay
    assert merge_lines(UNDERLINED, (fix,))[4] is UNDERLINED[4]
    cut = underlined("SOIN FUSIO 18.0", 200, 88.0)  # the pen took the last zero
    fix = whole(cut, "SOIN FUS1O KA18.00", 74.0)  # less confident, glued, but its price is whole
    assert merge_lines((cut,), (fix,))[0].text == "SOIN FUSIO 18.00"
    cut = underlined("RITUEL FUSIO-DOSE 50.", 240, 80.0)  # the pen took the euros
    fix = whole(cut, "RITUEL FUSIO-DOSE N.8, 50.", 84.9)  # they were read glued to a pen mark
    assert merge_lines((cut,), (fix,))[0].text == "RITUEL FUSIO-DOSE 8, 50."
    glued = whole(UNDERLINED[3], "KERAST.BLONDABSOLU BAINLUMIERE250ML 40,29", 99.0)  # spaces lost: its price only
    assert merge_lines(UNDERLINED, (glued,))[3].text == "KERAST, RIONNN ARSNIII RATN J1IIMTERE 40,29"


def test_underlined_lines_take_the_second_readings_figures_where_only_those_add_up():
    """Seed 89: a font whose zeros Tesseract read 6 (`COUPE HOMME 1*32.66`); PP-OCR read the
    underlined lines right but no clearer, so the first reading's figures stayed and the
    items added up to nothing. Taken together, the second's figures add up to the total."""
    lines = (
        line("STYL'HAIR", 0), line("139 RUE DE LA REPUBLIQUE", 40), line("69002 LYON", 80),
        underlined("COUPE HOMME 1*32.66 32.66", 160, 92.0), underlined("SOIN FUSIO-DOSE 14.66", 200, 92.0),
        line("COUPE FEMME 48.00", 240), line("TOTAL 94.00 EUR", 280), line("CB 94.00", 320),
        line("15/06/2025 11:51", 360),
    )
    fixes = (whole(lines[3], "COUPE HOME.1*32.0 32.00", 90.0), whole(lines[4], "SOIN FUSI0-DOSE 14.00", 91.0))
    fields = interpret((Reading("tesseract", "5", lines, variant="psm6"), Reading("rapidocr", "1", fixes, variant="lines")))
    assert [(i.name, i.price) for i in fields.items] == [  # the names stay the first reading's
        ("COUPE HOMME", Decimal("32.00")), ("SOIN FUSIO-DOSE", Decimal("14.00")), ("COUPE FEMME", Decimal("48.00"))]
    # where the first reading's figures add up, they stay
    right = tuple(replace(ln, text=ln.text.replace(".66", ".00")) for ln in lines)
    fields = interpret((Reading("tesseract", "5", right, variant="psm6"),
                        Reading("rapidocr", "1", (whole(right[3], "COUPE HOMME 32.80", 90.0),), variant="lines")))
    assert [i.price for i in fields.items] == [Decimal("32.00"), Decimal("14.00"), Decimal("48.00")]


def test_a_second_reading_that_lost_a_digit_of_the_cents_is_not_spliced_in():
    """Seed 89: `TOTAL 183.60 EUR` re-read `183.6` became a total of 183,06 or 183,66."""
    total = line("TOTAL 183.60 EUR", 240)
    fix = Line(text="183.6", conf=95.0, box=total.box, words=(Word("183.6", 95.0, total.words[1].box),))
    assert splice(total, fix) is total
    fix = Line(text="183.66", conf=95.0, box=total.box, words=(Word("183.66", 95.0, total.words[1].box),))
    assert splice(total, fix).text == "TOTAL 183.66 EUR"


def test_a_doubted_two_letter_speck_above_the_shop_name_is_not_the_name():
    """Seed 7: `ll` read at 49 % above `STYL'HAIR` was taken for the name, and PP-OCR's
    `STYLHAIR` then replaced it; alone above the address, such a line is still the name
    (it stands for a name the engine missed, which the second reading then gives)."""
    rest = (line("119 RUE NATIONALE", 80), line("20200 BASTIA", 120), line("SOIN 27,14", 160),
            line("TOTAL 27,14", 200), line("CB 27,14", 240), line("21/11/2026 14:32", 280))
    speck = line("ll", 0, conf=49.0)
    fields = parse_receipt((speck, line("STYL'HAIR", 40, conf=91.0)) + rest)
    assert fields.retailer.name == "STYL'HAIR"
    assert parse_receipt((speck,) + rest).retailer.name == "ll"
    # read confidently, two letters alone over a name line are a logo's reading (parser 88, 90);
    # alone over the address, still the name
    assert parse_receipt((line("ll", 0, conf=80.0), line("STYL'HAIR", 40, conf=91.0)) + rest).retailer.name == "STYL'HAIR"
    assert parse_receipt((line("ll", 0, conf=80.0),) + rest).retailer.name == "ll"


def test_a_date_line_that_lost_a_separator_is_read_again_when_no_date_was_read():
    lines = TESSERACT[:7] + (line("are LE 11 08/72026 A Las ee", 320),)
    fields = parse_receipt(lines)
    assert fields.date is None
    assert dict(lines_to_recheck(lines, fields)).get(7) is False  # the whole line
    dated = TESSERACT[:7] + (line("LE 17/08/2026 A 14:57", 320), line("are LE 11 08/72026", 360))
    assert 8 not in dict(lines_to_recheck(dated, parse_receipt(dated)))  # a date read: no crop


def test_the_second_total_whose_items_add_up_wins_over_a_first_whose_items_do_not():
    """Seed 79's INSTANT BEAUTE: Tesseract read its zeros as 6 (`10,66`, `55,66`, `65,60`)
    with more confidence than PP-OCR's `65,0`; PP-OCR's prices add up to its total."""
    first = (line("INSTANT BEAUTE", 0), line("97400 SAINT-DENIS", 40), line("SOIN FUSIO-DOSE 10,66", 160),
             line("FORFAIT SHAMP COUPE BRUSH 55,66", 200), line("TOTAL 65,60 EUR", 240, conf=95.0),
             line("CARTE BLEUE 65, 66", 280), line("11/02/2025 15:49", 320))

    def figures(row: Line, text: str, conf: float) -> Line:
        box = row.words[-2 if row.text.endswith("EUR") else -1].box
        return Line(text=text, conf=conf, box=row.box, words=(Word(text, conf, box),))

    second = (figures(first[2], "10,00", 97.0), figures(first[3], "55,00", 97.0),
              figures(first[4], "65,0", 60.0), figures(first[5], "65,00", 97.0))
    fields = interpret((Reading("tesseract", "5", first, variant="psm6"),
                        Reading("rapidocr", "1", second, variant="lines")))
    assert fields.total == Decimal("65.00")
    assert [f"{i.price:.2f}" for i in fields.items] == ["10.00", "55.00"]


def test_items_that_add_up_to_the_total_less_a_discount_take_the_second_engines_prices():
    """Seed 83: `18,76` for 18,70 above `AVANTAGE FIDELITE -5,08`; PP-OCR reads both right, and
    only its figures add up to MONTANT DU once the discount printed among the items is counted."""
    first = (line("BEAUTY SUCCESS", 0), line("51100 REIMS", 40), line("VERNIS A ONGLES 18,76", 120),
             line("EAU DE PARFUM 50ML 113,80", 160), line("FOND DE TEINT FLUIDE 46,60", 200),
             line("AVANTAGE FIDELITE -5,08", 240), line("MONTANT DU 174,10", 280), line("ESP. 200,00", 320),
             line("MONNAIE RENDUE 25,90", 360), line("13/01/2025 18:35", 400))
    fields = parse_receipt(first)
    assert fields.discounts == Decimal("-5.08")
    assert 2 in dict(lines_to_recheck(first, fields))  # its prices do not add up: read again
    fixes = tuple(Line(text=t, conf=97.0, box=first[i].box, words=(Word(t, 97.0, first[i].words[-1].box),))
                  for i, t in ((2, "18,70"), (5, "-5,00")))
    got = interpret((Reading("tesseract", "5", first), Reading("rapidocr", "1", fixes, variant="lines")))
    assert [str(i.price) for i in got.items] == ["18.70", "113.80", "46.60"]
    assert got.total == Decimal("174.10")
    crisp = tuple(replace(ln, text=ln.text.replace("18,76", "18,70").replace("-5,08", "-5,00")) for ln in first)
    assert 2 not in dict(lines_to_recheck(crisp, parse_receipt(crisp)))  # they add up less the discount: not read again


def test_the_means_of_payment_follow_the_total_the_second_engine_read():
    """Tesseract read 39,56 on the total and the card lines; PP-OCR read both 39,50: the card
    paid the total taken, not the one left behind."""
    from pipeline.values import Tender

    lines = TESSERACT[:5] + (line("TOTAL TTC 39,56 EUR", 240), line("CB 39,56", 280), line("LE 21/11/2026 A 14H32", 320))
    primary = Reading("tesseract", "5", lines, variant="psm6")
    fixes = tuple(Line(text=t, conf=98.0, box=lines[i].box, words=(Word(t, 98.0, digit_span(lines[i])),))
                  for i, t in ((5, "39,50"), (6, "39,50")))
    alone = interpret((primary,))
    both = interpret((primary, Reading("rapidocr", "1", fixes, variant="lines")))
    assert alone.total == Decimal("39.56") and alone.payments == (Tender("card", Decimal("39.56")),)
    assert both.total == Decimal("39.50") and both.payments == (Tender("card", Decimal("39.50")),)
