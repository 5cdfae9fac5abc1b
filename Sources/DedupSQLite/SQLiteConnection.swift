import CSQLite
import DedupCore

/// One SQLite connection with cached prepared statements.
///
/// Not thread-safe by itself: ``SQLiteStore`` only touches it while holding its lock.
final class SQLiteConnection {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    // Called by SQLite after each commit; kept alive as long as the connection.
    private var walHook: WALGrowth?
    let path: String

    /// SQLite copies bound text and blobs when given this destructor; the constant is not imported.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(path: String) throws(DedupError) {
        self.path = path
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            handle = nil
            throw .storage("cannot open SQLite database \(path): \(message)")
        }
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        close()
    }

    func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Reports every commit's WAL length to `growth` (replacing SQLite's automatic checkpoints).
    func setWALHook(_ growth: WALGrowth) {
        guard let handle else { return }
        growth.install(on: handle)
        walHook = growth
    }

    func execute(_ sql: String) throws(DedupError) {
        guard let handle else { throw .storage("the SQLite database \(path) is closed") }
        var errorMessage: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        guard status == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? "error \(status)"
            sqlite3_free(errorMessage)
            throw error(status, message)
        }
    }

    /// Runs `sql` with `bindings`, calling `row` for each result row.
    func query(_ sql: String, _ bindings: [SQLiteValue] = [], row: (SQLiteRow) throws(DedupError) -> Void = { _ in })
        throws(DedupError)
    {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (position, value) in bindings.enumerated() {
            let index = Int32(position + 1)
            let status: Int32
            switch value {
            case .null: status = sqlite3_bind_null(statement, index)
            case .integer(let integer): status = sqlite3_bind_int64(statement, index, integer)
            case .real(let real): status = sqlite3_bind_double(statement, index, real)
            case .text(let text): status = Self.bind(text, to: statement, at: index)
            case .blob(let bytes):
                status = bytes.withUnsafeBytes { buffer in
                    sqlite3_bind_blob(statement, index, buffer.baseAddress, Int32(buffer.count), Self.transient)
                }
            }
            guard status == SQLITE_OK else { throw error(status, lastMessage) }
        }
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw error(status, lastMessage) }
            try row(SQLiteRow(statement: statement))
        }
    }

    var changes: Int { handle.map { Int(sqlite3_changes($0)) } ?? 0 }

    /// SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY: C macros built from other macros, which
    /// Swift does not import.
    private static let uniquenessViolations: Set<Int32> = [SQLITE_CONSTRAINT | (8 << 8), SQLITE_CONSTRAINT | (6 << 8)]

    /// Whether no transaction is open. SQLite rolls a whole transaction back by itself on some errors
    /// (a full disk, an I/O error); this is how a commit group notices that its transaction is gone.
    var isAutocommit: Bool { handle.map { sqlite3_get_autocommit($0) != 0 } ?? true }

    /// Binds `text` with its byte length: with -1 SQLite would stop at the first NUL byte, and
    /// `"a\u{0}x"` would be stored (and matched) as `"a"`.
    private static func bind(_ text: String, to statement: OpaquePointer, at index: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            // An empty buffer may have no address, and a NULL pointer would bind SQL NULL, not "".
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                return sqlite3_bind_text(statement, index, "", 0, transient)
            }
            return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { pointer in
                sqlite3_bind_text(statement, index, pointer, Int32(bytes.count), transient)
            }
        }
    }

    private var lastMessage: String {
        handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed"
    }

    private func prepared(_ sql: String) throws(DedupError) -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        guard let handle else { throw .storage("the SQLite database \(path) is closed") }
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw error(status, lastMessage) }
        statements[sql] = statement
        return statement
    }

    private func error(_ status: Int32, _ message: String) -> DedupError {
        switch status & 0xFF {
        // Only a uniqueness violation means "someone else took this key" (the ledger retries those); a
        // failed NOT NULL or CHECK is a bug or damage, and retrying it would loop.
        case SQLITE_CONSTRAINT where Self.uniquenessViolations.contains(status):
            .conflict("constraint violated: \(message)")
        case SQLITE_CONSTRAINT: .storage("SQLite constraint failed on \(path): \(message)")
        case SQLITE_BUSY, SQLITE_LOCKED:
            .unavailable("the SQLite database \(path) is locked by another process: \(message)")
        case SQLITE_FULL: .storageFull("the disk holding \(path) is full; nothing was written: \(message)")
        case SQLITE_CORRUPT, SQLITE_NOTADB: .storage("the SQLite database \(path) is damaged: \(message)")
        default: .storage("SQLite error on \(path): \(message)")
        }
    }
}

/// A value bound to a statement parameter.
enum SQLiteValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// The current row of a statement.
struct SQLiteRow {
    let statement: OpaquePointer

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    func real(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }

    /// The column's text, read by its byte length (a NUL byte inside is kept, not an end).
    func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// Calls `body` with the column's text as UTF-8 bytes, valid only during the call.
    func withText<Result>(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let pointer = sqlite3_column_text(statement, column)
        let count = Int(sqlite3_column_bytes(statement, column))
        return body(UnsafeBufferPointer(start: pointer, count: pointer == nil ? 0 : count))
    }

    /// Calls `body` with the column's bytes, valid only during the call.
    func withBlob<Result>(_ column: Int32, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        let pointer = sqlite3_column_blob(statement, column)
        let count = Int(sqlite3_column_bytes(statement, column))
        return body(UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : count))
    }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let pointer = sqlite3_column_blob(statement, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
