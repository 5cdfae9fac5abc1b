/// A verifier that judges in memory, with no I/O: the funnel asks it in line for every candidate instead of
/// leaving the partition lock and re-running, so a low candidate floor costs microseconds, not rounds.
public protocol LocalVerifier: Verifier {
    /// Judges whether `proposed` is the same action as `candidate`, synchronously.
    func judge(_ proposed: NormalizedCall, against candidate: CallRecord, score: Double) -> Judgement
}

extension LocalVerifier {
    /// The asynchronous form of ``judge(_:against:score:)``.
    public func verify(_ proposed: NormalizedCall, against candidate: CallRecord, score: Double) async -> Judgement {
        judge(proposed, against: candidate, score: score)
    }
}
