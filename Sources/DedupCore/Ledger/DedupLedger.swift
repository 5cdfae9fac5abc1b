import Foundation
import Synchronization

/// The ledger: the funnel, the vector index and the claim semantics of DESIGN.md over any ``LedgerStore``.
///
/// - A match that succeeded (or failed terminally) is replayed as `duplicate` with its stored outcome.
/// - A match still `pending` with a live lease is `in_progress`.
/// - A `pending` match whose lease ran out is taken over as a new attempt, flagged `recovered`.
/// - A match that failed with `retryable` is released: the claim gets `new` and the attempt count grows.
/// - The caller's idempotency key with a different payload is a `conflict`.
///
/// Claims of one partition run one at a time under the store's partition lock; the verifier, which may
/// be a slow network call, runs outside it and the funnel is re-run with its judgement, so a slow judge
/// never blocks other claims yet a racing equivalent claim is still seen.
public final class DedupLedger<Store: LedgerStore>: Ledger {
    /// The storage backend.
    public let store: Store
    /// The configuration.
    public let configuration: LedgerConfiguration
    /// The embedder for the semantic layer.
    public let embedder: any Embedder
    /// The in-memory cosine index: a cache of the store, loaded partition by partition on first use.
    public let index: SlabVectorIndex
    private let funnel: Funnel
    /// Which partitions the index holds; loads them on first use and drops the least recently used
    /// beyond ``LedgerConfiguration/indexMemoryBytes``.
    let residency: IndexResidency

    /// Opens a ledger over `store`. The vector index starts empty: each partition loads from the store on
    /// its first use, so opening costs the same with ten rows or ten million.
    public init(store: Store, embedder: any Embedder, configuration: LedgerConfiguration = LedgerConfiguration())
        async throws
    {
        self.store = store
        self.configuration = configuration
        self.embedder = embedder
        self.index = SlabVectorIndex(dimension: embedder.dimension)
        self.residency = IndexResidency(
            index: index,
            budgetBytes: configuration.indexMemoryBytes,
            bytesPerRow: index.bytesPerRow
        )
        self.funnel = Funnel(
            configuration: configuration.funnel,
            index: index,
            localVerifier: configuration.verifier as? any LocalVerifier
        )
        try await VersionRefresh(normalizer: configuration.normalizer, embedder: embedder, logger: configuration.logger)
            .run(on: store, nowMillis: configuration.clock().millis)
    }

    private enum Step: Sendable {
        case done(Verdict)
        case verify(CallRecord, score: Double)
        case retry
    }

    /// Claims `call`; see ``Ledger/claim(_:lease:)``.
    public func claim(_ call: ToolCall, lease: Duration? = nil) async throws -> Verdict {
        let lease = lease ?? configuration.defaultLease
        guard lease > .zero, lease <= configuration.maxLease else {
            throw DedupError.invalidInput(
                "lease must be more than 0 and at most \(configuration.maxLease.components.seconds) seconds"
            )
        }
        return try await decide(call, lease: lease)
    }

    /// The verdict a claim would give; records nothing.
    public func check(_ call: ToolCall) async throws -> Verdict {
        try await decide(call, lease: nil)
    }

