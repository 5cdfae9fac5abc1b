import DedupCore
import Foundation

/// `dedup bench embed`: how long one embedding of an N-word text takes, per embedder.
///
/// Issue 12 sets "embedding a 60-word text: p99 ≤ 50 µs" for the learned ``StaticEmbedder``; the hashing
/// embedder is measured beside it, and the static embedder's tokenizer alone, so a slow figure says which
/// half to look at. Texts are deterministic (the same seed, the same texts on every machine): sentences of
/// the kind agents send — mixed case, punctuation, numbers, ids, words WordPiece splits, a few accented
/// ones — each text different, so no timing hits a warm cache of one string. The CLI command only parses
/// its flags into this value and calls ``run()``.
package struct EmbedBenchmark: Sendable {
    /// Words per text.
    package var words: Int
    /// Texts embedded (each once per measured round) per embedder.
    package var samples: Int
    /// The seed the texts are drawn with.
    package var seed: UInt64
    /// JSON on standard output instead of a table.
    package var json: Bool

    /// A run over `samples` texts of `words` words.
    package init(words: Int = 60, samples: Int = 5000, seed: UInt64 = 12, json: Bool = false) {
        self.words = words
        self.samples = samples
        self.seed = seed
        self.json = json
    }

    /// The latency of one embedder (or of the tokenizer alone), in microseconds.
    package struct Row: Sendable {
        /// What was measured.
        package var name: String
        /// The model measured.
        package var modelID: String
        /// p50, p99 and max over every timed call.
        package var p50: Double
        package var p99: Double
        package var max: Double
        /// Mean of the timed calls.
        package var mean: Double
    }

    /// Measures both bundled embedders and prints the table (or JSON).
    package func run() throws {
        guard words > 0, samples > 0 else { throw BenchError("--words and --samples must be positive") }
        let learned = try StaticEmbedder.bundled()
        let hashing = try HashingEmbedder.bundled()
        let texts = Self.texts(words: words, count: samples, seed: seed)
        let tokens = texts.reduce(0) { $0 + learned.tokenizer.tokenize($1).count }
        let rows = [
            Self.measure("static", learned.modelID, texts) { _ = learned.embed(text: $0) },
            Self.measure("static tokenize only", learned.modelID, texts) { _ = learned.tokenizer.tokenize($0) },
            Self.measure("hashing", hashing.modelID, texts) { _ = hashing.embed(text: $0) },
        ]
        let meanTokens = Double(tokens) / Double(texts.count)
        if json {
            let entries: [JSONValue] = rows.map { row in
                [
                    "name": .string(row.name), "model": .string(row.modelID),
                    "p50_us": .number(JSONNumber(row.p50)), "p99_us": .number(JSONNumber(row.p99)),
                    "max_us": .number(JSONNumber(row.max)), "mean_us": .number(JSONNumber(row.mean)),
                ]
            }
            let report: JSONValue = [
                "words": .number(JSONNumber(words)), "samples": .number(JSONNumber(samples)),
                "seed": .string(String(seed)), "mean_static_tokens": .number(JSONNumber(meanTokens)),
                "embedders": .array(entries),
            ]
            print(report.prettyText)
            return
        }
        print(
            "\(texts.count) texts of \(words) words (seed \(seed)), \(fmt(meanTokens)) WordPiece tokens each on "
                + "average; \(Self.rounds) timed rounds after one warm-up"
        )
        print("")
        print("embedder               model                  p50 µs    p99 µs    max µs    mean µs")
        for row in rows {
            let cells = [fmt(row.p50), fmt(row.p99), fmt(row.max), fmt(row.mean)].map { $0.padding(10) }
            print(row.name.padding(23) + row.modelID.padding(23) + cells.joined())
        }
    }

    /// Timed rounds over all texts: the first round after a warm-up one that only pages the tables in.
    static let rounds = 3

    static func measure(_ name: String, _ modelID: String, _ texts: [String], _ body: (String) -> Void) -> Row {
        for text in texts { body(text) }
        var micros: [Double] = []
        micros.reserveCapacity(texts.count * rounds)
        for _ in 0..<rounds {
            for text in texts {
                let start = ContinuousClock.now
                body(text)
                micros.append((ContinuousClock.now - start).seconds * 1e6)
            }
        }
        let spread = micros.percentiles
        let mean = micros.reduce(0, +) / Double(micros.count)
        return Row(name: name, modelID: modelID, p50: spread.p50, p99: spread.p99, max: spread.max, mean: mean)
    }

    private static let sentences = [
        "Please review the quarterly budget report before Thursday's meeting with the finance team",
        "The deployment to production failed again because the database migration timed out",
        "Could you reschedule the onboarding session for the new hires to next Monday at 10am",
        "Customer #48213 reported that invoices are missing from their account since March 3",
        "Heads up: the security review has moved to 3pm tomorrow in the main conference room",
        "Ship two replacement units to the Denver office and send the tracking number to Maria",
        "We already received your form, so there is no need to resubmit it; thanks for your patience",
        "The café on Rue Saint-Honoré confirmed the reservation for twelve people on Friday evening",
        "Refactor the authentication middleware and add regression tests for expired OAuth tokens",
        "Summarize yesterday's incident postmortem and share the action items with the on-call rotation",
        "Order 3 boxes of A4 paper, 2 toner cartridges (HP 26A) and a whiteboard for room B-204",
        "Remind everyone that timesheets are due by 5:30 p.m. on the last working day of the month",
        "The naïve retry loop in the payment service doubles charges when the gateway returns a 502",
        "Draft a polite reply declining the partnership proposal but leaving the door open for 2027",
    ]

    /// `count` texts of `words` words each, drawn from ``sentences`` with `seed`.
    package static func texts(words: Int, count: Int, seed: UInt64) -> [String] {
        let pool = sentences.map { $0.split(separator: " ") }
        return (0..<count)
            .map { index in
                var chosen: [Substring] = []
                var draw = 0
                while chosen.count < words {
                    let pick = StableHash.hash64("\(index):\(draw)", seed: seed)
                    draw += 1
                    let sentence = pool[Int(pick % UInt64(pool.count))]
                    // Start part-way into the sentence now and then, so texts do not all begin alike.
                    let start = draw == 1 ? Int((pick >> 32) % UInt64(sentence.count)) : 0
                    chosen += sentence[start...].prefix(words - chosen.count)
                    if chosen.count < words, let last = chosen.popLast() { chosen.append(last + ".") }
                }
                return chosen.joined(separator: " ")
            }
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
