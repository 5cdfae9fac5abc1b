public import Foundation
public import Logging

/// How a ledger decides and how long it remembers, with documented defaults.
public struct LedgerConfiguration: Sendable {
    /// How long a claimed action is remembered (default 24 hours); a completion extends it to a full
    /// window after the outcome is known.
    public var window: Duration
    /// How long a claim holds the action before another caller may take it over (default 60 seconds).
    public var defaultLease: Duration
    /// The longest lease a caller may ask for (default 1 hour).
    public var maxLease: Duration
    /// The funnel's thresholds.
    public var funnel: FunnelConfiguration
    /// Normalisation rules and per-tool policies.
    public var normalizer: Normalizer
    /// Judges borderline pairs (default: the calibrated ``PairModelVerifier`` at δ = 0.5 %).
    public var verifier: any Verifier
    /// The current time; tests and `dedup replay` substitute their own clock.
    public var clock: @Sendable () -> Date
    /// How many bytes of rows the in-memory vector index may hold (default 512 MiB, about 1.4 million rows
    /// of the bundled 256-dimension embedder at ~363 bytes a row). Partitions load on first use; past the
    /// budget the least recently used are dropped and load again when next used, so memory stays bounded
    /// however many partitions the store holds, at the price of a reload for a partition that comes back.
    public var indexMemoryBytes: Int
    /// Where the ledger reports what it does on its own (re-keying records on open); the caller's logger,
    /// by default one that discards everything.
    public var logger: Logger

    /// A configuration; every parameter has the documented default.
    public init(
        window: Duration = .seconds(24 * 3600),
        defaultLease: Duration = .seconds(60),
        maxLease: Duration = .seconds(3600),
        funnel: FunnelConfiguration = FunnelConfiguration(),
        normalizer: Normalizer = Normalizer(),
        verifier: any Verifier = PairModelVerifier.builtIn,
        clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "agent-dedup.ledger", factory: { _ in SwiftLogNoOpLogHandler() }),
        indexMemoryBytes: Int = 512 << 20
    ) {
        self.indexMemoryBytes = indexMemoryBytes
        self.window = window
        self.defaultLease = defaultLease
        self.maxLease = maxLease
        self.funnel = funnel
        self.normalizer = normalizer
        self.verifier = verifier
        self.clock = clock
        self.logger = logger
    }
}

extension Date {
    /// Milliseconds since 1970, as stored in the ledger.
    public var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The date `millis` milliseconds after 1970.
    public init(millis: Int64) {
        self.init(timeIntervalSince1970: Double(millis) / 1000)
    }

    func adding(_ duration: Duration) -> Date {
        Date(millis: millis + duration.millis)
    }
}

extension Duration {
    /// Whole milliseconds.
    var millis: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}

extension Date {
    /// RFC 3339 in UTC with milliseconds, e.g. `2026-11-24T10:00:00.000Z`.
    public var rfc3339: String {
        formatted(
            .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true)
                .timeSeparator(.colon).timeZone(separator: .omitted)
        )
    }
}
