/// Rewrites a date written in a common, unambiguous form as ISO 8601 (`YYYY-MM-DD`).
///
/// `May 3, 2022`, `May 3rd 2022`, `3 May 2022`, `2022/05/03` and `05/18/2022` all become `2022-05-03` or
/// `2022-05-18`. A numeric date whose day and month could be swapped (`01/05/2026`: January 5 or May 1?)
/// is left as written: guessing would turn two different dates into one action.
enum DateCanonicalizer {
    private static let months: [String: Int] = [
        "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
        "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
        "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    ]

    /// The ISO form of `text`, or `nil` when it is not a date this type reads unambiguously.
    static func canonical(_ text: String) -> String? {
        // 8 to 32 ASCII Characters are 8 to 64 bytes (a "\r\n" is one Character): the byte count rejects a
        // long text before `count` walks its Characters.
        guard (8...64).contains(text.utf8.count), (8...32).contains(text.count),
            text.unicodeScalars.allSatisfy(\.isASCII)
        else { return nil }
        let lowered = text.lowercased()
        // "Mar.10,2022": with a month name, dots separate too.
        let hasLetters = lowered.contains(where: \.isLetter)
        let tokens = lowered.split(whereSeparator: { $0 == " " || $0 == "," || (hasLetters && $0 == ".") })
            .map(String.init)
        if tokens.count == 1 { return numeric(tokens[0]) }
        // Month D YYYY, or D Month YYYY.
        if tokens.count == 2, let month = months[String(tokens[0].prefix(while: \.isLetter))],
            let day = dayNumber(String(tokens[0].drop(while: \.isLetter))), let year = yearNumber(tokens[1])
        {
            return iso(year, month, day)
        }
        guard tokens.count == 3 else { return nil }
        if let month = months[tokens[0]], let day = dayNumber(tokens[1]), let year = yearNumber(tokens[2]) {
            return iso(year, month, day)
        }
        if let day = dayNumber(tokens[0]), let month = months[tokens[1]], let year = yearNumber(tokens[2]) {
            return iso(year, month, day)
        }
        return nil
    }

    private static func numeric(_ token: String) -> String? {
        for separator: Character in ["/", "-", "."] {
            let parts = token.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3,
                parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
            else { continue }
            if parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) {
                return iso(year, month, day)
            }
            guard parts[2].count == 4, let year = Int(parts[2]), let first = Int(parts[0]), let second = Int(parts[1])
            else { return nil }
            if first == second { return iso(year, first, second) }
            if first > 12 && second <= 12 { return iso(year, second, first) }
            if second > 12 && first <= 12 { return iso(year, first, second) }
            return nil
        }
        return nil
    }

    private static func dayNumber(_ token: String) -> Int? {
        var digits = token
        for suffix in ["st", "nd", "rd", "th"] where digits.hasSuffix(suffix) {
            digits.removeLast(2)
            break
        }
        guard (1...2).contains(digits.count), let day = Int(digits) else { return nil }
        return day
    }

    private static func yearNumber(_ token: String) -> Int? {
        token.count == 4 ? Int(token) : nil
    }

    private static func iso(_ year: Int, _ month: Int, _ day: Int) -> String? {
        guard (1000...9999).contains(year), (1...12).contains(month), day >= 1 else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else { return nil }
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
