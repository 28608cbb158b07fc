"""Persistence: migrations on both databases, originals kept once, readings reused."""

from __future__ import annotations

from sqlalchemy import inspect

from models.db import get_engine, migrate
from models.store import ReadingStore, original_path
from pipeline.contract import reading_to_dict
from pipeline.values import Legibility, Line, Reading, Word


def test_migrations_create_every_table_and_are_idempotent(database_url):
    migrate(database_url)
    migrate(database_url)  # a second start must be a no-op
    tables = set(inspect(get_engine(database_url)).get_table_names())
    assert {"stored_file", "ocr_reading", "extraction", "alembic_version"} <= tables


def test_original_is_kept_content_addressed_once(database_url, tmp_path):
    store = ReadingStore(database_url, tmp_path)
    data = b"%PDF-1.4 not really"
    sha = "ab" * 32
    store.keep_file("a.pdf", data, sha, "pdf")
    store.keep_file("b.pdf", data, sha, "pdf")  # same bytes uploaded again
    path = original_path(tmp_path, sha)
    assert path.read_bytes() == data
    assert path.parent.parent.name == "ab" and path.parent.name == "ab"
    assert store.load_original(sha) == data


def test_readings_round_trip_with_words_boxes_and_confidences(database_url, tmp_path):
    store = ReadingStore(database_url, tmp_path)
    sha = "cd" * 32
    store.keep_file("x.jpg", b"\xff\xd8\xff", sha, "jpeg")
    reading = Reading(engine="tesseract", engine_version="5.5", variant="psm6", page=0, seconds=0.5, lines=(
        Line(text="TOTAL 24,50", conf=91.5, box=(10, 20, 200, 26), underlined=True,
             words=(Word("TOTAL", 95.0, (10, 20, 90, 26)), Word("24,50", 88.0, (120, 20, 90, 26)))),
    ))
    legibility = Legibility(sharpness=1200.0, brightness=200.0, contrast=150.0, text_height=30.0)
    rid = store.save_readings(sha, "r1", (reading,), legibility, {"Software": "x"}, 0.7)
    again = store.save_readings(sha, "r1", (reading,), legibility, {}, 0.7)  # a concurrent duplicate
    assert again == rid
    row_id, readings, leg, meta = store.load_readings(sha, "r1")
    assert row_id == rid and leg == legibility and meta == {"Software": "x"}
    assert reading_to_dict(readings[0]) == reading_to_dict(reading)
    assert readings[0].lines[0].words[1].box == (120, 20, 90, 26)
    assert store.load_readings(sha, "r2") is None  # another reader version reads again
