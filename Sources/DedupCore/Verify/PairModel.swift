public import Foundation

/// The calibrated pair model: P(duplicate) over named ``PairFeatures``, with its calibration curve.
///
/// `models/pair-v1/model.json` is written by `models/train/pair_model.py`. It lists the feature names it
/// was trained on (loading fails with the unknown name when this build cannot compute one), the model, and
/// the curve mapping a threshold on P(duplicate) to the false-duplicate rate measured on held-out
/// calibration pairs (with its Wilson 95 % upper bound). The model is one of two ``Kind``s, named by the
/// file's `"kind"`; a file without one is a logistic regression, as every file was before the trees.
public struct PairModel: Sendable {
    /// One point of the calibration curve.
    public struct CalibrationPoint: Sendable, Hashable {
        /// P(duplicate) at or above which a pair is called duplicate.
        public var threshold: Double
        /// Wilson 95 % upper bound of the false-duplicate rate at that threshold.
        public var upper: Double
    }

    /// What computes P(duplicate) from the features.
    public enum Kind: String, Sendable {
        /// A standardised logistic regression (`"logistic_regression"`, the default).
        case logisticRegression = "logistic_regression"
        /// Gradient-boosted shallow regression trees (`"boosted_trees"`), as scikit-learn evaluates them.
        case boostedTrees = "boosted_trees"
    }

    enum Form: Sendable {
        case logistic(mean: [Double], scale: [Double], weights: [Double], bias: Double)
        case trees(PairTrees)
    }

    /// `name@version`.
    public let id: String
    /// Feature names, in the model's order.
    public let features: [String]
    let form: Form
    /// The calibration curve, by increasing threshold.
    public let calibration: [CalibrationPoint]

    /// The model's kind.
    public var kind: Kind {
        switch form {
        case .logistic: .logisticRegression
        case .trees: .boostedTrees
        }
    }

    /// Trees and their nodes (leaves included); zero for a logistic regression. The cost of one
    /// probability is one root-to-leaf walk per tree.
    public var size: (trees: Int, nodes: Int) {
        guard case .trees(let trees) = form else { return (0, 0) }
        return (trees.trees.count, trees.nodeCount)
    }

    /// Reads `model.json` from `directory`.
    public static func load(from directory: URL) throws(DedupError) -> PairModel {
        let url = directory.appendingPathComponent("model.json")
        let document = try ModelFiles.json(at: url, what: "pair model")
        func numbers(_ key: String) throws(DedupError) -> [Double] {
            guard case .array(let items)? = document[key] else { throw .model("pair model \(url.path): no \"\(key)\"") }
            return items.compactMap(\.doubleValue)
        }
        guard case .array(let names)? = document["features"], case .array(let points)? = document["calibration"]
        else { throw .model("pair model \(url.path) needs \"features\" and \"calibration\"") }
        let features = names.compactMap(\.stringValue)
        if let unknown = features.first(where: { !PairFeatures.names.contains($0) }) {
            throw .model(
                "pair model \(url.path) expects feature \"\(unknown)\", which this build cannot compute; "
                    + "retrain it (models/train/pair_model.py) or upgrade agent-dedup"
            )
        }
        let form: Form
        switch document["kind"]?.stringValue.map({ Kind(rawValue: $0) }) {
        case nil, .logisticRegression?:
            let (mean, scale, weights) = (try numbers("mean"), try numbers("scale"), try numbers("weights"))
            guard mean.count == features.count, scale.count == features.count, weights.count == features.count,
                let bias = document["bias"]?.doubleValue
            else {
                throw .model(
                    "pair model \(url.path): a logistic regression needs \"bias\" and one mean, scale and weight "
                        + "per feature"
                )
            }
            form = .logistic(mean: mean, scale: scale, weights: weights, bias: bias)
        case .boostedTrees?:
            form = .trees(try PairTrees.read(document, featureCount: features.count, path: url.path))
        case .some(nil):
            throw .model(
                "pair model \(url.path): unknown \"kind\" \(document["kind"]?.stringValue ?? ""); this build reads "
                    + "\"logistic_regression\" and \"boosted_trees\""
            )
        }
        let calibration =
            points.compactMap { point -> CalibrationPoint? in
                guard let threshold = point["threshold"]?.doubleValue, let upper = point["upper"]?.doubleValue else {
                    return nil
                }
                return CalibrationPoint(threshold: threshold, upper: upper)
            }
            .sorted { $0.threshold < $1.threshold }
        return PairModel(
            id: "\(document["name"]?.stringValue ?? "pair")@\(document["version"]?.stringValue ?? "0")",
            features: features,
            form: form,
            calibration: calibration
        )
    }

    /// P(duplicate) from named feature values (a missing one counts as 0).
    public func probability(_ values: [String: Double]) -> Double {
        probability(features.map { values[$0] ?? 0 })
    }

    /// P(duplicate) from feature values in ``features`` order (one value per feature).
    public func probability(_ row: [Double]) -> Double {
        precondition(
            row.count == features.count,
            "pair model \(id): \(row.count) values for \(features.count) features"
        )
        switch form {
        case .logistic(let mean, let scale, let weights, let bias):
            var logit = bias
            for index in row.indices { logit += weights[index] * (row[index] - mean[index]) / scale[index] }
            return 1 / (1 + exp(-logit))
        case .trees(let trees):
            return 1 / (1 + exp(-trees.rawScore(row.map { Float($0) })))
        }
    }

    /// The lowest threshold whose calibrated false-duplicate rate (upper 95 % bound) is at most `delta`;
    /// above 1 (never a duplicate) when no threshold meets it.
    public func threshold(forMaxFalseDuplicateRate delta: Double) -> Double {
        calibration.first { $0.upper <= delta }?.threshold ?? 1.01
    }
}