    /// Runs the funnel; with a lease it claims, without one it only looks.
    private func decide(_ call: ToolCall, lease: Duration?) async throws -> Verdict {
        let start = ContinuousClock.now
        var timings = LayerTimings()
        let normalized = try configuration.normalizer.normalize(call)
        timings.normalize = start.microsecondsElapsed()
        let embedStart = ContinuousClock.now
        let embedding = embedder.embed(normalized)
        timings.embed = embedStart.microsecondsElapsed()

        var judgements: [String: Judgement] = [:]
        var verifyTime = 0.0
        // In use from the first catch-up to the verdict: the partition cannot be dropped from the index
        // while the funnel searches it.
        residency.begin(normalized.partition)
        defer { residency.end(normalized.partition) }
        for round in 0..<4 {
            let storeStart = ContinuousClock.now
            var funnelTimings = LayerTimings()
            let body = { (transaction: Store.Transaction) async throws -> Step in
                try await self.catchUp(transaction, partition: normalized.partition)
                let now = self.configuration.clock()
                let outcome = try await self.funnel.evaluate(
                    normalized,
                    embedding: embedding,
                    in: transaction,
                    nowMillis: now.millis,
                    judgements: judgements,
                    timings: &funnelTimings
                )
                if case .needsVerification(let record, let score) = outcome, round < 3 {
                    return .verify(record, score: score)
                }
                return try await self.apply(
                    outcome,
                    for: normalized,
                    embedding: embedding,
                    lease: lease,
                    now: now,
                    in: transaction
                )
            }
            let step =
                lease == nil
                ? try await store.withReadTransaction(body)
                : try await store.withPartitionLock(normalized.partition, body)
            let storeTime = storeStart.microsecondsElapsed()
            timings.exact += funnelTimings.exact
            timings.search += funnelTimings.search
            timings.store += max(0, storeTime - funnelTimings.exact - funnelTimings.search)
            switch step {
            case .done(var verdict):
                timings.verify = verifyTime
                timings.total = start.microsecondsElapsed()
                verdict.timings = timings
                return verdict
            case .verify(let record, let score):
                let verifyStart = ContinuousClock.now
                judgements[record.id] = await configuration.verifier.verify(normalized, against: record, score: score)
                verifyTime += verifyStart.microsecondsElapsed()
            case .retry:
                continue
            }
        }
        throw DedupError.unavailable("the claim kept racing with other claims; retry it")
    }

    /// Turns a funnel outcome into a verdict, writing the claim when `lease` is set.
    private func apply(
        _ outcome: FunnelOutcome,
        for call: NormalizedCall,
        embedding: [Float],
        lease: Duration?,
        now: Date,
        in transaction: Store.Transaction
    ) async throws -> Step {
        switch outcome {
        case .conflict(let record):
            if lease != nil {
                try await transaction.appendEvent(
                    event(
                        .conflict,
                        call,
                        record.id,
                        layer: .exact,
                        score: nil,
                        attempt: record.attempts,
                        now: now,
                        detail: "idempotency key reused with a different payload"
                    )
                )
            }
            return .done(
                Verdict(
                    decision: .conflict,
                    callID: record.id,
                    layer: .exact,
                    score: nil,
                    match: record,
                    attempt: record.attempts,
                    reason: "idempotency key \"\(call.call.idempotencyKey ?? "")\" was used for a different payload"
                )
            )
        case .match(let record, let layer, let score, let borderline, let reason):
            // Claims leave an audit event in the same transaction; checks record nothing.
            func audit(_ kind: AuditEvent.Kind, _ record: CallRecord, detail: String) async throws {
                guard lease != nil else { return }
                try await transaction.appendEvent(
                    event(
                        kind,
                        call,
                        record.id,
                        layer: layer,
                        score: score,
                        attempt: record.attempts,
                        now: now,
                        detail: detail
                    )
                )
            }
            let match = ClaimRules.Match(
                record: record,
                layer: layer,
                score: score,
                borderline: borderline,
                reason: reason
            )
            switch ClaimRules(window: configuration.window).decide(match, lease: lease, now: now) {
            case .answer(let verdict, let kind):
                if let kind { try await audit(kind, record, detail: reason) }
                return .done(verdict)
            case .takeOver(let verdict, let updated, let status, let attempts, let kind):
                // A completion does not take the partition lock: if one landed since the funnel read the
                // record, the takeover must not overwrite it. Decide again on what is stored now.
                guard try await transaction.update(updated, ifStatus: status, attempts: attempts) else {
                    return .retry
                }
                try await audit(kind, updated, detail: verdict.reason)
                upsertRow(updated)
                return .done(verdict)
            }
        case .noMatch(let borderline, let reason):
            return try await insertNew(
                call,
                embedding: embedding,
                lease: lease,
                now: now,
                borderline: borderline,
                reason: reason,
                in: transaction
            )
        case .needsVerification(let record, let score):
            // The verifier was asked in every round and a racing claim kept changing the candidates:
            // lean to the fallback, like an unsure judgement.
            let fallback = configuration.funnel.thresholds(for: call.policy).fallback
            if fallback == .duplicate {
                return try await apply(
                    .match(record, layer: .verifier, score: score, borderline: true, reason: "verifier fallback"),
                    for: call,
                    embedding: embedding,
                    lease: lease,
                    now: now,
                    in: transaction
                )
            }
            return try await insertNew(
                call,
                embedding: embedding,
                lease: lease,
                now: now,
                borderline: true,
                reason: "borderline candidate left to the fallback",
                in: transaction
            )
        }
    }

