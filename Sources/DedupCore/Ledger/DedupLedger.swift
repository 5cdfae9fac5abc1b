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
    /// Loads, catches up and prunes the index; drops the least recently used partitions beyond
    /// ``LedgerConfiguration/indexMemoryBytes``.
    let sync: IndexSync
    /// A partition's first use loads it holding that partition's turn, so concurrent first uses read it once
    /// and other partitions do not wait.
    let loading = PartitionQueue()

    /// Opens a ledger over `store`. The vector index starts empty: each partition loads from the store on
    /// its first use, so opening costs the same with ten rows or ten million.
    public init(store: Store, embedder: any Embedder, configuration: LedgerConfiguration = LedgerConfiguration())
        async throws
    {
        self.store = store
        self.configuration = configuration
        self.embedder = embedder
        self.index = SlabVectorIndex(dimension: embedder.dimension)
        self.sync = IndexSync(index: index, budgetBytes: configuration.indexMemoryBytes)
        self.funnel = Funnel(
            configuration: configuration.funnel,
            index: index,
            localVerifier: configuration.verifier as? any LocalVerifier
        )
        try await VersionRefresh(normalizer: configuration.normalizer, embedder: embedder, logger: configuration.logger)
            .run(on: store, nowMillis: configuration.clock().millis)
    }

    private enum Step: Sendable {
        /// The verdict, and the record the claim wrote (new or taken over), for the index once committed.
        case done(Verdict, written: CallRecord? = nil)
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
        // At the precision the store keeps (Float16): what is searched, indexed and stored is one vector.
        let embedding = CallRow.storedPrecision(embedder.embed(normalized))
        timings.embed = embedStart.microsecondsElapsed()

        var judgements: [String: Judgement] = [:]
        // In use from the first catch-up to the verdict: the partition cannot be dropped from the index
        // while the funnel searches it.
        let partition = normalized.partition
        sync.begin(partition)
        defer { sync.end(partition) }
        try await load(partition)
        for round in 0..<4 {
            let storeStart = ContinuousClock.now
            var funnelTimings = LayerTimings()
            let body = { (transaction: Store.Transaction) async throws -> (Step, Int64) in
                let caughtUp = try await self.sync.catchUp(
                    transaction,
                    partition: partition,
                    nowMillis: self.configuration.clock().millis
                )
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
                    return (.verify(record, score: score), caughtUp)
                }
                let step = try await self.apply(
                    outcome,
                    for: normalized,
                    embedding: embedding,
                    lease: lease,
                    now: now,
                    in: transaction
                )
                return (step, caughtUp)
            }
            let step: Step
            do {
                let (result, caughtUp) =
                    lease == nil
                    ? try await store.withReadTransaction(body)
                    : try await store.withPartitionLock(partition, body)
                // Only now is what the catch-up read known to be committed.
                var written: CallRecord?
                if case .done(_, let record) = result { written = record }
                sync.committed(partition, through: caughtUp, written: written)
                step = result
            } catch {
                if lease != nil { sync.failed(partition) }
                throw error
            }
            let storeTime = storeStart.microsecondsElapsed()
            timings.exact += funnelTimings.exact
            timings.search += funnelTimings.search
            timings.verify += funnelTimings.verify
            timings.store += max(0, storeTime - funnelTimings.exact - funnelTimings.search - funnelTimings.verify)
            switch step {
            case .done(var verdict, _):
                timings.total = start.microsecondsElapsed()
                verdict.timings = timings
                return verdict
            case .verify(let record, let score):
                let verifyStart = ContinuousClock.now
                judgements[record.id] = await configuration.verifier.verify(normalized, against: record, score: score)
                timings.verify += verifyStart.microsecondsElapsed()
            case .retry:
                continue
            }
        }
        throw DedupError.unavailable("the claim kept racing with other claims; retry it")
    }

    /// Turns a funnel outcome into a verdict by the claim rules, making the writes they plan when `lease` is
    /// set.
    private func apply(
        _ outcome: FunnelOutcome,
        for call: NormalizedCall,
        embedding: [Float],
        lease: Duration?,
        now: Date,
        in transaction: Store.Transaction
    ) async throws -> Step {
        let mode: ClaimRules.Mode =
            if let lease {
                .claim(
                    lease: lease,
                    newID: CallID.make(millis: now.millis),
                    keyVersion: configuration.normalizer.keyVersion(forTool: call.call.tool),
                    modelID: embedder.modelID
                )
            } else {
                .check
            }
        let plan = ClaimRules(window: configuration.window)
            .plan(
                outcome,
                for: call,
                embedding: embedding,
                mode: mode,
                fallback: configuration.funnel.thresholds(for: call.policy).fallback,
                now: now
            )
        switch plan {
        case .answer(let verdict, let event):
            // Claims leave an audit event in the same transaction; checks record nothing.
            if let event { try await transaction.appendEvent(event) }
            return .done(verdict)
        case .takeOver(let verdict, let updated, let status, let attempts, let event):
            // Conditional on what the funnel read: a completion that landed since (it reads without the
            // partition lock) must not be overwritten. Decide again on what is stored now.
            guard try await transaction.update(updated, ifStatus: status, attempts: attempts) else { return .retry }
            try await transaction.appendEvent(event)
            return .done(verdict, written: updated)
        case .insert(let verdict, let record, let event):
            if let key = record.idempotencyKey,
                let holder = try await transaction.record(idempotencyKey: key, tenant: record.tenant)
            {
                // The funnel only looks at live keys; a key left on an expired record is free again.
                try await transaction.releaseIdempotencyKey(id: holder.id)
            }
            do {
                try await transaction.insert(record)
            } catch let error as DedupError where error.isConflict {
                // Another partition's claim took the same idempotency key a moment ago: decide again.
                return .retry
            }
            try await transaction.appendEvent(event)
            return .done(verdict, written: record)
        }
    }

    /// Records the outcome of a claimed call; see ``Ledger/complete(tenant:callID:_:)``.
    ///
    /// A completion reads without the partition lock (PostgreSQL's update takes it for the write alone), so
    /// two of them (or one and a takeover) may race on another replica. The write is conditional on the
    /// status and attempt read: the loser reads the record again and is answered as if it had come second —
    /// 200 for the same outcome, 409 for a different one. The rule itself is ``ClaimRules/complete(_:with:now:)``.
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
                sync.stored(record)
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
        guard let record = try await transaction.record(id: callID, tenant: tenant) else {
            throw DedupError.notFound("no call \(callID) for this tenant")
        }
        switch try ClaimRules(window: configuration.window)
            .complete(record, with: completion, now: configuration.clock())
        {
        case .alreadyRecorded(let record):
            return record
        case .write(let updated, let attempts, let event):
            guard try await transaction.update(updated, ifStatus: .pending, attempts: attempts) else { return nil }
            try await transaction.appendEvent(event)
            return updated
        }
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
                return (batch.calls.map { (partition: $0.0, id: $0.1) }, batch.events)
            }
            sync.deleted(calls)
            total += calls.count
            if calls.count < Self.pruneBatch && events < Self.pruneBatch { break }
        }
        sync.removeExpired(nowMillis: now)
        return total
    }

    /// Rows deleted per pruning transaction.
    static var pruneBatch: Int { 500 }
}
