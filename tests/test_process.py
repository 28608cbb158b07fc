"""`receipts process`: declarations decided end to end on committed samples (real OCR, real rules).

Each test runs on an empty database (SQLite, then PostgreSQL) whose
store is warmed with the samples' real readings (tests/readings_cache.py).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from declarations.process import (as_of, declaration_to_dict, declare, process_declaration,
                                  reprocess_declaration)
from declarations.runtime import runtime
from models.db import session
from models.declarations import Declaration
from pipeline.settings import Settings
from tests.conftest import SAMPLES
from tests.readings_cache import ReadingsCache

RECEIPTS = SAMPLES / "receipts"
BROKEN = SAMPLES / "broken"


def truth(name: str) -> dict:
    return json.loads((RECEIPTS / name).with_suffix(".json").read_text())


def purchase_date(name: str) -> date:
    return date.fromisoformat(truth(name)["date"])


@pytest.fixture(scope="session")
def readings(tmp_path_factory):
    return ReadingsCache(tmp_path_factory.mktemp("readings"))


@pytest.fixture
def rt(tmp_path, readings, database_url):
    """A runtime on a fresh database: every test here runs on SQLite and on PostgreSQL."""
    settings = Settings(data_dir=tmp_path, database_url=database_url)
    runtime_ = runtime(settings)
    readings.warm(runtime_.store, *sorted(p for p in RECEIPTS.iterdir() if p.suffix in (".jpg", ".png", ".pdf")))
    return runtime_


def run(rt, path: Path, participant: str = "p1", *, today: date, program: str = "salon-rewards", **kw):
    d, created = declare(rt, program=program, participant=participant, name=path.name, data=path.read_bytes(),
                         declared_at=as_of(today), **kw)
    assert created
    return process_declaration(rt, d.id)


def balances(rt, participant_id: int, today: date) -> dict:
    import ledger

    ctx = rt.program("salon-rewards")
    with session(rt.url) as s:
        return ledger.balances_to_dict(ledger.balances(s, program="salon-rewards", participant_id=participant_id,
                                                       today=today, policy=ctx.ledger))


def test_an_approved_salon_receipt_is_accepted_and_credits_its_eligible_products(rt):
    name = "salon-photo-kerastase.jpg"  # PATINE (a service, not a Fusio-Dose) + a Kérastase bath at 60.40
    today = purchase_date(name) + timedelta(days=3)
    d = run(rt, RECEIPTS / name, today=today)
    assert d.status == "accepted", d.reasons
    assert d.points == 60  # floor(60.40): the salon service earns nothing
    assert d.rules_version and d.catalog_version
    b = balances(rt, d.participant_id, today)
    assert (b["pending"], b["available"]) == (60, 0)  # available 7 days after the declaration
    b = balances(rt, d.participant_id, today + timedelta(days=7))
    assert (b["pending"], b["available"]) == (0, 60)


def test_processing_the_same_declaration_twice_credits_once(rt):
    name = "salon-photo-kerastase.jpg"
    today = purchase_date(name) + timedelta(days=3)
    d = run(rt, RECEIPTS / name, today=today)
    again = process_declaration(rt, d.id)  # a redelivered job
    assert (again.status, again.points) == (d.status, d.points)
    with session(rt.url) as s:  # and even re-deciding it from scratch changes nothing
        row = s.get(Declaration, d.id)
        row.status = "processing"
        s.add(row)
        s.commit()
    process_declaration(rt, d.id)
    assert balances(rt, d.participant_id, today)["pending"] == 60


def test_the_same_file_declared_twice_is_a_duplicate_and_earns_nothing(rt):
    name = "salon-photo-fusio-dose.jpg"
    today = purchase_date(name) + timedelta(days=1)
    first = run(rt, RECEIPTS / name, today=today)
    second = run(rt, RECEIPTS / name, today=today)
    assert first.status == "accepted" and first.points > 0
    assert second.status == "rejected"
    assert "duplicate_receipt" in second.reasons
    assert second.points == 0
    related = {s["related_declaration"] for s in second.fraud["signals"]}
    assert first.id in related
    assert balances(rt, first.participant_id, today)["pending"] == first.points


def test_a_rephotographed_receipt_from_a_second_account_is_caught(rt):
    today = purchase_date("rephoto-a.jpg") + timedelta(days=2)
    first = run(rt, RECEIPTS / "rephoto-a.jpg", participant="alice", today=today)
    second = run(rt, RECEIPTS / "rephoto-b.jpg", participant="bob", today=today)
    assert first.status != "rejected" or "duplicate_receipt" not in first.reasons
    assert second.status == "rejected" and "duplicate_receipt" in second.reasons
    codes = {s["code"] for s in second.fraud["signals"]}
    assert "cross_account" in codes


def test_two_lookalike_purchases_are_not_duplicates(rt):
    today = purchase_date("lookalike-a.jpg") + timedelta(days=2)
    a = run(rt, RECEIPTS / "lookalike-a.jpg", today=today)
    b = run(rt, RECEIPTS / "lookalike-b.jpg", today=today)
    assert "duplicate_receipt" not in a.reasons + b.reasons
    assert "suspected_fraud" not in b.reasons


@pytest.mark.parametrize(("name", "reason"), [("card-slip-contactless.jpg", "card_slip"),
                                              ("duplicata-reprint.jpg", "duplicata")])
def test_card_slips_and_duplicata_are_refused(rt, name, reason):
    d = run(rt, RECEIPTS / name, today=purchase_date(name) + timedelta(days=1))
    assert d.status == "rejected" and reason in d.reasons and d.points == 0


def test_a_purchase_older_than_twelve_months_is_refused_and_one_at_the_limit_is_not(rt):
    name = "salon-photo-kerastase.jpg"
    bought = purchase_date(name)
    too_late = run(rt, RECEIPTS / name, today=bought.replace(year=bought.year + 1) + timedelta(days=1))
    assert too_late.status == "rejected" and "purchase_too_old" in too_late.reasons
    # the refused one does not block a declaration in time
    in_time = run(rt, RECEIPTS / name, participant="p2", today=bought.replace(year=bought.year + 1))
    assert "purchase_too_old" not in in_time.reasons


def test_a_purchase_in_the_future_is_refused(rt):
    name = "salon-photo-kerastase.jpg"
    d = run(rt, RECEIPTS / name, today=purchase_date(name) - timedelta(days=1))
    assert d.status == "rejected" and "purchase_in_future" in d.reasons


def test_a_bad_file_is_recorded_with_its_reason_and_a_reupload_is_a_fresh_attempt(rt):
    today = date(2026, 11, 20)
    first = run(rt, BROKEN / "too-blurred.jpg", today=today)
    assert first.status == "rejected" and first.reasons == ["illegible"]
    assert first.decision["error"]["message"]
    again = run(rt, BROKEN / "too-blurred.jpg", today=today)
    assert again.reasons == ["illegible"]  # not duplicate_receipt: intake refusals don't count
    truncated = run(rt, BROKEN / "truncated.jpg", today=today)
    assert truncated.reasons == ["corrupt_file"]


def test_process_json_has_the_contract_keys(rt):
    name = "salon-photo-fusio-dose.jpg"
    d = run(rt, RECEIPTS / name, today=purchase_date(name) + timedelta(days=1))
    with session(rt.url) as s:
        out = declaration_to_dict(s, d, file=name)
    assert set(out) >= {"file", "declaration_id", "status", "reasons", "points", "extracted", "fraud"}
    assert out["extracted"]["total"] == truth(name)["total"]
    assert set(out["fraud"]) == {"score", "band", "signals"}


def test_reprocessing_with_an_unchanged_catalog_changes_nothing_and_dry_run_writes_nothing(rt):
    name = "salon-photo-kerastase.jpg"
    today = purchase_date(name) + timedelta(days=3)
    d = run(rt, RECEIPTS / name, today=today)
    change = reprocess_declaration(rt, d.id)
    assert not change.changed
    assert balances(rt, d.participant_id, today)["pending"] == 60


def marie(rt, today: date) -> None:
    """The participant named on salon-photo-exif-rotated.jpg's beneficiary line."""
    from declarations.participants import Profile, record_profile

    result = record_profile(rt, program="salon-rewards", participant="marie", today=today, profile=Profile(
        last_name="Simon", first_name="Marie", birth_date=date(1990, 4, 2), postal_address="3 rue des Lilas",
        postal_code="31000", city="Toulouse"))
    assert result["accepted"], result


