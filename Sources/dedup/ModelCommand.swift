import ArgumentParser
import DedupBench
import DedupCore
import Foundation

/// `dedup model`: inspect, use and refit the bundled embedder model.
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Inspect or refit the bundled embedder model.",
        subcommands: [Fit.self, Names.self, Info.self, Embed.self, PairFeaturesCommand.self]
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

    struct Names: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit the safety check's name lexicon on a JSONL corpus of tool calls.",
            discussion: """
                A word is a name when the corpus's text values write it capitalised mid-sentence at least twice \
                and never in lower case (headline-style texts aside). The lexicon lets a name that opens a \
                sentence count as one. Writes manifest.json and names.txt.
                """
        )

        @Argument(help: "The corpus file.")
        var corpus: String

        @Option(name: .long, help: "The lexicon directory to write (manifest.json + names.txt).")
        var out: String

        @Option(name: .long, help: "The lexicon version written to the manifest.")
        var version = "1.0.0"

        func run() async throws {
            try await reportingErrors {
                let (calls, skipped) = try CorpusReader.read(path: corpus)
                let texts = calls.flatMap { Self.strings(in: $0.arguments) }
                guard !texts.isEmpty else { throw CLIError("\(corpus) has no text values to fit on") }
                let lexicon = NameLexicon.fit(texts: texts)
                let notes =
                    "fitted by `dedup model names` on \(texts.count) text values of "
                    + "\(URL(fileURLWithPath: corpus).lastPathComponent) (\(calls.count) calls)"
                try lexicon.write(to: URL(fileURLWithPath: out), version: version, notes: notes)
                print("wrote \(out): \(lexicon.names.count) names from \(texts.count) text values")
                print("skipped \(skipped) bad lines")
            }
        }

        /// Every string in `value`, depth first.
        static func strings(in value: JSONValue) -> [String] {
            switch value {
            case .string(let text): [text]
            case .array(let items): items.flatMap(strings)
            case .object(let members): members.keys.sorted().flatMap { strings(in: members[$0]!) }
            default: []
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
