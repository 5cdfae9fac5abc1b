import DedupCore
import Foundation

/// `dedup model pair-features`: the pair model's features of labelled pairs, computed by Swift for the
/// trainer (`models/train/pair_model.py`), one JSON line per readable pair.
package enum PairFeatureRows {
    /// The feature lines of the pairs in `file` under the policy file `policy`; unreadable lines go to
    /// standard error with their number.
    package static func lines(file: String, policy: String?) throws -> String {
        let (values, bad) = try JSONLines.read(path: file)
        for line in bad {
            FileHandle.standardError.write(Data("\(file):\(line.line): skipped: \(line.reason)\n".utf8))
        }
        let (pairs, _) = try PairFile.read(path: file)
        let sources = Dictionary(
            values.map {
                ($0.value["id"]?.stringValue ?? "line-\($0.line)", $0.value["source"]?.stringValue ?? "")
            },
            uniquingKeysWith: { first, _ in first }
        )
        let normalizer = try Normalizer(policyFile: policy)
        let features = try PairFeatures.bundled()
        var output = ""
        for pair in pairs {
            let a = try normalizer.normalize(
                ToolCall(tenant: "t", scope: "s", tool: pair.a.tool, arguments: pair.a.arguments)
            )
            let b = try normalizer.normalize(
                ToolCall(tenant: "t", scope: "s", tool: pair.b.tool, arguments: pair.b.arguments)
            )
            // What the funnel does before the pair model: the safety veto (on every candidate) and the
            // structural verifier's `distinct` (which the pair model verifier returns unchanged).
            let veto = SafetyCheck.compare(b.signature, a.signature).veto
            let structural = StructuralVerifier.judge(b.signature, a.signature).answer
            let comparable =
                pair.a.tool == pair.b.tool && a.signature.identity == b.signature.identity
                && !a.signature.text.isEmpty && !b.signature.text.isEmpty
            let eligible = comparable && veto == nil && structural != .distinct
            let named = features.values(b.signature, a.signature)
            let line: JSONValue = [
                "id": .string(pair.id),
                "category": .string(pair.category),
                "source": .string(sources[pair.id] ?? ""),
                "duplicate": .bool(pair.duplicate),
                "eligible": .bool(eligible),
                "comparable": .bool(comparable),
                "veto": veto.map { .string($0) } ?? .null,
                "structural": .string(structural.rawValue),
                "features": .object(named.mapValues { .number(JSONNumber($0)) }),
            ]
            output += line.canonicalText + "\n"
        }
        return output
    }
}
