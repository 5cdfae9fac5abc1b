/// A JSON number held by value as a canonical decimal string.
///
/// `4999`, `4999.0`, `4.999e3` and `4999.000` all have the canonical text `4999`; `-0` is `0`.
/// Arbitrary size and precision are kept: no rounding through `Double`, so distinct ids never collide.
/// Canonical text: plain decimal when the exponent is moderate, otherwise `d.ddde±N`.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The canonical decimal text; equal numbers have equal text.
    public let canonical: String

    /// Parses a JSON number literal (RFC 8259 grammar), or returns `nil` when `literal` is not one.
    public init?(literal: some StringProtocol) {
        guard let first = literal.utf8.first, first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39),
            literal.utf8.count <= 1024
        else { return nil }
        guard let canonical = Self.canonicalize(Array(literal.utf8)) else { return nil }
        self.canonical = canonical
    }

    /// Wraps text that `canonicalize` produced.
    init(validatedCanonical canonical: String) {
        self.canonical = canonical
    }

    /// A number from an integer.
    public init(_ value: Int) {
        self.canonical = String(value)
    }

    /// A number from a `Double` via its shortest round-trip text; non-finite values become `0`
    /// (JSON has no NaN or infinity, and the parser rejects them before they get here).
    public init(_ value: Double) {
        guard value.isFinite, let number = JSONNumber(literal: "\(value)") else {
            self.canonical = "0"
            return
        }
        self = number
    }

    /// The value as a `Double`, rounded when it has more precision than a `Double` holds.
    public var doubleValue: Double { Double(canonical) ?? .nan }

    /// The canonical text.
    public var description: String { canonical }

    /// Canonical text of a number literal given as UTF-8 bytes, or `nil` when it is not valid JSON.
    static func canonicalize(_ bytes: [UInt8]) -> String? {
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        // Integer part: "0" or a non-zero digit followed by digits.
        let intStart = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        let intDigits = bytes[intStart..<index]
        if intDigits.isEmpty || (intDigits.count > 1 && intDigits.first == UInt8(ascii: "0")) { return nil }
        var fracDigits = bytes[index..<index]
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fracStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            fracDigits = bytes[fracStart..<index]
            if fracDigits.isEmpty { return nil }
        }
        var exponent = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var expNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                expNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let expStart = index
            while index < bytes.count, isDigit(bytes[index]) {
                // Exponents past a billion are not numbers anyone means; refuse rather than overflow.
                guard index - expStart < 9 else { return nil }
                exponent = exponent * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            if index == expStart { return nil }
            if expNegative { exponent = -exponent }
        }
        guard index == bytes.count else { return nil }

        // value = digits × 10^exponent, digits without leading or trailing zeros.
        var digits = Array(intDigits) + Array(fracDigits)
        exponent -= fracDigits.count
        let firstNonZero = digits.firstIndex { $0 != UInt8(ascii: "0") }
        guard let firstNonZero else { return "0" }
        digits.removeFirst(firstNonZero)
        while digits.last == UInt8(ascii: "0") {
            digits.removeLast()
            exponent += 1
        }
        return render(digits: digits, exponent: exponent, negative: negative)
    }

    /// Whether a canonical number is zero or has a magnitude a `Double` holds without becoming infinite
    /// or zero (about 4.9e-324 to 1.8e308).
    static func isInDoubleRange(_ canonical: String) -> Bool {
        guard let e = canonical.firstIndex(of: "e") else { return true }  // plain decimals stay within ±1e21
        guard let exponent = Int(canonical[canonical.index(after: e)...]), (-322...307).contains(exponent) else {
            guard let value = Double(canonical) else { return false }
            return value.isFinite && value != 0
        }
        return true
    }

    private static func render(digits: [UInt8], exponent: Int, negative: Bool) -> String {
        let sign = negative ? "-" : ""
        let text = String(decoding: digits, as: UTF8.self)
        // Position of the decimal point relative to the first digit.
        let pointPosition = digits.count + exponent
        if exponent >= 0 && pointPosition <= 21 {
            return sign + text + String(repeating: "0", count: exponent)
        }
        if exponent < 0 && pointPosition > 0 {
            let split = text.index(text.startIndex, offsetBy: pointPosition)
            return sign + text[..<split] + "." + text[split...]
        }
        if exponent < 0 && pointPosition > -6 {
            return sign + "0." + String(repeating: "0", count: -pointPosition) + text
        }
        let mantissa = digits.count == 1 ? text : String(text.prefix(1)) + "." + text.dropFirst()
        let scientific = pointPosition - 1
        return sign + mantissa + "e" + (scientific >= 0 ? "+" : "-") + String(abs(scientific))
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
