import ArgumentParser
import DedupCore
import Foundation

/// `dedup model pair-features PAIRS.jsonl`: the pair model's features, computed by Swift for the trainer.
struct PairFeaturesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pair-features",
        abstract: "Write the calibrated verifier's features of labelled pairs (for models/train/pair_model.py).",
        discussion: """
            One output line per readable pair: {"id", "category", "source", "duplicate", "eligible", "features"}.
            "eligible" says whether the funnel would ever ask the verifier about the pair (same tool, equal
            identity fields, text to compare, no safety veto, not distinct by structure): the trainer
            calibrates on eligible pairs only. "comparable" drops the last two conditions: the trainer fits on
            comparable pairs, vetoed ones included (distinct actions that read alike). "veto" is the safety check's veto
            (or null) and "structural" the structural verifier's answer, for error analysis.
            """
    )

    @Argument(help: "Labelled pairs (JSONL), as for `dedup bench pairs`.")
    var file: String

    @Option(name: .long, help: "A policy file, as for the service.")
    var policy: String?

    func run() async throws {
        try await reportingErrors {
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
            FileHandle.standardOutput.write(Data(output.utf8))
        }
    }
}
