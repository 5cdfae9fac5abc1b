import Foundation

/// The BERT WordPiece tokenizer of the bundled static model, as model2vec runs it (Hugging Face
/// `tokenizers`: BertNormalizer, BertPreTokenizer, WordPiece; no special tokens, unknown tokens dropped).
///
/// The steps, each matching the Rust implementation: drop control characters and map whitespace to a space;
/// put spaces around CJK ideographs; strip accents (NFD, drop non-spacing marks); lower-case; split on
/// whitespace and isolate each punctuation character; then per word, greedy longest match against the
/// vocabulary with `##` continuations — a word longer than `maxInputCharsPerWord` or with an unmatched
/// remainder becomes the unknown token. ASCII takes a fast path with no String work, so a 60-word text
/// tokenises in microseconds.
public struct WordPieceTokenizer: Sendable {
    /// The vocabulary, token → id.
    public let vocabulary: TokenVocabulary
    /// The id of `[UNK]`.
    public let unknownID: Int32
    /// Words with more characters than this are unknown (100 in BERT).
    public let maxInputCharsPerWord: Int
    /// Token limit before unknown tokens are dropped (model2vec's `max_length`, 512).
    public let maxLength: Int
    /// Texts are cut to `maxLength × medianTokenLength` characters first, as model2vec does.
    public let medianTokenLength: Int
    /// Tokens matched verbatim in the raw text before normalisation (`[PAD]`, `[UNK]`), as `tokenizers` does.
    public let addedTokens: [String: Int32]

    /// A tokenizer over `vocabulary`.
    public init(
        vocabulary: TokenVocabulary,
        unknownID: Int32,
        maxInputCharsPerWord: Int = 100,
        maxLength: Int = 512,
        medianTokenLength: Int = 6,
        addedTokens: [String: Int32] = [:]
    ) {
        self.addedTokens = addedTokens
        self.vocabulary = vocabulary
        self.unknownID = unknownID
        self.maxInputCharsPerWord = maxInputCharsPerWord
        self.maxLength = maxLength
        self.medianTokenLength = medianTokenLength
    }

    /// The token ids of `text`, unknown tokens removed.
    public func tokenize(_ text: String) -> [Int32] {
        var state = State()
        var remaining = maxLength * medianTokenLength
        var rest = Substring(text)
        while !rest.isEmpty {
            // The leftmost added token splits the text; its own id goes out unchanged.
            var segment = rest
            var added: (id: Int32, end: String.Index)?
            if !addedTokens.isEmpty, rest.utf8.contains(0x5B) {
                var best: Range<String.Index>?
                var bestID: Int32 = 0
                for (token, id) in addedTokens {
                    if let found = rest.range(of: token, options: .literal),
                        best.map({
                            found.lowerBound < $0.lowerBound
                                || (found.lowerBound == $0.lowerBound
                                    && found.upperBound > $0.upperBound)
                        }) ?? true
                    {
                        best = found
                        bestID = id
                    }
                }
                if let best {
                    segment = rest[..<best.lowerBound]
                    added = (bestID, best.upperBound)
                }
            }
            normalizeAndSplit(segment, remaining: &remaining, into: &state)
            if let added, remaining > 0 {
                flush(&state)
                remaining -= rest[segment.endIndex..<added.end].unicodeScalars.count
                state.emit(added.id, maxLength: maxLength, unknownID: unknownID)
                rest = rest[added.end...]
            } else {
                break
            }
        }
        flush(&state)
        return state.ids
    }

    /// What `tokenize` builds up: the ids so far and the word being read. One value passed `inout` rather
    /// than variables captured by nested functions, which Swift checks for exclusive access at run time on
    /// every touch (a fifth of the tokenizer's time).
    private struct State {
        var ids: [Int32] = []
        var emitted = 0
        var word: [UInt8] = []
        var wordCharacters = 0
        var found: [Int32] = []

        mutating func emit(_ id: Int32, maxLength: Int, unknownID: Int32) {
            guard emitted < maxLength else { return }
            emitted += 1
            if id != unknownID { ids.append(id) }
        }

        mutating func append(_ scalar: Unicode.Scalar) {
            if scalar.isASCII {
                word.append(UInt8(scalar.value))
            } else {
                WordPieceTokenizer.appendUTF8(scalar, to: &word)
            }
            wordCharacters += 1
        }
    }

