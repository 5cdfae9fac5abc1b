/// The answer to "is this the same action as one already taken or under way?".
///
/// Every verdict says which layer decided and why, so a surprising answer can be traced.
public struct Verdict: Sendable, Hashable {
    /// What the caller should do.
    public var decision: Decision
    /// The call id the caller should use: the new claim's id, or the matched record's.
    public var callID: String?
    /// The layer that found the match; `nil` when nothing matched.
    public var layer: Layer?
    /// The cosine score of the semantic match (1 for exact and intent matches); `nil` without a match.
    public var score: Double?
    /// The matched record with its status and stored result, if any.
    public var match: CallRecord?
    /// Whether this claim took over an earlier attempt whose lease ran out: that attempt may have had
    /// side effects, so the caller should check before executing again.
    public var recovered: Bool
    /// Whether the best candidate fell in the borderline band (whatever the verifier then said).
    public var borderline: Bool
    /// The attempt number the caller now holds (for `new`), or the match's attempt count.
    public var attempt: Int
    /// One sentence on why, for logs and people.
    public var reason: String
    /// Time spent per layer.
    public var timings: LayerTimings

    /// A verdict.
    public init(
        decision: Decision,
        callID: String?,
        layer: Layer? = nil,
        score: Double? = nil,
        match: CallRecord? = nil,
        recovered: Bool = false,
        borderline: Bool = false,
        attempt: Int = 1,
        reason: String,
        timings: LayerTimings = LayerTimings()
    ) {
        self.decision = decision
        self.callID = callID
        self.layer = layer
        self.score = score
        self.match = match
        self.recovered = recovered
        self.borderline = borderline
        self.attempt = attempt
        self.reason = reason
        self.timings = timings
    }
}