    private func insertNew(
        _ call: NormalizedCall,
        embedding: [Float],
        lease: Duration?,
        now: Date,
        borderline: Bool,
        reason: String,
        in transaction: Store.Transaction
    ) async throws -> Step {
        let id = CallID.make(millis: now.millis)
        guard let lease else {
            return .done(Verdict(decision: .new, callID: nil, borderline: borderline, reason: reason))
        }
        if let key = call.call.idempotencyKey,
            let holder = try await transaction.record(idempotencyKey: key, tenant: call.call.tenant)
        {
            // The funnel only looks at live keys; a key left on an expired record is free again.
            try await transaction.releaseIdempotencyKey(id: holder.id)
        }
        let record = CallRecord(
            id: id,
            tenant: call.call.tenant,
            scope: call.call.scope,
            tool: call.call.tool,
            arguments: call.call.arguments,
            canonical: call.canonical,
            fingerprint: call.fingerprint,
            intentKey: call.intentKey,
            idempotencyKey: call.call.idempotencyKey,
            signature: call.signature,
            embedding: embedding,
            status: .pending,
            leaseExpiresAt: now.adding(lease),
            createdAt: now,
            updatedAt: now,
            expiresAt: now.adding(configuration.window),
            keyVersion: configuration.normalizer.keyVersion(forTool: call.call.tool),
            modelID: embedder.modelID
        )
        do {
            try await transaction.insert(record)
        } catch let error as DedupError where error.isConflict {
            // Another partition's claim took the same idempotency key a moment ago: decide again.
            return .retry
        }
        try await transaction.appendEvent(
            event(.claimed, call, id, layer: nil, score: nil, attempt: 1, now: now, detail: reason)
        )
        upsertRow(record)
        return .done(Verdict(decision: .new, callID: id, borderline: borderline, reason: reason))
    }

    private func event(
        _ kind: AuditEvent.Kind,
        _ call: NormalizedCall,
        _ callID: String,
        layer: Layer?,
        score: Double?,
        attempt: Int,
        now: Date,
        detail: String
    ) -> AuditEvent {
        AuditEvent(
            tenant: call.call.tenant,
            scope: call.call.scope,
            tool: call.call.tool,
            callID: callID,
            kind: kind,
            layer: layer,
            score: score,
            attempt: attempt,
            at: now,
            detail: detail
        )
    }

    /// Puts `record`'s row into the index (exact-only records have no embedding and no row).
    private func upsertRow(_ record: CallRecord) {
        guard !record.embedding.isEmpty else { return }
        let row = IndexRow(
            id: record.id,
            group: record.signature.identityGroup,
            vector: record.embedding,
            expiresAtMillis: record.expiresAt.millis
        )
        index.upsert(row, in: record.partition)
    }

    /// Brings the index's copy of `partition` up to date with the store: every live row on first use
    /// (or after the partition was dropped), then the rows stored since, by this process or another.
    private func catchUp(_ transaction: Store.Transaction, partition: PartitionKey) async throws {
        let after = residency.sequence(of: partition)
        let now = configuration.clock().millis
        let (rows, last) = try await transaction.indexRows(in: partition, after: after, nowMillis: now)
        for row in rows { index.upsert(row, in: partition) }
        residency.caughtUp(partition, through: last)
    }

    /// Records the outcome of a claimed call; see ``Ledger/complete(tenant:callID:_:)``.
    ///
    /// Completions take no partition lock, so two of them (or one and a takeover) may race on another
    /// replica. The write is conditional on the status and attempt read: the loser reads the record again
    /// and is answered as if it had come second — 200 for the same outcome, 409 for a different one.
    public func complete(tenant: String, callID: String, _ completion: Completion) async throws -> CallRecord {
        guard completion.status != .pending else {
            throw DedupError.invalidInput("status must be \"succeeded\" or \"failed\"")
        }
        if let error = completion.error, error.unicodeScalars.contains("\u{0}") {
            // PostgreSQL text cannot hold NUL; refused in every store, so the stores answer alike.
            throw DedupError.invalidInput("error must not contain the NUL character (U+0000)")
        }
        for _ in 0..<Self.maxCompletionRounds {
            if let record = try await store.withWriteTransaction({ transaction in
                try await self.complete(tenant: tenant, callID: callID, completion, in: transaction)
            }) {
                return record
            }
        }
        throw DedupError.unavailable("the completion of \(callID) kept racing with other writers; retry it")
    }

