import Foundation

/// The `calls` table's columns and the one codec between a ``CallRecord`` and a stored row.
///
/// Every SQL store (SQLite, PostgreSQL) lists its columns and encodes and decodes rows through this type,
/// so a column added, a check tightened or a bug fixed lands in all of them at once; each store only
/// maps ``ColumnValue`` to its driver's bind and read calls.
public enum CallRow {
    /// The kind of value a column holds, which tells a store how to read it.
    public enum Kind: Sendable {
        /// UTF-8 text (never truncated at a NUL byte).
        case text
        /// A 64-bit integer.
        case integer
        /// Raw bytes.
        case blob
        /// A boolean (SQLite stores it as 0 / 1).
        case bool
    }

    /// One column: its name and kind.
    public struct Column: Sendable {
        /// The column's name in the `calls` table.
        public let name: String
        /// What it holds.
        public let kind: Kind
        /// Whether an update may change it (the rest are fixed when the call is inserted).
        public let mutable: Bool
    }

    /// The columns a record is stored in, in the order of ``values(of:)``.
    public static let columns: [Column] = [
        Column(name: "id", kind: .text, mutable: false),
        Column(name: "tenant", kind: .text, mutable: false),
        Column(name: "scope", kind: .text, mutable: false),
        Column(name: "tool", kind: .text, mutable: false),
        Column(name: "arguments", kind: .text, mutable: false),
        Column(name: "canonical", kind: .text, mutable: false),
        Column(name: "fingerprint", kind: .text, mutable: false),
        Column(name: "intent_key", kind: .text, mutable: false),
        Column(name: "idempotency_key", kind: .text, mutable: true),
        Column(name: "signature", kind: .text, mutable: false),
        Column(name: "embedding", kind: .blob, mutable: false),
        Column(name: "status", kind: .text, mutable: true),
        Column(name: "result", kind: .text, mutable: true),
        Column(name: "error", kind: .text, mutable: true),
        Column(name: "retryable", kind: .bool, mutable: true),
        Column(name: "attempts", kind: .integer, mutable: true),
        Column(name: "lease_expires_at", kind: .integer, mutable: true),
        Column(name: "created_at", kind: .integer, mutable: false),
        Column(name: "updated_at", kind: .integer, mutable: true),
        Column(name: "completed_at", kind: .integer, mutable: true),
        Column(name: "expires_at", kind: .integer, mutable: true),
        Column(name: "identity_group", kind: .integer, mutable: false),
        Column(name: "key_version", kind: .text, mutable: false),
        Column(name: "model_id", kind: .text, mutable: false),
    ]

    /// `id, tenant, …`: the select list that ``record(from:)`` decodes.
    public static let selectList = columns.map(\.name).joined(separator: ", ")

    /// The columns an update writes, in the order of ``mutableValues(of:)``.
    public static let mutableColumns = columns.filter(\.mutable)

    /// The record's values, aligned with ``columns``.
    public static func values(of record: CallRecord) -> [ColumnValue] {
        [
            .text(record.id), .text(record.tenant), .text(record.scope), .text(record.tool),
            .text(record.arguments.canonicalText), .text(record.canonical), .text(record.fingerprint),
            .optionalText(record.intentKey), .optionalText(record.idempotencyKey),
            .text(record.signature.jsonValue.canonicalText),
            record.embedding.isEmpty ? .null : .blob(bytes(of: record.embedding)),
            .text(record.status.rawValue), .optionalText(record.result?.canonicalText), .optionalText(record.error),
            .bool(record.retryable), .integer(Int64(record.attempts)), .optionalInteger(record.leaseExpiresAt?.millis),
            .integer(record.createdAt.millis), .integer(record.updatedAt.millis),
            .optionalInteger(record.completedAt?.millis), .integer(record.expiresAt.millis),
            .integer(Int64(bitPattern: record.signature.identityGroup)), .text(record.keyVersion),
            .text(record.modelID),
        ]
    }

    /// The columns a re-keying rewrites (``LedgerTransaction/rekey(_:)``): everything derived from the
    /// arguments by the normaliser and the embedder.
    public static let keyColumns = columns.filter {
        [
            "canonical", "fingerprint", "intent_key", "signature", "embedding", "identity_group", "key_version",
            "model_id",
        ]
        .contains($0.name)
    }

    /// The values of ``keyColumns`` for `record`.
    public static func keyValues(of record: CallRecord) -> [ColumnValue] {
        values(of: record, in: keyColumns)
    }

    /// The values of ``mutableColumns`` for `record`.
    public static func mutableValues(of record: CallRecord) -> [ColumnValue] {
        values(of: record, in: mutableColumns)
    }

    /// The record's values for a subset of ``columns`` (in the subset's order, which is theirs).
    private static func values(of record: CallRecord, in subset: [Column]) -> [ColumnValue] {
        let names = Set(subset.map(\.name))
        return zip(columns, values(of: record)).filter { names.contains($0.0.name) }.map(\.1)
    }

