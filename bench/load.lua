-- wrk script for the to-do API benchmark; driven by bench/run.sh (a copy of ../shared/bench/load.lua).
--
--   wrk ... -s load.lua http://127.0.0.1:PORT -- SCENARIO TOKEN PREFIX SLASH IDS [CONN]
--
--   SCENARIO  list | get | mix | unauth
--   TOKEN     bearer token sent on every request (a deliberately bad one for `unauth`)
--   PREFIX    collection path, e.g. /api/tasks
--   SLASH     "" or "/" (appended to every path, for servers that want trailing slashes)
--   IDS       comma-separated ids of the seeded tasks (get, mix)
--   CONN      "keep" (default: keep-alive) or "close" (send Connection: close, so every
--             request opens a new connection; wrk reconnects by itself)
--
-- Scenarios
--   list    GET PREFIX                                  (static request)
--   get     GET PREFIX/{id}, id drawn from IDS          (dynamic)
--   mix     per request: 40% list, 40% get one, 20% write; a write is, in order of
--           priority, DELETE of a task this thread created and toggled, POST .../toggle
--           of a task it created, or POST PREFIX (create). Every created task is
--           therefore toggled once and deleted once: creates:toggles:deletes ~ 1:1:1.
--   unauth  GET PREFIX with TOKEN (a bad token); every answer should be 401
--
-- Each wrk thread has its own Lua state. Status counters live there as globals and
-- done() (in the main state) sums them and prints one line: "BENCHJSON {...}".

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

-- per-thread globals (read back by done() through thread:get)
s2xx, s3xx, s4xx, s5xx, sother, s401 = 0, 0, 0, 0, 0, 0
n_list, n_get, n_create, n_toggle, n_delete, n_created, n_toggled = 0, 0, 0, 0, 0, 0, 0
scenario = nil

local prefix, slash
local list_req, create_req
local ids, get_reqs = {}, {}
local hdr_plain, hdr_json
local to_toggle, toggling, to_delete = {}, {}, {}

