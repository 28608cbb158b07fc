"""The duplicate index: one fingerprint row per declaration that passed intake, and its keys.

Every lookup is an index probe, never a scan, on both databases:

    same file        fingerprint (program, sha256)
    same purchase    fingerprint (program, purchase_key)
    near duplicates  fingerprint_key (key): blocking keys (date+total, shop+total,
                     shop+date), LSH band keys of the text MinHash, and the four 16-bit
                     chunks of the image hash (multi-index hashing: neither database
                     indexes Hamming distance). Candidates found there are then verified
                     by their actual MinHash similarity and Hamming distance.
    template reuse   fingerprint (program, template_key)

Functions take an open Session and only add and flush: the caller owns the transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import BigInteger, Index, LargeBinary, bindparam, delete, func, text
from sqlmodel import Column, Field, Session, SQLModel, select

from models.base import ParisDateTime, now
from models.declarations import Declaration, Participant
from pipeline.fraud.score import compare_facts, folded_facts
from pipeline.fraud.sketches import hamming, pack_signature
from pipeline.fraud.values import Behaviour, Candidate, Candidates, Fingerprint

CANDIDATE_LIMIT = 30  # declarations sharing the most keys with the receipt, verified one by one
EXACT_LIMIT = 20
BLOCK_LIMIT = 20  # declarations sharing a blocking key, whatever their text
MIN_TEXT_SIMILARITY = 0.3  # loose floors: the policy's thresholds decide in `assess`
MAX_IMAGE_DISTANCE = 12
U64 = 1 << 64


class FingerprintRow(SQLModel, table=True):
    """What the index keeps of one declared receipt (no personal data: shop, figures, hashes)."""

    __tablename__ = "fingerprint"
    __table_args__ = (
        Index("ix_fingerprint_sha256", "program", "sha256"),
        Index("ix_fingerprint_purchase", "program", "purchase_key"),
        Index("ix_fingerprint_template", "program", "template_key"),
        Index("ix_fingerprint_duplicate_participant", "program", "duplicate_of_participant"),
        Index("ix_fingerprint_participant", "program", "participant_id"),
    )

    declaration_id: int = Field(primary_key=True, foreign_key="declaration.id", sa_column_kwargs={"autoincrement": False})
    program: str = Field(max_length=64)
    participant_id: int
    sha256: str = Field(max_length=64)
    purchase_key: str | None = Field(default=None, max_length=128)
    shop: str | None = Field(default=None, max_length=24)
    date: str | None = Field(default=None, max_length=10)
    time: str | None = Field(default=None, max_length=5)
    ticket: str | None = Field(default=None, max_length=40)
    total: str | None = Field(default=None, max_length=16)
    template_key: str | None = Field(default=None, max_length=24)
    text_signature: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    image_hash: int | None = Field(default=None, sa_type=BigInteger)  # signed form of the 64-bit hash
    # the earlier declaration this one repeats (assessment.duplicate_of) and who declared it:
    # a receipt shared between two accounts raises the risk of both
    duplicate_of: int | None = None
    duplicate_of_participant: int | None = None
    created_at: datetime = Field(default_factory=now, sa_column=Column(ParisDateTime(), nullable=False))


class FingerprintKey(SQLModel, table=True):
    """One lookup key (blocking, text band or image chunk; kinds are hashed into the key) of one declaration."""

    __tablename__ = "fingerprint_key"
    __table_args__ = (Index("ix_fingerprint_key_declaration", "declaration_id"),)

    key: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    declaration_id: int = Field(primary_key=True, foreign_key="fingerprint.declaration_id")


def signed64(value: int | None) -> int | None:
    return None if value is None else value - U64 if value >= 1 << 63 else value


def unsigned64(value: int | None) -> int | None:
    return None if value is None else value + U64 if value < 0 else value


def lookup_keys(fp: Fingerprint) -> list[int]:
    return list(dict.fromkeys((*fp.blocking_keys, *fp.text_bands, *fp.image_bands)))


def row_of(*, declaration_id: int, program: str, participant_id: int, fp: Fingerprint) -> FingerprintRow:
    return FingerprintRow(
        declaration_id=declaration_id, program=program, participant_id=participant_id, sha256=fp.sha256 or "",
        purchase_key=fp.purchase_key, shop=fp.shop, date=fp.date, time=fp.time, ticket=fp.ticket, total=fp.total,
        template_key=fp.template_key, text_signature=pack_signature(fp.text_signature) if fp.text_signature else None,
        image_hash=signed64(fp.image_hash))


def record_fingerprint(s: Session, *, declaration_id: int, program: str, participant_id: int, fp: Fingerprint,
                       duplicate_of: int | None = None) -> None:
    """Index one declaration's receipt (call it only for declarations that passed intake).

    `duplicate_of`: the earlier declaration it repeats (`FraudAssessment.duplicate_of`), so that
    `behaviour` can count receipts shared between accounts. Idempotent: reprocessing a
    declaration replaces its fingerprint instead of failing."""
    if s.get(FingerprintRow, declaration_id) is not None:
        forget_fingerprint(s, declaration_id)
    row = row_of(declaration_id=declaration_id, program=program, participant_id=participant_id, fp=fp)
    if duplicate_of is not None:
        earlier = s.get(FingerprintRow, duplicate_of)
        row.duplicate_of = duplicate_of
        row.duplicate_of_participant = earlier.participant_id if earlier is not None else None
    s.add(row)
    s.flush()
    for key in lookup_keys(fp):
        s.add(FingerprintKey(key=key, declaration_id=declaration_id))
    s.flush()


def forget_fingerprint(s: Session, declaration_id: int) -> None:
    """Take a declaration out of the index (it was refused later: a re-upload is a fresh attempt)."""
    s.exec(delete(FingerprintKey).where(FingerprintKey.declaration_id == declaration_id))
    s.exec(delete(FingerprintRow).where(FingerprintRow.declaration_id == declaration_id))
    s.flush()


def same_file(s: Session, *, program: str, sha256: str, exclude_declaration_id: int | None) -> int | None:
    """The earliest indexed declaration of these exact bytes in the program, or None."""
    q = select(func.min(FingerprintRow.declaration_id)).where(FingerprintRow.program == program,
                                                              FingerprintRow.sha256 == sha256)
    if exclude_declaration_id is not None:
        q = q.where(FingerprintRow.declaration_id != exclude_declaration_id)
    return s.exec(q).one()


# One round trip, a text statement (built once: at a few ms per check, building the query
# object each time cost more than running it). Each part is a derived table so that its
# LIMIT stays its own: exact hits on the (program, sha256) and (program, purchase_key)
# indexes, declarations sharing a blocking key, and the declarations sharing the most
# lookup keys (index-only scans of fingerprint_key's primary key); the union of their ids
# is then probed on fingerprint's primary key.
CANDIDATES_SQL = text(f"""
SELECT declaration_id, participant_id, sha256, purchase_key, shop, date, time, ticket, total,
       text_signature, image_hash
