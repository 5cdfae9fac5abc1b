import DedupCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Synchronization
import Testing

@testable import DedupServer

/// The shared clock behind the request and body deadlines: a deadline fires once, after its delay, unless
/// cancelled; a sleep ends early when its task is cancelled. Bounds are loose on purpose: they must hold on
/// a machine several times slower than this one.
@Suite struct DeadlinesTests {
    @Test func aDeadlineFiresOnceAfterItsDelayAndTheLoopStops() async throws {
        let clock = Deadlines()
        let fired = Mutex<[ContinuousClock.Instant]>([])
        let start = ContinuousClock.now
        _ = clock.schedule(after: .milliseconds(50)) { fired.withLock { $0.append(.now) } }
        try await waitUntil { fired.withLock { !$0.isEmpty } }
        try await Task.sleep(for: .milliseconds(100))
        let times = fired.withLock { $0 }
        #expect(times.count == 1)
        #expect(times[0] - start >= .milliseconds(50), "fired before its delay")
        #expect(clock.pendingCount == 0)
    }

    @Test func aCancelledDeadlineNeverFires() async throws {
        let clock = Deadlines()
        let fired = Mutex<Set<Int>>([])
        var tokens: [Int: Deadlines.Token] = [:]
        for number in 0..<1000 {
            tokens[number] = clock.schedule(after: .milliseconds(20 + number % 30)) {
                _ = fired.withLock { $0.insert(number) }
            }
        }
        for number in 0..<1000 where number.isMultiple(of: 2) {
            #expect(clock.cancel(tokens[number]!))
            #expect(!clock.cancel(tokens[number]!), "a second cancel finds nothing")
        }
        try await waitUntil { clock.pendingCount == 0 }
        let all = fired.withLock { $0 }
        #expect(all == Set((0..<1000).filter { !$0.isMultiple(of: 2) }))
        // A deadline scheduled after the loop stopped starts it again.
        let again = Mutex(false)
        _ = clock.schedule(after: .milliseconds(10)) { again.withLock { $0 = true } }
        try await waitUntil { again.withLock { $0 } }
    }

    @Test func aSleepEndsAfterItsDelayOrAtCancellation() async throws {
        let clock = Deadlines()
        let start = ContinuousClock.now
        try await clock.sleep(for: .milliseconds(30))
        #expect(ContinuousClock.now - start >= .milliseconds(30))

        let sleeper = Task { try await clock.sleep(for: .seconds(600)) }
        try await Task.sleep(for: .milliseconds(20))
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.pendingCount == 0, "the cancelled sleep took its deadline with it")

        // Cancelled before it starts sleeping.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(for: .seconds(600))
        }
        await #expect(throws: CancellationError.self) { try await early.value }
        try await waitUntil { clock.pendingCount == 0 }
    }

    /// A ledger that never answers, and does not honour cancellation either (a pool waiting on a dead
    /// database).
    struct StalledLedger: Ledger {
        /// Waits 20 s on a dispatch timer, which cancellation does not cut short (a `Task.sleep` loop would
        /// spin once cancelled, and spinning tasks would starve the cooperative pool).
        func stall() async {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().asyncAfter(deadline: .now() + 20) { continuation.resume() }
            }
        }
        func claim(_ call: ToolCall, lease: Duration?) async throws -> Verdict {
            await stall()
            throw DedupError.unavailable("stalled")
        }
        func check(_ call: ToolCall) async throws -> Verdict {
            await stall()
            throw DedupError.unavailable("stalled")
        }
        func complete(tenant: String, callID: String, _ completion: Completion) async throws -> CallRecord {
            await stall()
            throw DedupError.unavailable("stalled")
        }
        func record(tenant: String, callID: String) async throws -> CallRecord? { nil }
        func history(tenant: String, scope: String, limit: Int) async throws -> [CallRecord] { [] }
        func events(tenant: String, scope: String, limit: Int) async throws -> [AuditEvent] { [] }
        func prune() async throws -> Int { 0 }
    }

    @Test func aLedgerThatDoesNotAnswerGets503AtTheRequestTimeout() async throws {
        var configuration = ServerConfiguration(
            host: "127.0.0.1",
            port: 0,
            database: ":memory:",
            apiKeys: TestKeys.table,
            bodyLimit: 1 << 20
        )
        configuration.requestTimeout = .milliseconds(200)
        let app = buildApplication(
            configuration: configuration,
            ledger: StalledLedger(),
            logger: TestServer.quietLogger
        )
        try await app.test(.live) { client in
            for path in ["/v1/claim", "/v1/claim", "/v1/check", "/v1/check"] {
                let start = ContinuousClock.now
                let response = try await client.send(
                    .post,
                    path,
                    body: #"{"scope": "s", "tool": "charge_card", "arguments": {"amount": 5}}"#
                )
                let elapsed = ContinuousClock.now - start
                #expect(response.status == 503, "\(path)")
                #expect(response.contentType == "application/problem+json")
                #expect(response.json?["detail"]?.stringValue?.contains("did not answer in time") == true)
                #expect(elapsed >= .milliseconds(200), "answered before the timeout")
                #expect(elapsed < .seconds(15), "waited for the stalled ledger instead of the timeout")
            }
        }
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        let end = ContinuousClock.now + .seconds(30)
        while !condition() {
            guard ContinuousClock.now < end else {
                Issue.record("condition not met within 30 s")
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
