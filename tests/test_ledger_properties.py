"""Property tests: random declarations, redemptions, cancellations, returns and settles over time.

Invariants after every step (SQLite; each example gets its own program name):
- no balance is ever negative, and a debt blocks redemption;
- replaying any operation with the same key changes nothing;
- the ledger reconciles: the sum of all entries == pending + available + lapsed - debt, and equals
  what the operations said they did (declared + adjusted - spent on open orders - expired - reversed).
"""

from __future__ import annotations

import hashlib
import itertools
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlmodel import Session, func, select

from ledger import LedgerPolicy, adjust, balances, cancel_order, credit, redeem, reverse_declaration, settle
from models.db import get_engine, migrate
from models.declarations import Declaration, Participant
from models.files import StoredFile
from models.ledger import LedgerEntry
from pipeline.errors import LedgerError, Reason

# a low threshold so that debts, redemptions and cancellations meet often within few steps
POLICY = LedgerPolicy(program="prop", pending_days=7, validity_months=12, min_redemption=30)
RUN = itertools.count()


class LedgerMachine(RuleBasedStateMachine):
    url: str = ""

    def __init__(self):
        super().__init__()
        self.program = f"prop-{next(RUN)}"
        self.s = Session(get_engine(self.url), expire_on_commit=False)
        p = Participant(program=self.program, external_id="x")
        self.s.add(p)
        self.s.flush()
        self.pid = p.id
        self.today = date(2024, 1, 1)
        self.declarations: list[int] = []  # declaration ids credited
        self.returned: set[int] = set()
        self.orders: dict[int, int] = {}  # open order id -> points
        self.keys: list[tuple[str, tuple]] = []  # replayable operations
        self.declared = self.spent = self.expired = self.reversed = 0
        self.n = 0

    def teardown(self):
        self.s.rollback()
        self.s.close()

    def bal(self):
        return balances(self.s, program=self.program, participant_id=self.pid, today=self.today, policy=POLICY)

    def snapshot(self):
        entries = self.s.exec(select(func.count(LedgerEntry.id), func.coalesce(func.sum(LedgerEntry.points), 0))
                              .where(LedgerEntry.participant_id == self.pid)).one()
        return tuple(entries)

    # --- operations ------------------------------------------------------------------------------

    @rule(points=st.integers(min_value=1, max_value=120))
    def declare(self, points):
        self.n += 1
        name = f"{self.program}-{self.n}"
        sha = hashlib.sha256(name.encode()).hexdigest()
        self.s.add(StoredFile(sha256=sha, kind="jpeg", size=1, first_name=name))
        self.s.flush()
        d = Declaration(program=self.program, participant_id=self.pid, file_sha256=sha, file_name=name)
        self.s.add(d)
        self.s.flush()
        lot = credit(self.s, program=self.program, participant_id=self.pid, points=points, key=f"decl:{d.id}",
                     acquired_on=self.today, available_on=POLICY.available_on(self.today),
                     expires_on=POLICY.expires_on(self.today), declaration_id=d.id)
        assert lot is not None
        self.declarations.append(d.id)
        self.declared += points
        self.keys.append(("credit", (points, f"decl:{d.id}", d.id)))

    @rule(points=st.integers(min_value=-60, max_value=60).filter(bool))
    def correct(self, points):
        """An operator correction: a gift is a lot, a withdrawal a debt made up by settle."""
        self.n += 1
        debt_before = self.bal().debt
        entry = adjust(self.s, program=self.program, participant_id=self.pid, points=points,
                       key=f"adjust:{self.n}", on=self.today, note="operator correction")
        assert entry is not None and entry.points == points
        if points < 0:
            assert self.bal().debt == debt_before - points
        self.declared += points
        self.keys.append(("adjust", (points, f"adjust:{self.n}")))

    @rule(days=st.integers(min_value=1, max_value=90))
    def advance(self, days):
        self.today += timedelta(days=days)

    @rule()
    def run_settle(self):
        counts = settle(self.s, program=self.program, today=self.today, policy=POLICY)
        self.expired += counts.expired_points
        b = self.bal()
        assert b.lapsed == 0
        # debts are made up from available points: both cannot remain
        assert b.debt == 0 or b.available == 0
        again = settle(self.s, program=self.program, today=self.today, policy=POLICY)
        assert (again.released, again.expired, again.repaid_points) == (0, 0, 0)

    @rule(points=st.integers(min_value=1, max_value=200))
    def spend(self, points):
        before = self.bal()
        self.n += 1
        key = f"order:{self.n}"
        try:
            order = redeem(self.s, program=self.program, participant_id=self.pid, points=points, reward="gift",
                           today=self.today, policy=POLICY, key=key)
        except LedgerError as e:
            if before.debt > 0:
                assert e.reason == Reason.DEBT_OUTSTANDING
            elif before.available < POLICY.min_redemption:
                assert e.reason == Reason.BELOW_REDEMPTION_MINIMUM
            else:
                assert e.reason == Reason.INSUFFICIENT_POINTS and points > before.available
            return
        assert before.debt == 0 and before.available >= max(points, POLICY.min_redemption)
        assert self.bal().available == before.available - points
        self.orders[order.id] = points
        self.spent += points
        self.keys.append(("redeem", (points, key)))

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def cancel(self, data):
        order_id = data.draw(st.sampled_from(sorted(self.orders)))
        points = cancel_order(self.s, order_id=order_id, today=self.today, key=f"cancel:{order_id}")
        assert points == self.orders.pop(order_id)
        self.spent -= points
        self.keys.append(("cancel", (order_id,)))

    @precondition(lambda self: self.declarations)
    @rule(data=st.data())
    def give_back(self, data):
        """A return (or a fraud finding) reverses a declaration; spent points become a debt."""
        d = data.draw(st.sampled_from(self.declarations))
        lot = self.s.exec(select(LedgerEntry).where(LedgerEntry.declaration_id == d,
                                                    LedgerEntry.kind == "credit")).one()
        expired = -self.s.exec(select(func.coalesce(func.sum(LedgerEntry.points), 0))
                               .where(LedgerEntry.lot_id == lot.id, LedgerEntry.kind == "expiry")).one()
        first = d not in self.returned
        debt_before = self.bal().debt
        spent_from_lot = lot.points - expired - max(self.lot_remaining(lot.id), 0) if first else 0
        got = reverse_declaration(self.s, declaration_id=d, key=f"return:{d}", on=self.today)
        if first:
            # everything credited and not expired is taken back; what was spent becomes a debt
            assert got == lot.points - expired
            assert self.lot_remaining(lot.id) == -spent_from_lot
            assert self.bal().debt == debt_before + spent_from_lot
            self.returned.add(d)
        else:
            assert got == 0
        self.reversed += got
        self.keys.append(("reverse", (d,)))

    def lot_remaining(self, lot_id: int) -> int:
        return int(self.s.exec(select(func.coalesce(func.sum(LedgerEntry.points), 0))
                               .where(LedgerEntry.lot_id == lot_id)).one())

    @precondition(lambda self: self.keys)
    @rule(data=st.data())
    def replay(self, data):
        """Any operation replayed with its key writes nothing."""
        kind, args = data.draw(st.sampled_from(self.keys))
        before = self.snapshot()
        if kind == "credit":
            points, key, d = args
            assert credit(self.s, program=self.program, participant_id=self.pid, points=points, key=key,
                          acquired_on=self.today, available_on=self.today, expires_on=None, declaration_id=d) is None
        elif kind == "redeem":
            points, key = args
            redeem(self.s, program=self.program, participant_id=self.pid, points=points, reward="gift",
                   today=self.today, policy=POLICY, key=key)
        elif kind == "adjust":
            points, key = args
            assert adjust(self.s, program=self.program, participant_id=self.pid, points=points, key=key,
                          on=self.today, note="operator correction") is None
        elif kind == "cancel":
            assert cancel_order(self.s, order_id=args[0], today=self.today, key=f"cancel:{args[0]}") == 0
        else:
            assert reverse_declaration(self.s, declaration_id=args[0], key=f"return:{args[0]}", on=self.today) == 0
        assert self.snapshot() == before

    # --- invariants ------------------------------------------------------------------------------

    @invariant()
    def never_negative_and_reconciles(self):
        b = self.bal()
        assert min(b.pending, b.available, b.expiring_soon, b.debt, b.lapsed, b.expired, b.reversed) >= 0
        assert b.total == self.snapshot()[1]
        assert b.total == b.pending + b.available + b.lapsed - b.debt
        assert b.total == self.declared - self.spent - self.expired - self.reversed
        assert b.spent == self.spent
        for lot in b.lots:
            assert lot.remaining <= max(lot.points, 0)  # a withdrawal lot goes from -n up to 0
            assert (lot.remaining < 0) == (lot.state == "debt")


@pytest.fixture(scope="module")
def ledger_db(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('ledger') / 'props.db'}"
    migrate(url)
    return url


def test_ledger_properties(ledger_db):
    LedgerMachine.url = ledger_db
    run_state_machine_as_test(LedgerMachine, settings=settings(
        max_examples=60, stateful_step_count=30, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
