import Synchronization

/// One clock for the deadlines of every request in flight.
///
/// Why not a `Task.sleep` per request: each sleep is a dispatch timer, armed through the dispatch manager
/// thread and a wakeup of its own. Under load that was about a tenth of the server's CPU for timers that
/// almost never fire. Here a single loop runs while deadlines are pending, wakes every ``resolution`` and
/// fires the deadlines that have passed; scheduling and cancelling one is a dictionary insert and removal
/// under a lock. A deadline fires at most ``resolution`` (plus scheduling delay) late, which is nothing
/// next to request timeouts of seconds.
final class Deadlines: Sendable {
    /// A scheduled deadline, to cancel it with.
    struct Token: Hashable, Sendable {
        fileprivate let id: UInt64
    }

    private struct Entry {
        let due: ContinuousClock.Instant
        let fire: @Sendable () -> Void
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
        /// No pending deadline is due before this; the loop only scans the entries once it has passed.
        var earliestDue: ContinuousClock.Instant? = nil
        var running = false
    }

    private let state = Mutex(State())
    /// How often the loop looks for deadlines that have passed while any is pending.
    let resolution: Duration

    /// The server's clock.
    static let shared = Deadlines()

    /// A clock firing deadlines within `resolution` of their time.
    init(resolution: Duration = .milliseconds(10)) {
        self.resolution = resolution
    }

    /// How many deadlines are pending.
    var pendingCount: Int { state.withLock { $0.entries.count } }

    /// Runs `fire` once `delay` has passed, unless the deadline is cancelled first. `fire` runs on the
    /// clock's loop, so it should only resume or cancel something.
    func schedule(after delay: Duration, _ fire: @escaping @Sendable () -> Void) -> Token {
        let due = ContinuousClock.now + delay
        let (token, start) = state.withLock { state in
            state.nextID += 1
            state.entries[state.nextID] = Entry(due: due, fire: fire)
            state.earliestDue = min(state.earliestDue ?? due, due)
            defer { state.running = true }
            return (Token(id: state.nextID), !state.running)
        }
        // High priority: a deadline has to fire when the server is busiest, and a loop at the priority of
        // the requests it times out waits behind them.
        if start { Task.detached(priority: .high) { await self.run() } }
        return token
    }

    /// Cancels a deadline. Returns false when it had already fired or been cancelled.
    @discardableResult
    func cancel(_ token: Token) -> Bool {
        state.withLock { $0.entries.removeValue(forKey: token.id) != nil }
    }

    /// Sleeps for `delay`, like `Task.sleep(for:)`, and throws `CancellationError` when the task is
    /// cancelled first.
    func sleep(for delay: Duration) async throws {
        let sleeper = Sleeper()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                sleeper.wait(continuation)
                let token = schedule(after: delay) { sleeper.finish(.success(())) }
                sleeper.setToken(token, on: self)
            }
        } onCancel: {
            sleeper.finish(.failure(CancellationError()))
        }
    }

    /// Fires what is due every ``resolution``; stops once nothing is pending, and the next deadline scheduled
    /// starts it again.
    private func run() async {
        while true {
            try? await Task.sleep(for: resolution)
            let now = ContinuousClock.now
            let (due, stop) = state.withLock { state -> ([Entry], Bool) in
                var due: [Entry] = []
                if let earliest = state.earliestDue, earliest <= now {
                    var earliestLeft: ContinuousClock.Instant? = nil
                    for (id, entry) in state.entries {
                        if entry.due <= now {
                            due.append(entry)
                            state.entries.removeValue(forKey: id)
                        } else {
                            earliestLeft = min(earliestLeft ?? entry.due, entry.due)
                        }
                    }
                    state.earliestDue = earliestLeft
                }
                if state.entries.isEmpty {
                    state.running = false
                    state.earliestDue = nil
                    return (due, true)
                }
                return (due, false)
            }
            for entry in due { entry.fire() }
            if stop { return }
        }
    }
}

/// The continuation of one ``Deadlines/sleep(for:)``, resumed once by whichever comes first: the deadline
/// or the task's cancellation, which also cancels the deadline.
private final class Sleeper: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Void, any Error>?
        var result: Result<Void, any Error>?
        var token: Deadlines.Token?
        var clock: Deadlines?
    }
    private let state = Mutex(State())

    func wait(_ continuation: CheckedContinuation<Void, any Error>) {
        let result = state.withLock { state -> Result<Void, any Error>? in
            if state.result == nil { state.continuation = continuation }
            return state.result
        }
        if let result { continuation.resume(with: result) }
    }

    func setToken(_ token: Deadlines.Token, on clock: Deadlines) {
        let finished = state.withLock { state in
            state.token = token
            state.clock = clock
            return state.result != nil
        }
        if finished { clock.cancel(token) }
    }

    func finish(_ result: Result<Void, any Error>) {
        let (continuation, token, clock) = state.withLock {
            state -> (CheckedContinuation<Void, any Error>?, Deadlines.Token?, Deadlines?) in
            guard state.result == nil else { return (nil, nil, nil) }
            state.result = result
            defer { state.continuation = nil }
            return (state.continuation, state.token, state.clock)
        }
        if let token, let clock { clock.cancel(token) }
        continuation?.resume(with: result)
    }
}
