#if os(Linux)
import DedupCore
import DedupTesting
import Foundation
import Testing

@testable import DedupSQLite

/// Each claim of a commit group runs in a savepoint, and SQLite keeps the original of every page the
/// claim changes in a statement journal for `ROLLBACK TO`. Past 64 KiB that journal spills to a temporary
/// file, written page by page: under HTTP load it was 34 KB a claim, three times what the WAL took. The
/// store keeps it in memory.
@Suite struct SQLiteStatementJournalTests {
    @Test func aSavepointsJournalStaysInMemory() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path("ledger.sqlite"))
        try await store.withWriteTransaction { transaction in
            for index in 0..<1000 { try transaction.insert(SQLiteGroupCommitTests.record(index)) }
        }
        let spilled = try await store.withWriteTransaction { transaction in
            // Changes every page of the table and of the fingerprint index: far past the spill threshold.
            try transaction.connection.execute(
                "UPDATE calls SET result = '\(String(repeating: "r", count: 200))', fingerprint = fingerprint || 'x'"
            )
            return Self.openTemporaryFiles()
        }
        #expect(spilled.isEmpty, "SQLite temporary files open in a savepoint: \(spilled)")
        await store.close()
    }

    /// The files this process holds open that are SQLite temporary files (unlinked when opened, their
    /// descriptors read `…/etilqs_… (deleted)`).
    static func openTemporaryFiles() -> [String] {
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return
            descriptors.compactMap {
                try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")
            }
            .filter { $0.contains("etilqs_") }
    }
}
#endif
