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

function init(args)
    headers["Authorization"] = "Bearer " .. os.getenv("DEDUP_BENCH_KEY")
    headers["Content-Type"] = "application/json"
end

function request()
    counter = counter + 1
    local body = string.format(
        '{"scope":"bench","tool":"send_email","arguments":{"to":"load%d-%d@example.com","subject":"Status update",'
            .. '"body":"Hi, here is the status update %d for the quarterly report, thanks"}}',
        thread_id, counter, counter)
    return wrk.format("POST", "/v1/claim", headers, body)
end
