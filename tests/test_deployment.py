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


def test_the_api_serves_the_contract_and_is_health_checked():
    services = compose()["services"]
    api = services["api"]
    assert api["command"][:2] == ["receipts", "serve"] and "0.0.0.0" in api["command"]
    assert api["healthcheck"]["test"] and "/health" in " ".join(api["healthcheck"]["test"])
    assert api["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert api["environment"]["REDIS_URL"] == services["worker"]["environment"]["REDIS_URL"]
    assert api["environment"]["DATABASE_URL"] == services["worker"]["environment"]["DATABASE_URL"]
    assert "originals:/data" in api["volumes"] and "originals:/data" in services["worker"]["volumes"]
    assert any(str(p).endswith(":8000") for p in api["ports"])


def test_workers_scale_out_with_one_ocr_thread_each():
    worker = compose()["services"]["worker"]
    assert worker["deploy"]["replicas"] >= 2
    assert worker["environment"]["OMP_THREAD_LIMIT"] == "1"
    assert worker["environment"]["RECEIPTS_READING_THREADS"] == "1"
    cmd = worker["command"]
    assert cmd[cmd.index("--threads") + 1] == "1" and int(cmd[cmd.index("--processes") + 1]) >= 1


def test_dockerfile_ships_every_package_the_services_import():
    text = (ROOT / "Dockerfile").read_text()
    for package in ("pipeline", "workers", "models", "cli", "declarations", "ledger", "webapp"):
        assert re.search(rf"^COPY {package} {package}$", text, re.M), package
