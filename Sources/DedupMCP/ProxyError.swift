/// Why the proxy could not decide or record a call; the message says what to check.
public struct ProxyError: Error, CustomStringConvertible, Sendable {
    private enum Code: Sendable {
        case ledger
        case upstream
        case usage
    }

    private let code: Code
    /// What went wrong and what to do about it.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The ledger (SQLite file or `dedup serve`) failed or answered something unreadable.
    public static func ledger(_ message: String) -> ProxyError { ProxyError(.ledger, message) }
    /// The upstream MCP server could not be started or talked to.
    public static func upstream(_ message: String) -> ProxyError { ProxyError(.upstream, message) }
    /// The proxy was started wrongly (no upstream command, a bad URL).
    public static func usage(_ message: String) -> ProxyError { ProxyError(.usage, message) }

    /// Whether this is a ledger failure (the proxy then refuses the call rather than risk a second execution).
    public var isLedgerFailure: Bool { code == .ledger }

    /// The message.
    public var description: String { message }
}
