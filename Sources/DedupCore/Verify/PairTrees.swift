/// Gradient-boosted regression trees as scikit-learn's `GradientBoostingClassifier` evaluates them: the raw
/// score is the init score plus the learning rate times one leaf value per tree, and P(duplicate) its logistic.
///
/// `models/train/pair_kinds.py` writes each tree as parallel node arrays. A node with `left == -1` is a leaf;
/// any other sends a row left when `Float(x) <= threshold`. The cast is scikit-learn's: it compares float32
/// features with float64 thresholds (midpoints of two float32 training values), so comparing the Double
/// feature would take the other branch for values between a threshold and its float32 neighbours.
struct PairTrees: Sendable {
    /// One regression tree; children always come after their parent, so a walk ends.
    struct Tree: Sendable {
        var feature: [Int]
        var threshold: [Double]
        var left: [Int]
        var right: [Int]
        var value: [Double]

        /// The leaf value that `row` reaches.
        func leaf(_ row: [Float]) -> Double {
            var node = 0
            while left[node] >= 0 {
                node = Double(row[feature[node]]) <= threshold[node] ? left[node] : right[node]
            }
            return value[node]
        }

        /// Whether the arrays agree in length, every split names one of `featureCount` features and both
        /// children of every node come after it (so a walk ends, inside the arrays).
        func isSound(featureCount: Int) -> Bool {
            let count = left.count
            guard count > 0, [feature.count, threshold.count, right.count, value.count].allSatisfy({ $0 == count })
            else { return false }
            return (0..<count)
                .allSatisfy { node in
                    guard left[node] != -1 else { return right[node] == -1 }
                    let children = (node + 1)..<count
                    return (0..<featureCount).contains(feature[node]) && children.contains(left[node])
                        && children.contains(right[node])
                }
        }
    }

    /// The init estimator's raw score: the log-odds of the training prior.
    let initScore: Double
    let learningRate: Double
    let trees: [Tree]

    /// Nodes in all trees (leaves included).
    var nodeCount: Int { trees.reduce(0) { $0 + $1.left.count } }

    /// The raw score (log-odds) of a row of features in the model's order.
    func rawScore(_ row: [Float]) -> Double {
        // Accumulated tree by tree in the order scikit-learn does, so the sums agree to the last bits.
        var score = initScore
        for tree in trees { score += learningRate * tree.leaf(row) }
        return score
    }

    /// Reads `"init"`, `"learning_rate"` and `"trees"` of a model document with `featureCount` features,
    /// refusing a tree whose arrays disagree in length, whose feature index is out of range, or whose child
    /// does not come after its parent (a walk could loop or fall off the arrays).
    static func read(_ document: JSONValue, featureCount: Int, path: String) throws(DedupError) -> PairTrees {
        guard let initScore = document["init"]?.doubleValue, let learningRate = document["learning_rate"]?.doubleValue,
            case .array(let items)? = document["trees"]
        else { throw .model("pair model \(path): boosted trees need \"init\", \"learning_rate\" and \"trees\"") }
        var trees: [Tree] = []
        for (number, item) in items.enumerated() {
            func numbers(_ key: String) -> [Double] {
                guard case .array(let values)? = item[key] else { return [] }
                return values.compactMap(\.doubleValue)
            }
            let integers = { (key: String) in numbers(key).map { Int(exactly: $0) ?? Int.min } }
            let tree = Tree(
                feature: integers("feature"),
                threshold: numbers("threshold"),
                left: integers("left"),
                right: integers("right"),
                value: numbers("value")
            )
            guard tree.isSound(featureCount: featureCount) else {
                throw .model("pair model \(path): tree \(number) is not a well-formed tree")
            }
            trees.append(tree)
        }
        return PairTrees(initScore: initScore, learningRate: learningRate, trees: trees)
    }
}
