import DedupCore
import Testing

extension LedgerConformance {
    static let lifecycle: [Case] = [
        Case(name: "a new call is claimed as pending") { factory in
            let clock = TestClock()
            let ledger = try await factory(Fixture.configuration(clock))
            let verdict = try await ledger.claim(Fixture.charge)
            #expect(verdict.decision == .new)
            #expect(verdict.layer == nil)
            #expect(verdict.attempt == 1)
            let id = try #require(verdict.callID)
            let record = try #require(try await ledger.record(tenant: "acme", callID: id))
            #expect(record.status == .pending)
            #expect(record.attempts == 1)
            #expect(record.arguments == Fixture.charge.arguments)
        },
        Case(name: "a repeat while pending is in progress") { factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            let first = try await ledger.claim(Fixture.charge)
            let second = try await ledger.claim(Fixture.charge)
            #expect(second.decision == .inProgress)
            #expect(second.callID == first.callID)
            #expect(second.layer == .exact)
            #expect(second.match?.status == .pending)
        },
        Case(name: "after success a repeat is a duplicate with the stored result and runs nothing") { factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            var executions = 0
            for _ in 0..<3 {
                let verdict = try await ledger.claim(Fixture.charge)
                if verdict.decision == .new {
                    executions += 1
                    _ = try await ledger.complete(
                        tenant: "acme",
                        callID: verdict.callID!,
                        .succeeded(["charge_id": "ch_1", "amount": 4999])
                    )
                } else {
                    #expect(verdict.decision == .duplicate)
                    #expect(verdict.match?.status == .succeeded)
                    #expect(verdict.match?.result == ["charge_id": "ch_1", "amount": 4999])
                }
            }
            #expect(executions == 1)
        },
        Case(name: "a retryable failure releases the action for a new attempt") { factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            let first = try await ledger.claim(Fixture.charge)
            _ = try await ledger.complete(
                tenant: "acme",
                callID: first.callID!,
                .failed("card network timeout", retryable: true)
            )
            let second = try await ledger.claim(Fixture.charge)
            #expect(second.decision == .new)
            #expect(second.callID == first.callID)
            #expect(second.attempt == 2)
            #expect(second.recovered == false)
            let record = try #require(try await ledger.record(tenant: "acme", callID: first.callID!))
            #expect(record.status == .pending)
            #expect(record.attempts == 2)
            #expect(try await ledger.claim(Fixture.charge).decision == .inProgress)
        },
        Case(name: "a terminal failure is replayed") { factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            let first = try await ledger.claim(Fixture.charge)
            _ = try await ledger.complete(tenant: "acme", callID: first.callID!, .failed("card declined"))
            let second = try await ledger.claim(Fixture.charge)
            #expect(second.decision == .duplicate)
            #expect(second.match?.status == .failed)
            #expect(second.match?.error == "card declined")
        },
        Case(name: "an expired lease is taken over and flagged recovered") { factory in
            let clock = TestClock()
            let ledger = try await factory(Fixture.configuration(clock))
            let first = try await ledger.claim(Fixture.charge, lease: .seconds(10))
            clock.advance(by: .seconds(9))
            #expect(try await ledger.claim(Fixture.charge).decision == .inProgress)
            clock.advance(by: .seconds(2))
            let takeover = try await ledger.claim(Fixture.charge)
            #expect(takeover.decision == .new)
            #expect(takeover.recovered)
            #expect(takeover.callID == first.callID)
            #expect(takeover.attempt == 2)
            #expect(try await ledger.claim(Fixture.charge).decision == .inProgress)
        },
        Case(name: "an idempotency key reused with a different payload is a conflict") { factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            var call = Fixture.charge
            call.idempotencyKey = "order-7"
            let first = try await ledger.claim(call)
            #expect(first.decision == .new)
            let same = try await ledger.claim(call)
            #expect(same.decision == .inProgress)
            #expect(same.layer == .exact)
            var other = Fixture.with(call, arguments: ["customer": "cus_42", "amount": 5000, "currency": "usd"])
            other.idempotencyKey = "order-7"
            let conflict = try await ledger.claim(other)
            #expect(conflict.decision == .conflict)
            #expect(conflict.callID == first.callID)
        },
        Case(name: "completing twice: same outcome accepted, different refused, unknown not found") { factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            let id = try #require(try await ledger.claim(Fixture.charge).callID)
            let done = try await ledger.complete(tenant: "acme", callID: id, .succeeded(["ok": true]))
            let again = try await ledger.complete(tenant: "acme", callID: id, .succeeded(["ok": true]))
            #expect(done == again)
            await #expect(throws: DedupError.self) {
                try await ledger.complete(tenant: "acme", callID: id, .failed("boom"))
            }
            do {
                _ = try await ledger.complete(tenant: "acme", callID: "call_missing", .succeeded())
                Issue.record("completing an unknown call must fail")
            } catch let error as DedupError {
                #expect(error.isNotFound)
            }
        },
        Case(name: "the window expires and prune deletes old records") { factory in
            let clock = TestClock()
            let ledger = try await factory(Fixture.configuration(clock))
            let first = try await ledger.claim(Fixture.email)
            _ = try await ledger.complete(tenant: "acme", callID: first.callID!, .succeeded())
            clock.advance(by: .seconds(3599))
            #expect(try await ledger.check(Fixture.email).decision == .duplicate)
            #expect(try await ledger.check(Fixture.emailReworded).decision == .duplicate)
            clock.advance(by: .seconds(2))
            #expect(try await ledger.check(Fixture.email).decision == .new)
            #expect(try await ledger.check(Fixture.emailReworded).decision == .new)
            #expect(try await ledger.prune() == 1)
            #expect(try await ledger.record(tenant: "acme", callID: first.callID!) == nil)
            let again = try await ledger.claim(Fixture.email)
            #expect(again.decision == .new)
            #expect(again.callID != first.callID)
        },
        Case(name: "prune deletes more than one batch, and only what expired") { factory in
            let clock = TestClock()
            let ledger = try await factory(Fixture.configuration(clock))
            // 1,200 calls (more than two pruning batches), then one more an hour later that must stay.
            for order in 0..<1200 {
                _ = try await ledger.claim(
                    Fixture.with(
                        Fixture.charge,
                        arguments: ["customer": "cus_42", "amount": .number(JSONNumber(order))]
                    )
                )
            }
            clock.advance(by: .seconds(1800))
            let kept = try await ledger.claim(Fixture.email)
            clock.advance(by: .seconds(1801))
            #expect(try await ledger.prune() == 1200)
            #expect(try await ledger.record(tenant: "acme", callID: kept.callID!) != nil)
            #expect(try await ledger.history(tenant: "acme", scope: "session-1", limit: 2000).count == 1)
            #expect(try await ledger.prune() == 0)
        },
        Case(name: "an idempotency key is free again once its record expired") { factory in
            let clock = TestClock()
            let ledger = try await factory(Fixture.configuration(clock))
            var call = Fixture.charge
            call.idempotencyKey = "k-1"
            _ = try await ledger.claim(call)
            clock.advance(by: .seconds(7200))
            var other = Fixture.with(call, arguments: ["customer": "cus_43", "amount": 1, "currency": "usd"])
            other.idempotencyKey = "k-1"
            #expect(try await ledger.claim(other).decision == .new)
        },
        Case(name: "check records nothing") { factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            #expect(try await ledger.check(Fixture.charge).decision == .new)
            #expect(try await ledger.check(Fixture.charge).decision == .new)
            #expect(try await ledger.history(tenant: "acme", scope: "session-1", limit: 10).isEmpty)
            #expect(try await ledger.claim(Fixture.charge).decision == .new)
        },
        Case(name: "history lists a scope oldest first") { factory in
            let clock = TestClock()
            let ledger = try await factory(Fixture.configuration(clock))
            let first = try await ledger.claim(Fixture.charge)
            clock.advance(by: .seconds(1))
            let second = try await ledger.claim(Fixture.email)
            var elsewhere = Fixture.charge
            elsewhere.scope = "session-2"
            _ = try await ledger.claim(elsewhere)
            let history = try await ledger.history(tenant: "acme", scope: "session-1", limit: 10)
            #expect(history.map(\.id) == [first.callID!, second.callID!])
        },
        Case(name: "the audit timeline records every claim decision and completion in order") { factory in
            let clock = TestClock()
            let ledger = try await factory(Fixture.configuration(clock))
            let first = try await ledger.claim(Fixture.charge, lease: .seconds(5))
            _ = try await ledger.claim(Fixture.charge)
            _ = try await ledger.check(Fixture.charge)
            clock.advance(by: .seconds(6))
            _ = try await ledger.claim(Fixture.charge)
            _ = try await ledger.complete(tenant: "acme", callID: first.callID!, .succeeded(["ok": true]))
            _ = try await ledger.claim(Fixture.charge)
            var keyed = Fixture.email
            keyed.idempotencyKey = "k"
            _ = try await ledger.claim(keyed)
            keyed.arguments = ["to": "x@y.io", "subject": "s", "body": "b"]
            _ = try await ledger.claim(keyed)
            let events = try await ledger.events(tenant: "acme", scope: "session-1", limit: 100)
            #expect(
                events.map(\.kind) == [.claimed, .inProgress, .takeover, .completed, .duplicate, .claimed, .conflict]
            )
            #expect(events[1].layer == .exact)
            #expect(events[2].attempt == 2)
            #expect(events[3].status == .succeeded)
            #expect(try await ledger.events(tenant: "globex", scope: "session-1", limit: 100).isEmpty)
        },
        Case(name: "bad input is refused with a clear error and records nothing") { factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            for call in [
                Fixture.with(Fixture.charge, arguments: [1, 2]),
                Fixture.with(Fixture.charge, arguments: "text"),
                ToolCall(tenant: "acme", scope: " ", tool: "x"),
                ToolCall(tenant: "acme", scope: "s", tool: ""),
            ] {
                do {
                    _ = try await ledger.claim(call)
                    Issue.record("claim of \(call) must fail")
                } catch let error as DedupError {
                    #expect(error.isInvalidInput)
                }
            }
            await #expect(throws: DedupError.self) { try await ledger.claim(Fixture.charge, lease: .seconds(0)) }
            #expect(try await ledger.history(tenant: "acme", scope: "session-1", limit: 10).isEmpty)
        },
    ]
}
