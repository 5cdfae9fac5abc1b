import ArgumentParser
import DedupBench
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
            let output = try PairFeatureRows.lines(file: file, policy: policy)
            FileHandle.standardOutput.write(Data(output.utf8))
        }
    }
}
