/// What the caller should do with a proposed call.
public enum Decision: String, Sendable, Hashable, CaseIterable {
    /// Not seen before (or released for a new attempt): the claimant should execute it.
    case new
    /// The same action already ran: use the stored result, do not execute again.
    case duplicate
    /// The same action is being executed by someone else right now (live lease): wait and retry.
    case inProgress = "in_progress"
    /// The caller's idempotency key was used before with a different payload: a client bug to surface.
    case conflict
}

/// The funnel stage that recognised a match.
public enum Layer: String, Sendable, Hashable, CaseIterable {
    /// The caller's idempotency key, or the hash of the whole canonical call.
    case exact
    /// The hash of the tool and its policy-declared identity fields.
    case intent
    /// Cosine similarity of the text fields at or above the duplicate threshold, identity fields equal.
    case semantic
    /// A borderline semantic match that the verifier judged to be the same action.
    case verifier
}
