"""The points ledger on both databases: each rule of seeds 002 and 000 broken and honoured."""

from __future__ import annotations

import hashlib
import threading
import tomllib
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, func, select

from ledger import (adjust, balances, balances_to_dict, cancel_order, credit, policy_for, record_refund, redeem,
                    reverse_declaration, settle)
from ledger.operations import (record_closure, record_order, record_payment, record_return)
from models.db import get_engine, migrate
from models.declarations import Declaration, Participant
from models.files import StoredFile
from models.ledger import LedgerEntry, Refund
from pipeline.errors import LedgerError, PermanentError, Reason
from tests.conftest import ROOT

SALON = policy_for(tomllib.loads((ROOT / "samples/programs/salon-rewards.toml").read_text()))
PRO = policy_for(tomllib.loads((ROOT / "samples/programs/pro-club.toml").read_text()))
D0 = date(2024, 1, 10)


@pytest.fixture
def s(database_url):
    migrate(database_url)
    with Session(get_engine(database_url), expire_on_commit=False) as session:
        yield session


def member(s: Session, external_id: str = "p1", program: str = "salon-rewards") -> int:
    p = Participant(program=program, external_id=external_id)
    s.add(p)
    s.flush()
    return p.id


def declaration(s: Session, participant_id: int, name: str = "ticket.jpg") -> int:
    sha = hashlib.sha256(name.encode()).hexdigest()
    if s.get(StoredFile, sha) is None:
        s.add(StoredFile(sha256=sha, kind="jpeg", size=1, first_name=name))
        s.flush()
    d = Declaration(program="salon-rewards", participant_id=participant_id, file_sha256=sha, file_name=name)
    s.add(d)
    s.flush()
    return d.id


def salon_credit(s, pid, points, declared_on, key, declaration_id=None):
    return credit(s, program="salon-rewards", participant_id=pid, points=points, key=key, acquired_on=declared_on,
                  available_on=SALON.available_on(declared_on), expires_on=SALON.expires_on(declared_on),
                  declaration_id=declaration_id)


def bal(s, pid, today, policy=SALON, program="salon-rewards"):
    return balances(s, program=program, participant_id=pid, today=today, policy=policy)


def entries_sum(s, pid) -> int:
    return int(s.exec(select(func.coalesce(func.sum(LedgerEntry.points), 0))
                      .where(LedgerEntry.participant_id == pid)).one())


# --- policy ------------------------------------------------------------------------------------------

def test_policy_reads_the_program_tables():
    assert (SALON.pending_days, SALON.validity_months, SALON.min_redemption) == (7, 12, 140)
    assert SALON.redemption_months_after_stop == 3 and SALON.stop_on is None
    assert PRO.point_value_eur == Decimal("0.10")
    assert {op.id for op in PRO.operations} == {"spring-2024", "autumn-2024"}
    assert PRO.operation("spring-2024").credit_on() == date(2024, 5, 1)
    with pytest.raises(ValueError):
        PRO.operation("nope")


# --- credit / idempotency ------------------------------------------------------------------------------

def test_credit_is_idempotent_by_key(s):
    pid = member(s)
    first = salon_credit(s, pid, 50, D0, "decl:1")
    assert first is not None and first.lot_id == first.id
    assert salon_credit(s, pid, 50, D0, "decl:1") is None
    s.commit()
    assert bal(s, pid, D0).total == 50
    assert s.exec(select(func.count()).select_from(LedgerEntry)).one() == 1


def test_credit_refuses_non_positive_points(s):
    pid = member(s)
    with pytest.raises(ValueError):
        salon_credit(s, pid, 0, D0, "k")


