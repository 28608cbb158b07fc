"""Shared fixtures. Settings are always built explicitly, never from the environment."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.services import fresh_database, postgres_server, redis_server

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def server_url(variable: str, start):
    """The server named by `variable` when set, else a throw-away one from `start()`."""
    url = os.environ.get(variable)
    if url:
        yield url
        return
    with start() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL server: TEST_DATABASE_URL, else a throw-away one."""
    yield from server_url("TEST_DATABASE_URL", postgres_server)


@pytest.fixture(scope="session")
def redis_url():
    """A Redis server: TEST_REDIS_URL, else a throw-away one. Tests empty their database
    (`flushdb`), so test processes sharing TEST_REDIS_URL each take a database of their own."""
    for url in server_url("TEST_REDIS_URL", redis_server):
        yield own_database(url, os.environ.get("PYTEST_XDIST_WORKER"))


REDIS_DATABASES = 16  # Redis's default `databases`


def own_database(url: str, worker: str | None) -> str:
    """`url` on database N for xdist worker gwN (the URL as given outside xdist)."""
    if not worker:
        return url
    return urlsplit(url)._replace(path=f"/{int(worker[2:]) % REDIS_DATABASES}").geturl()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Each persistence test runs on both supported databases."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'receipts.db'}"
        return
    with fresh_database(request.getfixturevalue("postgres_url")) as url:
        yield url
