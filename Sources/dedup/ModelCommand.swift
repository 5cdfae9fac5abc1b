import ArgumentParser
import DedupBench
import DedupCore
import Foundation

/// `dedup model`: inspect, use and refit the bundled embedder model.
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Inspect or refit the bundled embedder model.",
        subcommands: [Fit.self, Info.self, Embed.self, PairFeaturesCommand.self]
    )

    struct Fit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit IDF weights on a JSONL corpus of tool calls ({\"tool\": …, \"arguments\": {…}} per line)."
        )

        @Argument(help: "The corpus file.")
        var corpus: String

        @Option(name: .long, help: "The model directory to write (manifest.json + idf.f32).")
        var out: String

        @Option(name: .long, help: "The model version written to the manifest.")
        var version = "1.0.0"

        @Option(name: .long, help: "Output dimension.")
        var dimension = 256

        func run() async throws {
            try await reportingErrors {
                guard dimension > 0 && dimension <= 4096 else { throw CLIError("--dimension must be 1…4096") }
                let (calls, skipped) = try CorpusReader.read(path: corpus)
                let documents = ModelFitter.documents(from: calls, normalizer: Normalizer())
                guard !documents.isEmpty else { throw CLIError("\(corpus) has no calls with text to fit on") }
                let fitter = ModelFitter(version: version, dimension: dimension)
                let notes =
                    "IDF fitted by `dedup model fit` on \(documents.count) documents from "
                    + "\(URL(fileURLWithPath: corpus).lastPathComponent) (\(calls.count) calls)"
                let model = fitter.fit(documents: documents, notes: notes)
                try model.write(to: URL(fileURLWithPath: out))
                print("wrote \(out): \(model.id), dimension \(model.dimension), \(model.idf.count) IDF buckets")
                print("fitted on \(documents.count) documents from \(calls.count) calls; skipped \(skipped) bad lines")
            }
        }
    }

    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the model in use.")

        @Option(name: .long, help: "A model directory (default: the bundled model).")
        var model: String?

        func run() async throws {
            try await reportingErrors {
                let loaded =
                    try model.map { try EmbeddingModel.load(from: URL(fileURLWithPath: $0)) }
                    ?? EmbeddingModel.bundled()
                print(
                    "\(loaded.id): dimension \(loaded.dimension), words \(loaded.wordNGrams), chars \(loaded.charNGrams)"
                )
                print(loaded.notes)
            }
        }
    }

    struct Embed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the embedding of a text (as JSON numbers) and its SHA-256, to compare machines."
        )

        @Argument(help: "The text to embed.")
        var text: String

        func run() async throws {
            try await reportingErrors {
                let embedder = try HashingEmbedder.bundled()
                let vector = embedder.embed(text: text)
                let bytes = vector.withUnsafeBytes { Array($0) }
                printJSON([
                    "model": .string(embedder.modelID),
                    "sha256": .string(StableHash.sha256Hex(bytes: bytes)),
                    "vector": .array(vector.map { .number(JSONNumber(Double($0))) }),
                ])
            }
        }
    }
}

/// Reads JSONL files of calls: `{"tool": "…", "arguments": {…}}` per line.
enum CorpusReader {
    static func read(path: String) throws -> (calls: [ToolCall], skipped: Int) {
        let (values, bad) = try JSONLines.read(path: path)
        var calls: [ToolCall] = []
        var skipped = bad.count
        for (_, value) in values {
            guard let tool = value["tool"]?.stringValue else {
                skipped += 1
                continue
            }
            calls.append(ToolCall(tenant: "corpus", scope: "corpus", tool: tool, arguments: value["arguments"] ?? [:]))
        }
        return (calls, skipped)
    }
}