def test_the_monthly_cap_stops_crediting_after_five_units_and_opens_again_next_month(rt):
    today = date(2026, 11, 20)
    marie(rt, today)
    first = run(rt, RECEIPTS / "salon-photo-fusio-dose.jpg", participant="marie", today=today)  # 3 units
    second = run(rt, RECEIPTS / "salon-photo-exif-rotated.jpg", participant="marie", today=today)  # 3 more
    assert first.decision["units"] == 3 and "monthly_cap_reached" not in first.reasons
    assert second.status == "accepted" and "monthly_cap_reached" in second.reasons  # partly credited
    assert second.decision["units"] == 2
    credited = [line for line in second.decision["lines"] if line["points"] > 0]
    assert len(credited) == 2  # in receipt order: the first two eligible lines
    december = run(rt, RECEIPTS / "salon-photo-kerastase.jpg", participant="marie", today=date(2026, 12, 1))
    assert "monthly_cap_reached" not in december.reasons and december.points == 60, december.reasons


def test_a_beneficiary_who_is_not_the_participant_is_refused(rt):
    d = run(rt, RECEIPTS / "salon-photo-exif-rotated.jpg", participant="someone-else",
            today=purchase_date("salon-photo-exif-rotated.jpg") + timedelta(days=2))
    assert d.status != "accepted" and d.points == 0
    assert {"name_mismatch", "beneficiary_uncertain"} & set(d.reasons)


