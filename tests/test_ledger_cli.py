"""`receipts ledger`, `ledger settle`, `redeem` and `event import` through cli.main.main."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import Session

from cli.main import main
from ledger import credit
from models.db import get_engine, migrate
from models.declarations import Participant
from tests.conftest import SAMPLES

EVENTS = SAMPLES / "events" / "pro-club-spring-2024.csv"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def salon_db(database_url):
    """A salon participant 'alice' with 200 points declared on 2024-01-10 and 100 on 2024-02-01."""
    migrate(database_url)
    with Session(get_engine(database_url)) as s:
        p = Participant(program="salon-rewards", external_id="alice")
        s.add(p)
        s.flush()
        credit(s, program="salon-rewards", participant_id=p.id, points=200, key="d1", acquired_on=date(2024, 1, 10),
               available_on=date(2024, 1, 17), expires_on=date(2025, 1, 9))
        credit(s, program="salon-rewards", participant_id=p.id, points=100, key="d2", acquired_on=date(2024, 2, 1),
               available_on=date(2024, 2, 8), expires_on=date(2025, 1, 31))
        s.commit()
    return database_url


def test_ledger_prints_balances_with_lots(capsys, salon_db):
    code, out, _ = run(capsys, "ledger", "--participant", "alice", "--program", "salon-rewards",
                       "--today", "2024-02-05", "--db", salon_db, "--json")
    assert code == 0
    b = json.loads(out)
    assert (b["available"], b["pending"]) == (200, 100)
    assert [l["expires_on"] for l in b["lots"]] == ["2025-01-09", "2025-01-31"]
    code, out, _ = run(capsys, "ledger", "--participant", "alice", "--program", "salon-rewards",
                       "--today", "2024-02-05", "--db", salon_db)
    assert code == 0 and "available" in out and "2025-01-09" in out and "pending" in out


def test_redeem_and_cancel(capsys, salon_db):
    code, out, _ = run(capsys, "redeem", "--participant", "alice", "--program", "salon-rewards", "--points", "150",
                       "--reward", "Travel kit", "--today", "2024-03-01", "--db", salon_db, "--json")
    assert code == 0
    order = json.loads(out)
    assert order["available"] == 150 and order["points"] == 150
    code, _, err = run(capsys, "redeem", "--participant", "alice", "--program", "salon-rewards", "--points", "151",
                       "--reward", "Big kit", "--today", "2024-03-01", "--db", salon_db)
    assert code == 2 and "insufficient_points" in err and "Traceback" not in err
    code, out, _ = run(capsys, "redeem", "--cancel", str(order["order_id"]), "--program", "salon-rewards",
                       "--today", "2024-03-02", "--db", salon_db)
    assert code == 0 and "150 points re-credited" in out
    code, out, _ = run(capsys, "ledger", "--participant", "alice", "--program", "salon-rewards",
                       "--today", "2024-03-02", "--db", salon_db, "--json")
    assert json.loads(out)["available"] == 300


def test_redeem_below_minimum_exits_2_with_a_sentence(capsys, salon_db):
    code, _, err = run(capsys, "redeem", "--participant", "alice", "--program", "salon-rewards", "--points", "10",
                       "--reward", "Sample", "--today", "2024-01-20", "--db", salon_db)
    assert code == 0  # 200 available, above the 140 minimum
    code, _, err = run(capsys, "redeem", "--participant", "alice", "--program", "salon-rewards", "--points", "10",
                       "--reward", "Sample", "--today", "2024-01-12", "--db", salon_db)
    assert code == 2 and "140" in err and "below_redemption_minimum" in err


def test_unknown_participant_or_program_exit_2(capsys, salon_db):
    code, _, err = run(capsys, "ledger", "--participant", "nobody", "--program", "salon-rewards", "--db", salon_db)
    assert code == 2 and "nobody" in err
    code, _, err = run(capsys, "ledger", "--participant", "alice", "--program", "nope", "--db", salon_db)
    assert code == 2 and "unknown program" in err


def test_settle_expires_and_is_idempotent(capsys, salon_db):
    code, out, _ = run(capsys, "ledger", "settle", "--program", "salon-rewards", "--today", "2025-01-10",
                       "--db", salon_db, "--json")
    assert code == 0
    first = json.loads(out)
    assert (first["expired"], first["expired_points"], first["released"]) == (1, 200, 2)
    code, out, _ = run(capsys, "ledger", "settle", "--program", "salon-rewards", "--today", "2025-01-10",
                       "--db", salon_db, "--json")
    again = json.loads(out)
    assert (again["expired"], again["released"]) == (0, 0)
    code, out, _ = run(capsys, "ledger", "--participant", "alice", "--program", "salon-rewards",
                       "--today", "2025-01-10", "--db", salon_db, "--json")
    b = json.loads(out)
    assert (b["available"], b["expired"]) == (100, 200)


def test_event_import_then_settle_credits_pro_club(capsys, database_url):
    code, out, _ = run(capsys, "event", "import", str(EVENTS), "--program", "pro-club", "--db", database_url,
                       "--json")
    assert code == 0
    assert json.loads(out) == {"order": 5, "payment": 6, "return": 1, "closure": 1}
    code, out, _ = run(capsys, "event", "import", str(EVENTS), "--program", "pro-club", "--db", database_url,
                       "--json")
    assert json.loads(out) == {"skipped": 13}
    code, out, _ = run(capsys, "ledger", "settle", "--program", "pro-club", "--today", "2024-04-30",
                       "--db", database_url, "--json")
    assert json.loads(out)["operations_credited"] == 0  # not before the month after the operation
    code, out, _ = run(capsys, "ledger", "settle", "--program", "pro-club", "--today", "2024-05-01",
                       "--db", database_url, "--json")
    assert json.loads(out)["operation_points"] == 215
    expected = {"SHOP-0001": (215, "21.50"), "SHOP-0002": (0, "0.00"), "SHOP-0003": (0, "0.00"),
                "SHOP-0004": (0, "0.00")}  # paid late, returned, closed account
    for shop, (points, eur) in expected.items():
        code, out, _ = run(capsys, "ledger", "--participant", shop, "--program", "pro-club", "--today", "2024-05-01",
                           "--db", database_url, "--json")
        b = json.loads(out)
        assert (b["available"], b["available_eur"]) == (points, eur), shop


def test_event_import_refuses_a_bad_file_atomically(capsys, database_url, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("event_id,event,date,participant,order_ref,operation,amount,quantity,products,due_on\n"
                   "e1,order,2024-03-04,SHOP-9,B-1,spring-2024,100.00,1,SECUROM DETECTOR,\n"
                   "e2,payment,2024-03-05,,B-404,,100.00,,,\n")
    code, _, err = run(capsys, "event", "import", str(bad), "--program", "pro-club", "--db", database_url)
    assert code == 2 and "Line 3" in err and "Traceback" not in err
    bad.write_text(bad.read_text().splitlines()[0] + "\n" + "e1,order,2024-03-04,SHOP-9,B-1,spring-2024,100.00,1,"
                   "SECUROM DETECTOR,\n")
    code, out, _ = run(capsys, "event", "import", str(bad), "--program", "pro-club", "--db", database_url, "--json")
    assert json.loads(out) == {"order": 1}  # the refused file left nothing behind
