-- Every request claims a new action: a unique recipient/number pair, so each claim runs the whole
-- funnel (exact lookups, embedding, cosine search over the scope) and writes a pending record.
-- `setup` runs in the main Lua state; thread:set makes `thread_id` a global of each thread's state.
local next_thread_id = 0
local counter = 0
local headers = {}

function setup(thread)
    thread:set("thread_id", next_thread_id)
    next_thread_id = next_thread_id + 1
end

local prefix = os.getenv("DEDUP_BENCH_PREFIX") or "load"
-- Scopes to spread the claims over (agent sessions); claims of one scope and tool are serialised.
local scopes = tonumber(os.getenv("DEDUP_BENCH_SCOPES") or "1")

function init(args)
    headers["Authorization"] = "Bearer " .. os.getenv("DEDUP_BENCH_KEY")
    headers["Content-Type"] = "application/json"
end

function request()
    counter = counter + 1
    local body = string.format(
        '{"scope":"bench%s","tool":"send_email","arguments":{"to":"%s%d-%d@example.com","subject":"Status update",'
            .. '"body":"Hi, here is the status update %d for the quarterly report, thanks"}}',
        scopes > 1 and tostring(counter % scopes) or "", prefix, thread_id, counter, counter)
    return wrk.format("POST", "/v1/claim", headers, body)
end