function init(args)
  scenario = args[1]
  local token = args[2]
  prefix = args[3]
  slash = args[4] or ""
  for id in string.gmatch(args[5] or "", "[^,]+") do
    ids[#ids + 1] = id
  end
  math.randomseed(os.time() + (tid or 0) * 7919)

  local auth = "Bearer " .. token
  local close = (args[6] == "close")
  if scenario == "list" or scenario == "unauth" then
    -- Static request: wrk builds it once from wrk.method/path/headers.
    wrk.method = "GET"
    wrk.path = prefix .. slash
    wrk.headers["Authorization"] = auth
    wrk.headers["Accept"] = "application/json"
    if close then wrk.headers["Connection"] = "close" end
    request = nil
    return
  end

  if #ids == 0 then
    error("scenario " .. scenario .. " needs seeded task ids")
  end
  hdr_plain = { ["Authorization"] = auth, ["Accept"] = "application/json" }
  hdr_json = { ["Authorization"] = auth, ["Accept"] = "application/json",
               ["Content-Type"] = "application/json" }
  if close then
    hdr_plain["Connection"] = "close"
    hdr_json["Connection"] = "close"
  end
  list_req = wrk.format("GET", prefix .. slash, hdr_plain)
  for i, id in ipairs(ids) do
    get_reqs[i] = wrk.format("GET", prefix .. "/" .. id .. slash, hdr_plain)
  end
  create_req = wrk.format("POST", prefix .. slash, hdr_json,
    '{"title":"wrk mix task","description":"created by bench/load.lua"}')
end

local function get_one()
  n_get = n_get + 1
  return get_reqs[math.random(#get_reqs)]
end

function request()
  if scenario == "get" then
    return get_one()
  end
  -- mix
  local r = math.random()
  if r < 0.4 then
    n_list = n_list + 1
    return list_req
  elseif r < 0.8 then
    return get_one()
  end
  if #to_delete > 0 then
    local id = table.remove(to_delete, 1)
    n_delete = n_delete + 1
    return wrk.format("DELETE", prefix .. "/" .. id .. slash, hdr_plain)
  elseif #to_toggle > 0 then
    local id = table.remove(to_toggle, 1)
    toggling[id] = true
    n_toggle = n_toggle + 1
    return wrk.format("POST", prefix .. "/" .. id .. "/toggle" .. slash, hdr_plain, "")
  end
  n_create = n_create + 1
  return create_req
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    s2xx = s2xx + 1
  elseif status >= 300 and status < 400 then
    s3xx = s3xx + 1
  elseif status >= 400 and status < 500 then
    s4xx = s4xx + 1
    if status == 401 then s401 = s401 + 1 end
  elseif status >= 500 and status < 600 then
    s5xx = s5xx + 1
  else
    sother = sother + 1
  end

  -- mix: follow the tasks we created. Only single-object bodies count (a list body
  -- starts with "[" or holds "results"); the first "id" in it is the task's id.
  if scenario == "mix" and (status == 200 or status == 201) and body
     and string.sub(body, 1, 1) == "{" and not string.find(body, '"results"', 1, true) then
    local id = string.match(body, '"id"%s*:%s*"?([%w%-]+)')
    if id then
      if status == 201 then
        n_created = n_created + 1
        to_toggle[#to_toggle + 1] = id
      elseif toggling[id] then
        toggling[id] = nil
        n_toggled = n_toggled + 1
        to_delete[#to_delete + 1] = id
      end
    end
  end
end

local counters = { "s2xx", "s3xx", "s4xx", "s5xx", "sother", "s401",
                   "n_list", "n_get", "n_create", "n_toggle", "n_delete", "n_created", "n_toggled" }

function done(summary, latency, requests)
  local c = {}
  for _, name in ipairs(counters) do c[name] = 0 end
  for _, t in ipairs(threads) do
    for _, name in ipairs(counters) do
      c[name] = c[name] + (tonumber(t:get(name)) or 0)
    end
  end
  local scn = threads[1] and threads[1]:get("scenario") or "?"
  local e = summary.errors
  local secs = summary.duration / 1e6
  local answered = c.s2xx + c.s3xx + c.s4xx + c.s5xx + c.sother
  local expected = (scn == "unauth") and c.s401 or c.s2xx
  local function ms(us) return string.format("%.3f", us / 1000) end

  local parts = {
    string.format('"scenario":"%s"', scn),
    string.format('"requests":%d', summary.requests),
    string.format('"duration_s":%.3f', secs),
    string.format('"rps":%.1f', secs > 0 and summary.requests / secs or 0),
    '"p50_ms":' .. ms(latency:percentile(50)),
    '"p90_ms":' .. ms(latency:percentile(90)),
    '"p99_ms":' .. ms(latency:percentile(99)),
    '"mean_ms":' .. ms(latency.mean),
    '"max_ms":' .. ms(latency.max),
    string.format('"non_2xx":%d', answered - c.s2xx),
    string.format('"unexpected":%d', answered - expected),
    string.format('"status":{"2xx":%d,"3xx":%d,"4xx":%d,"5xx":%d,"other":%d,"401":%d}',
      c.s2xx, c.s3xx, c.s4xx, c.s5xx, c.sother, c.s401),
    string.format('"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"total":%d}',
      e.connect, e.read, e.write, e.timeout, e.connect + e.read + e.write + e.timeout),
    string.format('"bytes":%d', summary.bytes),
  }
  if scn == "unauth" then
    parts[#parts + 1] = string.format('"rejected_401_pct":%.2f', answered > 0 and 100 * c.s401 / answered or 0)
  end
  if scn == "mix" then
    local issued = c.n_list + c.n_get + c.n_create + c.n_toggle + c.n_delete
    local writes = c.n_create + c.n_toggle + c.n_delete
    parts[#parts + 1] = string.format(
      '"ops_issued":{"list":%d,"get":%d,"create":%d,"toggle":%d,"delete":%d},' ..
      '"created_201":%d,"toggled_200":%d,"write_pct":%.2f',
      c.n_list, c.n_get, c.n_create, c.n_toggle, c.n_delete, c.n_created, c.n_toggled,
      issued > 0 and 100 * writes / issued or 0)
  end
  io.write("BENCHJSON {" .. table.concat(parts, ",") .. "}\n")
end
