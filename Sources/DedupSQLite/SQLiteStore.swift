public import DedupCore
import Foundation
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
    // Internal, not private: tests wait on its queue to line writers up into one commit group.
    let lock = AsyncLock()
    private let readers: [(connection: SQLiteConnection, lock: AsyncLock)]
    private let nextReader = Atomic<Int>(0)
    // Set once, at the end of `init` (it needs `self`); read by `close` and `deinit`.
    private var checkpointer: Task<Void, Never>?
    // The write transaction a commit group shares; only read or written while holding `lock`.
    private var openGroup: CommitGroup?
    private static let maxGroupSize = 64
    /// Rounds the checkpointer has run (for tests).
    let checkpointRounds = Atomic<Int>(0)
    /// WAL frames past which the checkpointer restarts the log (4,096 pages of 4 KiB: 16 MiB).
    static let restartFrames = 4096
    /// The size a restarted WAL file is truncated back to.
    static let walSizeLimit = 64 << 20

    /// Opens (creating if needed) and migrates the database at `path`.
    public convenience init(
        path: String,
        durability: Durability = .normal,
        busyTimeout: Duration = .seconds(5),
        readers readerCount: Int = 2
    ) throws(DedupError) {
        try self.init(
            path: path,
            durability: durability,
            busyTimeout: busyTimeout,
            readers: readerCount,
            checkpointTick: .seconds(1)
        )
    }

    /// Opens the database with the checkpointer's round, besides those the WAL's growth starts, every
    /// `checkpointTick`.
    init(
        path: String,
        durability: Durability,
        busyTimeout: Duration,
        readers readerCount: Int,
        checkpointTick: Duration
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
        // Each claim of a commit group runs in a savepoint, whose statement journal holds the original of
        // every page the claim changes. Spilled to a temporary file (past 64 KiB) it was written page by
        // page: measured under HTTP load, 34 KB a claim, three times the WAL's bytes. In memory it is a copy.
        try connection.execute("PRAGMA temp_store = MEMORY")
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
        // runs them on a connection of its own, off every request's path: as soon as the writer's commits
        // have grown the log (`WALGrowth`), and once a second for what other processes wrote.
        checkpointer = nil
        if path != ":memory:" {
            try connection.execute("PRAGMA wal_autocheckpoint = 0")
            try connection.execute("PRAGMA journal_size_limit = \(Self.walSizeLimit)")
            let checkpointConnection = try SQLiteConnection(path: path)
            try checkpointConnection.execute("PRAGMA busy_timeout = 1000")
            let growth = WALGrowth(threshold: Self.restartFrames)
            connection.setWALHook(growth)
            let ticker = Task.detached(priority: .background) {
                while !Task.isCancelled {
                    try? await Task.sleep(for: checkpointTick)
                    growth.wakeUp()
                }
            }
            checkpointer = Task.detached(priority: .background) { [weak self] in
                for await _ in growth.wakeUps {
                    guard let self, !Task.isCancelled else { break }
                    await self.checkpoint(on: checkpointConnection)
                }
                ticker.cancel()
                checkpointConnection.close()
            }
        }
    }

    /// One round of the checkpointer.
    ///
    /// A `PASSIVE` checkpoint copies committed pages back without stopping anyone, but it never makes
    /// the WAL start over: SQLite only rewinds the log when a write transaction *begins* on a fully
    /// copied WAL, and under steady load the group-commit writer always has one open. Left alone the
    /// WAL grows without bound (a soak test saw 600 MiB in 20 s). So when the log is long, the
    /// checkpointer takes the writer lock — committing any open group — and runs `RESTART`, which
    /// has only the last moment's pages left to copy and waits for readers still on the old log; the
    /// next write starts the WAL from the top and `journal_size_limit` trims the file.
    private func checkpoint(on checkpointConnection: SQLiteConnection) async {
        checkpointRounds.add(1, ordering: .relaxed)
        var logFrames = 0
        try? checkpointConnection.query("PRAGMA wal_checkpoint(PASSIVE)") { row in logFrames = Int(row.integer(1)) }
        guard logFrames > Self.restartFrames else { return }
        await lock.withLock {
            commitOpenGroup()
            try? checkpointConnection.execute("PRAGMA wal_checkpoint(RESTART)")
        }
    }

    deinit {
        checkpointer?.cancel()
    }

    /// Claims on this store are serialised by the one writer lock plus `BEGIN IMMEDIATE`.
    public func withPartitionLock<T: Sendable>(
        _ partition: PartitionKey,
        _ body: (SQLiteTransaction) async throws -> T
    ) async throws -> T {
        try await withWriteTransaction(body)
    }

    /// Runs `body` in a write transaction; returns only once its writes are committed.
    ///
    /// Group commit: while writers queue for the lock, the holder leaves its transaction open and hands
    /// the lock on; the last of the group (or the 64th) commits for everyone. Each body runs in its own
    /// savepoint, so one that throws undoes only its own writes. Nobody is answered before the commit
    /// that makes their writes durable, and a failed commit fails every member of the group.
    public func withWriteTransaction<T: Sendable>(_ body: (SQLiteTransaction) async throws -> T) async throws -> T {
        await lock.lock()
        let group: CommitGroup
        do {
            if let open = openGroup {
                group = open
            } else {
                try connection.execute("BEGIN IMMEDIATE")
                group = CommitGroup()
                openGroup = group
            }
        } catch {
            lock.unlock()
            throw error
        }
        group.members += 1
        let outcome: Result<T, any Error>
        do {
            // Outside a transaction `SAVEPOINT` would open one of its own and `RELEASE` commit it: this
            // member's writes would land while the group's COMMIT failed and told it otherwise.
            guard !connection.isAutocommit else { throw Self.groupLost }
            try connection.execute("SAVEPOINT claim")
            do {
                outcome = .success(try await body(SQLiteTransaction(connection: connection)))
                try connection.execute("RELEASE claim")
            } catch {
                if !connection.isAutocommit {
                    try? connection.execute("ROLLBACK TO claim")
                    try? connection.execute("RELEASE claim")
                }
                throw error
            }
        } catch {
            if connection.isAutocommit {
                // SQLite rolled the whole group back by itself (a full disk, an I/O error): every
                // member's writes are gone, so every member hears so now, and the next writer begins anew.
                failOpenGroup(with: error)
                lock.unlock()
                throw error
            }
            return try await finish(group, with: .failure(error))
        }
        return try await finish(group, with: outcome)
    }

    private static let groupLost = DedupError.storage(
        "the shared write transaction was rolled back by SQLite; nothing of it was written, retry"
    )

    /// Answers every waiting member of the open group with `error` and forgets the group, whose
    /// transaction SQLite already rolled back; called holding the lock.
    private func failOpenGroup(with error: any Error) {
        guard let group = openGroup else { return }
        openGroup = nil
        for waiter in group.waiters { waiter.resume(throwing: error) }
        group.waiters.removeAll()
    }

    /// Hands the open transaction to the next writer, or commits the group; called holding the lock.
    private func finish<T: Sendable>(_ group: CommitGroup, with outcome: Result<T, any Error>) async throws -> T {
        if lock.hasWaiters && group.members < Self.maxGroupSize {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                group.waiters.append(continuation)
                lock.unlock()
            }
            return try outcome.get()
        }
        let commitError = commitOpenGroup()
        lock.unlock()
        if let commitError { throw commitError }
        return try outcome.get()
    }

    /// Commits the open group, if any, and answers its waiting members; called holding the lock.
    /// Returns the commit's error, which every member also receives.
    @discardableResult
    private func commitOpenGroup() -> (any Error)? {
        guard let group = openGroup else { return nil }
        openGroup = nil
        var commitError: (any Error)?
        do {
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            commitError = error
        }
        for waiter in group.waiters {
            if let commitError { waiter.resume(throwing: commitError) } else { waiter.resume() }
        }
        return commitError
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
        let isWriter = connection == nil
        let connection = connection ?? self.connection
        return try await (lock ?? self.lock)
            .withLock {
                // The writer may hold a commit group's open transaction, handed on to us: finish it first.
                if isWriter { commitOpenGroup() }
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
            commitOpenGroup()
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
            commitOpenGroup()
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

/// Writers sharing one transaction, waiting for the commit; only touched while holding the writer lock.
private final class CommitGroup {
    var members = 0
    var waiters: [CheckedContinuation<Void, any Error>] = []
}
