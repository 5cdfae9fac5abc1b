/// Reads a string that holds a value an LLM emitted as text — JSON (`"[\"a\", \"b\"]"`) or a Python
/// literal (`"['a', 'b']"`, `"{'k': True}"`) — as that value, so it compares equal to the real array,
/// object or boolean.
enum StringifiedValue {
    /// The value `text` spells, or `nil` when it is not a whole array or object literal.
    static func parse(_ text: String) -> JSONValue? {
        guard let first = text.first, let last = text.last,
            (first == "[" && last == "]") || (first == "{" && last == "}") || (first == "(" && last == ")")
        else { return nil }
        if first != "(", let value = try? JSONParser(maxDepth: 32).parse(text) { return value }
        var reader = PythonLiteralReader(Array(text.unicodeScalars))
        guard let value = reader.value(depth: 0), reader.atEnd else { return nil }
        return value
    }
}

/// A reader for the literal subset of Python that tool arguments use: lists, tuples, dicts, strings in
/// either quote, numbers, `True`, `False` and `None`.
private struct PythonLiteralReader {
    let scalars: [Unicode.Scalar]
    var position = 0

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    var atEnd: Bool {
        mutating get {
            skipSpace()
            return position == scalars.count
        }
    }

    mutating func skipSpace() {
        while position < scalars.count, scalars[position].properties.isWhitespace { position += 1 }
    }

    mutating func value(depth: Int) -> JSONValue? {
        guard depth < 32 else { return nil }
        skipSpace()
        guard position < scalars.count else { return nil }
        switch scalars[position] {
        case "[", "(":
            let close: Unicode.Scalar = scalars[position] == "[" ? "]" : ")"
            position += 1
            var elements: [JSONValue] = []
            while true {
                skipSpace()
                if position < scalars.count, scalars[position] == close {
                    position += 1
                    return .array(elements)
                }
                guard let element = value(depth: depth + 1) else { return nil }
                elements.append(element)
                guard separator(close: close) else { return nil }
            }
        case "{":
            position += 1
            var members: [String: JSONValue] = [:]
            while true {
                skipSpace()
                if position < scalars.count, scalars[position] == "}" {
                    position += 1
                    return .object(members)
                }
                guard case .string(let key)? = value(depth: depth + 1) else { return nil }
                skipSpace()
                guard position < scalars.count, scalars[position] == ":" else { return nil }
                position += 1
                guard let member = value(depth: depth + 1) else { return nil }
                members[key] = member
                guard separator(close: "}") else { return nil }
            }
        case "'", "\"":
            return string()
        default:
            return atom()
        }
    }

    /// After an element: a comma (then maybe the close), or the close itself, left for the caller.
    mutating func separator(close: Unicode.Scalar) -> Bool {
        skipSpace()
        guard position < scalars.count else { return false }
        if scalars[position] == "," {
            position += 1
            return true
        }
        return scalars[position] == close
    }

    mutating func string() -> JSONValue? {
        let quote = scalars[position]
        position += 1
        var output = String.UnicodeScalarView()
        while position < scalars.count {
            let scalar = scalars[position]
            position += 1
            if scalar == quote { return .string(String(output)) }
            if scalar == "\\", position < scalars.count {
                let escaped = scalars[position]
                position += 1
                switch escaped {
                case "n": output.append("\n")
                case "t": output.append("\t")
                default: output.append(escaped)
                }
            } else {
                output.append(scalar)
            }
        }
        return nil
    }

    mutating func atom() -> JSONValue? {
        let start = position
        while position < scalars.count, !",:]})".unicodeScalars.contains(scalars[position]),
            !scalars[position].properties.isWhitespace
        {
            position += 1
        }
        let word = String(String.UnicodeScalarView(scalars[start..<position]))
        switch word {
        case "True": return .bool(true)
        case "False": return .bool(false)
        case "None": return .null
        default: return JSONNumber(literal: word).map { .number($0) }
        }
    }
}
