import ArgumentParser
import DedupCore
import DedupSQLite
import Foundation

/// `dedup bench pairs FILE.jsonl`: how well the funnel separates labelled duplicates from distinct actions.
struct PairsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairs",
        abstract: "Sweep thresholds over labelled pairs: precision, recall, F1 and false-duplicate rate.",
        discussion: """
            Each pair runs as a real funnel query: `a` is claimed and completed in a fresh scope, then `b` is
            checked. One line per pair: {"id", "a": {"tool", "arguments"}, "b": {…}, "duplicate": bool, "category"}.
            Malformed lines are reported with their number and skipped.
            """
    )

    @Argument(help: "The labelled pairs (JSONL).")
    var file: String

    @Option(name: .long, help: "A policy file, as for the service.")
    var policy: String?

    @Option(name: .long, help: "Threshold sweep as start:end:step.")
    var sweep = "0.70:0.99:0.01"

    @Option(name: .long, help: "The duplicate threshold of the configured run (default 0.90).")
    var duplicateThreshold: Double?

    @Option(
        name: .long,
        help: "The borderline threshold (the verifier's cosine floor) of the configured run (default 0.5)."
    )
    var borderlineThreshold: Double?

    @Option(
        name: .long,
        help: """
            The calibrated verifier's target false-duplicate rate δ in the configured run (default 0.005); the \
            report gives the rate measured there with its 95 % interval. A tool's policy may set its own.
            """
    )
    var maxFalseDuplicateRate = 0.005

    @Option(name: .long, help: "Largest acceptable false-duplicate rate when recommending a cosine threshold.")
    var maxFalseDup = 0.001

    @Flag(name: .long, help: "Print JSON instead of tables.")
    var json = false

    @Option(name: .long, help: "Draw precision, recall and false-duplicate rate against threshold into this SVG.")
    var plot: String?

    @Option(name: .long, help: "Write the pairs the configured funnel gets wrong to this JSONL file, with scores.")
    var errors: String?

    func run() async throws {
        try await reportingErrors {
            let thresholds = try Self.parseSweep(sweep)
            guard (0...1).contains(maxFalseDup) else { throw CLIError("--max-false-dup must be from 0 to 1") }
            guard (0...1).contains(maxFalseDuplicateRate) else {
                throw CLIError("--max-false-duplicate-rate must be from 0 to 1")
            }
            let (pairs, bad) = try PairFile.read(path: file)
            for line in bad {
                FileHandle.standardError.write(Data("\(file):\(line.line): skipped: \(line.reason)\n".utf8))
            }
            guard !pairs.isEmpty else { throw CLIError("\(file) has no readable pairs") }
            let normalizer = try Normalizer(policyFile: policy)
            var funnel = FunnelConfiguration()
            if let duplicateThreshold { funnel.duplicateThreshold = duplicateThreshold }
            if let borderlineThreshold { funnel.borderlineThreshold = borderlineThreshold }
            guard (0...1).contains(funnel.duplicateThreshold), funnel.borderlineThreshold <= funnel.duplicateThreshold
            else { throw CLIError("thresholds must satisfy 0 ≤ borderline ≤ duplicate ≤ 1") }
            let verifier = try PairModelVerifier.bundled(maxFalseDuplicateRate: maxFalseDuplicateRate)
            let observations = try await Self.observe(
                pairs,
                normalizer: normalizer,
                funnel: funnel,
                verifier: verifier
            )
            var report = PairsReport(
                observations: observations,
                skipped: bad.count,
                thresholds: thresholds,
                band: funnel.duplicateThreshold - funnel.borderlineThreshold,
                configured: funnel,
                maxFalseDuplicateRate: maxFalseDup
            )
            report.verifierDelta = maxFalseDuplicateRate
            if let plot { try Data(report.svg().utf8).write(to: URL(fileURLWithPath: plot)) }
            if let errors {
                let lines = observations.filter { ($0.configuredDecision == "duplicate") != $0.pair.duplicate }
                    .map {
                        observation -> String in
                        let entry: JSONValue = [
                            "id": .string(observation.pair.id), "category": .string(observation.pair.category),
                            "duplicate": .bool(observation.pair.duplicate),
                            "decision": .string(observation.configuredDecision),
                            "layer": observation.configuredLayer.map { .string($0) } ?? .null,
                            "score": observation.semanticScore.map { .number(JSONNumber($0)) } ?? .null,
                            "a": ["tool": .string(observation.pair.a.tool), "arguments": observation.pair.a.arguments],
                            "b": ["tool": .string(observation.pair.b.tool), "arguments": observation.pair.b.arguments],
                        ]
                        return entry.canonicalText
                    }
                try Data((lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")).utf8)
                    .write(to: URL(fileURLWithPath: errors))
            }
            if json {
                printJSON(report.jsonValue)
            } else {
                print(report.text)
            }
        }
    }

    static func parseSweep(_ text: String) throws -> [Double] {
        let parts = text.split(separator: ":").compactMap { Double($0) }
        guard parts.count == 3, parts[2] > 0, parts[0] <= parts[1], parts[0] >= 0, parts[1] <= 1 else {
            throw CLIError("--sweep must be start:end:step with 0 ≤ start ≤ end ≤ 1 and step > 0")
        }
        let steps = Int(((parts[1] - parts[0]) / parts[2]).rounded(.down) + 1e-9)
        return (0...steps).map { ((parts[0] + Double($0) * parts[2]) * 10_000).rounded() / 10_000 }
    }

    /// Runs every pair through two real ledgers on one SQLite file: one at the configured thresholds, one
    /// with thresholds at zero (to read the guarded cosine the sweep needs).
    static func observe(
        _ pairs: [LabelledPair],
        normalizer: Normalizer,
        funnel: FunnelConfiguration,
        verifier: any Verifier
    ) async throws -> [PairObservation] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dedup-pairs-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("pairs.sqlite").path)
        let embedder = try HashingEmbedder.bundled()
        let configured = try await SQLiteLedger(
            store: store,
            embedder: embedder,
            configuration: LedgerConfiguration(funnel: funnel, normalizer: normalizer, verifier: verifier)
        )
        let raw = try await SQLiteLedger(
            store: store,
            embedder: embedder,
            configuration: LedgerConfiguration(
                funnel: FunnelConfiguration(duplicateThreshold: 0, borderlineThreshold: 0),
                normalizer: normalizer
            )
        )
        var observations: [PairObservation] = []
        observations.reserveCapacity(pairs.count)
        for (index, pair) in pairs.enumerated() {
            let scope = "pair-\(index)"
            let first = ToolCall(tenant: "bench", scope: scope, tool: pair.a.tool, arguments: pair.a.arguments)
            let second = ToolCall(tenant: "bench", scope: scope, tool: pair.b.tool, arguments: pair.b.arguments)
            let verdict = try await configured.claim(first)
            if let id = verdict.callID, verdict.decision == .new {
                _ = try await configured.complete(tenant: "bench", callID: id, .succeeded(["pair": .string(pair.id)]))
            }
            let atConfigured = try await configured.check(second)
            let atZero = try await raw.check(second)
            let exactLayer = atZero.layer.flatMap { $0 == .exact || $0 == .intent ? $0.rawValue : nil }
            let semanticScore = atZero.layer == .semantic ? atZero.score : nil
            let judgement = StructuralVerifier.judge(
                try normalizer.normalize(second).signature,
                try normalizer.normalize(first).signature
            )
            observations.append(
                PairObservation(
                    pair: pair,
                    exactLayer: exactLayer,
                    semanticScore: semanticScore,
                    verifierSaysDuplicate: judgement.answer == .duplicate,
                    configuredDecision: atConfigured.decision.rawValue,
                    configuredLayer: atConfigured.layer?.rawValue
                )
            )
        }
        await store.close()
        return observations
    }
}
