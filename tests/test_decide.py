"""The decision stage: each rule of seed 002 broken once and honoured once, on the samples' truth."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime, time
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.catalog import load_catalog_dir
from pipeline.decide import (Claim, History, ParticipantView, check_membership, decide, decision_to_dict,
                             identity_key)
from pipeline.errors import Reason
from pipeline.match import match_items, match_retailer
from pipeline.program import load_rules
from pipeline.reasons import REASONS, reason_table
from pipeline.settings import PROGRAMS_DIR, TIMEZONE
from pipeline.values import Item, ReceiptFields, Retailer
from samples.generator import goods
from tests.sample_fields import fields_of, truth

ROOT = Path(__file__).resolve().parent.parent
CATALOG = load_catalog_dir(ROOT / "samples" / "catalogs" / "salon-rewards")
RULES = load_rules(PROGRAMS_DIR, "salon-rewards")
SIMON = ParticipantView(last_name="SIMON", first_name="Marie", birth_date=date(1990, 2, 14), postal_code="31000",
                        country="FR")


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), TIMEZONE)


def run(fields: ReceiptFields, *, declared: date | datetime | None = None, participant: ParticipantView = SIMON,
        history: History = History(), rules=RULES, **claim):
    declared = declared or fields.date + relativedelta(days=3)
    when = declared if isinstance(declared, datetime) else at(declared)
    return decide(fields, match_retailer(fields.retailer, CATALOG, rules.matching),
                  match_items(fields.items, CATALOG, rules.matching),
                  Claim(declared_at=when, participant=participant, **claim), history, rules,
                  catalog_version=CATALOG.version)


def run_prior(fields, prior, status):
    when = at(fields.date + relativedelta(days=3))
    return decide(fields, match_retailer(fields.retailer, CATALOG, RULES.matching),
                  match_items(fields.items, CATALOG, RULES.matching), Claim(declared_at=when, participant=SIMON),
                  History(), RULES, catalog_version=CATALOG.version, prior_reasons=prior, prior_status=status)


KERASTASE = fields_of("salon-photo-kerastase")  # L'ESPACE K 42000: PATINE 28.50, K.GENESIS ... 60.40
THREE = fields_of("salon-photo-exif-rotated")  # Mme SIMON Marie; three Kérastase lines 42.50 + 53.40 + 35.79
FUSIO = fields_of("salon-scan-fusio-dose")  # BALAYAGE 95.00, FUSIODOSE 8.50, MOROCCANOIL 36.10


def with_items(fields: ReceiptFields, *items: tuple[str, str] | tuple[str, str, str]) -> ReceiptFields:
    return replace(fields, items=tuple(Item(i[0], Decimal(i[2]) if len(i) > 2 else Decimal(1), Decimal(i[1]))
                                       for i in items))


# -- the samples, as their truth says ------------------------------------------------------

@pytest.mark.parametrize("stem, status, reasons, points", [
    ("salon-photo-kerastase", "accepted", [], 60),
    ("salon-photo-fusio-dose", "accepted", [], 30 + 58),  # 17.50 Fusio-Dose; floor(27.90 + 30.40)
    ("salon-scan-fusio-dose", "accepted", [], 30),
    ("rephoto-a", "accepted", [], 30 + 76),  # floor(43.39 + 33.40)
    ("underlined-products", "accepted", [], 77),  # floor(26.20 + 50.80)
    ("salon-photo-exif-rotated", "accepted", [], 131),  # floor(42.50 + 53.40 + 35.79)
    ("card-slip-contactless", "rejected", ["card_slip"], 0),
    ("duplicata-reprint", "rejected", ["duplicata"], 0),
    ("perfumery-photo-kerastase", "rejected", ["retailer_not_approved"], 0),
    ("supermarket-photo-shadow", "rejected", ["retailer_not_approved"], 0),
    ("salon-photo-english", "rejected", ["outside_territory"], 0),  # Saint-Denis, La Réunion
    ("edited-date", "rejected", ["outside_territory"], 0),
])
def test_samples_decide_as_their_truth_says(stem, status, reasons, points):
    d = run(fields_of(stem))
    assert (d.status, list(d.reasons), d.points) == (status, reasons, points)
    if status == "accepted":
        credited = [line.index for line in d.lines if line.points > 0]
        assert credited == truth(stem)["declarable"]


# -- refused proofs ---------------------------------------------------------------------------

@pytest.mark.parametrize("marker", ["card_slip", "duplicata"])
def test_refused_markers(marker):
    assert run(replace(KERASTASE, markers=(marker,))).reasons == (marker,)
    assert run(replace(KERASTASE, markers=("e_ticket",))).status == "accepted"


# -- dates --------------------------------------------------------------------------------------

def test_declared_within_twelve_months_inclusive():
    bought = KERASTASE.date  # 2026-05-01
    assert run(KERASTASE, declared=date(2027, 5, 1)).status == "accepted"
    late = run(KERASTASE, declared=date(2027, 5, 2))
    assert late.status == "rejected" and late.reasons == ("purchase_too_old",) and late.points == 0
    assert bought == date(2026, 5, 1)


def test_as_of_is_the_paris_date_of_the_declaration():
    from datetime import timezone

    assert run(KERASTASE, declared=at(date(2027, 5, 1), hour=23)).status == "accepted"
    # 22:30 UTC on the last allowed day is already the next day in Paris
    utc = datetime(2027, 5, 1, 22, 30, tzinfo=timezone.utc)
    assert run(KERASTASE, declared=utc).reasons == ("purchase_too_old",)


def test_purchase_in_the_future():
    assert run(KERASTASE, declared=KERASTASE.date).status == "accepted"  # same day
    d = run(KERASTASE, declared=KERASTASE.date - relativedelta(days=1))
    assert d.status == "rejected" and d.reasons == ("purchase_in_future",)


# -- place ----------------------------------------------------------------------------------------

def test_retailer_must_be_approved():
    other = replace(KERASTASE, retailer=replace(KERASTASE.retailer, name="BELLE MECHE"))  # not approved
    d = run(other)
    assert d.status == "rejected" and d.reasons == ("retailer_not_approved",)
    assert run(KERASTASE).status == "accepted"


def test_online_shop_is_approved():
    online = replace(KERASTASE, retailer=Retailer(name="KERASTASE.FR", postal_code="92300", city="LEVALLOIS-PERRET"))
    assert run(online).status == "accepted"


def test_doubtful_retailer_goes_to_review():
    elsewhere = replace(KERASTASE, retailer=replace(KERASTASE.retailer, postal_code="23000"))  # Guéret: no such salon
    d = run(elsewhere)
    assert d.status == "review" and d.reasons == ("retailer_uncertain",) and d.points == 60


@pytest.mark.parametrize("postal, city", [("20000", "AJACCIO"), ("98000", "MONACO")])
def test_corsica_and_monaco_are_inside(postal, city):
    there = replace(KERASTASE, retailer=replace(KERASTASE.retailer, postal_code=postal, city=city))
    assert run(there).status == "accepted"


def test_overseas_is_outside():
    d = run(replace(KERASTASE, retailer=replace(KERASTASE.retailer, postal_code="97400", city="SAINT-DENIS")))
    assert d.status == "rejected" and d.reasons == ("outside_territory",)


def test_currency_must_be_euro():
    d = run(replace(KERASTASE, currency="CHF"))
    assert d.status == "rejected" and d.reasons == ("currency_not_eur",)
    assert run(replace(KERASTASE, currency="EUR")).status == "accepted"


# -- lines ------------------------------------------------------------------------------------------

def test_no_eligible_product():
    d = run(with_items(KERASTASE, ("PATINE", "28.50"), ("COUPE FEMME", "40.00")))
    assert d.status == "rejected" and d.reasons == ("no_eligible_product",) and d.points == 0


def test_professional_products_earn_nothing():
    d = run(with_items(KERASTASE, ("K.GENESIS BAIN HYDRA-FORTIFIANT 250ML", "60.40"),
                       ("KER BAIN SATIN 1 FORMAT PROFESSIONNEL 1000ML", "79.00")))
    assert d.status == "accepted" and d.reasons == ("professional_product",) and d.points == 60
    assert d.lines[1].reason == "professional_product" and d.lines[1].points == 0
    only = run(with_items(KERASTASE, ("KER BAIN SATIN 1 FORMAT PROFESSIONNEL 1000ML", "79.00")))
    assert only.status == "rejected" and only.reasons == ("professional_product", "no_eligible_product")


@pytest.mark.parametrize("price, points, reasons", [
    ("8.00", 30, ()), ("18.00", 30, ()), ("12.50", 30, ()),
    ("7.99", 0, ("service_price_out_of_range",)), ("18.01", 0, ("service_price_out_of_range",)),
])
def test_fusio_dose_earns_30_points_between_8_and_18_euros(price, points, reasons):
    fields = with_items(FUSIO, ("BALAYAGE", "95.00"), ("FUSIODOSE", price), ("K BAIN SATIN 2 250ML", "30.20"))
    d = run(fields)
    assert d.status == "accepted" and d.reasons == reasons and d.points == points + 30
    assert d.lines[1].points == points


def test_a_service_counts_per_unit_price():
    d = run(with_items(FUSIO, ("FUSIODOSE", "34.00", "2")))  # two at 17.00
    assert d.points == 60 and d.units == 2


def test_points_are_the_floor_of_the_sum_not_of_each_line():
    d = run(with_items(KERASTASE, ("K BAIN SATIN 2 250ML", "20.60"), ("K BAIN SATIN 1 250ML", "20.60")))
    assert d.points == 41  # floor(41.20), not 20 + 20
    assert [line.points for line in d.lines] == [20, 21]


def test_doubtful_line_goes_to_review():
    d = run(with_items(KERASTASE, ("K.GENESIS BAIN HYDRA-FORTIFIANT 250ML", "60.40"),
                       ("KERAST. ELIXIR ULTIME MASQUE", "45.00")))
    assert d.status == "review" and d.reasons == ("product_uncertain",)
    assert d.points == 60  # what acceptance would credit: the doubtful line is not guessed


# -- beneficiary ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("last, first", [("SIMON", "Marie"), ("simon", "marie"), ("Simon", "Marie")])
def test_beneficiary_matches_the_participant(last, first):
    assert THREE.beneficiary == "Mme SIMON Marie"
    d = run(THREE, participant=replace(SIMON, last_name=last, first_name=first))
    assert d.status == "accepted" and d.points == 131


def test_beneficiary_of_someone_else_is_refused():
    d = run(THREE, participant=replace(SIMON, last_name="DUPONT", first_name="Julie"))
    assert d.status == "rejected" and d.reasons == ("name_mismatch",) and d.points == 0


def test_beneficiary_with_an_incomplete_profile_goes_to_review():
    d = run(THREE, participant=ParticipantView())
    assert d.status == "review" and d.reasons == ("beneficiary_uncertain",)
    assert run(KERASTASE, participant=ParticipantView()).status == "accepted"  # no beneficiary printed


# -- monthly cap ---------------------------------------------------------------------------------------

def test_monthly_cap_credits_up_to_five_units():
    assert [i.quantity for i in THREE.items] == [1, 1, 2, 1]  # four Kérastase units
    assert run(THREE, history=History(units_this_month=1)).units == 4
    d = run(THREE, history=History(units_this_month=3))  # two left, in receipt order
    assert d.status == "accepted" and d.reasons == ("monthly_cap_reached",)
    assert d.units == 2 and d.points == 69  # floor(42.50 + 53.40 / 2)
    assert [line.units for line in d.lines] == [0, 1, 1, 0]
    assert [line.reason for line in d.lines] == [None, None, "monthly_cap_reached", "monthly_cap_reached"]
    full = run(THREE, history=History(units_this_month=5))
    assert full.status == "rejected" and full.reasons == ("monthly_cap_reached",) and full.points == 0


def test_cap_counts_quantities():
    d = run(with_items(KERASTASE, ("K BAIN SATIN 2 250ML", "60.00", "2")), history=History(units_this_month=4))
    assert d.units == 1 and d.points == 30 and d.reasons == ("monthly_cap_reached",)


# -- declared place and date ---------------------------------------------------------------------------------

def test_declared_date_must_be_the_receipts():
    assert run(KERASTASE, declared_purchase_date=KERASTASE.date).status == "accepted"
    d = run(KERASTASE, declared_purchase_date=KERASTASE.date + relativedelta(days=1))
    assert d.status == "review" and d.reasons == ("declared_date_mismatch",)


@pytest.mark.parametrize("said, status", [("L'Espace K", "accepted"), ("l espace k", "accepted"),
                                          ("Salon Elegance", "review"), ("Hair Studio 13", "review")])
def test_declared_retailer_must_be_the_receipts(said, status):
    d = run(KERASTASE, declared_retailer=said)
    assert d.status == status
    assert d.reasons == (() if status == "accepted" else ("declared_retailer_mismatch",))


# -- program stop -------------------------------------------------------------------------------------------

def test_no_points_after_the_stop_is_announced():
    stopped = replace(RULES, stop=replace(RULES.stop, announced_on=date(2026, 5, 4)))
    assert run(KERASTASE, declared=date(2026, 5, 3), rules=stopped).status == "accepted"
    d = run(KERASTASE, declared=date(2026, 5, 4), rules=stopped)
    assert d.status == "rejected" and d.reasons == ("program_stopped",) and d.points == 0
    h = run(KERASTASE, declared=date(2026, 5, 4), history=History(program_stopped_on=date(2026, 5, 4)))
    assert h.reasons == ("program_stopped",)


# -- birthday offer -------------------------------------------------------------------------------------------

BIRTHDAY_FUSIO = fields_of("salon-photo-fusio-dose")  # 2026-11-14, FUSIO DOSE K 17.50
NOVEMBER = replace(SIMON, birth_date=date(1990, 11, 30))
OFFER = {"kind": "birthday", "iban": "FR7630006000011234567890189"}


def test_birthday_offer_refunds_up_to_15_euros_and_earns_no_points():
    # art. 4: born in March, declare by 30 April; born in November, by 31 December
    d = run(BIRTHDAY_FUSIO, participant=NOVEMBER, offer=OFFER, declared=date(2026, 12, 31))
    assert d.status == "accepted" and d.points == 0 and d.units == 0
    assert d.refund == Decimal("15.00") and d.offer_month == "2026-11"
    cheap = run(FUSIO, participant=replace(SIMON, birth_date=date(1985, 7, 1)), offer=OFFER)  # 8.50 in July
    assert cheap.refund == Decimal("8.50")


@pytest.mark.parametrize("participant, declared, history, reason", [
    (NOVEMBER, date(2027, 1, 1), History(), "birthday_offer_late"),
    (SIMON, date(2026, 11, 20), History(), "birthday_offer_not_birthday_month"),  # born in February
    (NOVEMBER, date(2026, 11, 20), History(birthday_offer_months=("2026-11",)), "birthday_offer_already_used"),
    (replace(NOVEMBER, birth_date=None), date(2026, 11, 20), History(), "birth_date_missing"),
])
def test_birthday_offer_refusals(participant, declared, history, reason):
    d = run(BIRTHDAY_FUSIO, participant=participant, offer=OFFER, declared=declared, history=history)
    assert d.status == "rejected" and d.reasons == (reason,) and d.refund is None


def test_birthday_offer_needs_a_fusio_dose():
    d = run(KERASTASE, participant=replace(SIMON, birth_date=date(1990, 5, 2)), offer=OFFER)
    assert d.status == "rejected" and d.reasons == ("birthday_offer_no_service",)


# -- prior findings and serialisation --------------------------------------------------------------------------

def test_prior_reasons_impose_their_status():
    d = run_prior(KERASTASE, ("duplicate_receipt",), "rejected")
    assert d.status == "rejected" and d.reasons == ("duplicate_receipt",) and d.points == 0
    r = run_prior(KERASTASE, ("suspected_fraud",), "review")
    assert r.status == "review" and r.reasons == ("suspected_fraud",) and r.points == 60
    assert run_prior(KERASTASE, (), None).status == "accepted"


def test_decision_to_dict_is_json_safe_and_records_versions():
    d = run(THREE, history=History(units_this_month=3))
    out = json.loads(json.dumps(decision_to_dict(d)))
    assert out["status"] == "accepted" and out["points"] == 69 and out["units"] == 2
    assert out["rules_version"] == RULES.version and out["catalog_version"] == CATALOG.version
    assert out["messages"][0]["code"] == "monthly_cap_reached" and "limit of 5" in out["messages"][0]["message"]
    assert out["retailer"]["name"] == "L'ATELIER COIFFURE" and out["retailer"]["band"] == "match"
    assert [line["points"] for line in out["lines"]] == [0, 42, 27, 0]
    assert out["lines"][1]["price"] == "42.50" and out["as_of"] == "2026-02-20"


# -- properties ------------------------------------------------------------------------------------------------

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("150.00"), places=2)
lines = st.lists(st.tuples(st.sampled_from(goods.KERASTASE), prices, st.integers(1, 3)), min_size=1, max_size=6)
NO_CAP = replace(RULES, cap=replace(RULES.cap, units=None))


@settings(max_examples=60, deadline=None)
@given(lines=lines, extra=prices)
def test_points_are_floor_of_eligible_sum_and_monotonic(lines, extra):
    fields = with_items(KERASTASE, *[(name, str(price), str(qty)) for name, price, qty in lines])
    d = run(fields, rules=NO_CAP)
    assert d.points == int(sum(Decimal(p) for _, p, _ in lines).to_integral_value(rounding=ROUND_FLOOR))
    more = run(with_items(fields, *[(i.name, str(i.price), str(i.quantity)) for i in fields.items],
                          ("K BAIN SATIN 2 250ML", str(extra))), rules=NO_CAP)
    assert more.points >= d.points


@settings(max_examples=60, deadline=None)
@given(lines=lines, used=st.integers(0, 8))
def test_cap_is_never_exceeded(lines, used):
    fields = with_items(KERASTASE, *[(name, str(price), str(qty)) for name, price, qty in lines])
    d = run(fields, history=History(units_this_month=used))
    assert d.units <= max(0, 5 - used)
    assert d.units == min(sum(q for *_, q in lines), max(0, 5 - used)) or d.status == "rejected"


# -- membership --------------------------------------------------------------------------------------------------

def test_membership_age():
    today = date(2026, 11, 22)
    sixteen = ParticipantView(birth_date=date(2010, 11, 22), postal_code="75011", country="FR")
    assert check_membership(sixteen, RULES, today, False) == ()
    younger = replace(sixteen, birth_date=date(2010, 11, 23))
    assert check_membership(younger, RULES, today, False) == (Reason.TOO_YOUNG,)


@pytest.mark.parametrize("postal, country, ok", [("75011", "FR", True), ("20000", "FR", True),
                                                 ("98000", "MC", True), ("97400", "FR", False),
                                                 ("1000", "BE", False)])
def test_membership_territory(postal, country, ok):
    p = ParticipantView(birth_date=date(1990, 1, 1), postal_code=postal, country=country)
    assert check_membership(p, RULES, date(2026, 11, 22), False) == (() if ok else (Reason.MEMBER_OUTSIDE_TERRITORY,))


def test_membership_one_account_per_person():
    p = ParticipantView(birth_date=date(1990, 1, 1), postal_code="75011", country="FR")
    assert check_membership(p, RULES, date(2026, 11, 22), True) == (Reason.DUPLICATE_ACCOUNT,)


def test_identity_key_ignores_case_accents_and_spaces():
    a = identity_key("Lefèbvre", "Hélène", date(1990, 1, 1), "12 rue de la  République")
    assert a == identity_key("LEFEBVRE ", "helene", date(1990, 1, 1), "12 RUE DE LA REPUBLIQUE")
    assert a != identity_key("Lefèbvre", "Hélène", date(1990, 1, 2), "12 rue de la République")
    assert a != identity_key("Lefèbvre", "Hélène", date(1990, 1, 1), "14 rue de la République")


# -- reason codes --------------------------------------------------------------------------------------------------

def test_every_reason_code_has_a_rule_and_a_sentence():
    assert set(REASONS) == set(Reason)
    assert all(rule and sentence for rule, sentence in REASONS.values())


def test_readme_reason_table_matches_the_code():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Reason codes", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    assert "\n".join(rows) == reason_table()
    codes = [re.match(r"\| `([a-z_]+)`", row).group(1) for row in rows[2:]]
    assert sorted(codes) == sorted(r.value for r in Reason)


def test_independent_rejections_are_all_reported():
    perfumery = fields_of("perfumery-photo-kerastase")
    d = run(perfumery, declared=perfumery.date - relativedelta(days=1))
    assert d.status == "rejected" and d.reasons == ("purchase_in_future", "retailer_not_approved")


def test_fusio_dose_counts_only_in_a_salon():
    online = Retailer(name="KERASTASE.FR", postal_code="92300", city="LEVALLOIS-PERRET")
    fields = with_items(replace(FUSIO, retailer=online), ("FUSIODOSE", "12.00"), ("K BAIN SATIN 2 250ML", "30.20"))
    d = run(fields)
    assert d.status == "accepted" and d.reasons == ("service_not_in_salon",) and d.points == 30
    assert run(with_items(FUSIO, ("FUSIODOSE", "12.00"), ("K BAIN SATIN 2 250ML", "30.20"))).points == 60


def test_a_rejection_lists_why_it_was_rejected():
    fields = with_items(KERASTASE, ("K.GENESIS BAIN HYDRA-FORTIFIANT 250ML", "60.40"),
                        ("KER BAIN SATIN 1 FORMAT PROFESSIONNEL 1000ML", "79.00"))
    assert run_prior(fields, (), None).reasons == ("professional_product",)
    assert run_prior(fields, ("duplicate_receipt",), "rejected").reasons == ("duplicate_receipt",)
    d = run(replace(THREE, retailer=replace(THREE.retailer, name="BELLE MECHE")), declared_purchase_date=THREE.date
            + relativedelta(days=2), history=History(units_this_month=4))
    assert d.reasons == ("retailer_not_approved",)  # not the date mismatch (review) nor the cap (partial)


def test_an_old_receipt_without_eligible_product_says_both():
    d = run(with_items(KERASTASE, ("PATINE", "28.50")), declared=date(2027, 6, 1))
    assert d.reasons == ("purchase_too_old", "no_eligible_product")
