"""`assess`: signals from the index, the file and the participant, combined into a score and a band.

The score combines signal weights as independent evidence (noisy-OR: 1 - prod(1 - w)),
so two weak signals count more than one, and any duplicate (weight 1) gives 1.0. Each
signal keeps its weight and, for a collision, the earlier declaration it collides with.
"""

from __future__ import annotations

from dataclasses import asdict

from pipeline.fraud.keys import fold
from pipeline.fraud.policy import FraudPolicy
from pipeline.fraud.values import Behaviour, Candidate, Candidates, Fingerprint, FraudAssessment, Signal

FACTS = ("shop", "date", "time", "ticket", "total")
CODES = ("shop", "ticket", "total")  # printed figures where one lost or changed digit is an OCR slip


def near_code(a: str, b: str) -> bool:
    """Two folded codes one OCR slip apart: one digit changed, or lost at either end."""
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    short, long_ = sorted((a, b), key=len)
    return len(long_) - len(short) == 1 and len(short) >= 3 and (long_.endswith(short) or long_.startswith(short))


def folded_facts(fp: Fingerprint) -> dict[str, str]:
    """The receipt's facts folded once, for comparing against many stored ones."""
    return {name: fold(getattr(fp, name)) for name in FACTS}


def compare_facts(fp: Fingerprint, other: dict, mine: dict[str, str] | None = None,
                  ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(agreements, near misses, conflicts) between this receipt's facts and a stored one's."""
    mine = mine if mine is not None else folded_facts(fp)
    agree, near, conflict = [], [], []
    for name in FACTS:
        raw_a, raw_b = getattr(fp, name), other.get(name)
        if not raw_a or not raw_b:
            continue
        if name == "shop" and raw_a[0].isdigit() != raw_b[0].isdigit():
            continue  # a postal code against a SIREN or a name: not comparable
        a, b = mine[name], fold(raw_b)
        if a == b:
            agree.append(name)
        elif name in CODES and near_code(a.lstrip("0"), b.lstrip("0")):
            near.append(name)
        else:
            conflict.append(name)
    return tuple(agree), tuple(near), tuple(conflict)


def conflicts(fp: Fingerprint, other: dict) -> tuple[str, ...]:
    """Facts read on both receipts that differ beyond OCR noise."""
    return compare_facts(fp, other)[2]


def duplicate_signal(c: Candidate, policy: FraudPolicy) -> Signal | None:
    """Is this candidate the same paper? Only measured closeness decides, never a guess.

    Two different purchases at one till share shop, day, total, layout and most of the
    text (measured: up to 67 % of text shingles, image hashes 4 bits apart): what tells
    them apart is the time *and* the ticket number, which a second photo of the same
    paper reproduces (one may be misread, both rarely are).
    """
    ref = c.declaration_id
    if c.same_file:
        return Signal("same_file", policy.weight("same_file"), f"the same file was declared in declaration {ref}", ref)
    if {"time", "ticket"} <= set(c.conflicts):
        return None  # another sale at the same till
    agree, conflict = set(c.agreements), set(c.conflicts)
    if c.same_purchase:
        return Signal("same_purchase", policy.weight("same_purchase"),
                      f"the same purchase (shop, date, time, ticket, total) was declared in declaration {ref}", ref)
    near = set(c.near)
    same_shop = "shop" in agree | near  # read on both: a minute and a total recur across shops
    if same_shop and {"date", "time"} <= agree:
        ticket_ok = "ticket" in agree | near
        if ("total" in agree and "ticket" not in conflict) or (ticket_ok and "total" in near):
            slips = ", ".join(c.near) or "none"
            return Signal("same_purchase", policy.weight("same_purchase"),
                          f"the same purchase was declared in declaration {ref} (date and time equal; "
                          f"read differently: {slips})", ref)
        if ticket_ok and "total" in conflict:  # one sale (shop, day, time, ticket), two totals
            return Signal("altered_copy", policy.weight("altered_copy"),
                          f"declaration {ref} is the same sale (shop, date, time, ticket) with another total", ref)
    text = c.text_similarity or 0.0
    how = f"text {text:.0%} alike" + (f", image {c.image_distance} bits apart" if c.image_distance is not None else "")
    image_close = c.image_distance is not None and c.image_distance <= policy.image_distance
    if conflict & {"time", "ticket"}:
        # one of the sale's identifiers differs: only a text beyond every measured look-alike
        # *and* a close image say it is an OCR slip on the same paper
        same_paper = text >= policy.text_similarity and image_close
    else:
        same_paper = text >= policy.text_similarity or (image_close and text >= policy.image_text_similarity)
    if not same_paper:
        return None
    altered = sorted(conflict & {"total", "date"})
    same_sale = "time" in agree and ("ticket" in agree or "ticket" in c.near)
    if altered and same_sale:
        return Signal("altered_copy", policy.weight("altered_copy"),
                      f"declaration {ref} is the same sale (time and ticket) with another {' and '.join(altered)} "
                      f"({how})", ref)
    read = f"; {' and '.join(altered)} read differently" if altered else ""
    return Signal("rephotographed", policy.weight("rephotographed"),
                  f"another photo of the receipt declared in declaration {ref} ({how}{read})", ref)


def behaviour_signals(b: Behaviour, policy: FraudPolicy) -> list[Signal]:
    out = []
    for code, count, limit, span in (("velocity_hour", b.last_hour, policy.velocity_hour, "hour"),
                                     ("velocity_day", b.last_day, policy.velocity_day, "day"),
                                     ("velocity_month", b.last_month, policy.velocity_month, "30 days")):
        if count > limit:
            out.append(Signal(code, policy.weight(code), f"{count} declarations in the last {span} (limit {limit})"))
    if b.shared_identity:
        out.append(Signal("shared_identity", policy.weight("shared_identity"),
                          f"{len(b.shared_identity)} other account(s) with the same name, birth date and address"))
    if b.shared_receipts > policy.shared_receipts:
        out.append(Signal("shared_receipts", policy.weight("shared_receipts"),
                          f"{b.shared_receipts} receipt(s) already shared with other accounts"))
    if len(b.template_accounts) >= policy.template_accounts:
        out.append(Signal("template_reuse", policy.weight("template_reuse"),
                          f"the same shop and basket was declared by {len(b.template_accounts)} other accounts"))
    return out


def band_of(score: float, policy: FraudPolicy) -> str:
    return "reject" if score >= policy.reject_from else "review" if score >= policy.review_from else "accept"


def assess(fingerprint: Fingerprint, candidates: Candidates, editing: tuple[Signal, ...], behaviour: Behaviour,
           policy: FraudPolicy) -> FraudAssessment:
    """Every signal with its weight, their combined score (0..1), the band, and the earliest duplicate."""
    signals: list[Signal] = []
    duplicates: list[Signal] = []
    for c in sorted(candidates, key=lambda c: c.declaration_id):
        found = duplicate_signal(c, policy)
        if found is None:
            continue
        duplicates.append(found)
        if behaviour.participant_id is not None and c.participant_id != behaviour.participant_id:
            signals.append(Signal("cross_account", policy.weight("cross_account"),
                                  f"declaration {c.declaration_id} was made by another account", c.declaration_id))
    signals[:0] = duplicates
    signals += [Signal(s.code, policy.weight(s.code, s.weight), s.detail, s.related_declaration) for s in editing]
    signals += behaviour_signals(behaviour, policy)
    keep = 1.0
    for s in signals:
        keep *= 1.0 - min(max(s.weight, 0.0), 1.0)
    score = round(1.0 - keep, 4)
    return FraudAssessment(score=score, band=band_of(score, policy), signals=tuple(signals),
                           duplicate_of=min((s.related_declaration for s in duplicates), default=None))


def assessment_to_dict(a: FraudAssessment) -> dict:
    """The `"fraud"` object of the process JSON: {"score", "band", "signals": [{"code", "weight", "detail", "related_declaration"}]}."""
    return {"score": a.score, "band": a.band, "signals": [asdict(s) for s in a.signals],
            "duplicate_of": a.duplicate_of}