    /// Rebuilds a record from a row read in ``selectList`` order.
    ///
    /// A row that does not decode (damaged JSON, an unknown status, a missing value) is a
    /// ``DedupError/storage(_:)`` naming the call and the column, never a crash.
    public static func record(from row: [ColumnValue]) throws(DedupError) -> CallRecord {
        guard row.count == columns.count else {
            throw .storage("a stored call has \(row.count) columns, expected \(columns.count)")
        }
        let id = row[0].text ?? "?"
        func text(_ column: Int) throws(DedupError) -> String {
            guard let text = row[column].text else { throw .storage("call \(id) has no \(columns[column].name)") }
            return text
        }
        func integer(_ column: Int) throws(DedupError) -> Int64 {
            guard let integer = row[column].integer else {
                throw .storage("call \(id) has no \(columns[column].name)")
            }
            return integer
        }
        func json(_ column: Int) throws(DedupError) -> JSONValue? {
            guard let text = row[column].text else { return nil }
            do {
                return try JSONParser(maxDepth: 512).parse(text)
            } catch {
                throw .storage("stored JSON in column \(columns[column].name) of call \(id) is damaged: \(error)")
            }
        }
        let statusText = try text(11)
        guard let status = CallStatus(rawValue: statusText) else {
            throw .storage("call \(id) has an unknown status \(statusText)")
        }
        return CallRecord(
            id: try text(0),
            tenant: try text(1),
            scope: try text(2),
            tool: try text(3),
            arguments: try json(4) ?? .object([:]),
            canonical: try text(5),
            fingerprint: try text(6),
            intentKey: row[7].text,
            idempotencyKey: row[8].text,
            signature: FieldSignature(json: try json(9) ?? .object([:])),
            embedding: floats(from: row[10].blob ?? []),
            status: status,
            result: try json(12),
            error: row[13].text,
            retryable: row[14].bool ?? false,
            attempts: Int(try integer(15)),
            leaseExpiresAt: row[16].integer.map(Date.init(millis:)),
            createdAt: Date(millis: try integer(17)),
            updatedAt: Date(millis: try integer(18)),
            completedAt: row[19].integer.map(Date.init(millis:)),
            expiresAt: Date(millis: try integer(20)),
            keyVersion: row[22].text ?? "",
            modelID: row[23].text ?? ""
        )
    }

    /// The stored form of a vector: a format byte (``float16Format``), then each value as an IEEE 754
    /// half, little-endian. Half the bytes of Float32: the embedding was half of a typical `calls` row,
    /// which at 2.1 KB filled a 4 KiB page alone. The rounding (2⁻¹¹ of each value) moves a cosine by
    /// about 10⁻⁴; the labelled pairs' report is the same to the last digit. A vector with a value a half
    /// cannot hold (an embedder that does not normalise) is stored as bare Float32 values, as before.
    public static func bytes(of vector: [Float]) -> [UInt8] {
        guard fitsHalves(vector) else { return vector.withUnsafeBytes { Array($0) } }
        var bytes = [UInt8](repeating: 0, count: 1 + 2 * vector.count)
        bytes[0] = float16Format
        for (index, value) in vector.enumerated() {
            let bits = Float16(value).bitPattern
            bytes[1 + 2 * index] = UInt8(truncatingIfNeeded: bits)
            bytes[2 + 2 * index] = UInt8(truncatingIfNeeded: bits >> 8)
        }
        return bytes
    }

    /// `vector` as it reads back from a store: what ``bytes(of:)`` keeps of it. The ledger embeds at this
    /// precision from the start, so the record it holds, the index code made from that record and the row
    /// read back later are one vector.
    public static func storedPrecision(_ vector: [Float]) -> [Float] {
        fitsHalves(vector) ? vector.map { Float(Float16($0)) } : vector
    }

    /// Whether every value of `vector` is one a half can hold (else it is stored as Float32).
    private static func fitsHalves(_ vector: [Float]) -> Bool {
        let largest = Float(Float16.greatestFiniteMagnitude)
        return vector.allSatisfy { abs($0) <= largest }
    }

    /// The first byte of a vector stored as halves. Vectors written before it are bare Float32 values, a
    /// multiple of four bytes long, so the two never share a length.
    public static let float16Format: UInt8 = 1

    /// The vector stored by ``bytes(of:)``, or bare little-endian Float32 values (rows written before
    /// halves); empty for bytes that are neither.
    public static func floats(from bytes: [UInt8]) -> [Float] {
        if bytes.count % 4 == 0 {
            return bytes.withUnsafeBytes { buffer in Array(buffer.bindMemory(to: Float.self)) }
        }
        guard bytes.count % 2 == 1, bytes[0] == float16Format else { return [] }
        let count = (bytes.count - 1) / 2
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                let bits = UInt16(bytes[1 + 2 * index]) | UInt16(bytes[2 + 2 * index]) << 8
                buffer[index] = Float(Float16(bitPattern: bits))
            }
            initialized = count
        }
    }
}

/// One column value of a stored row: the common ground of the SQL stores' drivers.
public enum ColumnValue: Sendable, Hashable {
    /// SQL NULL.
    case null
    /// A 64-bit integer.
    case integer(Int64)
    /// UTF-8 text.
    case text(String)
    /// Raw bytes.
    case blob([UInt8])
    /// A boolean.
    case bool(Bool)

    static func optionalText(_ text: String?) -> ColumnValue { text.map(ColumnValue.text) ?? .null }
    static func optionalInteger(_ integer: Int64?) -> ColumnValue { integer.map(ColumnValue.integer) ?? .null }

    /// The text, if this is text.
    public var text: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    /// The integer, if this is an integer (or a boolean, as SQLite stores one).
    public var integer: Int64? {
        switch self {
        case .integer(let integer): integer
        case .bool(let bool): bool ? 1 : 0
        default: nil
        }
    }

    /// The bytes, if this is a blob.
    public var blob: [UInt8]? {
        if case .blob(let bytes) = self { return bytes }
        return nil
    }

    /// The boolean, if this is a boolean (or an integer, as SQLite stores one).
    public var bool: Bool? {
        switch self {
        case .bool(let bool): bool
        case .integer(let integer): integer != 0
        default: nil
        }
    }
}
