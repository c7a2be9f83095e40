-- wrk script for scripts/bench: POSTs one OpenAI chat completion per request.
--   BENCH_STREAM=1   ask for a streamed (SSE) answer, with usage, as SDKs do
--   BENCH_AUTH       the Authorization header value (the mock ignores it; the gateway needs it)
--   BENCH_MODEL      the model name (default mock-1)
-- At the end it prints one line "BENCH_RESULT {json}" with exact figures (microseconds) that
-- scripts/bench-lib/summarise.py reads; wrk's own text report is printed above it as usual.
-- No request()/response() callbacks: those would make wrk run Lua per request and slow it down.

local stream = os.getenv("BENCH_STREAM") == "1"
local model = os.getenv("BENCH_MODEL") or "mock-1"
local auth = os.getenv("BENCH_AUTH")

local body = '{"model":"' .. model .. '",'
  .. '"messages":['
  .. '{"role":"system","content":"You are a concise assistant for an online bookshop. Answer in one or two sentences."},'
  .. '{"role":"user","content":"Do you have a paperback edition of The Left Hand of Darkness, and how long does delivery take?"}'
  .. '],'
  .. '"temperature":0.2,"max_tokens":128'
if stream then
  -- include_usage is asked for explicitly: the gateway would otherwise add it (a body rewrite)
  -- and the upstream would send one chunk more through the gateway than directly.
  body = body .. ',"stream":true,"stream_options":{"include_usage":true}'
end
body = body .. '}'

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = stream and "text/event-stream" or "application/json"
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"max":%d,'
      .. '"p50":%d,"p75":%d,"p90":%d,"p99":%d,"p99_9":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9)))
end
