public import Foundation

/// What a claim does with the record the funnel matched: the claim rules of DESIGN.md as a pure function
/// of the match, its status and lease, and the time.
///
/// No store and no I/O (the shape of postgres-nio's state machines): the ledger carries out the
/// ``Action`` it returns — answer, or write a takeover and answer — so every rule is tested on its own.
/// - succeeded, or failed terminally → `duplicate`, replaying the stored outcome;
/// - pending with a live lease → `in_progress`;
/// - pending with an expired lease → `new`, a takeover flagged `recovered` (the holder may have crashed
///   after side effects);
/// - failed with `retryable` → `new`, the next attempt of the same record.
///
/// `plan(_:for:embedding:mode:fallback:now:)` extends this to every funnel outcome (a conflict, nothing
/// matched, an unsettled borderline pair) with the audit events to append, and
/// ``complete(_:with:now:)`` is the completion rule.
public struct ClaimRules: Sendable {
    /// How long a record is remembered; a takeover extends it to a full window from now.
    public var window: Duration

    /// Rules for a ledger whose window is `window`.
    public init(window: Duration) {
        self.window = window
    }

    /// The funnel's match.
    public struct Match: Sendable {
        /// The matched record, as read.
        public var record: CallRecord
        /// The layer that matched it.
        public var layer: Layer
        /// Its score.
        public var score: Double?
        /// Whether the pair was borderline.
        public var borderline: Bool
        /// Why it matched.
        public var reason: String

        /// A match.
        public init(record: CallRecord, layer: Layer, score: Double?, borderline: Bool, reason: String) {
            self.record = record
            self.layer = layer
            self.score = score
            self.borderline = borderline
            self.reason = reason
        }
    }

    /// What the ledger does.
    public enum Action: Sendable {
        /// Answer `verdict`; a claim records `event` in the audit timeline (a check records nothing).
        case answer(Verdict, event: AuditEvent.Kind?)
        /// Write `updated` — only if the stored record still has `expectedStatus` and `expectedAttempts`,
        /// otherwise decide again — then answer `verdict` and record `event`.
        case takeOver(
            Verdict,
            updated: CallRecord,
            expectedStatus: CallStatus,
            expectedAttempts: Int,
            event: AuditEvent.Kind
        )
    }

    /// The action for `match`; `lease` is the claim's lease, `nil` for a check (which writes nothing).
    public func decide(_ match: Match, lease: Duration?, now: Date) -> Action {
        let record = match.record
        var verdict = Verdict(
            decision: .duplicate,
            callID: record.id,
            layer: match.layer,
            score: match.score,
            match: record,
            borderline: match.borderline,
            attempt: record.attempts,
            reason: match.reason
        )
        switch record.status {
        case .succeeded,
            .failed where !record.retryable:
            return .answer(verdict, event: .duplicate)
        case .pending where record.isLeaseLive(at: now):
            verdict.decision = .inProgress
            return .answer(verdict, event: .inProgress)
        case .pending, .failed:
            verdict.decision = .new
            verdict.recovered = record.status == .pending
            verdict.attempt = record.attempts + 1
            verdict.reason =
                record.status == .pending
                ? "took over attempt \(record.attempts), whose lease ran out; it may have had side effects"
                : "earlier attempt failed with a retryable error; this is attempt \(record.attempts + 1)"
            guard let lease else { return .answer(verdict, event: nil) }
            var updated = record
            updated.status = .pending
            updated.attempts += 1
            updated.result = nil
            updated.error = nil
            updated.retryable = false
            updated.completedAt = nil
            updated.leaseExpiresAt = now.adding(lease)
            updated.updatedAt = now
            updated.expiresAt = max(record.expiresAt, now.adding(window))
            return .takeOver(
                verdict,
                updated: updated,
                expectedStatus: record.status,
                expectedAttempts: record.attempts,
                event: record.status == .pending ? .takeover : .retry
            )
        }
    }
}