def test_credit_from_two_sessions_writes_once(database_url):
    """Two workers crediting the same key at once: the UNIQUE constraint lets one through."""
    migrate(database_url)
    engine = get_engine(database_url)
    with Session(engine) as s0:
        pid = member(s0)
        s0.commit()
    results, barrier = [], threading.Barrier(2)

    def worker():
        with Session(engine) as s1:
            barrier.wait()
            try:
                results.append(salon_credit(s1, pid, 30, D0, "decl:race") is not None)
                s1.commit()
            except Exception as e:  # SQLite may refuse the second writer outright; it must not double-credit
                results.append(type(e).__name__)
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with Session(engine) as s2:
        assert entries_sum(s2, pid) == 30
    assert results.count(True) == 1


# --- pending 7 days (002 art. 3.2.3) -------------------------------------------------------------------

def test_points_are_pending_for_seven_days(s):
    pid = member(s)
    salon_credit(s, pid, 200, D0, "decl:1")
    day6 = bal(s, pid, D0 + timedelta(days=6))
    assert (day6.pending, day6.available) == (200, 0)
    with pytest.raises(LedgerError) as e:
        redeem(s, program="salon-rewards", participant_id=pid, points=140, reward="towel",
               today=D0 + timedelta(days=6), policy=SALON, key="o1")
    assert e.value.reason == Reason.BELOW_REDEMPTION_MINIMUM
    day7 = bal(s, pid, D0 + timedelta(days=7))
    assert (day7.pending, day7.available) == (0, 200)


def test_settle_releases_once(s):
    pid = member(s)
    salon_credit(s, pid, 20, D0, "decl:1")
    assert settle(s, program="salon-rewards", today=D0 + timedelta(days=6), policy=SALON).released == 0
    assert settle(s, program="salon-rewards", today=D0 + timedelta(days=7), policy=SALON).released == 1
    assert settle(s, program="salon-rewards", today=D0 + timedelta(days=8), policy=SALON).released == 0
    kinds = s.exec(select(LedgerEntry.kind).where(LedgerEntry.participant_id == pid)).all()
    assert sorted(kinds) == ["credit", "release"]


# --- expiry 12 months (002 art. 5) ---------------------------------------------------------------------

def test_points_expire_twelve_months_after_acquisition(s):
    pid = member(s)
    salon_credit(s, pid, 80, D0, "decl:1")
    last_day = date(2025, 1, 9)
    assert settle(s, program="salon-rewards", today=last_day, policy=SALON).expired == 0
    assert bal(s, pid, last_day).available == 80
    assert bal(s, pid, last_day).expiring_soon == 80
    assert bal(s, pid, last_day - timedelta(days=31)).expiring_soon == 0
    counts = settle(s, program="salon-rewards", today=date(2025, 1, 10), policy=SALON)
    assert (counts.expired, counts.expired_points) == (1, 80)
    b = bal(s, pid, date(2025, 1, 10))
    assert (b.available, b.expired, b.total) == (0, 80, 0)
    assert settle(s, program="salon-rewards", today=date(2025, 2, 1), policy=SALON).expired == 0


def test_lapsed_points_cannot_be_spent_before_settle(s):
    pid = member(s)
    salon_credit(s, pid, 200, D0, "decl:1")
    b = bal(s, pid, date(2025, 1, 10))
    assert (b.available, b.lapsed) == (0, 200) and b.reconciles
    with pytest.raises(LedgerError):
        redeem(s, program="salon-rewards", participant_id=pid, points=140, reward="towel",
               today=date(2025, 1, 10), policy=SALON, key="o1")


# --- 140 minimum and oldest first (002 art. 3.3) -------------------------------------------------------

def test_redemption_needs_140_available_points(s):
    pid = member(s)
    salon_credit(s, pid, 139, D0, "decl:1")
    today = D0 + timedelta(days=10)
    with pytest.raises(LedgerError) as e:
        redeem(s, program="salon-rewards", participant_id=pid, points=100, reward="towel", today=today,
               policy=SALON, key="o1")
    assert e.value.reason == Reason.BELOW_REDEMPTION_MINIMUM and isinstance(e.value, PermanentError)
    salon_credit(s, pid, 1, D0, "decl:2")
    order = redeem(s, program="salon-rewards", participant_id=pid, points=100, reward="towel", today=today,
                   policy=SALON, key="o1")
    assert order.points == 100 and bal(s, pid, today).available == 40


