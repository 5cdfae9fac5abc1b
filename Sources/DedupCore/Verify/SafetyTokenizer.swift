import Foundation

/// Splits a text field into ``SafetyToken``s: words, numbers, symbols and identifiers.
///
/// Contractions are expanded first (`can't` → `can not`, `don't` → `do not`, `we'll` → `we will`), so a
/// contracted negation is the word `not` and an expanded one is no difference at all. Punctuation that
/// carries no action (`. , ; : ! ? ( ) " '`) is dropped; the signs that do are kept as tokens.
public enum SafetyTokenizer {
    /// Signs kept as tokens: a `+` or `-` before an amount, a comparison, a currency, a percentage.
    static let symbolScalars: Set<Unicode.Scalar> = [
        "+", "-", "<", ">", "=", "$", "€", "£", "¥", "%", "#", "&", "*", "/", "^", "|", "~", "!", "−",
    ]

    /// Characters that join two alphanumeric runs into one identifier (`db-1`, `a.b.c`, `x_y`, `a@b`).
    static let joiners: Set<Unicode.Scalar> = ["-", "_", ".", "/", ":", "@", "'", "’", "+"]

    /// Number words read as numbers in prose. `one` is left a word: it is more often a pronoun
    /// ("this one", "no one") than a count.
    static let numberWords: [String: String] = [
        "zero": "0", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
        "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
        "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20",
        "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
        "ninety": "90", "hundred": "hundred", "thousand": "thousand", "million": "million", "billion": "billion",
        "trillion": "trillion", "dozen": "dozen", "half": "half", "twice": "twice", "double": "double",
    ]