def test_profile_bonuses_are_granted_once(rt):
    from declarations.participants import Profile, record_profile

    today = date(2026, 11, 20)
    profile = Profile(last_name="Durand", first_name="Léa", birth_date=date(1985, 1, 9),
                      postal_address="8 place du Marché", postal_code="69002", city="Lyon",
                      favourite_salon="L'ESPACE K")
    first = record_profile(rt, program="salon-rewards", participant="lea", profile=profile, today=today)
    again = record_profile(rt, program="salon-rewards", participant="lea", profile=profile, today=today)
    assert (first["bonus_points"], again["bonus_points"]) == (25, 0)
    twin = record_profile(rt, program="salon-rewards", participant="lea-2", profile=profile, today=today)
    assert not twin["accepted"] and "duplicate_account" in twin["reasons"]
    young = record_profile(rt, program="salon-rewards", participant="kid", today=today, profile=Profile(
        last_name="Petit", first_name="Tom", birth_date=date(2012, 1, 1), postal_address="1 rue A",
        postal_code="75011", city="Paris"))
    assert not young["accepted"] and "too_young" in young["reasons"]


def _catalog_without(tmp_path: Path, needle: str) -> Path:
    source = SAMPLES / "catalogs" / "salon-rewards"
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "retailers.csv").write_bytes((source / "retailers.csv").read_bytes())
    lines = (source / "products.csv").read_text().splitlines(keepends=True)
    (folder / "products.csv").write_text("".join(l for l in lines if needle not in l))
    return folder


