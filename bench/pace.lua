-- Like ingest.lua, but each connection waits BENCH_DELAY_MS between requests, so a run holds a
-- steady rate (connections x 1000 / delay) instead of saturating the server.
dofile(os.getenv("BENCH_SCRIPT_DIR") .. "/ingest.lua")
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
function delay()
  return pause
end
