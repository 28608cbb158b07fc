"""Participants' profiles: membership rules on enrolment, and the one-off profile bonuses.

Seed 002: one account per person (same last name, first name, birth date and postal
address), older than 16, living in metropolitan France; 15 points once for a
completed profile, 10 once for the first favourite salon.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time

from sqlmodel import select

from declarations.process import enrol
from declarations.runtime import Runtime
from models.base import now
from models.db import session
from models.declarations import Participant
from pipeline.settings import TIMEZONE


@dataclass(frozen=True)
class Profile:
    last_name: str
    first_name: str
    birth_date: date
    postal_address: str
    postal_code: str
    city: str
    country: str = "FR"
    email: str | None = None
    favourite_salon: str | None = None


def record_profile(rt: Runtime, *, program: str, participant: str, profile: Profile, today: date) -> dict:
    """Check membership, store the profile, grant the one-off bonuses. Returns a JSON-safe summary."""
    import ledger
    from pipeline.decide import check_membership, identity_key

    ctx = rt.program(program)
    key = identity_key(profile.last_name, profile.first_name, profile.birth_date, profile.postal_address)
    with session(rt.url) as s:
        person = enrol(s, program, participant)
        s.flush()
        twin = s.exec(select(Participant.id).where(Participant.program == program,
                                                   Participant.identity_key == key,
                                                   Participant.id != person.id,
                                                   Participant.closed_at.is_(None))).first()
        reasons = tuple(str(r) for r in check_membership(profile, ctx.rules, today, twin is not None))
        if reasons:
            s.rollback()
            return {"participant": participant, "accepted": False, "reasons": list(reasons), "bonus_points": 0}
        moment = datetime.combine(today, time(12), TIMEZONE) if today != date.today() else now()
        for name, value in asdict(profile).items():
            setattr(person, name, value)
        person.identity_key = key
        first_completion = person.profile_completed_at is None
        person.profile_completed_at = person.profile_completed_at or moment
        s.add(person)
        s.flush()
        bonus = 0
        policy = ctx.ledger
        expires = policy.expires_on(today) if policy.validity_months else None
        grants = [("profile", ctx.rules.bonuses.profile_completed if first_completion else 0)]
        if profile.favourite_salon:
            grants.append(("favourite-salon", ctx.rules.bonuses.first_favourite_salon))
        for what, points in grants:
            if points <= 0:
                continue
            entry = ledger.credit(s, program=program, participant_id=person.id, points=points,
                                  key=f"participant:{person.id}:bonus:{what}", acquired_on=today,
                                  available_on=today, expires_on=expires, note=f"{what} bonus")
            bonus += points if entry is not None else 0
        s.commit()
        return {"participant": participant, "accepted": True, "reasons": [], "bonus_points": bonus}
