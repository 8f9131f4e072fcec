#!/usr/bin/env bash
# The benchmark: builds release, starts the gateway on 127.0.0.1 with a fresh database and a
# client with a very high rate limit, pre-generates distinct signed requests (~300-byte events,
# unique webhook-ids, fresh timestamps), drives them with wrk at 16 and 64 connections, and
# measures the bare HTTP ceiling (POST /bench/bare: same stack, no pipeline) in the same run.
# Prints requests/s, p50/p99, non-2xx, server RSS, the pipeline/ceiling ratio, and checks that
# the stored rows equal the 201s the server answered.
#
# Usage: bench/run.sh [DURATION_SECONDS (10)] [CONNECTION_LEVELS ("16 64")]
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${1:-10}
LEVELS=${2:-16 64}
OUT=$PWD/bench/out/run-$(date +%Y%m%d-%H%M%S)
start_gateway "$OUT"
trap 'kill $SERVER 2>/dev/null || true' EXIT

row() { printf '%-10s %-6s %10s %8s %8s %8s %8s\n' "$@" | tee -a "$OUT/summary.txt"; }
row run conns req/s p50_ms p99_ms non2xx rss_mb
TOTAL_OK=0
for C in $LEVELS; do
    # Enough distinct messages for ~40k req/s; they are used within the timestamp window.
    RESULT=$(drive "$OUT" "$C" "$DURATION" $((DURATION * 40000)) "c$C")
    TOTAL_OK=$((TOTAL_OK + $(field ok "$RESULT")))
    row pipeline "$C" "$(field rps "$RESULT")" "$(field p50_ms "$RESULT")" "$(field p99_ms "$RESULT")" \
        "$(field non2xx "$RESULT")" "$(rss_mb)"
    BARE=$(BENCH_SIGNED=0 BENCH_PATH=/bench/bare drive "$OUT" "$C" "$DURATION" $((DURATION * 60000)) "b$C")
    row bare "$C" "$(field rps "$BARE")" "$(field p50_ms "$BARE")" "$(field p99_ms "$BARE")" \
        "$(field non2xx "$BARE")" "$(rss_mb)"
    python3 -c "import sys; print(f'ratio      {sys.argv[1]:<6} pipeline/ceiling = {float(sys.argv[2])/float(sys.argv[3]):.2f}')" \
        "$C" "$(field rps "$RESULT")" "$(field rps "$BARE")" | tee -a "$OUT/summary.txt"
done
kill -TERM $SERVER; wait $SERVER || true
ROWS=$(sqlite3 "$WEBHOOK_DB_PATH" 'SELECT count(*) FROM appointment_events')
DISTINCT=$(sqlite3 "$WEBHOOK_DB_PATH" 'SELECT count(DISTINCT webhook_id) FROM appointment_events')
ANSWERED=$(grep -c 'Event received' "$WEBHOOK_LOG_FILE" || true)
# wrk stops counting at the deadline while up to one request per connection is still in flight;
# the server still commits and answers those, so its own count of 201s is the exact one.
echo "stored rows = $ROWS (distinct webhook ids $DISTINCT), 201s answered by the server = $ANSWERED," \
    "2xx counted by wrk = $TOTAL_OK: $([ "$ROWS" = "$ANSWERED" ] && [ "$ROWS" = "$DISTINCT" ] && echo MATCH || echo MISMATCH)" \
    | tee -a "$OUT/summary.txt"
echo "results in $OUT"
