package import DedupCore
package import DedupSQLite
import Foundation

/// Deterministic synthetic `send_email` calls for benchmarks: varied recipients, subjects and bodies, and
/// reworded variants of each (same recipient, same facts, other words).
///
/// Every call's body carries a letters-only reference token made from its index, so no two calls are
/// identical (digits would be identity and split the calls into groups). `recipients` sets how many
/// identity groups there are: 1 puts every call in one group, the semantic layer's worst case.
package struct SyntheticCalls {
    /// The seed every choice is hashed with: the same seed, the same calls.
    package let seed: UInt64
    /// The tenant of every call.
    package var tenant = "bench"
    /// The scope of every call.
    package var scope = "session"
    /// How many recipients, and so identity groups, the calls spread over.
    package var recipients = 5000
    /// How many scopes, and so partitions, the calls spread over: 1 keeps every call in ``scope``; more
    /// puts call `i` in scope `"\(scope)-\(i % partitions)"`.
    package var partitions = 1

    /// The scope of call `index`.
    private func scope(_ index: Int) -> String {
        partitions > 1 ? "\(scope)-\(index % partitions)" : scope
    }

    /// Calls made with `seed`.
    package init(seed: UInt64) {
        self.seed = seed
    }

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

    private func token(_ index: Int) -> String {
        var value = StableHash.hash64("token\(index)", seed: seed)
        var letters = ""
        for _ in 0..<7 {
            letters.append(Character(Unicode.Scalar(UInt8(97 + value % 26))))
            value /= 26
        }
        return letters
    }

    func call(_ index: Int) -> ToolCall {
        let topic = pick(Self.topics, index, 1)
        let verb = pick(Self.verbs, index, 2)
        let when = pick(Self.times, index, 3)
        return ToolCall(
            tenant: tenant,
            scope: scope(index),
            tool: "send_email",
            arguments: [
                "to": .string("user\(index % recipients)@example.com"),
                "subject": .string("The \(topic) for \(when)"),
                "body": .string(
                    "Hi, could you please \(verb) the \(topic) before \(when)? Reference \(token(index)). Thanks, Sam"
                ),
            ]
        )
    }

    func reworded(_ index: Int) -> ToolCall {
        let topic = pick(Self.topics, index, 1)
        let verb = pick(Self.verbs, index, 2)
        let when = pick(Self.times, index, 3)
        return ToolCall(
            tenant: tenant,
            scope: scope(index),
            tool: "send_email",
            arguments: [
                "to": .string("User\(index % recipients)@Example.com"),
                "subject": .string("The \(topic) for \(when)"),
                "body": .string(
                    "Hi, could you \(verb) the \(topic) before \(when) please? Reference \(token(index)). Thanks, Sam"
                ),
                "request_id": .string("req-\(index)"),
            ]
        )
    }

    /// Writes `count` completed calls straight into `store` (batched transactions, no funnel), as a ledger
    /// with that many recent calls would hold them. Claiming them one by one would cost O(n²) searches.
    /// Returns their index rows with the Float32 embeddings (for an exact index to compare against), unless
    /// `returningRows` is false (a million rows of them are a gigabyte).
    @discardableResult
    package func seed(
        _ store: SQLiteStore,
        count: Int,
        embedder: any Embedder,
        returningRows: Bool = true
    ) async throws -> [IndexRow] {
        let normalizer = Normalizer()
        let now = Date()
        var rows: [IndexRow] = []
        rows.reserveCapacity(returningRows ? count : 0)
        // Batches of 20 000 per transaction: one transaction of millions of rows spills pages into a WAL
        // of many gigabytes and slows down as it grows.
        for start in stride(from: 0, to: count, by: Self.batch) {
            try await store.withWriteTransaction { transaction in
                for index in start..<min(count, start + Self.batch) {
                    let call = self.call(index)
                    let normalized = try normalizer.normalize(call)
                    let record = CallRecord(
                        id: "call_seed\(seed)x\(index)",
                        tenant: call.tenant,
                        scope: call.scope,
                        tool: call.tool,
                        arguments: call.arguments,
                        canonical: normalized.canonical,
                        fingerprint: normalized.fingerprint,
                        intentKey: nil,
                        idempotencyKey: nil,
                        signature: normalized.signature,
                        embedding: CallRow.storedPrecision(embedder.embed(normalized)),
                        status: .succeeded,
                        result: ["ok": true],
                        leaseExpiresAt: nil,
                        createdAt: now,
                        updatedAt: now,
                        completedAt: now,
                        expiresAt: now.addingTimeInterval(86_400),
                        // Stamped as the ledger stamps its own, so opening it re-keys nothing.
                        keyVersion: normalizer.keyVersion(forTool: call.tool),
                        modelID: embedder.modelID
                    )
                    try transaction.insert(record)
                    guard returningRows else { continue }
                    rows.append(IndexRow(record: record))
                }
            }
        }
        return rows
    }

    /// Calls written per transaction by ``seed(_:count:embedder:returningRows:)``.
    private static let batch = 20_000
}
