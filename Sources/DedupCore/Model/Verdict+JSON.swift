extension Verdict {
    /// The verdict as the JSON the CLI and the HTTP API return (`decision`, `call_id`, `layer`, `score`,
    /// `recovered`, `borderline`, `attempt`, `reason`, `match`, `timings_us`).
    public var jsonValue: JSONValue {
        var timingMembers: [String: JSONValue] = [:]
        for (name, value) in timings.entries { timingMembers[name] = .number(JSONNumber((value * 10).rounded() / 10)) }
        return [
            "decision": .string(decision.rawValue),
            "call_id": callID.map { .string($0) } ?? .null,
            "layer": layer.map { .string($0.rawValue) } ?? .null,
            "score": score.map { .number(JSONNumber(($0 * 10000).rounded() / 10000)) } ?? .null,
            "recovered": .bool(recovered),
            "borderline": .bool(borderline),
            "attempt": .number(JSONNumber(attempt)),
            "reason": .string(reason),
            "match": match?.jsonValue ?? .null,
            "timings_us": .object(timingMembers),
        ]
    }
}

extension CallRecord {
    /// The record as JSON: `call_id`, `scope`, `tool`, `arguments`, `status`, `result`, `error`,
    /// `retryable`, `attempts`, `created_at`, `completed_at`, `expires_at`, `lease_expires_at` (RFC 3339).
    public var jsonValue: JSONValue {
        [
            "call_id": .string(id),
            "scope": .string(scope),
            "tool": .string(tool),
            "arguments": arguments,
            "status": .string(status.rawValue),
            "result": result ?? .null,
            "error": error.map { .string($0) } ?? .null,
            "retryable": .bool(retryable),
            "attempts": .number(JSONNumber(attempts)),
            "created_at": .string(createdAt.rfc3339),
            "completed_at": completedAt.map { .string($0.rfc3339) } ?? .null,
            "expires_at": .string(expiresAt.rfc3339),
            "lease_expires_at": leaseExpiresAt.map { .string($0.rfc3339) } ?? .null,
        ]
    }
}
