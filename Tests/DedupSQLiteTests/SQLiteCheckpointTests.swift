import DedupCore
import DedupTesting
import Foundation
import Synchronization
import Testing

@testable import DedupSQLite

@Suite struct SQLiteCheckpointTests {
    /// With the checkpointer's own round an hour away, only the WAL's growth can start one: commits that
    /// take the log past the restart mark must, without waiting for the clock.
    @Test func aCommitThatGrowsTheWALWakesTheCheckpointer() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(
            path: directory.path("ledger.sqlite"),
            durability: .normal,
            busyTimeout: .seconds(5),
            readers: 2,
            checkpointTick: .seconds(3600)
        )
        let text = JSONValue.string(String(repeating: "page filler ", count: 300))
        // A row of over 3 KiB takes a page of its own: more pages than the restart mark and a step, in
        // commits of 500 rows so that no test holds a thread of the shared pool for long.
        let rows = SQLiteStore.restartFrames + Int(WALGrowth.step) + 500
        for batch in stride(from: 0, to: rows, by: 500) {
            try await store.withWriteTransaction { transaction in
                for index in batch..<min(batch + 500, rows) {
                    var record = SQLiteGroupCommitTests.record(index)
                    record.arguments = ["text": text]
                    try transaction.insert(record)
                }
            }
        }
        // Generous for a slow machine; a woken checkpointer takes milliseconds.
        let deadline = ContinuousClock.now + .seconds(60)
        while store.checkpointRounds.load(ordering: .relaxed) == 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(store.checkpointRounds.load(ordering: .relaxed) > 0)
        await store.close()
    }
}