def test_redemption_beyond_balance_is_refused(s):
    pid = member(s)
    salon_credit(s, pid, 150, D0, "decl:1")
    with pytest.raises(LedgerError) as e:
        redeem(s, program="salon-rewards", participant_id=pid, points=151, reward="kit", today=D0 + timedelta(days=7),
               policy=SALON, key="o1")
    assert e.value.reason == Reason.INSUFFICIENT_POINTS


def test_redemption_spends_oldest_points_first(s):
    pid = member(s)
    newer = salon_credit(s, pid, 100, date(2024, 3, 1), "decl:new")
    older = salon_credit(s, pid, 100, date(2024, 1, 5), "decl:old")
    today = date(2024, 3, 20)
    redeem(s, program="salon-rewards", participant_id=pid, points=150, reward="kit", today=today, policy=SALON,
           key="o1")
    lots = {l.lot_id: l for l in bal(s, pid, today).lots}
    assert lots[older.id].remaining == 0 and lots[older.id].state == "spent"
    assert lots[newer.id].remaining == 50
    # replaying the same order key spends nothing more
    again = redeem(s, program="salon-rewards", participant_id=pid, points=150, reward="kit", today=today,
                   policy=SALON, key="o1")
    assert bal(s, pid, today).available == 50 and again.points == 150


# --- cancellation re-credits (002 art. 3.3, 000 art. 6) -----------------------------------------------

def test_cancelling_an_order_re_credits_its_points_with_their_original_expiry(s):
    pid = member(s)
    lot = salon_credit(s, pid, 200, D0, "decl:1")
    today = D0 + timedelta(days=30)
    order = redeem(s, program="salon-rewards", participant_id=pid, points=150, reward="kit", today=today,
                   policy=SALON, key="o1")
    assert bal(s, pid, today).available == 50
    assert cancel_order(s, order_id=order.id, today=today, key="c1") == 150
    assert cancel_order(s, order_id=order.id, today=today, key="c1") == 0  # replay
    b = bal(s, pid, today)
    assert (b.available, b.spent) == (200, 0)
    assert [l.expires_on for l in b.lots] == [lot.expires_on]
    with pytest.raises(LedgerError) as e:
        cancel_order(s, order_id=order.id, today=today, key="c2")
    assert e.value.reason == Reason.ORDER_ALREADY_CANCELLED
    with pytest.raises(LedgerError) as e:
        cancel_order(s, order_id=order.id + 999, today=today, key="c3")
    assert e.value.reason == Reason.ORDER_NOT_FOUND


def test_points_re_credited_after_their_expiry_expire_at_next_settle(s):
    pid = member(s)
    salon_credit(s, pid, 200, D0, "decl:1")
    order = redeem(s, program="salon-rewards", participant_id=pid, points=150, reward="kit",
                   today=date(2024, 12, 1), policy=SALON, key="o1")
    settle(s, program="salon-rewards", today=date(2025, 1, 10), policy=SALON)  # the 50 left expire
    cancel_order(s, order_id=order.id, today=date(2025, 1, 15), key="c1")
    assert bal(s, pid, date(2025, 1, 15)).lapsed == 150
    settle(s, program="salon-rewards", today=date(2025, 1, 16), policy=SALON)
    b = bal(s, pid, date(2025, 1, 16))
    assert (b.available, b.expired, b.total) == (0, 200, 0) and b.reconciles


# --- program stop: redemption open 3 more months (002 art. 8) ---------------------------------------