    /// The tokens of `text`, in order. A capitalised word opening a sentence is flagged as a possible name
    /// only when `names` knows it (``NameLexicon``): there a capital is grammar, not a name.
    public static func tokens(_ text: String, names: NameLexicon = .bundled) -> [SafetyToken] {
        let scalars = Array(text.unicodeScalars)
        // Where each scalar starts in `text`, so a run is sliced from the string, not rebuilt scalar by scalar.
        let starts = Array(text.unicodeScalars.indices) + [text.unicodeScalars.endIndex]
        var tokens: [SafetyToken] = []
        var sentenceStart = true
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if isAlphanumeric(scalar) {
                var end = index + 1
                while end < scalars.count {
                    if isAlphanumeric(scalars[end]) {
                        end += 1
                    } else if end + 1 < scalars.count, isAlphanumeric(scalars[end + 1]),
                        joiners.contains(scalars[end])
                            || (scalars[end] == "," && isDigit(scalars[end - 1]) && isDigit(scalars[end + 1]))
                    {
                        end += 2
                    } else {
                        break
                    }
                }
                let run = String(text.unicodeScalars[starts[index]..<starts[end]])
                let capitalised = scalar.isUnicodeUppercase && (!sentenceStart || names.contains(run))
                tokens.append(contentsOf: classify(run, capitalised: capitalised))
                sentenceStart = false
                index = end
                continue
            }
            if symbolScalars.contains(scalar) {
                var end = index + 1
                while end < scalars.count, symbolScalars.contains(scalars[end]), isOperatorPart(scalars[end]) {
                    end += 1
                }
                var symbol = String(text.unicodeScalars[starts[index]..<starts[end]])
                if symbol.unicodeScalars.contains("−") {
                    symbol = replacing("−", with: "-", in: symbol)
                }
                // A lone "!" ends a sentence and a lone "/" separates alternatives: punctuation, not signs.
                // A "-" between spaces is a dash unless a number stands next to it ("balance - 100").
                let spacedDash =
                    symbol == "-" && end < scalars.count && scalars[end].isUnicodeWhitespace
                    && tokens.last?.kind != .number && !nextIsDigit(scalars, after: end)
                if symbol == "!" || symbol == "/" || spacedDash {
                    sentenceStart = symbol == "!"
                } else if symbol == "&" {
                    tokens.append(SafetyToken("and", .word))
                } else {
                    tokens.append(SafetyToken(symbol, .symbol))
                }
                index = end
                continue
            }
            if ".?:;\n".unicodeScalars.contains(scalar) { sentenceStart = true }
            index += 1
        }
        return tokens
    }

    /// `text` with every `scalar` replaced by `replacement`, without Foundation's CFString search.
    private static func replacing(_ scalar: Unicode.Scalar, with replacement: Unicode.Scalar, in text: String) -> String
    {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == scalar ? replacement : $0 }))
    }

    private static func nextIsDigit(_ scalars: [Unicode.Scalar], after index: Int) -> Bool {
        var position = index
        while position < scalars.count, scalars[position].isUnicodeWhitespace { position += 1 }
        return position < scalars.count && isDigit(scalars[position])
    }

    private static func isOperatorPart(_ scalar: Unicode.Scalar) -> Bool {
        ["<", ">", "=", "!", "|", "&", "*", "+", "-"].contains(scalar)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
        }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// One run of letters, digits and joiners → its tokens (a contraction gives two).
    static func classify(_ run: String, capitalised: Bool) -> [SafetyToken] {
        // Most runs are plain ASCII words: lower-cased by bytes, they are a number word or one word, as the
        // general path below would find, without its string searches.
        if run.utf8.allSatisfy({ (0x61...0x7A).contains($0 | 0x20) }) {
            let lowered = String(decoding: run.utf8.map { $0 | 0x20 }, as: UTF8.self)
            if let value = numberWords[lowered] { return [SafetyToken(value, .number)] }
            return [SafetyToken(lowered, .word, capitalised: capitalised || isAllCaps(run))]
        }
        return classifyAnyRun(run, capitalised: capitalised)
    }

    /// ``classify(_:capitalised:)`` for any run: contractions, numbers with units, hyphenated words, lists
    /// of numbers and identifiers.
    static func classifyAnyRun(_ run: String, capitalised: Bool) -> [SafetyToken] {
        var lowered = run.lowercased()
        if lowered.unicodeScalars.contains("’") {
            lowered = replacing("’", with: "'", in: lowered)
        }
        // Byte tests, not `String.contains`: with Foundation imported that is a slow CFString search.
        let bytes = lowered.utf8
        if bytes.contains(UInt8(ascii: "'")) { return contraction(lowered, capitalised: capitalised) }
        if let number = canonicalNumber(lowered) { return [SafetyToken(number, .number)] }
        // "300ms", "5pm", "500mg": a number and its unit, as if written apart.
        if let unitStart = lowered.firstIndex(where: { $0.isLetter }), unitStart != lowered.startIndex,
            let number = canonicalNumber(String(lowered[..<unitStart])),
            lowered[unitStart...].allSatisfy({ $0.isLetter && $0.isASCII })
        {
            return [SafetyToken(number, .number), SafetyToken(String(lowered[unitStart...]), .word)]
        }
        let hasDigit = bytes.contains { (0x30...0x39).contains($0) }
        let hasLetter = lowered.unicodeScalars.contains { $0.isUnicodeAlphabetic }
        let parts = lowered.split(separator: "-").map(String.init)
        if !hasDigit, !bytes.contains(where: { "_.@:/+".utf8.contains($0) }),
            !bytes.contains(UInt8(ascii: "-")) || parts.allSatisfy({ $0.count >= 3 })
        {
            // "follow-up", "long-term": hyphenated words are their parts; "worker-a" or "us-east" with a
            // short part is a name.
            return parts.enumerated()
                .map { offset, part in
                    if let value = numberWords[part] { return SafetyToken(value, .number) }
                    return SafetyToken(part, .word, capitalised: capitalised && offset == 0 || isAllCaps(run))
                }
        }
        if hasDigit && !hasLetter && bytes.contains(UInt8(ascii: ",")) {
            // "1,2,3": a list of numbers.
            return lowered.split(separator: ",").map { SafetyToken(canonicalNumber(String($0)) ?? String($0), .number) }
        }
        return [SafetyToken(lowered, .identifier, capitalised: capitalised)]
    }

    /// At least two letters, all of them capitals (digits and joiners aside): `USD`, `INV-42`.
    private static func isAllCaps(_ run: String) -> Bool {
        var letters = 0
        for scalar in run.unicodeScalars where scalar.isUnicodeAlphabetic {
            guard scalar.isUnicodeUppercase else { return false }
            letters += 1
        }
        return letters >= 2
    }

    private static func contraction(_ lowered: String, capitalised: Bool) -> [SafetyToken] {
        let special: [String: [String]] = [
            "can't": ["can", "not"], "won't": ["will", "not"], "shan't": ["shall", "not"], "ain't": ["is", "not"],
        ]
        if let words = special[lowered] { return words.map { SafetyToken($0, .word) } }
        let parts = lowered.split(separator: "'", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return [SafetyToken(lowered.replacingOccurrences(of: "'", with: ""), .word)] }
        let (base, suffix) = (parts[0], parts[1])
        let head = classify(base, capitalised: capitalised)
        switch suffix {
        case "t" where base.hasSuffix("n"):
            return classify(String(base.dropLast()), capitalised: capitalised) + [SafetyToken("not", .word)]
        case "re": return head + [SafetyToken("are", .word)]
        case "ll": return head + [SafetyToken("will", .word)]
        case "ve": return head + [SafetyToken("have", .word)]
        case "m": return head + [SafetyToken("am", .word)]
        case "d": return head + [SafetyToken("would", .word)]
        case "s": return head
        default:
            // "O'Brien", "rock'n'roll": one word.
            return classify(lowered.replacingOccurrences(of: "'", with: ""), capitalised: capitalised)
        }
    }

    /// `1,250` → `1250`, `007` → `7`, `2.50` → `2.5`; `nil` when `text` is not a plain decimal number.
    static func canonicalNumber(_ text: String) -> String? {
        if let word = numberWords[text] { return word }
        // Most tokens are words: anything but digits, commas and points is no number.
        guard text.utf8.allSatisfy({ (0x30...0x39).contains($0) || $0 == 0x2C || $0 == 0x2E }) else { return nil }
        var digits = text
        let groups = text.split(separator: ",", omittingEmptySubsequences: false)
        if groups.count > 1 {
            // Thousands separators: 1–3 digits, then groups of exactly three.
            let integerGroups = groups.dropLast().map(String.init) + [String(groups.last!.prefix { $0 != "." })]
            guard (1...3).contains(integerGroups[0].count), integerGroups.dropFirst().allSatisfy({ $0.count == 3 })
            else { return nil }
            digits = String(text.filter { $0 != "," })
        }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
            parts.allSatisfy({ $0.allSatisfy(\.isNumber) })
        else { return nil }
        let integer = parts[0].drop { $0 == "0" }
        var result = integer.isEmpty ? "0" : String(integer)
        if parts.count == 2 {
            let fraction = parts[1].reversed().drop { $0 == "0" }
            if !fraction.isEmpty { result += "." + String(fraction.reversed()) }
        }
        return result
    }
}
