-- Read-only checks against the seeded scope: half reworded retries of seeded calls (duplicates found by
-- the semantic layer), half calls never seen (the whole funnel runs and finds nothing).
local topics = { "quarterly report", "invoice", "contract renewal", "team offsite" }
local counter = 0
local headers = {}

function init(args)
    headers["Authorization"] = "Bearer " .. os.getenv("DEDUP_BENCH_KEY")
    headers["Content-Type"] = "application/json"
end

function request()
    counter = counter + 1
    local topic = topics[(counter % #topics) + 1]
    local body
    if counter % 2 == 0 then
        body = string.format(
            '{"scope":"bench","tool":"send_email","arguments":{"to":"user%d@example.com","subject":"The %s for Monday",'
                .. '"body":"Hi, could you please review the %s before Monday? Thanks a lot, Sam","request_id":"r%d"}}',
            counter % 5000, topic, topic, counter)
    else
        body = string.format(
            '{"scope":"bench","tool":"send_email","arguments":{"to":"new%d@example.org","subject":"Lunch",'
                .. '"body":"Are you free for lunch on day %d?"}}',
            counter, counter)
    end
    return wrk.format("POST", "/v1/check", headers, body)
end