def test_redemption_stays_open_three_months_after_a_stop(s):
    pid = member(s)
    salon_credit(s, pid, 300, date(2024, 5, 1), "decl:1")
    stopped = replace(SALON, stop_on=date(2024, 6, 1))
    order = redeem(s, program="salon-rewards", participant_id=pid, points=140, reward="kit",
                   today=date(2024, 9, 1), policy=stopped, key="o1")
    assert order.id is not None
    with pytest.raises(LedgerError) as e:
        redeem(s, program="salon-rewards", participant_id=pid, points=140, reward="kit",
               today=date(2024, 9, 2), policy=stopped, key="o2")
    assert e.value.reason == Reason.REDEMPTION_CLOSED
    counts = settle(s, program="salon-rewards", today=date(2024, 9, 2), policy=stopped)
    assert counts.expired_points == 160
    assert bal(s, pid, date(2024, 9, 2), stopped).available == 0


# --- reversal and debt -------------------------------------------------------------------------------

def test_reversal_of_unspent_points(s):
    pid = member(s)
    d = declaration(s, pid)
    salon_credit(s, pid, 60, D0, f"decl:{d}", declaration_id=d)
    assert reverse_declaration(s, declaration_id=d, key="fraud:1", on=D0) == 60
    assert reverse_declaration(s, declaration_id=d, key="fraud:1", on=D0) == 0
    b = bal(s, pid, D0 + timedelta(days=8))
    assert (b.pending, b.available, b.debt, b.reversed, b.total) == (0, 0, 0, 60, 0)


def test_reversal_of_spent_points_is_a_debt_that_blocks_redemption(s):
    pid = member(s)
    d1, d2 = declaration(s, pid, "a.jpg"), declaration(s, pid, "b.jpg")
    salon_credit(s, pid, 200, D0, "decl:1", declaration_id=d1)
    today = D0 + timedelta(days=10)
    redeem(s, program="salon-rewards", participant_id=pid, points=150, reward="kit", today=today, policy=SALON,
           key="o1")
    assert reverse_declaration(s, declaration_id=d1, key="return:1", on=today) == 200
    b = bal(s, pid, today)
    assert (b.available, b.debt, b.total) == (0, 150, -150) and b.reconciles
    salon_credit(s, pid, 400, today, "decl:2", declaration_id=d2)
    later = today + timedelta(days=7)
    assert bal(s, pid, later).available == 400
    with pytest.raises(LedgerError) as e:
        redeem(s, program="salon-rewards", participant_id=pid, points=140, reward="kit", today=later,
               policy=SALON, key="o2")
    assert e.value.reason == Reason.DEBT_OUTSTANDING
    # settle makes the debt up from the newly available points; then redemption opens again
    assert settle(s, program="salon-rewards", today=later, policy=SALON).repaid_points == 150
    assert settle(s, program="salon-rewards", today=later, policy=SALON).repaid_points == 0
    b = bal(s, pid, later)
    assert (b.available, b.debt, b.total) == (250, 0, 250) and b.reconciles
    redeem(s, program="salon-rewards", participant_id=pid, points=140, reward="kit", today=later, policy=SALON,
           key="o2")


def test_adjustments(s):
    pid = member(s)
    assert adjust(s, program="salon-rewards", participant_id=pid, points=15, key="adj:1", on=D0,
                  note="profile completed").points == 15
    assert adjust(s, program="salon-rewards", participant_id=pid, points=15, key="adj:1", on=D0,
                  note="profile completed") is None
    assert bal(s, pid, D0).available == 15
    adjust(s, program="salon-rewards", participant_id=pid, points=-40, key="adj:2", on=D0, note="correction")
    assert bal(s, pid, D0).debt == 40
    with pytest.raises(ValueError):
        adjust(s, program="salon-rewards", participant_id=pid, points=5, key="adj:3", on=D0, note="")


def test_refund_recorded_once(s):
    pid = member(s)
    d = declaration(s, pid)
    r = record_refund(s, declaration_id=d, participant_id=pid, program="salon-rewards", amount=Decimal("12.5"),
                      key="birthday:1")
    assert r is not None and r.status == "to_pay"
    assert record_refund(s, declaration_id=d, participant_id=pid, program="salon-rewards", amount=Decimal("12.5"),
                         key="birthday:1") is None
    s.commit()
    stored = s.exec(select(Refund)).all()
    assert len(stored) == 1 and Decimal(stored[0].amount) == Decimal("12.50")