def test_reprocessing_after_a_catalog_change_reverses_then_recredits_once(rt, tmp_path):
    name = "salon-photo-kerastase.jpg"
    today = purchase_date(name) + timedelta(days=3)
    d = run(rt, RECEIPTS / name, today=today)
    assert d.points == 60
    smaller = rt.catalog_dir(_catalog_without(tmp_path, "GENESIS"))
    dry = reprocess_declaration(rt, d.id, catalog=smaller, dry_run=True)
    assert (dry.before_points, dry.after_points, dry.applied) == (60, 0, False)
    assert balances(rt, d.participant_id, today)["pending"] == 60  # a dry run writes nothing
    change = reprocess_declaration(rt, d.id, catalog=smaller, on=today)
    # the bath is no longer in the catalog: it only resembles other Kérastase products (review), and
    # review holds no points until a moderator decides
    assert change.after_status in ("review", "rejected") and change.after_points == 0
    assert balances(rt, d.participant_id, today)["pending"] == 0
    assert reprocess_declaration(rt, d.id, catalog=smaller, on=today).changed is False  # idempotent
    back = reprocess_declaration(rt, d.id, on=today)  # the program's own catalog again
    assert (back.after_status, back.after_points) == ("accepted", 60)
    reprocess_declaration(rt, d.id, on=today)
    assert balances(rt, d.participant_id, today)["pending"] == 60


def test_the_process_command_prints_one_decision_per_file_in_order(tmp_path):
    from tests.test_cli import receipts

    big = tmp_path / "huge.jpg"
    with big.open("wb") as fh:  # sparse: 6 MB on disk costs nothing, and must never be read
        fh.truncate(6 * 1024 * 1024)
    name = "salon-photo-kerastase.jpg"
    today = (purchase_date(name) + timedelta(days=3)).isoformat()
    files = [str(RECEIPTS / name), str(big), str(BROKEN / "not-an-image.jpg"), str(RECEIPTS / name)]
    proc = receipts("process", "--program", "salon-rewards", "--participant", "cli-1", "--today", today,
                    "--catalog", str(SAMPLES / "catalogs" / "salon-rewards"), "--json", *files, data_dir=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["file"] for o in out] == files
    assert [o["status"] for o in out] == ["accepted", "rejected", "rejected", "rejected"]
    assert [o["reasons"][0] for o in out[1:]] == ["file_too_large", "unsupported_format", "duplicate_receipt"]
    assert out[0]["points"] == 60 and out[0]["extracted"]["total"] == truth(name)["total"]
    assert len({o["declaration_id"] for o in out}) == 4
    ledger_out = receipts("ledger", "--participant", "cli-1", "--program", "salon-rewards", "--today", today,
                          "--json", data_dir=tmp_path)
    assert ledger_out.returncode == 0, ledger_out.stderr
    assert json.loads(ledger_out.stdout)["pending"] == 60


def test_reprocessing_reuses_stored_ocr_unless_asked_to_read_again(rt):
    from models.extractions import OcrReading
    from sqlmodel import select

    name = "salon-photo-kerastase.jpg"
    today = purchase_date(name) + timedelta(days=3)
    d = run(rt, RECEIPTS / name, today=today)

    def reading_rows():
        with session(rt.url) as s:
            return [(r.id, r.created_at, r.seconds) for r in
                    s.exec(select(OcrReading).where(OcrReading.file_sha256 == d.file_sha256)).all()]

    before = reading_rows()
    assert reprocess_declaration(rt, d.id, on=today).changed is False
    assert reading_rows() == before  # nothing was read again
    dry = reprocess_declaration(rt, d.id, reocr=True, dry_run=True)
    assert reading_rows() == before and dry.after_points == 60
    reprocess_declaration(rt, d.id, reocr=True, on=today)
    after = reading_rows()
    assert len(after) == 1 and after[0][0] == before[0][0] and after[0][2] != before[0][2]  # replaced in place
    assert balances(rt, d.participant_id, today)["pending"] == 60