    /// Rounds a completion may lose to racing writers before it gives up with a 503.
    static var maxCompletionRounds: Int { 8 }

    /// One round of ``complete(tenant:callID:_:)``: the stored record, or `nil` when a racing writer
    /// changed it between the read and the write.
    private func complete(
        tenant: String,
        callID: String,
        _ completion: Completion,
        in transaction: Store.Transaction
    ) async throws -> CallRecord? {
        guard var record = try await transaction.record(id: callID, tenant: tenant) else {
            throw DedupError.notFound("no call \(callID) for this tenant")
        }
        guard record.status == .pending else {
            let same =
                record.status == completion.status && record.result == completion.result
                && record.error == completion.error && record.retryable == completion.retryable
            if same { return record }
            throw DedupError.conflict(
                "call \(callID) was already completed as \(record.status.rawValue); a different outcome cannot be recorded"
            )
        }
        let now = configuration.clock()
        let attempts = record.attempts
        record.status = completion.status
        record.result = completion.result
        record.error = completion.error
        record.retryable = completion.status == .failed && completion.retryable
        record.completedAt = now
        record.updatedAt = now
        record.leaseExpiresAt = nil
        record.expiresAt = max(record.expiresAt, now.adding(configuration.window))
        guard try await transaction.update(record, ifStatus: .pending, attempts: attempts) else { return nil }
        try await transaction.appendEvent(
            AuditEvent(
                tenant: tenant,
                scope: record.scope,
                tool: record.tool,
                callID: record.id,
                kind: .completed,
                attempt: record.attempts,
                status: record.status,
                at: now,
                detail: record.status == .succeeded
                    ? "succeeded"
                    : "failed\(record.retryable ? " (retryable)" : ""): \(record.error ?? "no error message")"
            )
        )
        // Only into a loaded partition: one that is not loaded reads the new expiry when it loads.
        residency.ifLoaded(record.partition) { upsertRow(record) }
        return record
    }

    /// The record, if `tenant` owns it.
    public func record(tenant: String, callID: String) async throws -> CallRecord? {
        try await store.withReadTransaction { transaction in try await transaction.record(id: callID, tenant: tenant) }
    }

    /// A scope's calls, oldest first.
    public func history(tenant: String, scope: String, limit: Int = 100) async throws -> [CallRecord] {
        try await store.withReadTransaction { transaction in
            try await transaction.history(tenant: tenant, scope: scope, limit: max(0, limit))
        }
    }

    /// A scope's audit timeline, oldest first.
    public func events(tenant: String, scope: String, limit: Int = 1000) async throws -> [AuditEvent] {
        try await store.withReadTransaction { transaction in
            try await transaction.events(tenant: tenant, scope: scope, limit: max(0, limit))
        }
    }

    /// Deletes records past the window, from the store and the index.
    ///
    /// In batches of ``pruneBatch`` rows, each its own write transaction: one big delete would hold the
    /// writer for as long as it takes (tens of milliseconds per ten thousand rows), and every claim
    /// arriving meanwhile would wait on it.
    public func prune() async throws -> Int {
        let now = configuration.clock().millis
        var total = 0
        while true {
            let (calls, events) = try await store.withWriteTransaction { transaction in
                let batch = try await transaction.deleteExpired(
                    nowMillis: now,
                    eventsBeforeMillis: now - configuration.window.millis,
                    limit: Self.pruneBatch
                )
                return (batch.calls.map { Removed(partition: $0.0, id: $0.1) }, batch.events)
            }
            for item in calls { index.remove(id: item.id, from: item.partition) }
            total += calls.count
            if calls.count < Self.pruneBatch && events < Self.pruneBatch { break }
        }
        index.removeExpired(nowMillis: now)
        return total
    }

    /// Rows deleted per pruning transaction.
    static var pruneBatch: Int { 500 }

    private struct Removed: Sendable {
        var partition: PartitionKey
        var id: String
    }
}
