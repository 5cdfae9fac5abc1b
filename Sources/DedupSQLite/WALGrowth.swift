import CSQLite

/// Wakes the checkpointer when the writer's commits have grown the WAL by another ``step`` frames past
/// ``SQLiteStore/restartFrames``, instead of leaving the log to the checkpointer's once-a-second round.
///
/// A checkpoint's cost grows with the log it copies back: at one connection claims write about 16
/// frames each, so a second of them is over 100 MiB of WAL, and copying that back (with the `RESTART`
/// under the writer lock) slowed one claim in fifty by 10–40 ms. Checkpointing as the log grows keeps each
/// round short: claim p99 at one connection went from 18–22 ms to 4.0–4.5 ms (8 s of `wrk --latency`
/// with `bench/load/claim.lua`, two rounds; bench/results/load.md).
///
/// SQLite calls the hook on the writer connection after each commit, while the store holds its writer lock,
/// so the counter needs no lock of its own.
final class WALGrowth: @unchecked Sendable {
    /// Growth, in frames, between two wake-ups: 4 MiB of 4 KiB pages.
    static let step: Int32 = 1024

    /// One element per wake-up; a wake-up not yet taken absorbs the later ones.
    let wakeUps: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let threshold: Int32
    private var framesAtLastWakeUp: Int32 = 0

    /// Growth past `threshold` frames wakes the checkpointer.
    init(threshold: Int) {
        self.threshold = Int32(clamping: threshold)
        (wakeUps, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Installs the hook on the writer's `handle`; `self` must outlive the connection's use of it.
    func install(on handle: OpaquePointer) {
        sqlite3_wal_hook(
            handle,
            { context, _, _, frames in
                if let context { Unmanaged<WALGrowth>.fromOpaque(context).takeUnretainedValue().committed(frames) }
                return SQLITE_OK
            },
            Unmanaged.passUnretained(self).toOpaque()
        )
    }

    /// Wakes the checkpointer (also for rounds nothing commits for, like the once-a-second tick).
    func wakeUp() {
        continuation.yield()
    }

    /// A commit left `frames` frames in the WAL.
    private func committed(_ frames: Int32) {
        // The log was restarted since the last wake-up: count from its new start.
        if frames < framesAtLastWakeUp { framesAtLastWakeUp = 0 }
        guard frames > threshold, frames - framesAtLastWakeUp >= Self.step else { return }
        framesAtLastWakeUp = frames
        continuation.yield()
    }
}
