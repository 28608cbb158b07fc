"""Keys, fact comparison, policy and scoring: the pure functions of pipeline.fraud."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.fraud import (Behaviour, Candidate, Candidates, Fingerprint, Signal, assess, assessment_to_dict,
                            fraud_policy, purchase_key)
from pipeline.fraud.keys import fold
from pipeline.fraud.score import compare_facts, near_code
from pipeline.fraud.sketches import minhash, shingles, signature_similarity
from pipeline.settings import load_program
from pipeline.values import ReceiptFields, Retailer

PROGRAMS = Path(__file__).resolve().parent.parent / "samples" / "programs"
POLICY = fraud_policy(load_program(PROGRAMS, "salon-rewards"))


def fields(postal="31000", day=date(2026, 2, 17), time="11:39", ticket="0006-092081", total="184.69", name="SALON X"):
    return ReceiptFields(retailer=Retailer(name=name, postal_code=postal), date=day, time=time, ticket=ticket,
                         total=Decimal(total) if total else None)


@pytest.mark.parametrize("a, b", [
    (fields(), fields(ticket="0006 092081")),  # a space instead of the dash
    (fields(), fields(ticket="OOO6-O92O81")),  # O read for 0
    (fields(), fields(ticket="6092081")),  # leading zeros and separator lost
    (fields(), fields(postal="31 000")),
    (fields(name="SALON X"), fields(name="SAL0N  X")),
])
def test_purchase_key_folds_ocr_noise(a, b):
    assert purchase_key(a) is not None
    assert purchase_key(a) == purchase_key(b)


@pytest.mark.parametrize("other", [fields(time="11:49", ticket="0006-092082"), fields(total="184.60"),
                                   fields(day=date(2026, 2, 18)), fields(postal="31200")])
def test_purchase_key_tells_purchases_apart(other):
    assert purchase_key(fields()) != purchase_key(other)


@pytest.mark.parametrize("missing", [fields(total=None), fields(day=None), fields(time=None, ticket=None),
                                     ReceiptFields(total=Decimal("5.00"), date=date(2026, 1, 1), time="10:00")])
def test_purchase_key_needs_shop_date_total_and_time_or_ticket(missing):
    assert purchase_key(missing) is None


def test_fold_maps_lookalike_characters():
    assert fold("Tkt 0O6-l2") == fold("TKT 006-12")


@pytest.mark.parametrize("a, b, near", [("6630", "630", True), ("42000", "42001", True), ("24906", "24916", True),
                                        ("24906", "24960", False), ("6630", "30", False), ("123456", "654321", False)])
def test_near_code_is_one_ocr_slip(a, b, near):
    assert near_code(a, b) is near


def fp(**kw) -> Fingerprint:
    base = dict(sha256="a" * 64, purchase_key="k", shop="31000", date="2026-02-17", time="11:39", ticket="6092081",
                total="184.69")
    return Fingerprint(**{**base, **kw})


def test_compare_facts_separates_slips_from_conflicts():
    agree, near, conflict = compare_facts(fp(), {"shop": "31000", "date": "2026-02-17", "time": "11:59",
                                                 "ticket": "609208", "total": None})
    assert agree == ("shop", "date") and near == ("ticket",) and conflict == ("time",)


def test_minhash_estimates_jaccard():
    a = shingles([f"LINE {i} PRODUIT NUMERO {i * 7}" for i in range(40)])
    b = shingles([f"LINE {i} PRODUIT NUMERO {i * 7}" for i in range(20, 60)])
    true = len(a & b) / len(a | b)
    assert abs(signature_similarity(minhash(a), minhash(b)) - true) < 0.15
    assert signature_similarity(minhash(a), minhash(a)) == 1.0


def candidate(**kw) -> Candidate:
    return Candidate(**{"declaration_id": 7, "participant_id": 2, **kw})


def test_same_file_from_another_account_rejects_and_names_the_earlier_declaration():
    a = assess(fp(), Candidates((candidate(same_file=True),)), (), Behaviour(participant_id=1), POLICY)
    assert a.band == "reject" and a.score == 1.0 and a.duplicate_of == 7
    codes = [s.code for s in a.signals]
    assert codes == ["same_file", "cross_account"]
    assert all(s.related_declaration == 7 for s in a.signals)


def test_lookalike_sale_is_not_a_duplicate_however_alike():
    # same shop, day, total, layout; another time and ticket: another sale at the same till
    c = candidate(text_similarity=0.67, image_distance=4, agreements=("shop", "date", "total"),
                  conflicts=("time", "ticket"))
    a = assess(fp(), Candidates((c,)), (), Behaviour(participant_id=1), POLICY)
    assert a.band == "accept" and a.signals == () and a.duplicate_of is None


def test_one_misread_time_needs_a_close_text_and_image():
    weak = candidate(text_similarity=0.53, image_distance=4, agreements=("shop", "date", "total"),
                     near=("ticket",), conflicts=("time",))
    strong = candidate(text_similarity=0.9, image_distance=3, agreements=("shop", "date", "total", "ticket"),
                       conflicts=("time",))
    assert assess(fp(), Candidates((weak,)), (), Behaviour(), POLICY).band == "accept"
    assert assess(fp(), Candidates((strong,)), (), Behaviour(), POLICY).signals[0].code == "rephotographed"


def test_same_sale_with_another_total_is_an_altered_copy():
    c = candidate(text_similarity=0.8, image_distance=5, agreements=("shop", "date", "time", "ticket"),
                  conflicts=("total",))
    a = assess(fp(), Candidates((c,)), (), Behaviour(participant_id=2), POLICY)
    assert [s.code for s in a.signals] == ["altered_copy"] and a.band == "reject"


def test_weak_signals_add_up_to_review_not_reject():
    editing = (Signal("editing_software", 0.0, "Software: GIMP"),)
    alone = assess(fp(), Candidates(), (), Behaviour(last_hour=1), POLICY)
    assert alone.band == "accept" and alone.score == 0.0
    one = assess(fp(), Candidates(), editing, Behaviour(), POLICY)
    assert one.band == "review" and one.signals[0].weight == POLICY.weight("editing_software")
    busy = Behaviour(last_hour=POLICY.velocity_hour + 1, last_day=POLICY.velocity_day + 1,
                     shared_identity=(5,), template_accounts=(3, 4, 6))
    many = assess(fp(), Candidates(), editing, busy, POLICY)
    assert {"velocity_hour", "velocity_day", "shared_identity", "template_reuse"} <= {s.code for s in many.signals}
    assert one.score < many.score <= 1.0


def test_bands_and_weights_come_from_the_program():
    strict = fraud_policy({"fraud": {"review_from": 0.1, "reject_from": 0.3, "weights": {"editing_software": 0.5}}})
    a = assess(fp(), Candidates(), (Signal("editing_software", 0.0, "x"),), Behaviour(), strict)
    assert a.band == "reject" and a.score == 0.5
    with pytest.raises(ValueError):
        fraud_policy({"fraud": {"review_from": 0.9, "reject_from": 0.5}})
    with pytest.raises(ValueError):
        fraud_policy({"fraud": {"no_such_setting": 1}})


def test_assessment_dict_is_the_process_json_shape():
    a = assess(fp(), Candidates((candidate(same_purchase=True, agreements=("shop",)),)), (), Behaviour(), POLICY)
    d = assessment_to_dict(a)
    assert set(d) >= {"score", "band", "signals"}
    assert d["signals"][0] == {"code": "same_purchase", "weight": 1.0, "detail": d["signals"][0]["detail"],
                               "related_declaration": 7}


def test_same_date_time_and_total_is_one_purchase_only_in_the_same_shop():
    slip = candidate(agreements=("date", "time", "total"), near=("shop", "ticket"), text_similarity=0.35)
    a = assess(fp(), Candidates((slip,)), (), Behaviour(), POLICY)
    assert a.signals[0].code == "same_purchase" and "shop, ticket" in a.signals[0].detail
    unknown_shop = candidate(agreements=("date", "time", "total"), text_similarity=0.1)  # shop unread on one side
    assert assess(fp(), Candidates((unknown_shop,)), (), Behaviour(), POLICY).band == "accept"


@pytest.mark.parametrize("near, conflicts, code", [
    (("total",), (), "same_purchase"),  # 157.28 read for 157.20: one digit, the same sale
    ((), ("total",), "altered_copy"),  # the same sale with a total far from the declared one
])
def test_one_sale_with_two_totals(near, conflicts, code):
    c = candidate(agreements=("shop", "date", "time", "ticket"), near=near, conflicts=conflicts, text_similarity=0.6)
    assert [s.code for s in assess(fp(), Candidates((c,)), (), Behaviour(), POLICY).signals] == [code]
    other_day = candidate(agreements=("shop", "time", "ticket"), conflicts=("date", "total"), text_similarity=0.2)
    assert assess(fp(), Candidates((other_day,)), (), Behaviour(), POLICY).band == "accept"  # counters restart daily
