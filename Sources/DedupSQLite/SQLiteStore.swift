public import DedupCore
public import Foundation

/// The embedded ledger store: one SQLite file in WAL mode, the default backend.
///
/// All access goes through one connection under one FIFO lock, and every write runs in a
/// `BEGIN IMMEDIATE` transaction, which also serialises claims against other processes (the CLI, a
/// second server) using the same file. With `synchronous = NORMAL` (the default) a committed claim
/// survives the process being killed; `durability: .full` also survives power loss, at an fsync per
/// commit.
public final class SQLiteStore: LedgerStore, @unchecked Sendable {
    /// How hard SQLite works to keep commits across a power loss.
    public enum Durability: String, Sendable {
        /// `synchronous = NORMAL`: survives a process crash; a power loss may drop the last commits.
        case normal
        /// `synchronous = FULL`: fsync on every commit.
        case full
    }

    /// The database file.
    public let path: String
    // Only touched while holding `lock`: that is what makes the unchecked Sendable sound.
    private let connection: SQLiteConnection
    private let lock = AsyncLock()

    /// Opens (creating if needed) and migrates the database at `path`.
    public init(path: String, durability: Durability = .normal, busyTimeout: Duration = .seconds(5)) throws(DedupError)
    {
        self.path = path
        if path != ":memory:" {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: directory) else {
                throw .storage("cannot create database \(path): the directory \(directory) does not exist")
            }
        }
        connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA busy_timeout = \(busyTimeout.components.seconds * 1000)")
        try connection.execute("PRAGMA journal_mode = WAL")
        try connection.execute("PRAGMA synchronous = \(durability == .full ? "FULL" : "NORMAL")")
        try SQLiteSchema.migrate(connection)
    }

    /// Claims on this store are serialised by the one connection lock plus `BEGIN IMMEDIATE`.
    public func withPartitionLock<T: Sendable>(
        _ partition: PartitionKey,
        _ body: (SQLiteTransaction) async throws -> T
    ) async throws -> T {
        try await withWriteTransaction(body)
    }

    /// A `BEGIN IMMEDIATE` transaction: committed when `body` returns, rolled back when it throws.
    public func withWriteTransaction<T: Sendable>(_ body: (SQLiteTransaction) async throws -> T) async throws -> T {
        try await transaction(begin: "BEGIN IMMEDIATE", body)
    }

    /// A deferred (read) transaction.
    public func withReadTransaction<T: Sendable>(_ body: (SQLiteTransaction) async throws -> T) async throws -> T {
        try await transaction(begin: "BEGIN", body)
    }

    private func transaction<T: Sendable>(begin: String, _ body: (SQLiteTransaction) async throws -> T) async throws
        -> T
    {
        try await lock.withLock {
            try connection.execute(begin)
            do {
                let result = try await body(SQLiteTransaction(connection: connection))
                try connection.execute("COMMIT")
                return result
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs `PRAGMA integrity_check`; returns `"ok"` for a healthy file.
    public func integrityCheck() async throws -> String {
        try await lock.withLock {
            var lines: [String] = []
            try connection.query("PRAGMA integrity_check") { row in lines.append(row.text(0) ?? "") }
            return lines.joined(separator: "\n")
        }
    }

    /// Closes the connection; the store cannot be used afterwards.
    public func close() async {
        await lock.withLock {
            try? connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.close()
        }
    }
}

/// A ``DedupLedger`` over SQLite: the embedded default.
public typealias SQLiteLedger = DedupLedger<SQLiteStore>

extension DedupLedger where Store == SQLiteStore {
    /// Opens the ledger in the SQLite file at `path` with the bundled embedder (or `embedder`).
    public static func open(
        path: String,
        configuration: LedgerConfiguration = LedgerConfiguration(),
        embedder: (any Embedder)? = nil,
        durability: SQLiteStore.Durability = .normal
    ) async throws -> SQLiteLedger {
        let store = try SQLiteStore(path: path, durability: durability)
        let embedder = try embedder ?? HashingEmbedder.bundled()
        return try await SQLiteLedger(store: store, embedder: embedder, configuration: configuration)
    }
}
