/// A JSON document as agent-dedup sees it: objects, arrays, strings, booleans, null and numbers kept exactly.
///
/// Numbers are held as ``JSONNumber`` (a canonical decimal string) rather than `Double`, because two
/// ids such as `12345678901234567890` and `12345678901234567891` are the same `Double` — and treating
/// them as equal would silently drop a real action.
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, exactly as written (canonicalised by value).
    case number(JSONNumber)
    /// A string (valid Unicode; invalid UTF-8 never gets this far).
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object. Duplicate keys are rejected by the parser, so a dictionary loses nothing.
    case object([String: JSONValue])
}

extension JSONValue {
    /// The object's members, or `nil` when the value is not an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The string, or `nil` when the value is not a string.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// The boolean, or `nil` when the value is not a boolean.
    public var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }

    /// The number as a `Double` (possibly rounded), or `nil` when the value is not a number.
    public var doubleValue: Double? {
        if case .number(let number) = self { return number.doubleValue }
        return nil
    }

    /// A short name of the value's JSON type, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Looks up a member of an object; `nil` for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    /// A string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// `nil` as JSON `null`.
    public init(nilLiteral: ()) { self = .null }
    /// An integer literal.
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    /// A floating-point literal, written with Swift's shortest round-trip digits.
    public init(floatLiteral value: Double) { self = .number(JSONNumber(value)) }
    /// An array literal.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A dictionary literal; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
