/// Confusion counts and the metrics `dedup bench pairs` reports.
struct PairMetrics: Sendable, Equatable {
    var truePositives = 0
    var falsePositives = 0
    var trueNegatives = 0
    var falseNegatives = 0
    /// Pairs called duplicate, by the layer that decided.
    var duplicatesByLayer: [String: Int] = [:]

    mutating func add(predictedDuplicate: Bool, actualDuplicate: Bool, layer: String?) {
        switch (predictedDuplicate, actualDuplicate) {
        case (true, true): truePositives += 1
        case (true, false): falsePositives += 1
        case (false, false): trueNegatives += 1
        case (false, true): falseNegatives += 1
        }
        if predictedDuplicate { duplicatesByLayer[layer ?? "none", default: 0] += 1 }
    }

    var positives: Int { truePositives + falseNegatives }
    var negatives: Int { falsePositives + trueNegatives }

    /// Of the pairs called duplicate, the share that are (1 when none are called).
    var precision: Double {
        let called = truePositives + falsePositives
        return called == 0 ? 1 : Double(truePositives) / Double(called)
    }

    /// Of the duplicate pairs, the share found.
    var recall: Double { positives == 0 ? 0 : Double(truePositives) / Double(positives) }

    /// Harmonic mean of precision and recall.
    var f1: Double {
        precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
    }

    /// Distinct pairs wrongly called duplicate, over all distinct pairs: the rate of silently dropped actions.
    var falseDuplicateRate: Double { negatives == 0 ? 0 : Double(falsePositives) / Double(negatives) }

    /// Wilson 95 % interval of the precision (true duplicates over pairs called duplicate).
    var precisionInterval: WilsonInterval { WilsonInterval(truePositives, of: truePositives + falsePositives) }
    /// Wilson 95 % interval of the recall.
    var recallInterval: WilsonInterval { WilsonInterval(truePositives, of: positives) }
    /// Wilson 95 % interval of the false-duplicate rate.
    var falseDuplicateInterval: WilsonInterval { WilsonInterval(falsePositives, of: negatives) }
}

/// The Wilson score 95 % interval of a proportion `successes / total`: unlike the normal approximation it
/// stays inside 0…1 and is not empty at 0 or `total` successes (0 of 266 false duplicates still allows
/// up to 1.42 %). The whole range 0…1 when `total` is 0.
struct WilsonInterval: Sendable, Equatable {
    var low: Double
    var high: Double

    init(_ successes: Int, of total: Int, z: Double = 1.959964) {
        guard total > 0 else {
            (low, high) = (0, 1)
            return
        }
        let n = Double(total)
        let p = Double(successes) / n
        let centre = p + z * z / (2 * n)
        let margin = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()
        let denominator = 1 + z * z / n
        low = max(0, (centre - margin) / denominator)
        high = min(1, (centre + margin) / denominator)
    }
}

/// What the funnel found for one pair, enough to decide it at any threshold.
struct PairObservation: Sendable {
    var pair: LabelledPair
    /// `exact` or `intent` when a threshold-free layer matched.
    var exactLayer: String?
    /// The cosine of `b` with `a` when the identity guard holds; `nil` when it does not.
    var semanticScore: Double?
    /// The structural verifier's answer for the pair, used in the borderline band.
    var verifierSaysDuplicate: Bool
    /// The decision of a real check at the configured thresholds.
    var configuredDecision: String
    var configuredLayer: String?

    /// The decision at duplicate threshold `threshold` with the borderline band `band` below it.
    func decide(threshold: Double, band: Double) -> (duplicate: Bool, layer: String?) {
        if let exactLayer { return (true, exactLayer) }
        guard let score = semanticScore else { return (false, nil) }
        if score >= threshold { return (true, "semantic") }
        if score >= threshold - band && verifierSaysDuplicate { return (true, "verifier") }
        return (false, nil)
    }
}
