/// The decision pipeline, cheapest layer first: idempotency key → canonical hash → intent key →
/// embedding cosine with the identity guard → verifier for the borderline band.
///
/// The funnel only reads: it looks candidates up through a ``LedgerTransaction`` and the
/// ``VectorIndex``, and says what it found. Applying the match's status (replay, in progress, takeover)
/// and writing the claim is the ledger's job, under the partition lock.
struct Funnel: Sendable {
    let configuration: FunnelConfiguration
    let index: any VectorIndex
    /// Judges candidates in line when the verifier needs no I/O (the built-in pair model).
    var localVerifier: (any LocalVerifier)? = nil

    func evaluate(
        _ call: NormalizedCall,
        embedding: [Float],
        in transaction: some LedgerTransaction,
        nowMillis: Int64,
        judgements: [String: Judgement],
        timings: inout LayerTimings
    ) async throws -> FunnelOutcome {
        let exactStart = ContinuousClock.now
        if let key = call.call.idempotencyKey,
            let record = try await transaction.record(idempotencyKey: key, tenant: call.call.tenant),
            record.expiresAt.millis > nowMillis
        {
            timings.exact = exactStart.microsecondsElapsed()
            guard record.fingerprint == call.fingerprint else { return .conflict(record) }
            return .match(
                record,
                layer: .exact,
                score: 1,
                borderline: false,
                reason: "same idempotency key and payload"
            )
        }
        if let record = try await transaction.record(
            fingerprint: call.fingerprint,
            partition: call.partition,
            nowMillis: nowMillis
        ) {
            timings.exact = exactStart.microsecondsElapsed()
            return .match(record, layer: .exact, score: 1, borderline: false, reason: "identical canonical call")
        }
        if let intentKey = call.intentKey,
            let record = try await transaction.record(
                intentKey: intentKey,
                partition: call.partition,
                nowMillis: nowMillis
            )
        {
            timings.exact = exactStart.microsecondsElapsed()
            return .match(
                record,
                layer: .intent,
                score: 1,
                borderline: false,
                reason: "same identity fields (\(call.policy.identityFields.joined(separator: ", ")))"
            )
        }
        timings.exact = exactStart.microsecondsElapsed()
        guard !embedding.isEmpty else { return .noMatch(borderline: false, reason: "no earlier call matches") }

        let searchStart = ContinuousClock.now
        defer { timings.search = searchStart.microsecondsElapsed() }
        let (duplicateThreshold, borderlineThreshold, fallback) = configuration.thresholds(for: call.policy)
        let hits = index.search(
            embedding,
            in: call.partition,
            group: call.signature.identityGroup,
            limit: configuration.candidates,
            minScore: Float(borderlineThreshold),
            nowMillis: nowMillis
        )
        var sawBorderline = false
        for hit in hits {
            guard let record = try await transaction.record(id: hit.id, tenant: call.call.tenant),
                record.partition == call.partition, record.expiresAt.millis > nowMillis,
                record.signature.identity == call.signature.identity,
                !Self.textsConflict(call.signature, record.signature)
            else { continue }
            let score = Double(hit.score)
            if score >= duplicateThreshold {
                return .match(
                    record,
                    layer: .semantic,
                    score: score,
                    borderline: false,
                    reason:
                        "text cosine \(Self.format(score)) ≥ \(Self.format(duplicateThreshold)), identity fields equal"
                )
            }
            sawBorderline = true
            guard let judgement = judgements[record.id] ?? localVerifier?.judge(call, against: record, score: score)
            else { return .needsVerification(record, score: score) }
            switch judgement.answer {
            case .duplicate:
                return .match(record, layer: .verifier, score: score, borderline: true, reason: judgement.reason)
            case .unsure where fallback == .duplicate:
                return .match(
                    record,
                    layer: .verifier,
                    score: score,
                    borderline: true,
                    reason: "verifier unsure (\(judgement.reason)); the tool's fallback is duplicate"
                )
            case .distinct, .unsure:
                continue
            }
        }
        return .noMatch(
            borderline: sawBorderline,
            reason: sawBorderline ? "borderline candidates judged distinct or unsure" : "no earlier call matches"
        )
    }

    /// Whether any shared text field names the opposite action in the two calls.
    static func textsConflict(_ lhs: FieldSignature, _ rhs: FieldSignature) -> Bool {
        lhs.text.contains { path, text in
            guard let other = rhs.text[path] else { return false }
            return OppositeActions.conflict(text, other) != nil
        }
    }

    static func format(_ score: Double) -> String {
        let rounded = (score * 1000).rounded() / 1000
        return "\(rounded)"
    }
}