def test_the_birthday_offer_refunds_a_fusio_dose_once_and_earns_no_points(rt):
    from declarations.participants import Profile, record_profile
    from models.ledger import Refund
    from sqlmodel import select

    today = date(2026, 11, 20)
    record_profile(rt, program="salon-rewards", participant="ines", today=today, profile=Profile(
        last_name="Martin", first_name="Ines", birth_date=date(1991, 11, 3), postal_address="5 rue Haute",
        postal_code="92100", city="Boulogne-Billancourt"))
    offer = {"kind": "birthday", "iban": "FR7630006000011234567890189"}
    d = run(rt, RECEIPTS / "salon-photo-fusio-dose.jpg", participant="ines", today=today, offer=offer)
    assert (d.status, d.points) == ("accepted", 0), d.reasons
    with session(rt.url) as s:
        refunds = s.exec(select(Refund).where(Refund.declaration_id == d.id)).all()
    assert [str(r.amount) for r in refunds] == ["15.00"]  # a 17.50 Fusio-Dose, refunded up to 15
    from declarations.process import history_of

    later, _ = declare(rt, program="salon-rewards", participant="ines", name="x.jpg",
                       data=(RECEIPTS / "salon-photo-kerastase.jpg").read_bytes(), declared_at=as_of(today),
                       offer=offer)
    with session(rt.url) as s:  # what the rules will know about the next birthday declaration
        history = history_of(s, s.get(Declaration, later.id), rt.program("salon-rewards"))
    assert history.birthday_offer_months == ("2026-11",)


def test_what_the_participant_declared_is_checked_against_the_receipt(rt):
    name = "salon-photo-kerastase.jpg"
    bought = purchase_date(name)
    today = bought + timedelta(days=3)
    right = run(rt, RECEIPTS / name, participant="a", today=today, declared_purchase_date=bought,
                declared_retailer="L'Espace K")
    assert right.status == "accepted", right.reasons
    wrong = run(rt, RECEIPTS / "salon-photo-fusio-dose.jpg", participant="b",
                today=purchase_date("salon-photo-fusio-dose.jpg") + timedelta(days=1),
                declared_purchase_date=purchase_date("salon-photo-fusio-dose.jpg") - timedelta(days=9),
                declared_retailer="Salon Elegance")
    assert wrong.status == "review" and wrong.points == 0
    assert {"declared_date_mismatch", "declared_retailer_mismatch"} <= set(wrong.reasons)


def test_a_later_fraud_finding_reverses_points_already_credited(rt, tmp_path):
    """An edited total slips through (its one weak signal scores below review); the program
    then weighs that signal more, and reprocessing reverses the points through the ledger."""
    import re

    from sqlmodel import select

    from declarations.runtime import runtime as build
    from models.ledger import LedgerEntry

    name = "edited-total.jpg"
    today = purchase_date(name) + timedelta(days=3)
    d = run(rt, RECEIPTS / name, today=today)
    assert d.status == "accepted" and d.points > 0, d.reasons
    assert "total_unsupported" in {s["code"] for s in d.fraud["signals"]}
    programs = tmp_path / "programs"
    programs.mkdir()
    toml = (SAMPLES / "programs" / "salon-rewards.toml").read_text()
    toml = re.sub(r"(?m)^dir = .*$", f'dir = "{(SAMPLES / "catalogs" / "salon-rewards").as_posix()}"', toml)
    toml, n = re.subn(r"(?m)^total_unsupported = .*$", "total_unsupported = 0.5", toml)
    assert n == 1
    (programs / "salon-rewards.toml").write_text(toml)
    stricter = build(rt.settings.model_copy(update={"programs_dir": programs}))
    change = reprocess_declaration(stricter, d.id, on=today)
    assert change.after_status == "review" and "suspected_fraud" in change.after_reasons
    assert balances(rt, d.participant_id, today)["pending"] == 0  # reversed through the ledger
    with session(rt.url) as s:
        kinds = [e.kind for e in s.exec(select(LedgerEntry).where(LedgerEntry.declaration_id == d.id)
                                         .order_by(LedgerEntry.id)).all()]
    assert kinds == ["credit", "reversal"]  # history kept, never rewritten
