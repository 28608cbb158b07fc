"""Shared fixtures. Settings are always built explicitly, never from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.services import fresh_database, postgres_server, redis_server

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL server: TEST_DATABASE_URL, else a throw-away one."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
        return
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        yield url
        return
    with redis_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Each persistence test runs on both supported databases."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'receipts.db'}"
        return
    with fresh_database(request.getfixturevalue("postgres_url")) as url:
        yield url
