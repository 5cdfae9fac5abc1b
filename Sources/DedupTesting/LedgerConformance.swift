public import DedupCore
import Foundation
public import Testing

/// The behaviour every ``DedupCore/Ledger`` backend must show, as one test kit each backend runs against
/// itself (as swift-configuration's `ProviderCompatTest` does for its providers).
///
/// ```swift
/// @Test(arguments: LedgerConformance.cases)
/// func conformance(_ test: LedgerConformance.Case) async throws {
///     try await test.run { configuration in try await SQLiteLedger.open(path: …, configuration: configuration) }
/// }
/// ```
/// Each case gets a fresh ledger from the factory, built with the configuration it passes (a
/// ``TestClock``, short leases), so cases never see each other's records.
public enum LedgerConformance {
    /// Makes a fresh, empty ledger with the given configuration.
    public typealias Factory = @Sendable (LedgerConfiguration) async throws -> any Ledger

    /// One conformance case.
    public struct Case: Sendable, CustomTestStringConvertible {
        /// What the case checks.
        public let name: String
        let body: @Sendable (Factory) async throws -> Void

        /// Runs the case against ledgers from `factory`.
        public func run(_ factory: @escaping Factory) async throws {
            try await body(factory)
        }

        /// The name, shown by the test runner.
        public var testDescription: String { name }
    }

    /// Every case.
    public static let cases: [Case] = lifecycle + semantics + isolation + races + writeRaces + fidelity
}

/// Shared fixtures of the conformance cases.
enum Fixture {
    static let charge = ToolCall(
        tenant: "acme",
        scope: "session-1",
        tool: "charge_card",
        arguments: ["customer": "cus_42", "amount": 4999, "currency": "usd"]
    )

    static let email = ToolCall(
        tenant: "acme",
        scope: "session-1",
        tool: "send_email",
        arguments: [
            "to": "bob@example.com",
            "subject": "Quarterly report",
            "body": "Hi Bob, the quarterly report is attached. Let me know if you have any questions.",
        ]
    )

    static let emailReworded = ToolCall(
        tenant: "acme",
        scope: "session-1",
        tool: "send_email",
        arguments: [
            "to": "Bob@Example.com",
            "subject": "Quarterly report",
            "body": "Hi Bob, the quarterly report is attached. Let me know if you have questions.",
            "request_id": "req_8f3a",
        ]
    )

    static func configuration(_ clock: TestClock) -> LedgerConfiguration {
        LedgerConfiguration(window: .seconds(3600), defaultLease: .seconds(30), clock: clock.closure)
    }

    static func with(_ call: ToolCall, arguments: JSONValue) -> ToolCall {
        var copy = call
        copy.arguments = arguments
        return copy
    }
}
