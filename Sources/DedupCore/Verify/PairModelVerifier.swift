import Foundation

/// The built-in verifier: the calibrated ``PairModel`` over ``PairFeatures``, thresholded at a target
/// false-duplicate rate δ rather than at a raw cosine.
///
/// The threshold is the lowest P(duplicate) whose false-duplicate rate on held-out calibration pairs has a
/// 95 % upper bound ≤ δ (default 0.5 %; a tool's policy may set its own, ``ToolPolicy/maxFalseDuplicateRate``,
/// for that tool's calls). It judges only what reaches it: identity-guarded candidates that
/// passed every veto of the funnel, and it never turns a veto into a duplicate.
public struct PairModelVerifier: LocalVerifier {
    /// The feature extractor (both embedders); `nil` means the bundled one, loaded on first use so a
    /// process that never meets a borderline pair never reads the 15 MB learned embedder.
    public let features: PairFeatures?
    /// The pair model.
    public let model: PairModel
    /// The target false-duplicate rate δ of calls whose tool's policy sets none.
    public let maxFalseDuplicateRate: Double
    /// The P(duplicate) threshold for that δ.
    public let threshold: Double

    /// A verifier at target rate `maxFalseDuplicateRate`.
    public init(features: PairFeatures?, model: PairModel, maxFalseDuplicateRate: Double = 0.005) {
        self.features = features
        self.model = model
        self.maxFalseDuplicateRate = maxFalseDuplicateRate
        self.threshold = model.threshold(forMaxFalseDuplicateRate: maxFalseDuplicateRate)
    }

    /// The bundled embedders and `models/pair-v1`, at δ = `maxFalseDuplicateRate`.
    public static func bundled(maxFalseDuplicateRate: Double = 0.005) throws(DedupError) -> PairModelVerifier {
        guard let directory = BundledModelsLocator.pairV1 else {
            throw .model("the bundled pair model models/pair-v1 is missing from this build")
        }
        return PairModelVerifier(
            features: nil,
            model: try PairModel.load(from: directory),
            maxFalseDuplicateRate: maxFalseDuplicateRate
        )
    }

    /// The default verifier at δ = 0.5 %: the pair model, or the ``StructuralVerifier`` in a build that
    /// lacks the bundled models (a default argument cannot throw; `dedup serve` loads the model explicitly
    /// and fails loudly instead).
    public static var builtIn: any Verifier {
        (try? bundled()) ?? StructuralVerifier()
    }

    // Loading the learned embedder reads 15 MB; every ledger of a process shares one copy.
    private static let loaded = Result<PairFeatures, DedupError> { () throws(DedupError) in try .bundled() }

    /// Loads the bundled feature extractor now rather than at the first borderline pair, and says why it
    /// cannot. A server calls it at start: the load takes tens of milliseconds (94 ms measured on a 2-core
    /// machine), which the first judged request would otherwise wait for, with every request judged while
    /// it runs. A one-shot CLI command that never meets a borderline pair leaves it unloaded.
    public static func loadBundledFeatures() throws(DedupError) {
        _ = try loaded.get()
    }

    /// Judges the pair with the model.
    public func judge(_ proposed: NormalizedCall, against candidate: CallRecord, score: Double) -> Judgement {
        var memo = ProposalMemo()
        return judge(
            proposed,
            against: candidate,
            score: score,
            diff: SafetyCheck.compare(proposed.signature, candidate.signature),
            memo: &memo
        )
    }

    /// Judges the pair with the model, reading the funnel's diff instead of aligning the texts again and the
    /// proposed call's embeddings from `memo` once an earlier candidate computed them.
    public func judge(
        _ proposed: NormalizedCall,
        against candidate: CallRecord,
        score: Double,
        diff: PairDiff,
        memo: inout ProposalMemo
    ) -> Judgement {
        let structural = StructuralVerifier.judge(proposed.signature, candidate.signature, diff: diff)
        if structural.answer == .distinct { return structural }
        let extractor: PairFeatures
        switch features.map({ .success($0) }) ?? Self.loaded {
        case .success(let loaded): extractor = loaded
        case .failure(let error): return Judgement(.unsure, "the pair model cannot run: \(error.message)")
        }
        let values = extractor.values(
            proposed.signature,
            candidate.signature,
            diff: diff,
            structural: structural,
            proposedVectors: &memo.textVectors
        )
        let probability = model.probability(values)
        let (delta, threshold) = threshold(for: proposed.policy)
        let shown = (probability * 1000).rounded() / 1000
        let percent = (delta * 10_000).rounded() / 100
        return probability >= threshold
            ? Judgement(.duplicate, "P(duplicate) \(shown) ≥ \(threshold) (δ \(percent) %)")
            : Judgement(.distinct, "P(duplicate) \(shown) < \(threshold) (δ \(percent) %)")
    }

    /// The target rate δ and the P(duplicate) threshold for a call of a tool with `policy`: the policy's
    /// `max_false_duplicate_rate` when it sets one, else the verifier's.
    public func threshold(for policy: ToolPolicy) -> (delta: Double, threshold: Double) {
        guard let delta = policy.maxFalseDuplicateRate, delta != maxFalseDuplicateRate else {
            return (maxFalseDuplicateRate, threshold)
        }
        return (delta, model.threshold(forMaxFalseDuplicateRate: delta))
    }
}
