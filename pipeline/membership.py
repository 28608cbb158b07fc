"""Enrolment rules (seed 002 art. 2): age, territory, one account per person.

    check_membership(profile, rules, today, same_identity_exists) -> tuple[Reason, ...]
    identity_key(last_name, first_name, birth_date, postal_address) -> str
"""

from __future__ import annotations

import hashlib
from datetime import date

from dateutil.relativedelta import relativedelta

from pipeline.errors import Reason
from pipeline.match import fold
from pipeline.program import ProgramRules


def check_membership(profile, rules: ProgramRules, today: date, same_identity_exists: bool) -> tuple[Reason, ...]:
    """Reasons to refuse an enrolment (empty: welcome). Fields the profile lacks are not judged."""
    reasons: list[Reason] = []
    birth = getattr(profile, "birth_date", None)
    if rules.membership.min_age is not None and birth is not None:
        if relativedelta(today, birth).years < rules.membership.min_age:
            reasons.append(Reason.TOO_YOUNG)
    country = (getattr(profile, "country", None) or "").upper()
    postal = getattr(profile, "postal_code", None)
    if (rules.territory.countries and country and country not in rules.territory.countries) or (
            postal and not rules.territory.allows_postal_code(postal)):
        reasons.append(Reason.MEMBER_OUTSIDE_TERRITORY)
    if rules.membership.one_account_per_person and same_identity_exists:
        reasons.append(Reason.DUPLICATE_ACCOUNT)
    return tuple(reasons)


def identity_key(last_name: str | None, first_name: str | None, birth_date: date | None,
                 postal_address: str | None) -> str:
    """One person, one key: names and address folded (case, accents, punctuation, spaces), hashed."""
    parts = (fold(last_name), fold(first_name), birth_date.isoformat() if birth_date else "", fold(postal_address))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()
