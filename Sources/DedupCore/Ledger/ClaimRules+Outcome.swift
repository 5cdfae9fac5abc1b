import Foundation

extension ClaimRules {
    /// A check, which only looks, or a claim, which writes what the rules say.
    enum Mode: Sendable {
        /// Answer what a claim would get; record nothing.
        case check
        /// Claim with `lease`; a new record gets `newID` and is stamped with the key version and model that
        /// made its keys and vector.
        case claim(lease: Duration, newID: String, keyVersion: String, modelID: String)

        var lease: Duration? {
            if case .claim(let lease, _, _, _) = self { return lease }
            return nil
        }
    }

    /// What the ledger does with a funnel outcome, I/O left to it: every write a claim makes, already built.
    enum Plan: Sendable {
        /// Answer `verdict`; append `event` if there is one (a claim's, never a check's).
        case answer(Verdict, event: AuditEvent?)
        /// Write `updated` only if the stored record still has `expectedStatus` and `expectedAttempts`
        /// (otherwise decide again), append `event`, answer `verdict`.
        case takeOver(
            Verdict,
            updated: CallRecord,
            expectedStatus: CallStatus,
            expectedAttempts: Int,
            event: AuditEvent
        )
        /// Insert `record` (a taken idempotency key: decide again), append `event`, answer `verdict`.
        case insert(Verdict, record: CallRecord, event: AuditEvent)
    }

    /// The plan for `outcome` of `call`: the claim rules over every funnel outcome.
    ///
    /// `fallback` is the tool's answer for a borderline pair the verifier never settled (it was asked in
    /// every round while racing claims kept changing the candidates): lean to it, like an unsure judgement.
    func plan(
        _ outcome: FunnelOutcome,
        for call: NormalizedCall,
        embedding: [Float],
        mode: Mode,
        fallback: Decision,
        now: Date
    ) -> Plan {
        let claims = mode.lease != nil
        switch outcome {
        case .conflict(let record):
            let verdict = Verdict(
                decision: .conflict,
                callID: record.id,
                layer: .exact,
                score: nil,
                match: record,
                attempt: record.attempts,
                reason: "idempotency key \"\(call.call.idempotencyKey ?? "")\" was used for a different payload"
            )
            let event = Self.event(
                .conflict,
                call,
                record.id,
                layer: .exact,
                score: nil,
                attempt: record.attempts,
                now,
                "idempotency key reused with a different payload"
            )
            return .answer(verdict, event: claims ? event : nil)
        case .match(let record, let layer, let score, let borderline, let reason):
            let match = Match(record: record, layer: layer, score: score, borderline: borderline, reason: reason)
            switch decide(match, lease: mode.lease, now: now) {
            case .answer(let verdict, let kind):
                let event = kind.map {
                    Self.event($0, call, record.id, layer: layer, score: score, attempt: record.attempts, now, reason)
                }
                return .answer(verdict, event: claims ? event : nil)
            case .takeOver(let verdict, let updated, let status, let attempts, let kind):
                return .takeOver(
                    verdict,
                    updated: updated,
                    expectedStatus: status,
                    expectedAttempts: attempts,
                    event: Self.event(
                        kind,
                        call,
                        updated.id,
                        layer: layer,
                        score: score,
                        attempt: updated.attempts,
                        now,
                        verdict.reason
                    )
                )
            }
        case .noMatch(let borderline, let reason):
            return insert(call, embedding: embedding, mode: mode, borderline: borderline, reason: reason, now: now)
        case .needsVerification(let record, let score):
            if fallback == .duplicate {
                return plan(
                    .match(record, layer: .verifier, score: score, borderline: true, reason: "verifier fallback"),
                    for: call,
                    embedding: embedding,
                    mode: mode,
                    fallback: fallback,
                    now: now
                )
            }
            return insert(
                call,
                embedding: embedding,
                mode: mode,
                borderline: true,
                reason: "borderline candidate left to the fallback",
                now: now
            )
        }
    }

    /// Nothing matched: a check answers `new`; a claim inserts a pending record, leased, with a window.
    private func insert(
        _ call: NormalizedCall,
        embedding: [Float],
        mode: Mode,
        borderline: Bool,
        reason: String,
        now: Date
    ) -> Plan {
        guard case .claim(let lease, let id, let keyVersion, let modelID) = mode else {
            return .answer(Verdict(decision: .new, callID: nil, borderline: borderline, reason: reason), event: nil)
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
            expiresAt: now.adding(window),
            keyVersion: keyVersion,
            modelID: modelID
        )
        return .insert(
            Verdict(decision: .new, callID: id, borderline: borderline, reason: reason),
            record: record,
            event: Self.event(.claimed, call, id, layer: nil, score: nil, attempt: 1, now, reason)
        )
    }

    /// A claim's audit event.
    private static func event(
        _ kind: AuditEvent.Kind,
        _ call: NormalizedCall,
        _ callID: String,
        layer: Layer?,
        score: Double?,
        attempt: Int,
        _ now: Date,
        _ detail: String
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
}
