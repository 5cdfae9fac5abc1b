import Synchronization

/// One first-in, first-out line per partition inside a process: work on one partition waits its turn
/// without holding up any other.
///
/// The PostgreSQL store queues claims here before they take a pooled connection: otherwise every waiting
/// claim of a hot partition holds a connection while it sits in `pg_advisory_xact_lock`, and a few dozen
/// of them starve every other partition and every completion. The ledger queues a partition's first load
/// here, so concurrent first uses read it once while other partitions load alongside.
/// Unlike ``AsyncLock`` a waiter leaves the line when its task is cancelled (a request cut off by its
/// deadline stops waiting), and lines are keyed, created on first use and dropped when empty.
package final class PartitionQueue: Sendable {
    private struct Waiter {
        let ticket: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    /// A line exists while its partition's turn is held; `waiters` are queued behind the holder.
    private struct State {
        var lines: [UInt64: [Waiter]] = [:]
        var nextTicket: UInt64 = 0
    }

    private let state = Mutex(State())

    /// An empty set of lines.
    package init() {}

    /// Runs `body` once every earlier caller with the same `key` has finished; throws `CancellationError`
    /// if the task is cancelled while it waits (its place in line is given up).
    package func withTurn<T: Sendable>(_ key: UInt64, _ body: () async throws -> T) async throws -> T {
        try await take(key)
        defer { release(key) }
        return try await body()
    }

    /// How many callers wait behind the holder of `key`'s turn; `nil` when nobody holds it.
    package func waiting(_ key: UInt64) -> Int? {
        state.withLock { $0.lines[key]?.count }
    }

    private func take(_ key: UInt64) async throws {
        let ticket = state.withLock { state -> UInt64? in
            guard state.lines[key] != nil else {
                state.lines[key] = []
                return nil
            }
            state.nextTicket += 1
            return state.nextTicket
        }
        guard let ticket else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Cancellation sets the flag before it runs the handler, and both sides hold the mutex: either
                // the handler finds this waiter in line, or this check sees the flag.
                let admitted = state.withLock { state -> Bool? in
                    if Task.isCancelled { return false }
                    guard state.lines[key] != nil else {
                        state.lines[key] = []
                        return true
                    }
                    state.lines[key]!.append(Waiter(ticket: ticket, continuation: continuation))
                    return nil
                }
                switch admitted {
                case true?: continuation.resume()
                case false?: continuation.resume(throwing: CancellationError())
                case nil: break
                }
            }
        } onCancel: {
            let leaving = state.withLock { state -> Waiter? in
                guard let index = state.lines[key]?.firstIndex(where: { $0.ticket == ticket }) else { return nil }
                return state.lines[key]!.remove(at: index)
            }
            leaving?.continuation.resume(throwing: CancellationError())
        }
    }

    private func release(_ key: UInt64) {
        let next = state.withLock { state -> Waiter? in
            guard let line = state.lines[key], !line.isEmpty else {
                state.lines[key] = nil
                return nil
            }
            return state.lines[key]!.removeFirst()
        }
        next?.continuation.resume()
    }
}
