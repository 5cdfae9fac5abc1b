-- Mixed traffic for the soak test: claim new actions, complete them, check reworded retries and
-- re-claim finished ones (which must come back `duplicate` with the stored result).
--
-- wrk calls request() and response() per thread but does not pair them, so the state is a per-thread
-- queue: every `new` answer queues its call id for a complete, and every new action's number goes into
-- a ring that retries and checks draw from. Statuses are counted per thread and summed in done().
local threads = {}
local next_thread_id = 0

function setup(thread)
    thread:set("thread_id", next_thread_id)
    next_thread_id = next_thread_id + 1
    table.insert(threads, thread)
end

local headers = {}
local counter = 0
local to_complete = {}
local recent = {}
local ring = 512
ok, duplicates, in_progress, new, completed, errors = 0, 0, 0, 0, 0, 0
last_error = ""

local prefix = os.getenv("DEDUP_SOAK_PREFIX") or "soak"
local scopes = tonumber(os.getenv("DEDUP_SOAK_SCOPES") or "64")

function init(args)
    headers["Authorization"] = "Bearer " .. os.getenv("DEDUP_SOAK_KEY")
    headers["Content-Type"] = "application/json"
end

local function action_body(n, reworded)
    local greeting = reworded and "Hello, the status update %d for the quarterly report is here, thanks!"
        or "Hi, here is the status update %d for the quarterly report, thanks"
    return string.format(
        '{"scope":"%s-%d","tool":"send_email","arguments":{"to":"%s%d-%d@example.com","subject":"Status update",'
            .. '"body":"' .. greeting .. '"}}',
        prefix, n % scopes, prefix, thread_id, n, n)
end

function request()
    counter = counter + 1
    if #to_complete > 0 then
        local id = table.remove(to_complete, 1)
        return wrk.format("POST", "/v1/calls/" .. id .. "/complete", headers,
            '{"status":"succeeded","result":{"message_id":"m-' .. id .. '"}}')
    end
    local older = recent[((counter * 7) % ring) + 1]
    if older and counter % 4 == 1 then
        return wrk.format("POST", "/v1/check", headers, action_body(older, true))
    end
    if older and counter % 4 == 2 then
        return wrk.format("POST", "/v1/claim", headers, action_body(older, false))
    end
    recent[(counter % ring) + 1] = counter
    return wrk.format("POST", "/v1/claim", headers, action_body(counter, false))
end

function response(status, headers, body)
    if status == 200 then
        ok = ok + 1
        if string.find(body, '"decision":"new"', 1, true) then
            new = new + 1
            local id = string.match(body, '"call_id":"(call_[%w]+)"')
            if id then table.insert(to_complete, id) end
        elseif string.find(body, '"decision":"duplicate"', 1, true) then
            duplicates = duplicates + 1
        elseif string.find(body, '"status":"succeeded"', 1, true) and not string.find(body, '"decision"', 1, true) then
            completed = completed + 1
        end
    elseif status == 409 and string.find(body, '"in_progress"', 1, true) then
        in_progress = in_progress + 1  -- a retry of an action not yet completed: the right answer
    else
        errors = errors + 1
        last_error = status .. " " .. string.sub(body, 1, 200)
    end
end

function done(summary, latency, requests)
    local totals = {ok = 0, duplicates = 0, in_progress = 0, new = 0, completed = 0, errors = 0}
    local last = ""
    for _, thread in ipairs(threads) do
        for key, _ in pairs(totals) do totals[key] = totals[key] + thread:get(key) end
        if thread:get("last_error") ~= "" then last = thread:get("last_error") end
    end
    io.write(string.format(
        'SOAK {"requests":%d,"seconds":%.3f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"p999_ms":%.3f,"max_ms":%.3f,'
            .. '"ok":%d,"new":%d,"completed":%d,"duplicates":%d,"in_progress":%d,"errors":%d,'
            .. '"socket_errors":%d,"last_error":%q}\n',
        summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
        latency:percentile(99) / 1e3, latency:percentile(99.9) / 1e3, latency.max / 1e3,
        totals.ok, totals.new, totals.completed, totals.duplicates, totals.in_progress, totals.errors,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, last))
end
