-- wrk script of bench/write_path.py: autosaves, one response per connection.
--
--   wrk -t N -c N -d 10s --timeout 30s -s bench/write_path.lua URL -- SEATS MODE [PACE_MS]
--
-- SEATS is a Lua file written by write_path.py that returns
--   { questions = {"q1", ...}, values = {q1 = {"ja", "nej", ...}, ...},
--     seats = { {path = "/api/v1/responses/7/answers", token = "se_...", revision = 3,
--                current = {q1 = "ja", ...}}, ... } }
-- MODE is "save" (POST a save per request) or "health" (GET /health/live).
-- PACE_MS > 0 paces every connection to one request per PACE_MS milliseconds (wrk has no
-- fixed rate, wrk2 is not available: delay() waits until the connection's next slot;
-- a connection that falls behind sends at once and does not catch up, so the achieved
-- rate shows the shortfall).
--
-- Run with -t N -c N: each wrk thread has its own Lua state and one connection, so the
-- globals below belong to one connection, which owns one response (its own bearer token,
-- whose respondent may write it) and sends the revision it last saw.
--
-- TO ADAPT THE SAVE (issue 15's per-question merge): change only make_body() (what is
-- sent) and read_revision() (what is kept from a reply). Everything else (statuses,
-- pacing, the summary) stays.

local seat_index = 0  -- main state: numbers the threads in setup()
local threads = {}

function setup(thread)
  seat_index = seat_index + 1
  thread:set("seat_no", seat_index)
  table.insert(threads, thread)
end

-- ---------------------------------------------------------------- the save itself

-- The request body of one save: today's API, a batch based on the last seen revision.
-- `question` changes to `value` (always different from the value stored before).
-- For a per-question revision, send e.g. {"revisions": {"q": rev_of[q]}, ...} instead.
function make_body(revision, question, value)
  return string.format('{"revision":%d,"answers":{"%s":"%s"}}', revision, question, value)
end

-- The revision to send next, from a reply (200: the new state; 409: the current
-- state in "current"). The first "revision": followed by a number is the response's.
function read_revision(body)
  local r = string.match(body, '"revision":%s*(%d+)')
  return r and tonumber(r) or nil
end

-- ---------------------------------------------------------------- per connection

local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } wp_timespec;
int clock_gettime(int clk_id, wp_timespec *tp);
]]
local ts = ffi.new("wp_timespec[1]")
local function now_ms()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  return tonumber(ts[0].tv_sec) * 1000 + tonumber(ts[0].tv_nsec) / 1e6
end

function init(args)
  local data = dofile(args[1])
  mode = args[2] or "save"
  pace_ms = tonumber(args[3] or "0") or 0
  seat = data.seats[((seat_no - 1) % #data.seats) + 1]
  questions, values = data.questions, data.values
  revision = seat.revision
  current = {}
  for q, v in pairs(seat.current or {}) do current[q] = v end
  headers = {["Authorization"] = "Bearer " .. seat.token, ["Content-Type"] = "application/json"}
  n, pending_q, pending_v = 0, nil, nil
  ok, conflicts, other, sample = 0, 0, 0, ""
  math.randomseed(seat_no)
  next_due = nil
end

-- The value after `v` among `q`'s options: never the one stored now.
local function next_value(q, v)
  local opts = values[q]
  for i, o in ipairs(opts) do
    if o == v then return opts[(i % #opts) + 1] end
  end
  return opts[1]
end

function delay()
  if pace_ms <= 0 then return 0 end
  local now = now_ms()
  if next_due == nil then next_due = now + math.random() * pace_ms end  -- spread the first requests
  local wait = next_due - now
  next_due = math.max(next_due, now) + pace_ms
  if wait < 0 then return 0 end
  return math.floor(wait)
end

function request()
  if mode == "health" then
    return wrk.format("GET", "/health/live")
  end
  n = n + 1
  pending_q = questions[((n + seat_no) % #questions) + 1]
  pending_v = next_value(pending_q, current[pending_q])
  return wrk.format("POST", seat.path, headers, make_body(revision, pending_q, pending_v))
end

function response(status, hdrs, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
    if mode == "save" then
      current[pending_q] = pending_v
      revision = read_revision(body) or revision
    end
  elseif status == 409 then
    conflicts = conflicts + 1
    revision = read_revision(body) or revision
  else
    other = other + 1
    if sample == "" then sample = status .. " " .. string.sub(body or "", 1, 200) end
  end
end

-- ---------------------------------------------------------------- summary (main state)

local function json_string(s)
  return '"' .. string.gsub(s, '[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end) .. '"'
end

function done(summary, latency, requests)
  local t_ok, t_conf, t_other, samples = 0, 0, 0, {}
  for _, t in ipairs(threads) do
    t_ok = t_ok + t:get("ok")
    t_conf = t_conf + t:get("conflicts")
    t_other = t_other + t:get("other")
    local s = t:get("sample")
    if s ~= "" and #samples < 3 then table.insert(samples, json_string(s)) end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"ok":%d,"conflicts":%d,"other":%d,' ..
    '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p95":%d,"p99":%d,"max":%d,"mean":%.1f},"samples":[%s]}\n',
    summary.requests, summary.duration, t_ok, t_conf, t_other, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean,
    table.concat(samples, ",")))
end
