#!/usr/bin/env bash
# The main job on the embedded default (SQLite in var/, in-process): read every committed sample,
# good receipts and broken files alike, and print one JSON line per file.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mapfile -t files < <(ls samples/receipts/* samples/broken/* | grep -Ev '\.(json|py|md)$')
exec .venv/bin/receipts extract --json "${files[@]}" "$@"
