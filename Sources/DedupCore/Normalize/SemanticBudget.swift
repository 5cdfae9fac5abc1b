/// How much of a call the semantic layer (field classification, embedding, candidate search) takes on.
///
/// The exact layers — the caller's idempotency key and the hash of the whole canonical call — cover a
/// call of any size. The semantic layer only earns its cost on calls of the size agents send: a
/// 200,000-number array or a 900 KB document is compared exactly, never by meaning, so one such request
/// cannot hold a core for seconds. Past the budget a call leans to `new`, as every default does.
public struct SemanticBudget: Sendable, Hashable {
    /// Most argument values (leaves: strings, numbers, booleans, nulls) compared field by field.
    public var maxValues: Int
    /// Most UTF-8 bytes of string values, all fields together, that are classified and embedded.
    public var maxTextBytes: Int

    /// A budget; the defaults (2,000 values, 64 KiB of text) are far above real tool calls.
    public init(maxValues: Int = 2000, maxTextBytes: Int = 64 << 10) {
        self.maxValues = maxValues
        self.maxTextBytes = maxTextBytes
    }

    /// Whether the semantic layer takes `arguments` on; stops counting as soon as the budget is spent.
    public func admits(_ arguments: JSONValue) -> Bool {
        var values = 0
        var textBytes = 0
        var pending: [JSONValue] = [arguments]
        while let value = pending.popLast() {
            switch value {
            case .object(let members): pending.append(contentsOf: members.values)
            case .array(let elements): pending.append(contentsOf: elements)
            case .string(let string):
                values += 1
                textBytes += string.utf8.count
            case .number, .bool, .null: values += 1
            }
            if values > maxValues || textBytes > maxTextBytes { return false }
        }
        return true
    }
}
