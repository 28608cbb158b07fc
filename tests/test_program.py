"""Program rules as data: samples/programs/*.toml into ProgramRules, and clear errors for bad files."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.program import ProgramRules, load_rules
from pipeline.settings import PROGRAMS_DIR


@pytest.fixture(scope="module")
def salon() -> ProgramRules:
    return load_rules(PROGRAMS_DIR, "salon-rewards")


def test_salon_rewards_carries_every_rule_of_seed_002(salon):
    assert salon.name == "salon-rewards"
    assert salon.version and salon.effective_date == date(2023, 7, 1)
    assert salon.purchase.retailer_kinds == ("salon", "online")
    assert salon.purchase.max_age_months == 12 and salon.purchase.allow_future is False
    assert salon.purchase.currencies == ("EUR",)
    assert set(salon.purchase.refused_markers) == {"card_slip", "duplicata"}
    assert salon.purchase.beneficiary_must_match is True
    assert salon.points.per_euro == Decimal(1)
    assert salon.points.service_points == 30
    assert (salon.points.service_min_price, salon.points.service_max_price) == (Decimal("8.00"), Decimal("18.00"))
    assert salon.cap.units == 5
    assert salon.declared.check_date and salon.declared.check_retailer
    assert (salon.bonuses.profile_completed, salon.bonuses.first_favourite_salon) == (15, 10)
    assert salon.birthday.enabled and salon.birthday.max_refund == Decimal("15.00")
    assert salon.birthday.declare_within_months == 2 and salon.birthday.points is False
    assert salon.stop.announced_on is None and salon.stop.redemption_months == 3
    assert salon.membership.min_age == 16 and salon.membership.one_account_per_person
    m = salon.matching
    assert m.item_none < m.item_match and m.retailer_none < m.retailer_match and m.margin > 0
    assert ("B", "BAIN") in m.abbreviations and "KER" in m.ignore_tokens


@pytest.mark.parametrize("postal, inside", [
    ("75011", True), ("01000", True), ("95000", True), ("20000", True), ("20260", True),  # Corsica
    ("2A004", True), ("2B033", True), ("98000", True),  # Monaco
    ("97400", False), ("97200", False), ("98800", False), ("00100", False), ("9800", False), ("", False),
])
def test_territory_is_metropolitan_france_corsica_and_monaco(salon, postal, inside):
    assert salon.territory.allows_postal_code(postal) is inside


def test_pro_club_loads_with_receipt_rules_off():
    rules = load_rules(PROGRAMS_DIR, "pro-club")
    assert rules.name == "pro-club" and rules.version
    assert rules.cap.units is None
    assert rules.purchase.retailer_kinds == () and rules.purchase.refused_markers == ()
    assert rules.birthday.enabled is False and rules.points.service_points == 0
    assert rules.territory.allows_postal_code("97400")  # no territory table: no territory rule


def test_unknown_program_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown program 'nope'"):
        load_rules(PROGRAMS_DIR, "nope")


def _program(tmp_path: Path, extra: str) -> Path:
    (tmp_path / "p.toml").write_text('[program]\nname = "p"\nversion = "1"\n' + extra)
    return tmp_path


@pytest.mark.parametrize("extra, message", [
    ('[cap]\nunits = "five"\n', r"\[cap\] units must be a whole number"),
    ('[cap]\nlimit = 5\n', r"\[cap\] has unknown keys: limit"),
    ('[points]\nservice_min_price = "eight"\n', r"\[points\] service_min_price must be an amount"),
    ('[points]\nservice_min_price = "20"\nservice_max_price = "10"\n', "is above service_max_price"),
    ('[stop]\nannounced_on = "2026-13-01"\n', r"\[stop\] announced_on must be a date"),
    ('[purchase]\nallow_future = "no"\n', r"\[purchase\] allow_future must be true or false"),
    ('[purchase]\nrefused_markers = "card_slip"\n', r"\[purchase\] refused_markers must be a list"),
    ('[purchase]\nrefused_markers = ["e_ticket"]\n', r"refused_markers must be reason codes .* got e_ticket"),
    ('[territory]\npostal_code_patterns = ["(75"]\n', "bad pattern"),
    ('[matching]\nitem_match = 60.0\nitem_none = 70.0\n', "item_none <= item_match"),
    ('[program]\n', "."),  # a duplicate table is a TOML error
])
def test_bad_values_are_named(tmp_path, extra, message):
    import tomllib

    with pytest.raises((ValueError, tomllib.TOMLDecodeError), match=message):
        load_rules(_program(tmp_path, extra), "p")


def test_the_committed_salon_file_is_the_one_loaded(tmp_path, salon):
    """Changing the file changes the rules: nothing program-specific hides in code."""
    shutil.copy(PROGRAMS_DIR / "salon-rewards.toml", tmp_path / "salon-rewards.toml")
    text = (tmp_path / "salon-rewards.toml").read_text().replace("units = 5", "units = 7")
    (tmp_path / "salon-rewards.toml").write_text(text)
    assert load_rules(tmp_path, "salon-rewards").cap.units == 7
    assert salon.cap.units == 5
