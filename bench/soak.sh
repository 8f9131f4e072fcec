#!/usr/bin/env bash
# The soak: a steady load at a fixed rate (half the measured capacity) for MINUTES minutes,
# reporting each minute's throughput, p50/p99 and the server's RSS, so drift shows.
#
# Usage: bench/soak.sh [RATE_PER_SECOND (4500)] [MINUTES (10)] [SLICE_SECONDS (60)]
cd "$(dirname "$0")/.."
source bench/lib.sh
RATE=${1:-4500}
MINUTES=${2:-10}
SLICE=${3:-60}
CONNECTIONS=16
# Closed-loop pacing: the wait plus a typical 2-3 ms answer gives about RATE requests/s.
DELAY_MS=$((CONNECTIONS * 1000 / RATE > 3 ? CONNECTIONS * 1000 / RATE - 2 : 1))
OUT=$PWD/bench/out/soak-$(date +%Y%m%d-%H%M%S)
start_gateway "$OUT"
trap 'kill $SERVER 2>/dev/null || true' EXIT
printf '%-6s %8s %8s %8s %8s %8s\n' slice req/s p50_ms p99_ms non2xx rss_mb | tee "$OUT/soak.txt"
SLICES=$((MINUTES * 60 / SLICE))
for slice in $(seq 1 "$SLICES"); do
    RESULT=$(BENCH_DELAY_MS=$DELAY_MS drive "$OUT" "$CONNECTIONS" "$SLICE" $((RATE * SLICE * 3 / 2)) "s$slice" bench/pace.lua)
    printf '%-6s %8s %8s %8s %8s %8s\n' "$slice" "$(field rps "$RESULT")" "$(field p50_ms "$RESULT")" \
        "$(field p99_ms "$RESULT")" "$(field non2xx "$RESULT")" "$(rss_mb)" | tee -a "$OUT/soak.txt"
done
echo "requests stored: $(sqlite3 "$WEBHOOK_DB_PATH" 'SELECT count(*) FROM appointment_events'); results in $OUT"