FROM fingerprint
WHERE program = :program AND declaration_id IN (
    SELECT declaration_id FROM (SELECT declaration_id FROM fingerprint
        WHERE program = :program AND sha256 = :sha256 AND declaration_id <> :exclude LIMIT {EXACT_LIMIT}) AS same_file
    UNION
    SELECT declaration_id FROM (SELECT declaration_id FROM fingerprint
        WHERE program = :program AND purchase_key = :purchase_key AND declaration_id <> :exclude
        LIMIT {EXACT_LIMIT}) AS same_purchase
    UNION
    SELECT declaration_id FROM (SELECT declaration_id FROM fingerprint_key
        WHERE key IN :blocking AND declaration_id <> :exclude LIMIT {BLOCK_LIMIT}) AS same_block
    UNION
    SELECT declaration_id FROM (SELECT declaration_id FROM fingerprint_key
        WHERE key IN :keys AND declaration_id <> :exclude
        GROUP BY declaration_id ORDER BY count(*) DESC, declaration_id LIMIT {CANDIDATE_LIMIT}) AS most_keys)
""").bindparams(bindparam("blocking", expanding=True), bindparam("keys", expanding=True))


def _facts(row) -> dict:
    return {"shop": row.shop, "date": row.date, "time": row.time, "ticket": row.ticket, "total": row.total}


def find_candidates(s: Session, *, program: str, fp: Fingerprint, exclude_declaration_id: int | None,
                    min_text_similarity: float = MIN_TEXT_SIMILARITY,
                    max_image_distance: int = MAX_IMAGE_DISTANCE) -> Candidates:
    """Earlier declarations of the program that may be this receipt: same bytes, same purchase key,
    or near duplicates by text or image, each verified by its measured similarity."""
    exclude = -1 if exclude_declaration_id is None else exclude_declaration_id
    keys = lookup_keys(fp)
    if not (fp.sha256 or fp.purchase_key or keys):
        return Candidates()
    params = {"program": program, "exclude": exclude, "sha256": fp.sha256 or "", "purchase_key": fp.purchase_key or "",
              "blocking": list(fp.blocking_keys) or [0], "keys": keys or [0]}
    rows = s.exec(CANDIDATES_SQL, params=params).all()  # sqlmodel: text() takes its parameters by keyword
    found = []
    mine = np.asarray(fp.text_signature, dtype="<u4") if fp.text_signature else None
    facts = folded_facts(fp)
    for row in rows:
        c = verify(fp, row, mine, facts)
        if (c.same_file or c.same_purchase or (c.text_similarity or 0) >= min_text_similarity
                or (c.image_distance is not None and c.image_distance <= max_image_distance)
                or len(c.agreements) >= 3):
            found.append(c)
    found.sort(key=lambda c: (not c.same_file, not c.same_purchase, -(c.text_similarity or 0), c.declaration_id))
    return Candidates(tuple(found))


def verify(fp: Fingerprint, row, mine: np.ndarray | None = None, facts: dict | None = None) -> Candidate:
    """Measure how close an indexed receipt is to this one (`mine`, `facts`: fp's signature as an
    array and its folded facts, when the caller verifies many rows)."""
    if mine is None and fp.text_signature:
        mine = np.asarray(fp.text_signature, dtype="<u4")
    text = None
    if mine is not None and row.text_signature and len(row.text_signature) == 4 * len(mine):
        text = float(np.count_nonzero(np.frombuffer(row.text_signature, dtype="<u4") == mine)) / len(mine)
    other = unsigned64(row.image_hash)
    distance = hamming(fp.image_hash, other) if fp.image_hash is not None and other is not None else None
    agree, near, conflict = compare_facts(fp, _facts(row), facts)
    return Candidate(
        declaration_id=row.declaration_id, participant_id=row.participant_id,
        same_file=bool(fp.sha256) and row.sha256 == fp.sha256,
        same_purchase=fp.purchase_key is not None and row.purchase_key == fp.purchase_key,
        text_similarity=text, image_distance=distance, conflicts=conflict, agreements=agree, near=near)


def behaviour(s: Session, *, program: str, participant_id: int, identity_key: str | None, at: datetime,
              template_key: str | None = None) -> Behaviour:
    """Declarations of the participant before `at` (last hour, day, 30 days), other accounts with
    the same identity key, other accounts that declared the same shop + basket template, and
    receipts shared with other accounts (either way)."""

    def count(since: timedelta) -> int:
        return s.exec(select(func.count()).select_from(Declaration).where(
            Declaration.participant_id == participant_id, Declaration.program == program,
            Declaration.declared_at >= at - since, Declaration.declared_at < at)).one()

    shared: tuple[int, ...] = ()
    if identity_key:
        shared = tuple(s.exec(select(Participant.id).where(
            Participant.program == program, Participant.identity_key == identity_key,
            Participant.id != participant_id).order_by(Participant.id)).all())
    template: tuple[int, ...] = ()
    if template_key:
        template = tuple(s.exec(select(FingerprintRow.participant_id).distinct().where(
            FingerprintRow.program == program, FingerprintRow.template_key == template_key,
            FingerprintRow.participant_id != participant_id).order_by(FingerprintRow.participant_id).limit(100)).all())
    # receipts this participant re-declared from another account, or that another account re-declared
    F = FingerprintRow
    took = s.exec(select(func.count()).select_from(F).where(
        F.program == program, F.participant_id == participant_id, F.duplicate_of_participant.is_not(None),
        F.duplicate_of_participant != participant_id)).one()
    given = s.exec(select(func.count()).select_from(F).where(
        F.program == program, F.duplicate_of_participant == participant_id, F.participant_id != participant_id)).one()
    return Behaviour(participant_id=participant_id, last_hour=count(timedelta(hours=1)),
                     last_day=count(timedelta(days=1)), last_month=count(timedelta(days=30)),
                     shared_identity=shared, template_accounts=template, shared_receipts=took + given)
