#!/usr/bin/env bash
# Set up, then run the whole suite (real Tesseract; real PostgreSQL and Redis: TEST_DATABASE_URL /
# TEST_REDIS_URL when set, else throw-away servers the tests start on free ports).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
# One process per core (TEST_WORKERS to change it), each test file kept in one process so
# its module fixtures (samples read once) are built once; each process starts its own servers.
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-auto}" --dist loadfile "$@"
