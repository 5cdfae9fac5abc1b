import DedupModels
public import Foundation

/// Words known to be names, so a capital at the start of a sentence can still mark one.
///
/// The safety check treats a capitalised word as a possible name only where a capital says something: not
/// at a sentence's start, where every word has one. So `Obama is to blame.` / `It is all to blame.` read as
/// a changed common word, and a name that opens a sentence slips past the entity veto. This lexicon closes
/// that gap from real text rather than from a list written by hand: a word is a name when a corpus writes it
/// with a capital in the middle of a sentence at least ``minimumCapitalised`` times and never in lower case
/// (`alice`, `denver`, `kubernetes`; not `may`, `march` or `will`, which are also written in lower case).
/// Headline-style texts, where most words are capitalised, are skipped, because their capitals are style.
///
/// The bundled lexicon (`models/names-v1`) is fitted by `dedup model names` on `bench/data/corpus.jsonl`;
/// it is a list of lower-case words with a manifest naming its SHA-256 and sources.
public struct NameLexicon: Sendable {
    /// The lower-case names.
    public let names: Set<String>

    /// Capitalised mid-sentence uses a word needs (with no lower-case use) to count as a name.
    public static let minimumCapitalised = 2

    /// The share (in percent) of a text's content words that, when capitalised, make it headline-style, whose
    /// capitals are style and are not counted.
    public static let headlinePercent = 70

    /// A lexicon of exactly `names` (lower-cased).
    public init<Names: Sequence<String>>(_ names: Names) {
        self.names = Set(names.map { $0.lowercased() })
        everyWordIsName = false
    }

    /// No names: a sentence's first word is never taken for one.
    public static let empty = NameLexicon([String]())

    /// The bundled lexicon, or an empty one when the bundle is missing or damaged: `dedup serve` calls
    /// ``checkBundled()`` at start, so a broken install fails there rather than vetoing fewer names.
    public static let bundled: NameLexicon = (try? loaded.get()) ?? .empty

    private static let loaded = Result<NameLexicon, DedupError> { () throws(DedupError) in try loadBundled() }

    /// Throws, saying why, when the bundled lexicon cannot be loaded.
    public static func checkBundled() throws(DedupError) {
        _ = try loaded.get()
    }

    /// Whether the run of letters `word` (as written: `Obama`, `Obama's`) is a known name.
    public func contains(_ word: String) -> Bool {
        if everyWordIsName { return true }
        guard !names.isEmpty else { return false }
        var lowered = word.lowercased()
        if lowered.hasSuffix("'s") || lowered.hasSuffix("’s") { lowered.removeLast(2) }
        return names.contains(lowered)
    }

    /// Loads the bundled lexicon, checking its checksum.
    public static func loadBundled() throws(DedupError) -> NameLexicon {
        guard let directory = BundledModels.namesV1 else {
            throw .model("the bundled name lexicon (models/names-v1) was not found next to the binary")
        }
        return try load(from: directory)
    }

    /// Loads `manifest.json` and the word list it names from `directory`, checking the checksum.
    public static func load(from directory: URL) throws(DedupError) -> NameLexicon {
        let manifestURL = directory.appendingPathComponent("manifest.json")
        let manifest = try ModelFiles.json(at: manifestURL, what: "name lexicon manifest")
        guard let file = manifest["words"]?.stringValue, let checksum = manifest["words_sha256"]?.stringValue else {
            throw .model("name lexicon manifest \(manifestURL.path): missing \"words\" or \"words_sha256\"")
        }
        let bytes = try ModelFiles.verifiedBytes(
            at: directory.appendingPathComponent(file),
            sha256: checksum,
            what: "name lexicon"
        )
        let words = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        return NameLexicon(words)
    }

    /// Fits a lexicon on `texts` (each one text value of a real call) by the rule above.
    public static func fit<Texts: Sequence<String>>(texts: Texts) -> NameLexicon {
        var capitalised: [String: Int] = [:]
        var lowered = Set<String>()
        for text in texts {
            // Tokenised twice: with no names, a capital counts only mid-sentence; with every word a name, at
            // a sentence's start too. The two runs give the same tokens in the same order.
            let midSentence = SafetyTokenizer.tokens(text, names: .empty)
            let anywhere = SafetyTokenizer.tokens(text, names: .everyWord)
            guard midSentence.count == anywhere.count else { continue }
            let words = anywhere.filter { $0.kind == .word && !SafetyLexicon.isStopWord($0) }
            let headline = words.count >= 3 && words.filter(\.capitalised).count * 100 >= words.count * headlinePercent
            for (plain, marked) in zip(midSentence, anywhere) where plain.kind == .word && plain.text.count >= 2 {
                guard plain.text.unicodeScalars.allSatisfy(\.properties.isAlphabetic) else { continue }
                if plain.capitalised {
                    if !headline { capitalised[plain.text, default: 0] += 1 }
                } else if !marked.capitalised {
                    lowered.insert(plain.text)
                }
            }
        }
        return NameLexicon(
            capitalised.filter { $0.value >= minimumCapitalised && !lowered.contains($0.key) }.keys
                .filter { !SafetyLexicon.stopWords.contains($0) && !SafetyLexicon.negations.contains($0) }
        )
    }

    /// Writes `manifest.json` and `names.txt` (sorted, one word a line) into `directory`.
    public func write(to directory: URL, version: String, notes: String) throws(DedupError) {
        let text = names.sorted().map { $0 + "\n" }.joined()
        let manifest: JSONValue = [
            "name": "names",
            "version": .string(version),
            "count": .number(JSONNumber(names.count)),
            "words": "names.txt",
            "words_sha256": .string(StableHash.sha256Hex(bytes: Array(text.utf8))),
            "rule": .string(
                "lower-case words written capitalised mid-sentence at least \(Self.minimumCapitalised) times "
                    + "and never in lower case; headline-style texts (\(Self.headlinePercent) % of content words capitalised) skipped"
            ),
            "notes": .string(notes),
        ]
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: directory.appendingPathComponent("names.txt"))
            try Data((manifest.prettyText + "\n").utf8).write(to: directory.appendingPathComponent("manifest.json"))
        } catch {
            throw .model("cannot write the name lexicon to \(directory.path): \(error.localizedDescription)")
        }
    }

    /// Takes every capitalised word for a name: the fitter's second pass.
    static let everyWord = NameLexicon(everyWord: true)

    private let everyWordIsName: Bool

    private init(everyWord: Bool) {
        names = []
        everyWordIsName = everyWord
    }
}
