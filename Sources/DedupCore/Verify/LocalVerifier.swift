/// A verifier that judges in memory, with no I/O: the funnel asks it in line for every candidate instead of
/// leaving the partition lock and re-running, so a low candidate floor costs microseconds, not rounds.
public protocol LocalVerifier: Verifier {
    /// Judges whether `proposed` is the same action as `candidate`, synchronously.
    func judge(_ proposed: NormalizedCall, against candidate: CallRecord, score: Double) -> Judgement

    /// Judges one of a check's candidates, given the ``SafetyCheck``'s diff of the pair (the funnel computed
    /// it for the veto) and the `memo` of what this verifier derived from `proposed` for earlier
    /// candidates of the same check: a verifier that reads them need not align or embed the texts again.
    func judge(
        _ proposed: NormalizedCall,
        against candidate: CallRecord,
        score: Double,
        diff: PairDiff,
        memo: inout ProposalMemo
    ) -> Judgement
}

/// What a ``LocalVerifier`` derived from a check's proposed call, kept between that check's candidates.
/// The funnel starts one per check and passes it to every judgement; it never outlives the check.
public struct ProposalMemo: Sendable {
    /// The proposed call's per-field embeddings (``PairFeatures/TextVectors``), by field path.
    public var textVectors: [String: PairFeatures.TextVectors] = [:]

    /// An empty memo.
    public init() {}
}

extension LocalVerifier {
    /// Ignores the diff and the memo, and judges from the calls.
    public func judge(
        _ proposed: NormalizedCall,
        against candidate: CallRecord,
        score: Double,
        diff: PairDiff,
        memo: inout ProposalMemo
    ) -> Judgement {
        judge(proposed, against: candidate, score: score)
    }

    /// The asynchronous form of ``judge(_:against:score:)``.
    public func verify(_ proposed: NormalizedCall, against candidate: CallRecord, score: Double) async -> Judgement {
        judge(proposed, against: candidate, score: score)
    }
}
