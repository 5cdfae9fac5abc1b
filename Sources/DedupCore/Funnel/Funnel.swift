/// The decision pipeline, cheapest layer first: idempotency key → canonical hash → intent key →
/// embedding cosine with the identity guard and the safety check → verifier for the borderline band.
///
/// Every semantic candidate, at any cosine, passes the ``SafetyCheck`` first: a vetoing difference in any
/// text field (number, sign, negation, name, opposite verb, order or role) skips it. A cosine at or above
/// the duplicate threshold only decides alone when every text field keeps at least
/// ``minimumFieldOverlap`` of its content words — the cosine is of all text fields joined, so a short
/// field that differs would drown in a long one; otherwise the pair goes to the verifier. Below the
/// borderline band, down to ``FunnelConfiguration/harmlessThreshold``, only a pair whose every field
/// differs harmlessly is a duplicate.
///
/// The funnel only reads: it looks candidates up through a ``LedgerTransaction`` and the
/// ``VectorIndex``, and says what it found. Applying the match's status (replay, in progress, takeover)
/// and writing the claim is the ledger's job, under the partition lock.
struct Funnel: Sendable {
    let configuration: FunnelConfiguration
    let index: any VectorIndex
    /// Judges candidates in line when the verifier needs no I/O (the built-in pair model).
    var localVerifier: (any LocalVerifier)? = nil
    /// The stored calls' analysed text fields: a recent call is a candidate of many checks.
    var candidateTexts = SafetyTextCache()

    /// The share of content words every text field must keep for a high cosine to decide alone, when a
    /// call has several text fields: more than one word in five changed is a changed fact.
    static let minimumFieldOverlap = 0.8

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
        // The in-line verifier's time is its own layer, not the search's.
        defer { timings.search = max(0, searchStart.microsecondsElapsed() - timings.verify) }
        let (duplicateThreshold, borderlineThreshold, fallback) = configuration.thresholds(for: call.policy)
        let floor = min(borderlineThreshold, configuration.harmlessThreshold)
        let hits = index.search(
            embedding,
            in: call.partition,
            group: call.signature.identityGroup,
            limit: configuration.candidates,
            minScore: Float(floor),
            nowMillis: nowMillis
        )
        var sawBorderline = false
        // The proposed call's text fields, analysed once for every candidate's safety check.
        let proposedTexts = hits.isEmpty ? [:] : candidateTexts.fields(of: call)
        var memo = ProposalMemo()
        // More hits than candidates: an approximate index added rows whose place is uncertain, so score them
        // all exactly, from their vectors alone, and keep the best. Then read records lazily, in that order
        // (or the index's), until one matches; a record read whole is checked again in full.
        var order = hits
        if hits.count > configuration.candidates {
            let group = call.signature.identityGroup
            var scored: [(id: String, score: Double)] = []
            for hit in hits {
                guard let vector = try await transaction.candidateVector(id: hit.id, tenant: call.call.tenant),
                    vector.partition == call.partition, vector.expiresAtMillis > nowMillis,
                    vector.identityGroup == group,
                    let score = Cosine.exact(embedding, vector.embedding), score >= floor
                else { continue }
                scored.append((hit.id, score))
            }
            order = scored.sorted { $0.score > $1.score }.prefix(configuration.candidates)
                .map {
                    IndexHit(id: $0.id, score: Float($0.score))
                }
        }
        for hit in order {
            guard let (record, score) = try await candidate(hit, of: call, embedding, floor, transaction, nowMillis)
            else { continue }
            let diff = SafetyCheck.compare(proposedTexts, candidateTexts.fields(of: record.signature))
            guard diff.veto == nil else { continue }
            if score < borderlineThreshold {
                // Below the band only a pair the alignment finds harmless in every field is the same.
                guard diff.isHarmless else { continue }
                return .match(
                    record,
                    layer: .semantic,
                    score: score,
                    borderline: false,
                    reason:
                        "only harmless differences (case, punctuation, stop words, inflection), identity fields equal"
                )
            }
            if score >= duplicateThreshold, diff.fields.count <= 1 || diff.weakestSimilarity >= Self.minimumFieldOverlap
            {
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
            var judged = judgements[record.id]
            if judged == nil, let localVerifier {
                let verifyStart = ContinuousClock.now
                judged = localVerifier.judge(call, against: record, score: score, diff: diff, memo: &memo)
                timings.verify += verifyStart.microsecondsElapsed()
            }
            guard let judgement = judged else { return .needsVerification(record, score: score) }
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

    /// The stored call of `hit` and its exact cosine with the proposed call, when it is still a candidate:
    /// live, of the call's partition and identity, at or above `floor`. The index's score may be approximate
    /// (quantised), so the funnel decides on the exact cosine only.
    private func candidate(
        _ hit: IndexHit,
        of call: NormalizedCall,
        _ embedding: [Float],
        _ floor: Double,
        _ transaction: some LedgerTransaction,
        _ nowMillis: Int64
    ) async throws -> (record: CallRecord, score: Double)? {
        guard let record = try await transaction.record(id: hit.id, tenant: call.call.tenant),
            record.partition == call.partition, record.expiresAt.millis > nowMillis,
            record.signature.identity == call.signature.identity,
            let score = Cosine.exact(embedding, record.embedding), score >= floor
        else { return nil }
        return (record, score)
    }

    static func format(_ score: Double) -> String {
        let rounded = (score * 1000).rounded() / 1000
        return "\(rounded)"
    }
}
