/// What one pass of the funnel found, before the ledger applies the match's status.
enum FunnelOutcome: Sendable {
    /// A stored call is the same action.
    case match(CallRecord, layer: Layer, score: Double, borderline: Bool, reason: String)
    /// The caller's idempotency key belongs to a call with a different payload.
    case conflict(CallRecord)
    /// A borderline candidate the verifier has not judged yet.
    case needsVerification(CallRecord, score: Double)
    /// Nothing matched.
    case noMatch(borderline: Bool, reason: String)
}
