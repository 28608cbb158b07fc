"""`receipts ledger`, `receipts ledger settle`, `receipts redeem` and `receipts event import`.

Each command opens one session, calls the ledger library, and commits once.
Refusals (LedgerError) print a sentence and exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from dataclasses import asdict
from datetime import date
from pathlib import Path

from pipeline.settings import Settings


def add_parsers(sub) -> None:
    lg = sub.add_parser("ledger", help="a participant's points, or the daily settle")
    lg.add_argument("action", nargs="?", choices=["settle"],
                    help="settle: write the day's release, expiry and operation entries")
    lg.add_argument("--program", required=True, help="program config (samples/programs/NAME.toml)")
    lg.add_argument("--participant", help="the participant's id on the loyalty site")
    lg.add_argument("--today", type=date.fromisoformat, help="as-of date (YYYY-MM-DD, default today)")
    lg.add_argument("--db", help="database URL (default: DATABASE_URL, else a SQLite file in the data dir)")
    lg.add_argument("--json", action="store_true", help="print JSON")
    lg.set_defaults(run=run_ledger)

    rd = sub.add_parser("redeem", help="order a reward with points, or cancel an order")
    rd.add_argument("--program", required=True)
    rd.add_argument("--participant", help="the participant's id on the loyalty site")
    rd.add_argument("--points", type=int, help="points the reward costs")
    rd.add_argument("--reward", help="the reward's name")
    rd.add_argument("--cancel", type=int, metavar="ORDER_ID", help="cancel this order and re-credit its points")
    rd.add_argument("--key", help="idempotency key (default: a new one per run; cancel: per order)")
    rd.add_argument("--today", type=date.fromisoformat, help="as-of date (YYYY-MM-DD, default today)")
    rd.add_argument("--db", help="database URL")
    rd.add_argument("--json", action="store_true", help="print JSON")
    rd.set_defaults(run=run_redeem)

    ev = sub.add_parser("event", help="program events (pro-club orders, payments, returns, closures)")
    ev.add_argument("action", choices=["import"])
    ev.add_argument("file", type=Path, metavar="FILE.csv",
                    help="columns: event_id,event,date,participant,order_ref,operation,amount,quantity,"
                         "products,due_on (see ledger/events.py)")
    ev.add_argument("--program", required=True)
    ev.add_argument("--db", help="database URL")
    ev.add_argument("--json", action="store_true", help="print JSON")
    ev.set_defaults(run=run_event)


def _context(args, settings: Settings):
    from ledger import policy_for
    from models.db import migrate
    from pipeline.settings import TIMEZONE, load_program

    from datetime import datetime

    config = load_program(settings.programs_dir, args.program)  # ValueError for an unknown program
    url = args.db or settings.db_url
    migrate(url)
    today = getattr(args, "today", None) or datetime.now(TIMEZONE).date()
    return url, policy_for(config), today


def _participant(s, program: str, external_id: str | None) -> int:
    from sqlmodel import select

    from models.declarations import Participant

    if not external_id:
        raise ValueError("--participant is required")
    pid = s.exec(select(Participant.id).where(Participant.program == program,
                                              Participant.external_id == external_id)).first()
    if pid is None:
        raise ValueError(f"no participant {external_id!r} in {program}")
    return pid


def _refused(e) -> int:
    print(f"receipts: {e.message} ({e.reason})", file=sys.stderr)
    return 2


def print_balances(b, external_id: str) -> None:
    print(f"{b.program} participant {external_id} on {b.today.isoformat()}")
    print(f"  available      {b.available:>7}" + (f"  ({b.available_eur} EUR)" if b.point_value_eur else ""))
    print(f"  pending        {b.pending:>7}")
    print(f"  expiring soon  {b.expiring_soon:>7}")
    for label, value in (("debt", b.debt), ("lapsed", b.lapsed)):
        if value:
            print(f"  {label:<14} {value:>7}")
    print(f"  spent {b.spent}, expired {b.expired}, reversed {b.reversed}")
    if b.lots:
        print("  lots (oldest first):  acquired    available   expires     remaining  state")
        for lot in b.lots:
            print(f"    #{lot.lot_id:<18} {lot.acquired_on}  {lot.available_on}  "
                  f"{str(lot.expires_on or 'never'):<10}  {lot.remaining:>9}  {lot.state}")


def run_ledger(args: argparse.Namespace, settings: Settings) -> int:
    from ledger import balances, balances_to_dict, settle
    from models.db import session
    from pipeline.errors import LedgerError

    url, policy, today = _context(args, settings)
    with session(url) as s:
        try:
            if args.action == "settle":
                counts = settle(s, program=args.program, today=today, policy=policy)
                s.commit()
                if args.json:
                    print(json.dumps({"program": args.program, "today": today.isoformat(), **asdict(counts)}))
                else:
                    print(f"{args.program} settled on {today}: {counts.released} lots released, "
                          f"{counts.expired} lots expired ({counts.expired_points} points), "
                          f"{counts.repaid_points} points of debt made up, "
                          f"{counts.operations_credited} operation orders credited ({counts.operation_points} points)")
                return 0
            pid = _participant(s, args.program, args.participant)
            b = balances(s, program=args.program, participant_id=pid, today=today, policy=policy)
        except LedgerError as e:
            s.rollback()
            return _refused(e)
    if args.json:
        print(json.dumps({"participant": args.participant, **balances_to_dict(b)}))
    else:
        print_balances(b, args.participant)
    return 0


def run_redeem(args: argparse.Namespace, settings: Settings) -> int:
    from ledger import balances, cancel_order, redeem
    from models.db import session
    from pipeline.errors import LedgerError

    url, policy, today = _context(args, settings)
    with session(url) as s:
        try:
            if args.cancel is not None:
                points = cancel_order(s, order_id=args.cancel, today=today, key=args.key or f"cancel:{args.cancel}")
                s.commit()
                out = {"order_id": args.cancel, "status": "cancelled", "points_recredited": points}
                print(json.dumps(out) if args.json else
                      f"order {args.cancel} cancelled: {points} points re-credited")
                return 0
            if args.points is None or not args.reward:
                raise ValueError("--points and --reward are required to order a reward")
            pid = _participant(s, args.program, args.participant)
            order = redeem(s, program=args.program, participant_id=pid, points=args.points, reward=args.reward,
                           today=today, policy=policy, key=args.key or f"cli:{uuid.uuid4()}")
            left = balances(s, program=args.program, participant_id=pid, today=today, policy=policy).available
            s.commit()
        except LedgerError as e:
            s.rollback()
            return _refused(e)
    out = {"order_id": order.id, "participant": args.participant, "reward": order.reward, "points": order.points,
           "status": order.status, "ordered_on": order.ordered_on.isoformat(), "available": left}
    print(json.dumps(out) if args.json else
          f"order {order.id}: {order.reward} for {order.points} points; {left} points left")
    return 0


def run_event(args: argparse.Namespace, settings: Settings) -> int:
    from ledger.events import import_events
    from models.db import session
    from pipeline.errors import LedgerError

    if not args.file.is_file():
        raise ValueError(f"no such file: {args.file}")
    url, policy, _ = _context(args, settings)
    with session(url) as s:
        try:
            counts = import_events(s, args.file, program=args.program, policy=policy)
            s.commit()  # all rows or none
        except LedgerError as e:
            s.rollback()
            return _refused(e)
    print(json.dumps(dict(counts)) if args.json else
          f"{sum(counts.values())} events read: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    return 0
