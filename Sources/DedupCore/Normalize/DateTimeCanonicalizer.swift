import Foundation

/// Rewrites an ISO-8601 date-time in its common spellings as one form, so that one instant reads the same.
///
/// `2023-07-10 15:00:00`, `2023-07-10 15:00` and `2023-07-10T15:00` all become `2023-07-10T15:00:00`: a
/// time without an offset stays local (no zone is guessed). `2023-04-01T10:00:00Z`, `…+00:00` and
/// `2023-04-01T12:00:00+02:00` all become `2023-04-01T10:00:00Z`. A date alone stays a date
/// (``DateCanonicalizer``); fractional seconds are kept, trailing zeros dropped.
enum DateTimeCanonicalizer {
    /// The canonical form of `text`, or `nil` when it is not a date-time in one of these spellings.
    static func canonical(_ text: String) -> String? {
        let scalars = Array(text.utf8)
        guard (16...35).contains(scalars.count), scalars.allSatisfy({ $0 < 0x80 }) else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= scalars.count else { return nil }
            var value = 0
            for index in range {
                guard (0x30...0x39).contains(scalars[index]) else { return nil }
                value = value * 10 + Int(scalars[index] - 0x30)
            }
            return value
        }
        guard let year = digits(0..<4), scalars[4] == UInt8(ascii: "-"), let month = digits(5..<7),
            scalars[7] == UInt8(ascii: "-"), let day = digits(8..<10),
            scalars[10] == UInt8(ascii: "T") || scalars[10] == UInt8(ascii: " ") || scalars[10] == UInt8(ascii: "t"),
            let hour = digits(11..<13), scalars[13] == UInt8(ascii: ":"), let minute = digits(14..<16)
        else { return nil }
        var index = 16
        var second = 0
        var fraction = ""
        if index < scalars.count, scalars[index] == UInt8(ascii: ":") {
            guard let value = digits(17..<19) else { return nil }
            second = value
            index = 19
            if index < scalars.count, scalars[index] == UInt8(ascii: ".") || scalars[index] == UInt8(ascii: ",") {
                index += 1
                let start = index
                while index < scalars.count, (0x30...0x39).contains(scalars[index]) { index += 1 }
                guard index > start else { return nil }
                fraction = String(decoding: scalars[start..<index], as: UTF8.self)
                while fraction.hasSuffix("0") { fraction.removeLast() }
            }
        }
        guard (1...12).contains(month), (1...31).contains(day), hour <= 23, minute <= 59, second <= 59,
            DateCanonicalizer.canonical(String(decoding: scalars[0..<10], as: UTF8.self)) != nil
        else { return nil }
        let rest = String(decoding: scalars[index...], as: UTF8.self)
        let stamp = (year, month, day, hour, minute, second)
        if rest.isEmpty { return format(stamp, fraction: fraction, utc: false) }
        guard let offset = offsetSeconds(rest) else { return nil }
        var components = DateComponents()
        (components.year, components.month, components.day) = (year, month, day)
        (components.hour, components.minute, components.second) = (hour, minute, second)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        guard let local = calendar.date(from: components) else { return nil }
        let utc = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second],
            from: local - TimeInterval(offset)
        )
        guard let y = utc.year, let mo = utc.month, let d = utc.day, let h = utc.hour, let mi = utc.minute,
            let s = utc.second
        else { return nil }
        return format((y, mo, d, h, mi, s), fraction: fraction, utc: true)
    }

    /// `Z` → 0, `+02:00` / `+0200` / `+02` → 7200, `-05:30` → -19800.
    private static func offsetSeconds(_ text: String) -> Int? {
        if text == "Z" || text == "z" { return 0 }
        guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
        let body = text.dropFirst().replacingOccurrences(of: ":", with: "")
        guard [2, 4].contains(body.count), body.allSatisfy(\.isASCII), body.allSatisfy(\.isNumber),
            let hours = Int(body.prefix(2)), let minutes = Int(body.dropFirst(2).isEmpty ? "0" : body.dropFirst(2)),
            hours <= 14, minutes <= 59
        else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    private static func format(
        _ stamp: (Int, Int, Int, Int, Int, Int),
        fraction: String,
        utc: Bool
    ) -> String {
        func pad(_ value: Int, _ width: Int = 2) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let date = "\(pad(stamp.0, 4))-\(pad(stamp.1))-\(pad(stamp.2))"
        let time = "\(pad(stamp.3)):\(pad(stamp.4)):\(pad(stamp.5))" + (fraction.isEmpty ? "" : "." + fraction)
        return date + "T" + time + (utc ? "Z" : "")
    }
}
