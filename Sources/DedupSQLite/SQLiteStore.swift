public import DedupCore
public import Foundation
import Synchronization

/// The embedded ledger store: one SQLite file in WAL mode, the default backend.
///
/// Writes go through one connection under one FIFO lock, each in a `BEGIN IMMEDIATE` transaction, which
/// also serialises claims against other processes (the CLI, a second server) using the same file. Reads
/// (`check`, lookups, history) use a small pool of reader connections, which WAL lets run alongside the
/// writer. With `synchronous = NORMAL` (the default) a committed claim
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
    // Each connection is only touched while holding its lock: that is what makes the unchecked Sendable sound.
    private let connection: SQLiteConnection
    private let lock = AsyncLock()
    private let readers: [(connection: SQLiteConnection, lock: AsyncLock)]
    private let nextReader = Atomic<Int>(0)
    private let checkpointer: Task<Void, Never>?

    /// Opens (creating if needed) and migrates the database at `path`.
    public init(
        path: String,
        durability: Durability = .normal,
        busyTimeout: Duration = .seconds(5),
        readers readerCount: Int = 2
    ) throws(DedupError) {
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
        var readers: [(SQLiteConnection, AsyncLock)] = []
        // An in-memory database is private to its connection: readers would see another, empty one.
        if path != ":memory:" {
            for _ in 0..<readerCount {
                let reader = try SQLiteConnection(path: path)
                try reader.execute("PRAGMA busy_timeout = \(busyTimeout.components.seconds * 1000)")
                readers.append((reader, AsyncLock()))
            }
        }
        self.readers = readers
        // Checkpoints copy the WAL back into the database and fsync it. Left to SQLite they run inside
        // whichever commit crosses 1000 pages, a latency spike for that claim; here a background task
        // runs them once a second on a connection of its own, off every request's path.
        if path != ":memory:" {
            try connection.execute("PRAGMA wal_autocheckpoint = 0")
            let checkpointConnection = try SQLiteConnection(path: path)
            try checkpointConnection.execute("PRAGMA busy_timeout = 1000")
            checkpointer = Task.detached(priority: .background) {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    try? checkpointConnection.execute("PRAGMA wal_checkpoint(PASSIVE)")
                }
                checkpointConnection.close()
            }
        } else {
            checkpointer = nil
        }
    }

    deinit {
        checkpointer?.cancel()
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

    /// A read transaction on one of the reader connections (a consistent WAL snapshot).
    public func withReadTransaction<T: Sendable>(_ body: (SQLiteTransaction) async throws -> T) async throws -> T {
        guard !readers.isEmpty else { return try await transaction(begin: "BEGIN", body) }
        let reader = readers[nextReader.add(1, ordering: .relaxed).oldValue % readers.count]
        return try await transaction(begin: "BEGIN", on: reader.connection, lock: reader.lock, body)
    }

    private func transaction<T: Sendable>(
        begin: String,
        on connection: SQLiteConnection? = nil,
        lock: AsyncLock? = nil,
        _ body: (SQLiteTransaction) async throws -> T
    ) async throws -> T {
        let connection = connection ?? self.connection
        return try await (lock ?? self.lock)
            .withLock {
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
        checkpointer?.cancel()
        _ = await checkpointer?.value
        for reader in readers { await reader.lock.withLock { reader.connection.close() } }
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
