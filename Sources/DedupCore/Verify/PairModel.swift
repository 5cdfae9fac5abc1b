public import Foundation

/// The calibrated pair model: a logistic regression over named ``PairFeatures``, with its calibration curve.
///
/// `models/pair-v1/model.json` is written by `models/train/pair_model.py`. It lists the feature names it
/// was trained on (loading fails with the unknown name when this build cannot compute one), the
/// standardisation and weights, and the curve mapping a threshold on P(duplicate) to the false-duplicate
/// rate measured on held-out calibration pairs (with its Wilson 95 % upper bound).
public struct PairModel: Sendable {
    /// One point of the calibration curve.
    public struct CalibrationPoint: Sendable, Hashable {
        /// P(duplicate) at or above which a pair is called duplicate.
        public var threshold: Double
        /// Wilson 95 % upper bound of the false-duplicate rate at that threshold.
        public var upper: Double
    }

    /// `name@version`.
    public let id: String
    /// Feature names, in weight order.
    public let features: [String]
    let mean: [Double]
    let scale: [Double]
    let weights: [Double]
    let bias: Double
    /// The calibration curve, by increasing threshold.
    public let calibration: [CalibrationPoint]

    /// Reads `model.json` from `directory`.
    public static func load(from directory: URL) throws(DedupError) -> PairModel {
        let url = directory.appendingPathComponent("model.json")
        let document = try ModelFiles.json(at: url, what: "pair model")
        func numbers(_ key: String) throws(DedupError) -> [Double] {
            guard case .array(let items)? = document[key] else { throw .model("pair model \(url.path): no \"\(key)\"") }
            return items.compactMap(\.doubleValue)
        }
        guard case .array(let names)? = document["features"], case .array(let points)? = document["calibration"],
            let bias = document["bias"]?.doubleValue
        else { throw .model("pair model \(url.path) needs \"features\", \"bias\" and \"calibration\"") }
        let features = names.compactMap(\.stringValue)
        if let unknown = features.first(where: { !PairFeatures.names.contains($0) }) {
            throw .model(
                "pair model \(url.path) expects feature \"\(unknown)\", which this build cannot compute; "
                    + "retrain it (models/train/pair_model.py) or upgrade agent-dedup"
            )
        }
        let (mean, scale, weights) = (try numbers("mean"), try numbers("scale"), try numbers("weights"))
        guard mean.count == features.count, scale.count == features.count, weights.count == features.count else {
            throw .model("pair model \(url.path): mean, scale and weights must have one entry per feature")
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
            mean: mean,
            scale: scale,
            weights: weights,
            bias: bias,
            calibration: calibration
        )
    }

    /// P(duplicate) from named feature values.
    public func probability(_ values: [String: Double]) -> Double {
        var logit = bias
        for (index, name) in features.enumerated() {
            logit += weights[index] * ((values[name] ?? 0) - mean[index]) / scale[index]
        }
        return 1 / (1 + exp(-logit))
    }

    /// The lowest threshold whose calibrated false-duplicate rate (upper 95 % bound) is at most `delta`;
    /// above 1 (never a duplicate) when no threshold meets it.
    public func threshold(forMaxFalseDuplicateRate delta: Double) -> Double {
        calibration.first { $0.upper <= delta }?.threshold ?? 1.01
    }
}
