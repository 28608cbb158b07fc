"""The duplicate index on real receipts read by the real pipeline, on SQLite and PostgreSQL.

Receipts come from the generator (same paper photographed twice; two look-alike sales
at one till; one honest photo) and are read once per module through `extract_receipt`
with a shared `ReadingStore`; each test then indexes them in a fresh database.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from models.db import migrate, session
from models.declarations import Declaration, Participant
from models.files import StoredFile
from models.fingerprints import (FingerprintKey, behaviour, find_candidates, forget_fingerprint, record_fingerprint,
                                 same_file)
from models.store import ReadingStore
from pipeline.extract import ExtractOptions, extract_receipt
from pipeline.fraud import Behaviour, Candidates, assess, editing_signals, fingerprint_of, fraud_policy
from pipeline.fraud.sketches import PHASH_KEY
from pipeline.settings import TIMEZONE, load_program
from samples.generator import generate_pair
from tests.conftest import SAMPLES

PROGRAM = "salon-rewards"
POLICY = fraud_policy(load_program(SAMPLES / "programs", PROGRAM))
AT = datetime(2026, 6, 1, 10, 0, tzinfo=TIMEZONE)


@pytest.fixture(scope="module")
def read(tmp_path_factory):
    """Read a generated sample through the real pipeline (each file OCR'd once per module)."""
    root = tmp_path_factory.mktemp("fraud-readings")
    store = ReadingStore(f"sqlite:///{root / 'readings.db'}", root)
    cache = {}

    def run(sample):
        if sample.name not in cache:
            result = extract_receipt(sample.filename, sample.data, ExtractOptions(), store)
            assert result.extraction.ok, result.extraction.error_message
            cache[sample.name] = result.extraction
        return cache[sample.name]

    run.store = store
    return run


@pytest.fixture(scope="module")
def rephoto():
    return generate_pair(110001, "rephoto")


@pytest.fixture(scope="module")
def lookalike():
    return generate_pair(120001, "lookalike")


def declare(url: str, extraction, *, account: str, at: datetime = AT, identity: str | None = None) -> tuple[int, int]:
    """A declaration row (and its participant and stored file) as the orchestrator writes it."""
    with session(url) as s:
        if s.get(StoredFile, extraction.sha256) is None:
            s.add(StoredFile(sha256=extraction.sha256, kind="jpeg", size=1, first_name=extraction.file))
            s.flush()
        p = s.exec(select(Participant).where(Participant.external_id == account)).first()
        if p is None:
            p = Participant(program=PROGRAM, external_id=account, identity_key=identity)
            s.add(p)
            s.flush()
        d = Declaration(program=PROGRAM, participant_id=p.id, file_sha256=extraction.sha256,
                        file_name=extraction.file, declared_at=at)
        s.add(d)
        s.commit()
        return d.id, p.id


def check(url: str, extraction, data: bytes, *, account: str, at: datetime = AT):
    """Declare, look up, assess and index one receipt; the assessment."""
    did, pid = declare(url, extraction, account=account, at=at)
    fp = fingerprint_of(extraction)
    with session(url) as s:
        candidates = find_candidates(s, program=PROGRAM, fp=fp, exclude_declaration_id=did)
        b = behaviour(s, program=PROGRAM, participant_id=pid, identity_key=None, at=at, template_key=fp.template_key)
        a = assess(fp, candidates, editing_signals(extraction, data), b, POLICY)
        record_fingerprint(s, declaration_id=did, program=PROGRAM, participant_id=pid, fp=fp)
        s.commit()
    return did, a


def test_reading_keeps_the_receipt_hash_and_serves_it_from_the_store(read, rephoto):
    first = read(rephoto[0])
    assert len(first.metadata[PHASH_KEY]) == 16
    again = extract_receipt("renamed.jpg", rephoto[0].data, ExtractOptions(), read.store)
    assert again.from_store and again.extraction.metadata[PHASH_KEY] == first.metadata[PHASH_KEY]
    assert fingerprint_of(first).image_hash == int(first.metadata[PHASH_KEY], 16)


def test_exact_resubmission_is_caught_then_forgotten_after_a_refusal(database_url, read, rephoto):
    migrate(database_url)
    sample = rephoto[0]
    ex = read(sample)
    first, a = check(database_url, ex, sample.data, account="alice")
    assert a.band == "accept" and a.duplicate_of is None
    second, b = check(database_url, ex, sample.data, account="alice")
    assert b.band == "reject" and b.duplicate_of == first
    assert b.signals[0].code == "same_file" and b.signals[0].related_declaration == first
    with session(database_url) as s:
        # reprocessing a declaration replaces its fingerprint (no duplicate key, no self-collision)
        record_fingerprint(s, declaration_id=second, program=PROGRAM, participant_id=1, fp=fingerprint_of(ex))
        s.commit()
        assert same_file(s, program=PROGRAM, sha256=ex.sha256, exclude_declaration_id=second) == first
        assert same_file(s, program="pro-club", sha256=ex.sha256, exclude_declaration_id=None) is None
        forget_fingerprint(s, first)
        forget_fingerprint(s, second)
        s.commit()
        assert same_file(s, program=PROGRAM, sha256=ex.sha256, exclude_declaration_id=None) is None
        assert not s.exec(select(FingerprintKey).where(FingerprintKey.declaration_id == first)).all()


def test_rephotographed_receipt_from_another_account_is_caught(database_url, read, rephoto):
    migrate(database_url)
    a_photo, b_photo = rephoto
    assert a_photo.data != b_photo.data and a_photo.paper_id == b_photo.paper_id
    first, a = check(database_url, read(a_photo), a_photo.data, account="alice")
    assert a.band == "accept"
    _, b = check(database_url, read(b_photo), b_photo.data, account="bob")
    assert b.band == "reject" and b.duplicate_of == first
    codes = [s.code for s in b.signals]
    assert codes[0] in ("same_purchase", "rephotographed") and "cross_account" in codes


def test_lookalike_sale_at_the_same_till_is_not_flagged(database_url, read, lookalike):
    migrate(database_url)
    a_photo, b_photo = lookalike
    a_ex, b_ex = read(a_photo), read(b_photo)
    assert a_ex.fields.total == b_ex.fields.total and a_ex.fields.date == b_ex.fields.date
    check(database_url, a_ex, a_photo.data, account="alice")
    second, b = check(database_url, b_ex, b_photo.data, account="bob")
    assert b.band == "accept" and b.duplicate_of is None, b.signals
    with session(database_url) as s:  # found as a candidate (same day and total), then cleared by its facts
        found = find_candidates(s, program=PROGRAM, fp=fingerprint_of(b_ex), exclude_declaration_id=second)
        assert found.items and {"time", "ticket"} & set(found.items[0].conflicts)


def test_unrelated_receipts_are_not_candidates(database_url, read, rephoto, lookalike):
    migrate(database_url)
    check(database_url, read(rephoto[0]), rephoto[0].data, account="alice")
    with session(database_url) as s:
        found = find_candidates(s, program=PROGRAM, fp=fingerprint_of(read(lookalike[0])), exclude_declaration_id=None)
    assert not [c for c in found if c.same_file or c.same_purchase or (c.text_similarity or 0) >= 0.3]


def test_behaviour_counts_velocity_identities_and_templates(database_url, read, rephoto):
    migrate(database_url)
    ex = read(rephoto[0])
    for minutes in (5, 30, 90, 60 * 30, 60 * 24 * 40):  # 2 in the last hour, 3 in the day, 4 in 30 days
        declare(database_url, ex, account="carol", at=AT - timedelta(minutes=minutes), identity="DUPONT|MARIE|1990")
    declare(database_url, ex, account="carol-bis", identity="DUPONT|MARIE|1990")
    declare(database_url, ex, account="dave", identity="MARTIN|PAUL|1985")
    with session(database_url) as s:
        carol = s.exec(select(Participant.id).where(Participant.external_id == "carol")).one()
        bis = s.exec(select(Participant.id).where(Participant.external_id == "carol-bis")).one()
        for account in ("dave", "carol-bis"):
            pid = s.exec(select(Participant.id).where(Participant.external_id == account)).one()
            did = s.exec(select(Declaration.id).where(Declaration.participant_id == pid)).first()
            record_fingerprint(s, declaration_id=did, program=PROGRAM, participant_id=pid, fp=fingerprint_of(ex))
        s.commit()
        fp = fingerprint_of(ex)
        assert fp.template_key is not None
        b = behaviour(s, program=PROGRAM, participant_id=carol, identity_key="DUPONT|MARIE|1990", at=AT,
                      template_key=fp.template_key)
    assert (b.last_hour, b.last_day, b.last_month) == (2, 3, 4)
    assert b.shared_identity == (bis,)
    assert len(b.template_accounts) == 2
    strict = fraud_policy({"fraud": {"velocity_hour": 1, "velocity_day": 2, "velocity_month": 3}})
    a = assess(fp, Candidates(), (), b, strict)
    assert {"velocity_hour", "velocity_day", "velocity_month", "shared_identity", "template_reuse"} == {
        s.code for s in a.signals}
    assert a.band == "review" and 0.7 < a.score < POLICY.reject_from  # weak signals: a person looks, never auto-reject
    calm = assess(fp, Candidates(), (), Behaviour(participant_id=carol), strict)
    assert calm.band == "accept"


def test_receipt_shared_between_accounts_raises_both_accounts_risk(database_url, read, rephoto):
    migrate(database_url)
    a_photo, b_photo = rephoto
    first, _ = check(database_url, read(a_photo), a_photo.data, account="alice")
    second, found = declare(database_url, read(b_photo), account="bob")
    with session(database_url) as s:
        fp = fingerprint_of(read(b_photo))
        a = assess(fp, find_candidates(s, program=PROGRAM, fp=fp, exclude_declaration_id=second), (),
                   Behaviour(participant_id=found), POLICY)
        assert a.duplicate_of == first
        record_fingerprint(s, declaration_id=second, program=PROGRAM, participant_id=found, fp=fp,
                           duplicate_of=a.duplicate_of)
        s.commit()
        ids = {acct: s.exec(select(Participant.id).where(Participant.external_id == acct)).one()
               for acct in ("alice", "bob")}
        later = AT + timedelta(days=3)
        alice = behaviour(s, program=PROGRAM, participant_id=ids["alice"], identity_key=None, at=later)
        bob = behaviour(s, program=PROGRAM, participant_id=ids["bob"], identity_key=None, at=later)
    assert alice.shared_receipts == 1 and bob.shared_receipts == 1
    for who in (alice, bob):  # their next, unrelated declaration carries the signal
        signals = assess(fingerprint_of(read(rephoto[0])), Candidates(), (), who, POLICY).signals
        assert [s.code for s in signals] == ["shared_receipts"]