def test_balances_to_dict_is_json_ready(s):
    import json
    pid = member(s)
    salon_credit(s, pid, 42, D0, "decl:1")
    out = balances_to_dict(bal(s, pid, D0))
    text = json.dumps(out)
    assert out["pending"] == 42 and out["lots"][0]["expires_on"] == "2025-01-09" and out["reconciles"]
    assert "2024-01-17" in text


def test_functions_never_commit(database_url):
    migrate(database_url)
    engine = get_engine(database_url)
    with Session(engine) as s:
        pid = member(s)
        s.commit()
        salon_credit(s, pid, 10, D0, "decl:1")
        s.rollback()
    with Session(engine) as s:
        assert entries_sum(s, pid) == 0


# --- pro-club (seed 000) -----------------------------------------------------------------------------

def pro_order(s, pid, ref="A1", amount="1200.00", ordered_on=date(2024, 3, 10), products=("SECUROM ALARM KIT",)):
    return record_order(s, program="pro-club", participant_id=pid, order_ref=ref, operation_id="spring-2024",
                        ordered_on=ordered_on, amount=Decimal(amount), quantity=2, products=list(products),
                        policy=PRO)


def pro_bal(s, pid, today):
    return bal(s, pid, today, PRO, "pro-club")


def test_pro_points_credited_the_month_after_the_operation(s):
    pid = member(s, "shop-1", "pro-club")
    pro_order(s, pid)
    record_payment(s, program="pro-club", order_ref="A1", paid_on=date(2024, 3, 20), amount=Decimal("1200"),
                   key="pay:1")
    assert settle(s, program="pro-club", today=date(2024, 4, 30), policy=PRO).operations_credited == 0
    counts = settle(s, program="pro-club", today=date(2024, 5, 1), policy=PRO)
    # 0.1 point per EUR on 1200 EUR, plus the 1000 EUR tier bonus of 50
    assert (counts.operations_credited, counts.operation_points) == (1, 170)
    assert settle(s, program="pro-club", today=date(2024, 5, 2), policy=PRO).operations_credited == 0
    b = pro_bal(s, pid, date(2024, 5, 1))
    assert b.available == 170 and b.available_eur == Decimal("17.00")  # a point is worth 0.10 EUR
    assert b.lots[0].expires_on == date(2025, 4, 30)  # the operation's validity: 12 months


def test_pro_points_only_for_orders_fully_paid_on_time(s):
    pid = member(s, "shop-1", "pro-club")
    pro_order(s, pid, "LATE")
    pro_order(s, pid, "PARTIAL")
    pro_order(s, pid, "SPLIT")
    record_payment(s, program="pro-club", order_ref="LATE", paid_on=date(2024, 4, 10), amount=Decimal("1200"),
                   key="p1")  # due 2024-04-09 (30 days)
    record_payment(s, program="pro-club", order_ref="PARTIAL", paid_on=date(2024, 3, 12), amount=Decimal("1000"),
                   key="p2")
    record_payment(s, program="pro-club", order_ref="SPLIT", paid_on=date(2024, 3, 12), amount=Decimal("600"),
                   key="p3")
    record_payment(s, program="pro-club", order_ref="SPLIT", paid_on=date(2024, 4, 9), amount=Decimal("600"),
                   key="p4")
    record_payment(s, program="pro-club", order_ref="SPLIT", paid_on=date(2024, 4, 9), amount=Decimal("600"),
                   key="p4")  # replayed event: not counted twice (it would not matter here, but must not err)
    counts = settle(s, program="pro-club", today=date(2024, 5, 1), policy=PRO)
    assert counts.operations_credited == 1
    assert [l.note for l in pro_bal(s, pid, date(2024, 5, 1)).lots] == ["operation spring-2024, order SPLIT"]


