public import Foundation
import Synchronization

/// A clock tests move by hand, so lease and window expiry are tested without sleeping.
public final class TestClock: Sendable {
    private let current: Mutex<Date>

    /// A clock reading `start`.
    public init(start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    /// The current reading.
    public var now: Date { current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// The closure ``DedupCore/LedgerConfiguration/clock`` takes.
    public var closure: @Sendable () -> Date { { self.now } }
}
