"""docker-compose.yml cannot be run here (no Docker engine), so its structure is checked."""

from __future__ import annotations

import re

import yaml

from tests.conftest import ROOT


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_image_is_pinned_to_an_exact_version():
    for name, svc in compose()["services"].items():
        image = svc["image"]
        assert re.search(r":\d+(\.\d+)+", image), f"{name}: {image} is not pinned"
        assert not image.endswith(":latest")


def test_state_services_have_health_checks_and_volumes():
    services = compose()["services"]
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
        assert services[name]["volumes"], name
    assert set(compose()["volumes"]) >= {"pgdata", "redisdata", "originals"}


def test_workers_wait_for_healthy_state_and_migrations_and_share_the_contract_env():
    services = compose()["services"]
    worker = services["worker"]
    assert worker["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert worker["depends_on"]["redis"]["condition"] == "service_healthy"
    assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    env = worker["environment"]
    assert env["DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["RECEIPTS_DATA_DIR"] == "/data"
    assert worker["command"][:2] == ["dramatiq", "workers.actors"]
    assert services["migrate"]["command"] == ["receipts", "db", "upgrade"]


def test_dockerfile_installs_the_ocr_languages_and_the_package():
    text = (ROOT / "Dockerfile").read_text()
    for pkg in ("tesseract-ocr-fra", "tesseract-ocr-eng"):
        assert pkg in text
    assert re.search(r"^FROM python:3\.11\.\d+-slim-bookworm$", text, re.M)
    assert "pip install --no-cache-dir ." in text
