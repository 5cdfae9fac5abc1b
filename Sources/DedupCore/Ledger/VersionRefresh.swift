import Logging

/// Re-keys stored records made by other normaliser rules, another tool policy or another embedder model.
///
/// Keys and vectors are only comparable with keys and vectors made the same way: after a model refit or a
/// policy edit, a retry of a call claimed before it would normalise or embed differently and silently
/// get `new`. Each record keeps the versions that made it; when a ledger opens, every live record of
/// another version is normalised and embedded again from its stored arguments, in batches, with a
/// progress line per batch. Statuses, outcomes and leases are untouched.
struct VersionRefresh: Sendable {
    let normalizer: Normalizer
    let embedder: any Embedder
    let logger: Logger

    /// Records re-keyed per write transaction.
    static let batch = 500

    /// Re-keys every stale live record of `store`; returns how many it re-keyed.
    @discardableResult
    func run<Store: LedgerStore>(on store: Store, nowMillis: Int64) async throws -> Int {
        let stale =
            try await store.withReadTransaction { transaction in
                try await transaction.liveVersions(nowMillis: nowMillis)
            }
            .filter { $0.keyVersion != normalizer.keyVersion(forTool: $0.tool) || $0.modelID != embedder.modelID }
        guard !stale.isEmpty else { return 0 }
        logger.notice(
            "re-keying stored calls made by other rules or another model",
            metadata: ["tools": "\(stale.map(\.tool).sorted())", "model": "\(embedder.modelID)"]
        )
        var total = 0
        for version in stale {
            while true {
                let done = try await store.withWriteTransaction { transaction in
                    let records = try await transaction.records(with: version, nowMillis: nowMillis, limit: Self.batch)
                    for record in records { try await transaction.rekey(rekeyedOrMarked(record)) }
                    return records.count
                }
                total += done
                if done > 0 { logger.notice("re-keyed stored calls", metadata: ["done": "\(total)"]) }
                if done < Self.batch { break }
            }
        }
        return total
    }

    /// ``rekeyed(_:)``, or — for a record today's rules refuse (a name stored before a rule tightened) —
    /// the record as it is, marked current so it is not tried on every open; it keeps matching as before.
    func rekeyedOrMarked(_ record: CallRecord) -> CallRecord {
        do {
            return try rekeyed(record)
        } catch {
            logger.warning(
                "a stored call cannot be normalised by today's rules; its keys are left as they were",
                metadata: ["call_id": "\(record.id)", "error": "\(error)"]
            )
            var marked = record
            marked.keyVersion = normalizer.keyVersion(forTool: record.tool)
            marked.modelID = embedder.modelID
            return marked
        }
    }

    /// `record` with its keys, signature and embedding made anew from its arguments.
    func rekeyed(_ record: CallRecord) throws -> CallRecord {
        let call = ToolCall(
            tenant: record.tenant,
            scope: record.scope,
            tool: record.tool,
            arguments: record.arguments,
            idempotencyKey: record.idempotencyKey
        )
        let normalized = try normalizer.normalize(call)
        var updated = record
        updated.canonical = normalized.canonical
        updated.fingerprint = normalized.fingerprint
        updated.intentKey = normalized.intentKey
        updated.signature = normalized.signature
        updated.embedding = CallRow.storedPrecision(embedder.embed(normalized))
        updated.keyVersion = normalizer.keyVersion(forTool: record.tool)
        updated.modelID = embedder.modelID
        return updated
    }
}