def test_pro_return_cancels_points_before_and_after_credit(s):
    pid = member(s, "shop-1", "pro-club")
    for ref in ("R1", "R2"):
        pro_order(s, pid, ref)
        record_payment(s, program="pro-club", order_ref=ref, paid_on=date(2024, 3, 15), amount=Decimal("1200"),
                       key=f"pay:{ref}")
    assert record_return(s, program="pro-club", order_ref="R1", on=date(2024, 4, 2), key="ret:R1") == 0
    settle(s, program="pro-club", today=date(2024, 5, 1), policy=PRO)
    assert pro_bal(s, pid, date(2024, 5, 1)).available == 170  # R2 only
    assert record_return(s, program="pro-club", order_ref="R2", on=date(2024, 5, 3), key="ret:R2") == 170
    assert record_return(s, program="pro-club", order_ref="R2", on=date(2024, 5, 3), key="ret:R2") == 0
    b = pro_bal(s, pid, date(2024, 5, 3))
    assert (b.available, b.reversed, b.total) == (0, 170, 0)


def test_pro_closed_account_earns_nothing(s):
    open_, closed = member(s, "shop-open", "pro-club"), member(s, "shop-closed", "pro-club")
    for pid, ref in ((open_, "O1"), (closed, "C1")):
        pro_order(s, pid, ref)
        record_payment(s, program="pro-club", order_ref=ref, paid_on=date(2024, 3, 15), amount=Decimal("1200"),
                       key=f"pay:{ref}")
    assert record_closure(s, program="pro-club", participant_id=closed, closed_on=date(2024, 4, 20),
                          key="close:1") is not None
    assert record_closure(s, program="pro-club", participant_id=closed, closed_on=date(2024, 4, 20),
                          key="close:1") is None
    settle(s, program="pro-club", today=date(2024, 5, 1), policy=PRO)
    assert pro_bal(s, open_, date(2024, 5, 1)).available == 170
    assert pro_bal(s, closed, date(2024, 5, 1)).total == 0


def test_pro_order_outside_operation_or_products(s):
    pid = member(s, "shop-1", "pro-club")
    with pytest.raises(LedgerError) as e:
        pro_order(s, pid, "X", ordered_on=date(2024, 5, 2))
    assert e.value.reason == Reason.INVALID_EVENT
    pro_order(s, pid, "OTHER", products=("SOMETHING ELSE",))
    record_payment(s, program="pro-club", order_ref="OTHER", paid_on=date(2024, 3, 15), amount=Decimal("1200"),
                   key="pay")
    assert settle(s, program="pro-club", today=date(2024, 5, 1), policy=PRO).operations_credited == 0
    assert pro_order(s, pid, "OTHER") is None  # same order reference: recorded once


def test_pro_points_expire_after_the_operation_validity(s):
    pid = member(s, "shop-1", "pro-club")
    record_order(s, program="pro-club", participant_id=pid, order_ref="CAM", operation_id="autumn-2024",
                 ordered_on=date(2024, 9, 5), amount=Decimal("300"), quantity=3, products=["SECUROM CAMERA"],
                 policy=PRO)
    record_payment(s, program="pro-club", order_ref="CAM", paid_on=date(2024, 10, 1), amount=Decimal("300"),
                   key="pay")
    settle(s, program="pro-club", today=date(2024, 11, 1), policy=PRO)
    assert pro_bal(s, pid, date(2025, 4, 30)).available == 60  # 20 per unit, 6 months' validity
    settle(s, program="pro-club", today=date(2025, 5, 1), policy=PRO)
    assert pro_bal(s, pid, date(2025, 5, 1)).expired == 60


