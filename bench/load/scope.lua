-- Claims of new actions, all in one scope (one partition): DEDUP_BENCH_SCOPE names it, DEDUP_BENCH_PREFIX
-- keeps the actions of concurrent wrk processes apart. Used by hotpartition.sh.
local next_thread_id = 0
local counter = 0
local headers = {}

function setup(thread)
    thread:set("thread_id", next_thread_id)
    next_thread_id = next_thread_id + 1
end

local scope = os.getenv("DEDUP_BENCH_SCOPE") or "bench"
local prefix = os.getenv("DEDUP_BENCH_PREFIX") or scope

function init(args)
    headers["Authorization"] = "Bearer " .. os.getenv("DEDUP_BENCH_KEY")
    headers["Content-Type"] = "application/json"
end

function request()
    counter = counter + 1
    local body = string.format(
        '{"scope":"%s","tool":"charge_card","arguments":{"customer":"cus_%s_%d_%d","amount_cents":%d,'
            .. '"note":"order %d of the %s run"}}',
        scope, prefix, thread_id, counter, 100 + counter, counter, prefix)
    return wrk.format("POST", "/v1/claim", headers, body)
end
