import DedupCore
import Testing

extension LedgerConformance {
    /// Writers racing on one record: completions with different outcomes, and a completion against a
    /// takeover. A store whose writes are not conditional on what was read acknowledges both.
    static let writeRaces: [Case] = [
        Case(name: "50 rounds of six concurrent different completions: exactly one outcome is acknowledged") {
            factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            for round in 0..<50 {
                let call = Fixture.with(
                    Fixture.charge,
                    arguments: ["customer": .string("cus_c\(round)"), "amount": 100, "currency": "eur"]
                )
                let id = try #require(try await ledger.claim(call).callID)
                let completions: [Completion] = (0..<6)
                    .map { index in
                        index % 2 == 0
                            ? .succeeded(["charge": .string("ch_\(index)")])
                            : .failed("declined \(index)", retryable: false)
                    }
                let acknowledged = await withTaskGroup(of: Completion?.self) { group in
                    for completion in completions {
                        group.addTask {
                            do {
                                _ = try await ledger.complete(tenant: "acme", callID: id, completion)
                                return completion
                            } catch {
                                return nil
                            }
                        }
                    }
                    return await group.reduce(into: [Completion]()) { if let done = $1 { $0.append(done) } }
                }
                #expect(acknowledged.count == 1, "round \(round): \(acknowledged.count) outcomes acknowledged")
                let stored = try #require(try await ledger.record(tenant: "acme", callID: id))
                if let only = acknowledged.first {
                    #expect(stored.status == only.status && stored.result == only.result && stored.error == only.error)
                }
            }
        },
        Case(name: "50 rounds of a completion racing a takeover: an acknowledged outcome is never overwritten") {
            factory in
            let clock = TestClock()
            let ledger = try await factory(Fixture.configuration(clock))
            for round in 0..<50 {
                let call = Fixture.with(
                    Fixture.charge,
                    arguments: ["customer": .string("cus_t\(round)"), "amount": 100, "currency": "eur"]
                )
                let id = try #require(try await ledger.claim(call, lease: .seconds(5)).callID)
                clock.advance(by: .seconds(6))
                let result: JSONValue = ["charge": .string("ch_\(round)")]
                async let completed: Bool = {
                    do {
                        _ = try await ledger.complete(tenant: "acme", callID: id, .succeeded(result))
                        return true
                    } catch {
                        return false
                    }
                }()
                async let takeover = ledger.claim(call)
                let (wasCompleted, verdict) = try await (completed, takeover)
                let stored = try #require(try await ledger.record(tenant: "acme", callID: id))
                if wasCompleted {
                    // Completed before the takeover (which then replays it) or after it (completing the new
                    // attempt): either way the outcome the caller was told about is what is stored.
                    #expect(stored.status == .succeeded, "round \(round): acknowledged completion overwritten")
                    #expect(stored.result == result)
                } else {
                    #expect(verdict.decision == .new, "round \(round): completion refused without a takeover")
                }
                if verdict.decision == .duplicate { #expect(verdict.match?.result == result) }
            }
        },
    ]

    /// What is stored is what was sent: no store truncates, aliases or refuses differently.
    static let fidelity: [Case] = [
        Case(name: "argument text with a NUL byte is stored whole and never aliases a shorter value") { factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            let first = Fixture.with(Fixture.charge, arguments: ["customer": "cus_42", "note": "a\u{0}x"])
            let second = Fixture.with(Fixture.charge, arguments: ["customer": "cus_42", "note": "a\u{0}y"])
            let short = Fixture.with(Fixture.charge, arguments: ["customer": "cus_42", "note": "a"])
            let id = try #require(try await ledger.claim(first).callID)
            #expect(try await ledger.claim(second).decision == .new)
            #expect(try await ledger.claim(short).decision == .new)
            let stored = try #require(try await ledger.record(tenant: "acme", callID: id))
            #expect(stored.arguments == ["customer": "cus_42", "note": "a\u{0}x"])
            #expect(try await ledger.claim(first).decision == .inProgress)
        },
        Case(name: "names with control characters are refused naming the field; an error with NUL too") { factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            var scoped = Fixture.charge
            scoped.scope = "a\u{0}x"
            var tooled = Fixture.charge
            tooled.tool = "charge\u{7}card"
            var keyed = Fixture.charge
            keyed.idempotencyKey = "key\u{0}1"
            for (call, field) in [(scoped, "scope"), (tooled, "tool"), (keyed, "idempotency_key")] {
                do {
                    _ = try await ledger.claim(call)
                    Issue.record("\(field) with a control character must be refused")
                } catch let error as DedupError {
                    #expect(error.isInvalidInput)
                    #expect(error.message.hasPrefix(field), "\(error.message)")
                }
            }
            #expect(try await ledger.history(tenant: "acme", scope: "a", limit: 10).isEmpty)
            let id = try #require(try await ledger.claim(Fixture.charge).callID)
            do {
                _ = try await ledger.complete(tenant: "acme", callID: id, .failed("bad\u{0}byte"))
                Issue.record("an error message with NUL must be refused")
            } catch let error as DedupError {
                #expect(error.isInvalidInput)
            }
            #expect(try await ledger.record(tenant: "acme", callID: id)?.status == .pending)
        },
    ]
}
