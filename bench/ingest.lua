-- wrk script: each thread sends its own pre-generated, distinct signed requests
-- (bench/generate_requests.py) in order, and reports percentiles and the 2xx count.
-- Environment: BENCH_DIR (request files), BENCH_API_KEY, BENCH_PATH (default /webhook/appointment),
-- BENCH_SIGNED ("0" sends the bodies unsigned, for the bare ceiling).

local thread_counter = 0
local threads = {}

function setup(thread)
  thread:set("thread_index", thread_counter)
  thread_counter = thread_counter + 1
  table.insert(threads, thread)
end

function init(args)
  local dir = os.getenv("BENCH_DIR")
  local api_key = os.getenv("BENCH_API_KEY") or ""
  local path = os.getenv("BENCH_PATH") or "/webhook/appointment"
  local signed = os.getenv("BENCH_SIGNED") ~= "0"
  requests = {}
  for line in io.lines(dir .. "/requests_" .. thread_index .. ".tsv") do
    local id, ts, sig, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = { ["Content-Type"] = "application/json" }
    if signed then
      headers["X-API-Key"] = api_key
      headers["webhook-id"] = id
      headers["webhook-timestamp"] = ts
      headers["webhook-signature"] = sig
    end
    requests[#requests + 1] = wrk.format("POST", path, headers, body)
  end
  next_request = 1
  created = 0
  other = 0
end

function request()
  local r = requests[next_request]
  next_request = next_request + 1
  if next_request > #requests then next_request = 1 end  -- wraps only if the run outlasts the set
  return r
end

function response(status, headers, body)
  if status >= 200 and status < 300 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests_done)
  local created_total, other_total = 0, 0
  for _, thread in ipairs(threads) do
    created_total = created_total + thread:get("created")
    other_total = other_total + thread:get("other")
  end
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f ok=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    created_total, other_total,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
