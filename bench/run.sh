#!/usr/bin/env bash
# The benchmark: builds release, starts the gateway on 127.0.0.1 with a fresh database and a
# client with a very high rate limit, pre-generates distinct signed requests, drives them with
# wrk at 16 and 64 connections, and measures the bare HTTP ceiling (POST /bench/bare, same
# stack, no pipeline) in the same run. Prints requests/s, p50/p99, non-2xx, server RSS, the
# pipeline/ceiling ratio, and checks that stored rows equal the 2xx answers counted.
#
# Usage: bench/run.sh [DURATION_SECONDS (10)] [CONNECTION_LEVELS ("16 64")]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
LEVELS=${2:-16 64}
command -v wrk >/dev/null || { apt-get update && apt-get install -y wrk; }
swift build -c release >/dev/null
GATEWAY=$PWD/.build/release/gateway
OUT=$PWD/bench/out/run-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
export WEBHOOK_KEYS_PATH=$OUT/keys.json WEBHOOK_DB_PATH=$OUT/bench.db WEBHOOK_LOG_FILE=$OUT/gateway.log

CREDENTIALS=$("$GATEWAY" keys add bench --json)
API_KEY=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["api_key"])' "$CREDENTIALS")
SECRET=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["signing_secret"])' "$CREDENTIALS")
python3 - "$WEBHOOK_KEYS_PATH" <<'PY'
import json, sys
path = sys.argv[1]
keys = json.load(open(path))
keys["clients"][0]["rate_limit"] = {"per_second": 1e9, "burst": 1000000000}
json.dump(keys, open(path, "w"), indent=2)
PY
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$GATEWAY" serve --host 127.0.0.1 --port "$PORT" --enable-bench-route 2>"$OUT/console.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/" >/dev/null && break; sleep 0.1; done

rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$SERVER/status"; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

printf '%-10s %-6s %10s %8s %8s %8s %8s\n' run conns req/s p50_ms p99_ms non2xx rss_mb | tee "$OUT/summary.txt"
TOTAL_OK=0
for C in $LEVELS; do
    # Enough distinct messages for ~40k req/s; the files are used within the timestamp window.
    REQUESTS=$((DURATION * 40000))
    python3 bench/generate_requests.py --secret "$SECRET" --count "$REQUESTS" --threads 2 --prefix "c$C" --out "$OUT/requests-$C"
    RESULT=$(BENCH_DIR="$OUT/requests-$C" BENCH_API_KEY="$API_KEY" \
        wrk -t2 -c"$C" -d"${DURATION}s" --timeout 10s -s bench/ingest.lua "http://127.0.0.1:$PORT" | grep '^BENCH')
    OK=$(field ok "$RESULT")
    TOTAL_OK=$((TOTAL_OK + OK))
    PIPELINE_RPS=$(field rps "$RESULT")
    printf '%-10s %-6s %10s %8s %8s %8s %8s\n' pipeline "$C" "$PIPELINE_RPS" "$(field p50_ms "$RESULT")" \
        "$(field p99_ms "$RESULT")" "$(field non2xx "$RESULT")" "$(rss_mb)" | tee -a "$OUT/summary.txt"
    BARE=$(BENCH_DIR="$OUT/requests-$C" BENCH_SIGNED=0 BENCH_PATH=/bench/bare \
        wrk -t2 -c"$C" -d"${DURATION}s" --timeout 10s -s bench/ingest.lua "http://127.0.0.1:$PORT" | grep '^BENCH')
    BARE_RPS=$(field rps "$BARE")
    printf '%-10s %-6s %10s %8s %8s %8s %8s\n' bare "$C" "$BARE_RPS" "$(field p50_ms "$BARE")" \
        "$(field p99_ms "$BARE")" "$(field non2xx "$BARE")" "$(rss_mb)" | tee -a "$OUT/summary.txt"
    python3 -c "import sys; print(f'ratio      {sys.argv[1]:<6} pipeline/ceiling = {float(sys.argv[2])/float(sys.argv[3]):.2f}')" \
        "$C" "$PIPELINE_RPS" "$BARE_RPS" | tee -a "$OUT/summary.txt"
    rm -rf "$OUT/requests-$C"
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
