# Shared by the benchmark scripts: build, a gateway with a high-rate client on 127.0.0.1, and
# one wrk run over freshly signed requests. Source it from the repository root.
set -euo pipefail
# The build's own system packages first: a quiet build that fails for a missing header would
# otherwise end the script with no word of why.
make --no-print-directory setup
command -v wrk >/dev/null || { apt-get update && apt-get install -y wrk; }
build_output=$(swift build -c release 2>&1) || { echo "$build_output" >&2; exit 1; }
GATEWAY=$PWD/.build/release/gateway

# start_gateway OUT_DIR: starts the server with a fresh keys file; sets PORT, SERVER, API_KEY, SECRET.
start_gateway() {
    local out=$1
    mkdir -p "$out"
    export WEBHOOK_KEYS_PATH=$out/keys.json WEBHOOK_DB_PATH=${WEBHOOK_DB_PATH:-$out/bench.db} WEBHOOK_LOG_FILE=$out/gateway.log
    local credentials
    credentials=$("$GATEWAY" keys add bench --json)
    API_KEY=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["api_key"])' "$credentials")
    SECRET=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["signing_secret"])' "$credentials")
    python3 - "$WEBHOOK_KEYS_PATH" <<'PY'
import json, sys
path = sys.argv[1]
keys = json.load(open(path))
keys["clients"][0]["rate_limit"] = {"per_second": 1e9, "burst": 1000000000}
json.dump(keys, open(path, "w"), indent=2)
PY
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    "$GATEWAY" serve --host 127.0.0.1 --port "$PORT" --enable-bench-route 2>"$out/console.log" &
    SERVER=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/" >/dev/null && return 0; sleep 0.1; done
    echo "gateway did not start" >&2
    return 1
}

rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$SERVER/status"; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

# drive OUT_DIR CONNECTIONS SECONDS COUNT PREFIX [wrk script]: signs COUNT requests and runs wrk;
# prints wrk's BENCH line.
drive() {
    local out=$1 connections=$2 seconds=$3 count=$4 prefix=$5 script=${6:-bench/ingest.lua}
    python3 bench/generate_requests.py --secret "$SECRET" --count "$count" --threads 2 --prefix "$prefix" \
        --out "$out/requests-$prefix"
    BENCH_DIR="$out/requests-$prefix" BENCH_API_KEY="$API_KEY" BENCH_SCRIPT_DIR="$PWD/bench" \
        wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s -s "$script" "http://127.0.0.1:$PORT" | grep '^BENCH'
    rm -rf "$out/requests-$prefix"
}