    private func flush(_ state: inout State) {
        guard !state.word.isEmpty, state.emitted < maxLength else {
            state.word.removeAll(keepingCapacity: true)
            state.wordCharacters = 0
            return
        }
        if pieces(of: state.word, characters: state.wordCharacters, into: &state.found) {
            for id in state.found { state.emit(id, maxLength: maxLength, unknownID: unknownID) }
        } else {
            state.emit(unknownID, maxLength: maxLength, unknownID: unknownID)
        }
        state.word.removeAll(keepingCapacity: true)
        state.wordCharacters = 0
    }

    private func emitAlone(_ scalar: Unicode.Scalar, _ state: inout State) {
        flush(&state)
        Self.appendUTF8(scalar, to: &state.word)
        state.wordCharacters = 1
        flush(&state)
    }

    private func normalizeAndSplit(_ text: Substring, remaining: inout Int, into state: inout State) {
        for original in text.unicodeScalars {
            guard remaining > 0 else { break }
            remaining -= 1
            if original.isASCII {
                let byte = UInt8(original.value)
                switch byte {
                case 0x09, 0x0A, 0x0D, 0x20: flush(&state)
                case 0x00..<0x20, 0x7F: continue
                case 0x41...0x5A:
                    state.word.append(byte + 0x20)
                    state.wordCharacters += 1
                case 0x30...0x39, 0x61...0x7A:
                    state.word.append(byte)
                    state.wordCharacters += 1
                default: emitAlone(original, &state)
                }
                continue
            }
            let properties = original.properties
            if properties.isWhitespace {
                flush(&state)
                continue
            }
            if Self.isOther(properties.generalCategory) || original.value == 0xFFFD { continue }
            if Self.isCJK(original.value) {
                emitAlone(original, &state)
                continue
            }
            // Strip accents, then lower-case, scalar by scalar as the Rust normalizer does.
            for decomposed in String(original).decomposedStringWithCanonicalMapping.unicodeScalars
            where decomposed.properties.generalCategory != .nonspacingMark {
                for lowered in decomposed.properties.lowercaseMapping.unicodeScalars {
                    if lowered.properties.isWhitespace {
                        flush(&state)
                    } else if Self.isPunctuation(lowered) {
                        emitAlone(lowered, &state)
                    } else {
                        state.append(lowered)
                    }
                }
            }
        }
    }

    /// Greedy longest-match WordPiece over one word's UTF-8 bytes into `found` (emptied first); `false`
    /// when the word is the unknown token (too long, or a remainder no token matches).
    private func pieces(of word: [UInt8], characters: Int, into found: inout [Int32]) -> Bool {
        found.removeAll(keepingCapacity: true)
        guard characters <= maxInputCharsPerWord else { return false }
        var start = 0
        while start < word.count {
            var end = word.count
            var match: Int32?
            while end > start {
                if let id = vocabulary.id(of: word[start..<end], continuation: start > 0) {
                    match = id
                    break
                }
                end -= 1
                // Only cut at a character boundary (not inside a UTF-8 sequence).
                while end > start && word[end] & 0xC0 == 0x80 { end -= 1 }
            }
            guard let match else { return false }
            found.append(match)
            start = end
        }
        return true
    }

    static func appendUTF8(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
        UTF8.encode(scalar) { bytes.append($0) }
    }

    static func isOther(_ category: Unicode.GeneralCategory) -> Bool {
        switch category {
        case .control, .format, .unassigned, .privateUse, .surrogate: true
        default: false
        }
    }

    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (33...47).contains(value) || (58...64).contains(value) || (91...96).contains(value)
                || (123...126).contains(value)
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK ideograph blocks BERT isolates (the same list as `tokenizers`' `is_chinese_char`).
    static func isCJK(_ value: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value)
            || (0x20000...0x2A6DF).contains(value) || (0x2A700...0x2B73F).contains(value)
            || (0x2B740...0x2B81F).contains(value) || (0x2B920...0x2CEAF).contains(value)
            || (0xF900...0xFAFF).contains(value) || (0x2F800...0x2FA1F).contains(value)
    }
}
