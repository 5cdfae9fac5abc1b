/// What a verifier concluded about a borderline pair.
public struct Judgement: Sendable, Hashable {
    /// The verifier's answer.
    public enum Answer: String, Sendable, Hashable {
        /// The same action.
        case duplicate
        /// Different actions.
        case distinct
        /// Cannot tell (or could not ask in time): the tool's fallback decides.
        case unsure
    }

    /// The answer.
    public var answer: Answer
    /// Why, in one sentence.
    public var reason: String

    /// A judgement.
    public init(_ answer: Answer, _ reason: String) {
        self.answer = answer
        self.reason = reason
    }
}

/// Decides pairs the embedding cannot: those in the borderline band between "clearly new" and
/// "clearly the same".
///
/// Verifiers never throw: a failure is an `unsure` judgement with the reason, and the tool's fallback
/// (by default `new`) decides, so a slow or broken verifier can never turn a new action into a duplicate.
public protocol Verifier: Sendable {
    /// Judges whether `proposed` is the same action as the stored `candidate`, whose cosine is `score`.
    func verify(_ proposed: NormalizedCall, against candidate: CallRecord, score: Double) async -> Judgement
}
