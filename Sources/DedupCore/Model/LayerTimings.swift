/// Time spent in each funnel stage, in microseconds, so slow layers show up in every answer.
public struct LayerTimings: Sendable, Hashable {
    /// Canonicalising and classifying the arguments.
    public var normalize: Double = 0
    /// Idempotency-key, canonical-hash and intent-key lookups.
    public var exact: Double = 0
    /// Computing the embedding.
    public var embed: Double = 0
    /// Cosine search, the identity guard and the safety check, without the verifier's time.
    public var search: Double = 0
    /// The verifier, for every borderline candidate it judged: in line (the built-in pair model) or over
    /// HTTP between funnel rounds.
    public var verify: Double = 0
    /// Reading and writing the ledger.
    public var store: Double = 0
    /// The whole decision, end to end.
    public var total: Double = 0

    /// All zero.
    public init() {}

    /// The timings as `(name, microseconds)` pairs in funnel order.
    public var entries: [(String, Double)] {
        [
            ("normalize", normalize), ("exact", exact), ("embed", embed), ("search", search),
            ("verify", verify), ("store", store), ("total", total),
        ]
    }
}

extension ContinuousClock.Instant {
    /// Microseconds from this instant until now.
    func microsecondsElapsed() -> Double {
        let elapsed = ContinuousClock.now - self
        return Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
    }
}
