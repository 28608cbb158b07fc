#!/usr/bin/env bash
# The main job on the embedded default (SQLite, in-process, no server): declare every committed
# sample (good receipts and broken files alike) to the salon program, one participant per file as in
# real traffic (`demo-<file name>`), decide each one (reading, matching, duplicates and fraud, rules,
# points) and print one JSON line per file, then one participant's points balance. Each run starts a fresh demo database in
# var/samples/ (a second run of the same files would otherwise be all duplicates).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
demo=var/samples
rm -rf "$demo"
mkdir -p "$demo"
export RECEIPTS_DATA_DIR="$demo"
unset DATABASE_URL REDIS_URL
mapfile -t files < <(ls samples/receipts/* samples/broken/* | grep -Ev '\.(json|py|md)$')
.venv/bin/receipts process --program salon-rewards --participant "demo-{stem}" --json "${files[@]}" "$@"
exec .venv/bin/receipts ledger --program salon-rewards --participant demo-salon-photo-fusio-dose --json
