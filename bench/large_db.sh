#!/usr/bin/env bash
# Ingest on a database that already holds ROWS events (5 million by default), against an
# empty one, in the same run: the pipeline at 64 connections on each.
#
# Usage: bench/large_db.sh [ROWS (5000000)] [DURATION_SECONDS (10)]
cd "$(dirname "$0")/.."
source bench/lib.sh
ROWS=${1:-5000000}
DURATION=${2:-10}
OUT=$PWD/bench/out/large-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
measure() {
    local label=$1 database=$2
    WEBHOOK_DB_PATH=$database start_gateway "$OUT/$label"
    local result
    result=$(drive "$OUT/$label" 64 "$DURATION" $((DURATION * 40000)) "$label")
    printf '%-8s %10s %8s %8s %8s\n' "$label" "$(field rps "$result")" "$(field p50_ms "$result")" \
        "$(field p99_ms "$result")" "$(rss_mb)" | tee -a "$OUT/large.txt"
    kill -TERM $SERVER; wait $SERVER || true
    unset WEBHOOK_DB_PATH
}
# Fill a database with ROWS realistic events (and their idempotency records and nonces) in SQL.
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
printf '%-8s %10s %8s %8s %8s\n' database req/s p50_ms p99_ms rss_mb | tee "$OUT/large.txt"
measure empty "$OUT/empty.db"
measure full "$OUT/full.db"
echo "results in $OUT"