def test_entries_by_declaration_sum_to_what_it_credited_net_of_reversals(s):
    """Spending, expiry and debt repayment are about lots, not declarations: reprocessing relies on it."""
    pid = member(s)
    d1, d2 = declaration(s, pid, "a.jpg"), declaration(s, pid, "b.jpg")
    salon_credit(s, pid, 200, D0, "decl:1", declaration_id=d1)
    redeem(s, program="salon-rewards", participant_id=pid, points=150, reward="kit", today=date(2024, 2, 1),
           policy=SALON, key="o1")
    settle(s, program="salon-rewards", today=date(2025, 1, 10), policy=SALON)

    def by_declaration(d):
        return int(s.exec(select(func.coalesce(func.sum(LedgerEntry.points), 0))
                          .where(LedgerEntry.declaration_id == d)).one())
    assert by_declaration(d1) == 200
    salon_credit(s, pid, 300, date(2025, 1, 10), "decl:2", declaration_id=d2)
    reverse_declaration(s, declaration_id=d2, key="r2", on=date(2025, 1, 11))
    assert by_declaration(d2) == 0


def test_concurrent_redemptions_do_not_overspend(database_url):
    """Two orders of 150 against 200 available points, from two sessions at once: one only."""
    migrate(database_url)
    engine = get_engine(database_url)
    with Session(engine) as s0:
        pid = member(s0)
        salon_credit(s0, pid, 200, D0, "decl:1")
        s0.commit()
    today = D0 + timedelta(days=10)
    outcomes, barrier = [], threading.Barrier(2)

    def worker(n):
        with Session(engine) as s1:
            barrier.wait()
            try:
                redeem(s1, program="salon-rewards", participant_id=pid, points=150, reward="kit", today=today,
                       policy=SALON, key=f"order:{n}")
                s1.commit()
                outcomes.append("ok")
            except LedgerError as e:
                outcomes.append(str(e.reason))
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1, outcomes
    # the second waited for the lock (row lock, or SQLite's write lock), then saw 50 points left
    assert "below_redemption_minimum" in outcomes
    with Session(engine) as s2:
        b = bal(s2, pid, today)
        assert (b.available, b.spent) == (50, 150)


def test_concurrent_cancellations_re_credit_once(database_url):
    migrate(database_url)
    engine = get_engine(database_url)
    today = D0 + timedelta(days=10)
    with Session(engine) as s0:
        pid = member(s0)
        salon_credit(s0, pid, 200, D0, "decl:1")
        order_id = redeem(s0, program="salon-rewards", participant_id=pid, points=150, reward="kit", today=today,
                          policy=SALON, key="o1").id
        s0.commit()
    outcomes, barrier = [], threading.Barrier(2)

    def worker(n):
        with Session(engine) as s1:
            barrier.wait()
            try:
                outcomes.append(cancel_order(s1, order_id=order_id, today=today, key=f"cancel:{n}"))
                s1.commit()
            except LedgerError as e:
                outcomes.append(str(e.reason))
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(str, outcomes)) == ["150", "order_already_cancelled"]
    with Session(engine) as s2:
        assert bal(s2, pid, today).available == 200


def test_pro_no_operation_credit_after_a_program_stop(s):
    pid = member(s, "shop-1", "pro-club")
    pro_order(s, pid)
    record_payment(s, program="pro-club", order_ref="A1", paid_on=date(2024, 3, 20), amount=Decimal("1200"),
                   key="pay:1")
    stopped = replace(PRO, stop_on=date(2024, 4, 15))
    assert settle(s, program="pro-club", today=date(2024, 5, 1), policy=stopped).operations_credited == 0
    assert settle(s, program="pro-club", today=date(2024, 5, 1), policy=PRO).operations_credited == 1


def test_policy_reads_the_stop_announcement_of_the_program():
    config = tomllib.loads((ROOT / "samples/programs/salon-rewards.toml").read_text())
    config["stop"] = {"announced_on": "2024-06-01", "redemption_months": 3}
    policy = policy_for(config)
    assert policy.stop_on == date(2024, 6, 1) and policy.redemption_closes_on() == date(2024, 9, 1)
