import DedupCore
import DedupSQLite
import Foundation

/// `dedup bench pairs`: how well the funnel separates labelled duplicates from distinct actions.
///
/// Each pair runs as a real funnel query: `a` is claimed and completed in a fresh scope, then `b` is
/// checked. The CLI command only parses its flags into this value and calls ``run()``.
package struct PairsBenchmark: Sendable {
    /// The labelled pairs (JSONL).
    package var file: String
    /// A policy file, as for the service.
    package var policy: String?
    /// The threshold sweep as `start:end:step`.
    package var sweep = "0.70:0.99:0.01"
    /// The duplicate threshold of the configured run (the funnel's default when `nil`).
    package var duplicateThreshold: Double?
    /// The borderline threshold of the configured run (the funnel's default when `nil`).
    package var borderlineThreshold: Double?
    /// The calibrated verifier's target false-duplicate rate δ in the configured run.
    package var maxFalseDuplicateRate = 0.005
    /// The largest acceptable false-duplicate rate when recommending a cosine threshold.
    package var maxFalseDup = 0.001
    /// JSON on standard output instead of tables.
    package var json = false
    /// Where to draw precision, recall and false-duplicate rate against threshold (SVG).
    package var plot: String?
    /// Where to write the pairs the configured funnel gets wrong (JSONL).
    package var errors: String?

    /// A run over `file` with the default settings.
    package init(file: String) {
        self.file = file
    }

    /// Runs the benchmark: skipped lines on standard error, the report on standard output.
    package func run() async throws {
        let thresholds = try Self.parseSweep(sweep)
        guard (0...1).contains(maxFalseDup) else { throw BenchError("--max-false-dup must be from 0 to 1") }
        guard (0...1).contains(maxFalseDuplicateRate) else {
            throw BenchError("--max-false-duplicate-rate must be from 0 to 1")
        }
        let (pairs, bad) = try PairFile.read(path: file)
        for line in bad {
            FileHandle.standardError.write(Data("\(file):\(line.line): skipped: \(line.reason)\n".utf8))
        }
        guard !pairs.isEmpty else { throw BenchError("\(file) has no readable pairs") }
        let normalizer = try Normalizer(policyFile: policy)
        var funnel = FunnelConfiguration()
        if let duplicateThreshold { funnel.duplicateThreshold = duplicateThreshold }
        if let borderlineThreshold { funnel.borderlineThreshold = borderlineThreshold }
        guard (0...1).contains(funnel.duplicateThreshold), funnel.borderlineThreshold <= funnel.duplicateThreshold
        else { throw BenchError("thresholds must satisfy 0 ≤ borderline ≤ duplicate ≤ 1") }
        let verifier = try PairModelVerifier.bundled(maxFalseDuplicateRate: maxFalseDuplicateRate)
        let observations = try await Self.observe(pairs, normalizer: normalizer, funnel: funnel, verifier: verifier)
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
            let lines = Self.errorLines(observations)
            try Data((lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")).utf8)
                .write(to: URL(fileURLWithPath: errors))
        }
        print(json ? report.jsonValue.prettyText : report.text)
    }

    /// The pairs the configured funnel gets wrong, one JSON line each, with what it decided and scored.
    static func errorLines(_ observations: [PairObservation]) -> [String] {
        observations.filter { ($0.configuredDecision == "duplicate") != $0.pair.duplicate }
            .map { observation -> String in
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
    }

    static func parseSweep(_ text: String) throws -> [Double] {
        let parts = text.split(separator: ":").compactMap { Double($0) }
        guard parts.count == 3, parts[2] > 0, parts[0] <= parts[1], parts[0] >= 0, parts[1] <= 1 else {
            throw BenchError("--sweep must be start:end:step with 0 ≤ start ≤ end ≤ 1 and step > 0")
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
