/// The stemmers of ``OppositeActions`` and ``StructuralVerifier``, on the bytes of a word of plain ASCII
/// letters.
///
/// Every word of every text field is stemmed on the check path, and the general stemmers count, compare
/// and slice `Character`s, which breaks graphemes on every call. In a word of ASCII letters each byte is
/// one character, so the same rules run on bytes and give the same stems; any other word (an accent, an
/// apostrophe, a digit) returns `nil` here and takes the general path. `SafetyFastPathTests` checks that
/// the two paths agree.
enum ASCIIStemmer {
    /// ``OppositeActions/stem(_:)`` of `word`, or `nil` if `word` is not all ASCII letters.
    static func actionStem(_ word: String) -> String? {
        withLetters(word) { actionStem(word, $0) }
    }

    /// ``StructuralVerifier/stem(_:)`` of `word`, or `nil` if `word` is not all ASCII letters.
    static func stem(_ word: String) -> String? {
        withLetters(word) { bytes in
            let action = actionStem(word, bytes)
            if action != word || OppositeActions.isActionWord(word) { return action }
            return inflectionStem(word, bytes)
        }
    }

    private static let actionSuffixes: [[UInt8]] = ["ing", "ed", "es", "s", "d"].map { Array($0.utf8) }
    private static let inflectionSuffixes: [[UInt8]] = ["ing", "ed", "es", "s"].map { Array($0.utf8) }

    /// Runs `body` on the UTF-8 of `word` when every byte is an ASCII letter.
    private static func withLetters(_ word: String, _ body: (UnsafeBufferPointer<UInt8>) -> String) -> String? {
        let result = word.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            guard !bytes.isEmpty, bytes.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }) else { return nil }
            return body(bytes)
        }
        return result ?? nil
    }

    private static func hasSuffix(_ bytes: UnsafeBufferPointer<UInt8>, _ suffix: [UInt8]) -> Bool {
        bytes.count >= suffix.count && bytes[(bytes.count - suffix.count)...].elementsEqual(suffix)
    }

    private static func prefix(_ bytes: UnsafeBufferPointer<UInt8>, _ count: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[..<count]), as: UTF8.self)
    }

    /// The action-word rule: a known action word as written, else an inflection of one reduced to it.
    private static func actionStem(_ word: String, _ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if OppositeActions.isActionWord(word) { return word }
        for suffix in actionSuffixes where bytes.count > suffix.count + 1 && hasSuffix(bytes, suffix) {
            let rootCount = bytes.count - suffix.count
            // "stopped" → "stop", "enabled" → "enable": the root, the root and an "e", the root less a letter.
            let root = prefix(bytes, rootCount)
            if OppositeActions.isActionWord(root) { return root }
            if OppositeActions.isActionWord(root + "e") { return root + "e" }
            let shorter = prefix(bytes, rootCount - 1)
            if OppositeActions.isActionWord(shorter) { return shorter }
        }
        return word
    }

    /// The light suffix stripper of ``StructuralVerifier/stem(_:)`` for a word that is no action word.
    private static func inflectionStem(_ word: String, _ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var rootCount = bytes.count
        for suffix in inflectionSuffixes where bytes.count >= suffix.count + 3 && hasSuffix(bytes, suffix) {
            if suffix.count == 1 && bytes[bytes.count - 2] == UInt8(ascii: "s") { return word }
            rootCount -= suffix.count
            // "running" → "run", "stopped" → "stop".
            let last = bytes[rootCount - 1]
            if rootCount >= 4, bytes[rootCount - 2] == last, !isVowel(last) { rootCount -= 1 }
            break
        }
        // A silent final "e" goes too, so "update", "updated" and "updating" share "updat".
        if rootCount >= 4 && bytes[rootCount - 1] == UInt8(ascii: "e") { rootCount -= 1 }
        return rootCount == bytes.count ? word : prefix(bytes, rootCount)
    }

    private static func isVowel(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"): true
        default: false
        }
    }
}
