"""Settings are explicit values; a program's config overrides its intake and legibility limits."""

from __future__ import annotations

import pytest

from pipeline.settings import IntakeLimits, Settings


def test_program_table_overrides_only_what_it_names(tmp_path):
    (tmp_path / "tiny.toml").write_text("[intake]\nmax_bytes = 1000\n[legibility]\nmin_sharpness = 10.0\n")
    settings = Settings(data_dir=tmp_path, programs_dir=tmp_path)
    limits = settings.intake_limits("tiny")
    assert limits.max_bytes == 1000
    assert limits.max_pixels == IntakeLimits().max_pixels
    assert settings.legibility_limits("tiny").min_sharpness == 10.0
    assert settings.intake_limits(None) == IntakeLimits()


def test_unknown_program_names_the_known_ones(tmp_path):
    (tmp_path / "salon-rewards.toml").write_text("[program]\n")
    with pytest.raises(ValueError, match="unknown program 'nope'; known: salon-rewards"):
        Settings(data_dir=tmp_path, programs_dir=tmp_path).intake_limits("nope")


def test_default_database_is_sqlite_in_the_data_dir(tmp_path):
    assert Settings(data_dir=tmp_path, database_url=None).db_url == f"sqlite:///{tmp_path}/receipts.db"
    url = "postgresql://u@h/db"
    assert Settings(data_dir=tmp_path, database_url=url).db_url == url


def test_reading_threads_reach_the_reading_and_workers_default_to_one(tmp_path, monkeypatch):
    assert Settings(data_dir=tmp_path, reading_threads=1).reading().threads == 1
    assert Settings(data_dir=tmp_path).reading().threads == 2  # in-process modes: the machine's two cores
    import argparse
    import os

    from cli import service

    monkeypatch.delenv("RECEIPTS_READING_THREADS", raising=False)
    ran = []
    monkeypatch.setattr(service.os, "execv", lambda path, cmd: ran.append(dict(os.environ)))
    args = argparse.Namespace(processes=None, threads=None, queues=None)
    service.run_worker(args, Settings(data_dir=tmp_path, redis_url="redis://127.0.0.1:1/0"))
    assert ran[0]["RECEIPTS_READING_THREADS"] == "1" and ran[0]["OMP_THREAD_LIMIT"] == "1"
