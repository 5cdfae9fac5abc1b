/// Thresholds and limits of the funnel, with the defaults DESIGN.md argues for.
public struct FunnelConfiguration: Sendable, Hashable {
    /// Cosine at or above which an identity-equal candidate is a duplicate (default 0.90).
    public var duplicateThreshold: Double
    /// Cosine at or above which a candidate is borderline and goes to the verifier (default 0.2: the
    /// calibrated pair model judges rewordings the lexical cosine scores far below 0.85, and its threshold
    /// is calibrated on every eligible pair whatever its cosine, so the floor bounds work, not error; at
    /// most ``candidates`` of them per call). On the labelled pairs nothing changes below 0.2; an external
    /// (HTTP) verifier is asked about every such candidate, so a deployment that pays per judgement may
    /// want it higher.
    public var borderlineThreshold: Double
    /// Cosine at or above which a candidate whose every text field differs only harmlessly (case,
    /// punctuation, stop words, inflection, contractions — the ``SafetyCheck``'s judgement) is a duplicate
    /// below the borderline band: the hashing embedder scores `can't` / `cannot` low, the alignment does
    /// not (default 0.60).
    public var harmlessThreshold: Double
    /// How many nearest candidates the semantic layer reads from the ledger (default 8).
    public var candidates: Int
    /// What a borderline pair becomes when the verifier is unsure (default `new`: a false duplicate
    /// silently drops a real action, a false `new` only repeats one the caller can still inspect).
    public var verifierFallback: Decision

    /// A configuration; every parameter has the documented default.
    public init(
        duplicateThreshold: Double = 0.90,
        borderlineThreshold: Double = 0.2,
        candidates: Int = 8,
        verifierFallback: Decision = .new,
        harmlessThreshold: Double = 0.60
    ) {
        self.harmlessThreshold = harmlessThreshold
        self.duplicateThreshold = duplicateThreshold
        self.borderlineThreshold = borderlineThreshold
        self.candidates = candidates
        self.verifierFallback = verifierFallback
    }

    /// The thresholds for one call, after its tool's policy overrides.
    func thresholds(for policy: ToolPolicy) -> (duplicate: Double, borderline: Double, fallback: Decision) {
        let duplicate = policy.duplicateThreshold ?? duplicateThreshold
        let borderline = min(policy.borderlineThreshold ?? borderlineThreshold, duplicate)
        return (duplicate, borderline, policy.verifierFallback ?? verifierFallback)
    }
}
