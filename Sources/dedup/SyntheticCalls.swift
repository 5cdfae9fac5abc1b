import DedupCore

/// Deterministic synthetic `send_email` calls for benchmarks: varied recipients, subjects and bodies, and
/// reworded variants of each (same recipient, same facts, other words).
struct SyntheticCalls {
    let seed: UInt64

    private static let topics = [
        "quarterly report", "invoice", "contract renewal", "team offsite", "security review", "product launch",
        "budget approval", "onboarding plan", "customer feedback", "release notes", "hiring update", "roadmap",
        "incident postmortem", "travel booking", "training session", "partnership proposal",
    ]
    private static let verbs = ["review", "sign", "discuss", "approve", "read", "share", "prepare", "finalize"]
    private static let times = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "next week", "tomorrow"]

    private func pick<T>(_ items: [T], _ index: Int, _ salt: UInt64) -> T {
        items[Int(StableHash.hash64("\(index)", seed: seed &+ salt) % UInt64(items.count))]
    }

    func call(_ index: Int) -> ToolCall {
        let topic = pick(Self.topics, index, 1)
        let verb = pick(Self.verbs, index, 2)
        let when = pick(Self.times, index, 3)
        return ToolCall(
            tenant: "bench",
            scope: "session",
            tool: "send_email",
            arguments: [
                "to": .string("user\(index % 5000)@example.com"),
                "subject": .string("The \(topic) for \(when)"),
                "body": .string("Hi, could you please \(verb) the \(topic) before \(when)? Thanks a lot, Sam"),
            ]
        )
    }

    func reworded(_ index: Int) -> ToolCall {
        let topic = pick(Self.topics, index, 1)
        let verb = pick(Self.verbs, index, 2)
        let when = pick(Self.times, index, 3)
        return ToolCall(
            tenant: "bench",
            scope: "session",
            tool: "send_email",
            arguments: [
                "to": .string("User\(index % 5000)@Example.com"),
                "subject": .string("The \(topic) for \(when)"),
                "body": .string("Hi, could you \(verb) the \(topic) before \(when) please? Thanks a lot, Sam"),
                "request_id": .string("req-\(index)"),
            ]
        )
    }
}
