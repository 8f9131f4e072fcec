#!/usr/bin/env bash
# Ingest on a database that already holds ROWS events (5 million by default), against an
# empty one, in the same run: the pipeline at 64 connections on each, alternating for ROUNDS
# rounds (a fresh empty database each time) because one pair of runs on a shared machine varies
# by as much as the effect measured. Prints each run and the median of each side.
#
# Usage: bench/large_db.sh [ROWS (5000000)] [DURATION_SECONDS (10)] [ROUNDS (3)]
cd "$(dirname "$0")/.."
source bench/lib.sh
ROWS=${1:-5000000}
DURATION=${2:-10}
ROUNDS=${3:-3}
OUT=$PWD/bench/out/large-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
measure() {
    local label=$1 database=$2
    WEBHOOK_DB_PATH=$database start_gateway "$OUT/$label"
    local result
    result=$(drive "$OUT/$label" 64 "$DURATION" $((DURATION * 40000)) "$label")
    printf '%-8s %10s %8s %8s %8s\n' "$label" "$(field rps "$result")" "$(field p50_ms "$result")" \
        "$(field p99_ms "$result")" "$(rss_mb)" | tee -a "$OUT/large.txt"
    echo "$(field rps "$result")" >>"$OUT/${label%-*}.rps"
    kill -TERM $SERVER; wait $SERVER || true
    unset WEBHOOK_DB_PATH
}
# Fill a database with ROWS realistic events in SQL. Only events: nonces and idempotency records
# are pruned after the timestamp window and the idempotency TTL, so a database grown to ROWS
# events holds only the recent ones, as the empty database soon does under this load.
"$GATEWAY" migrate --db "$OUT/full.db" >/dev/null
sqlite3 "$OUT/full.db" <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=OFF;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ROWS)
INSERT INTO appointment_events (event_type, appointment_id, patient_id, timestamp, notes, received_at, raw_payload,
    client_id, webhook_id, idempotency_key, request_id)
SELECT 'appointment.scheduled', printf('old_%09d', i), printf('pat_%08d', abs(random()) % 100000000),
    '2026-12-03T16:04:27.123+01:00', 'Follow-up visit', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', printf('-%d seconds', $ROWS - i)),
    printf('{"event_type":"appointment.scheduled","appointment_id":"old_%09d","notes":"Follow-up visit; patient asked for a morning slot. Bring previous lab results and the referral letter."}', i),
    'bench', printf('old_%09d', i), printf('old_%09d', i), printf('req_%09d', i)
FROM n;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
# The fill leaves gigabytes of dirty pages for the kernel to write back; measured without this,
# that writeback slowed the first run's commits (p99 ~400 ms) and the figure was the disk's.
sync
printf '%-8s %10s %8s %8s %8s\n' database req/s p50_ms p99_ms rss_mb | tee "$OUT/large.txt"
for round in $(seq 1 "$ROUNDS"); do
    measure "empty-$round" "$OUT/empty-$round.db"
    measure "full-$round" "$OUT/full.db"
done
python3 - "$OUT" <<'PY' | tee -a "$OUT/large.txt"
import statistics, sys
median = {side: statistics.median(float(line) for line in open(f"{sys.argv[1]}/{side}.rps")) for side in ("empty", "full")}
print(f"median req/s: empty {median['empty']:.0f}, full {median['full']:.0f}: full/empty = {median['full'] / median['empty']:.2f}")
PY
echo "results in $OUT"
