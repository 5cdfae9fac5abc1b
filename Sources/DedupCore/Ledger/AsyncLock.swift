import Synchronization

/// A first-in, first-out lock that can be held across `await`, unlike `Mutex`.
///
/// Waiters are resumed in arrival order, so no claim starves behind later ones.
public final class AsyncLock: Sendable {
    private struct State {
        var locked = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var head = 0
    }

    private let state = Mutex(State())

    /// An unlocked lock.
    public init() {}

    /// Runs `body` holding the lock.
    public func withLock<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        await lock()
        defer { unlock() }
        return try await body()
    }

    /// Whether tasks are queued for the lock; only meaningful to the current holder.
    public var hasWaiters: Bool {
        state.withLock { $0.head < $0.waiters.count }
    }

    /// Takes the lock, waiting in line if it is held. Pair with ``unlock()``; prefer ``withLock(_:)``.
    public func lock() async {
        // Uncontended: take it without suspending (a suspension costs an executor hop).
        let acquired = state.withLock { state -> Bool in
            guard !state.locked else { return false }
            state.locked = true
            return true
        }
        if acquired { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { state -> Bool in
                if !state.locked {
                    state.locked = true
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if acquired { continuation.resume() }
        }
    }

    /// Releases the lock, handing it to the next waiter if there is one.
    public func unlock() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.head < state.waiters.count else {
                state.locked = false
                state.waiters.removeAll(keepingCapacity: true)
                state.head = 0
                return nil
            }
            let next = state.waiters[state.head]
            state.head += 1
            return next
        }
        next?.resume()
    }
}
