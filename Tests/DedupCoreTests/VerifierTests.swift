import DedupCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

@Suite struct StructuralVerifierTests {
    func signature(_ arguments: JSONValue) throws -> FieldSignature {
        try Normalizer().normalize(ToolCall(tenant: "t", scope: "s", tool: "post", arguments: arguments)).signature
    }

    @Test func sameContentWordsAreADuplicate() throws {
        let judgement = StructuralVerifier.judge(
            try signature(["text": "Please restart the staging server now", "host": "stg-1"]),
            try signature(["text": "restart the staging server, please", "host": "stg-1"])
        )
        #expect(judgement.answer == .duplicate)
    }

    @Test(arguments: [
        ("Enable dark mode for all users", "Disable dark mode for all users"),
        ("Cancel my subscription to the weekly newsletter", "Resume my subscription to the weekly newsletter"),
        ("Approve the expense report from Dana", "Reject the expense report from Dana"),
        ("Add Carol to the release channel", "Remove Carol from the release channel"),
        ("The deploy should go ahead tonight", "The deploy should not go ahead tonight"),
        ("Lock the front door of the office", "Unlock the front door of the office"),
        ("The feature was enabled yesterday", "The feature was disabled yesterday"),
    ])
    func oppositeActionsAreDistinct(_ first: String, _ second: String) throws {
        let judgement = StructuralVerifier.judge(
            try signature(["text": .string(first)]),
            try signature(["text": .string(second)])
        )
        #expect(judgement.answer == .distinct, "\(judgement.reason)")
    }

    @Test(arguments: [
        ("A young child is riding a horse.", "A child is riding a horse."),
        ("A woman peels a potato.", "A woman is peeling a potato."),
        ("The man is erasing the chalk board.", "A man is erasing a chalk board."),
    ])
    func inflectionsStopWordsAndOneAddedWordAreDuplicates(_ first: String, _ second: String) throws {
        let judgement = StructuralVerifier.judge(
            try signature(["text": .string(first)]),
            try signature(["text": .string(second)])
        )
        #expect(judgement.answer == .duplicate, "\(judgement.reason)")
    }

    @Test(arguments: [
        ("A dog is carrying a man in a canoe.", "A man is carrying a canoe with a dog."),
        ("Bush gets zero credit for the budget.", "And, Obama gets zero credit for the budget."),
        ("A man is playing a flute.", "A man is playing a guitar."),
    ])
    func wordOrderNamesAndOtherWordsAreNotDuplicates(_ first: String, _ second: String) throws {
        let judgement = StructuralVerifier.judge(
            try signature(["text": .string(first)]),
            try signature(["text": .string(second)])
        )
        #expect(judgement.answer != .duplicate, "\(judgement.reason)")
    }

    @Test func otherWordsAreUnsureAndIdentityDifferencesDistinct() throws {
        let unsure = StructuralVerifier.judge(
            try signature(["text": "Ship the new pricing page today"]),
            try signature(["text": "Ship the new onboarding page today"])
        )
        #expect(unsure.answer == .unsure)
        let distinct = StructuralVerifier.judge(
            try signature(["text": "Ship the page today", "env": "prod"]),
            try signature(["text": "Ship the page today", "env": "staging"])
        )
        #expect(distinct.answer == .distinct)
        #expect(distinct.reason.contains("env"))
    }
}

/// The request bodies a ``JudgeServer`` received.
final class Received: Sendable {
    let bodies = Mutex<[String]>([])
}

/// A real HTTP judge on a loopback port (Hummingbird), answering as the test tells it to.
struct JudgeServer {
    enum Behaviour: Sendable {
        case answer(String)
        case status(Int)
        case delay(Duration, String)
    }

    static func with(
        _ behaviour: Behaviour,
        _ body: @Sendable (URL, Received) async throws -> Void
    ) async throws {
        let received = Received()
        let router = Router()
        router.post("judge") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            received.bodies.withLock { $0.append(String(buffer: buffer)) }
            switch behaviour {
            case .answer(let text):
                return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
            case .status(let code):
                return Response(status: HTTPResponse.Status(code: code))
            case .delay(let duration, let text):
                try await Task.sleep(for: duration)
                return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
            }
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        // Cancelling the server at the end of a test is expected; keep its shutdown noise out of the log.
        var logger = Logger(label: "judge")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        // Shut down gracefully (in-flight requests finish): cancelling a server mid-request traps in NIO.
        let services = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            do {
                try await body(URL(string: "http://127.0.0.1:\(port)/judge")!, received)
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }
}

@Suite struct HTTPVerifierTests {
    let proposed: NormalizedCall
    let candidate: CallRecord

    init() throws {
        proposed = try Normalizer()
            .normalize(
                ToolCall(
                    tenant: "t",
                    scope: "s",
                    tool: "send_email",
                    arguments: ["to": "a@x.io", "body": "Hello there friend"]
                )
            )
        candidate = CallRecord(
            id: "call_1",
            tenant: "t",
            scope: "s",
            tool: "send_email",
            arguments: ["to": "a@x.io", "body": "Hello there, my friend"],
            canonical: "",
            fingerprint: "",
            intentKey: nil,
            idempotencyKey: nil,
            signature: proposed.signature,
            embedding: [],
            status: .succeeded,
            leaseExpiresAt: nil,
            createdAt: Date(),
            updatedAt: Date(),
            expiresAt: Date()
        )
    }

    /// For answers that must arrive: the suite runs beside CPU-heavy tests on slow machines, where the
    /// default 2 s can pass before the in-process judge is scheduled.
    static let patient = Duration.seconds(60)

    @Test func aJudgeThatSaysDuplicateIsBelievedAndSeesBothCalls() async throws {
        try await JudgeServer.with(.answer(#"{"decision": "duplicate", "reason": "same greeting"}"#)) { url, received in
            let judgement = await HTTPVerifier(url: url, timeout: Self.patient)
                .verify(
                    proposed,
                    against: candidate,
                    score: 0.87
                )
            #expect(judgement == Judgement(.duplicate, "same greeting"))
            let body = try JSONParser().parse(try #require(received.bodies.withLock { $0.first }))
            #expect(body["tool"] == "send_email")
            #expect(body["candidate"]?["call_id"] == "call_1")
            #expect(body["proposed"]?["arguments"]?["to"] == "a@x.io")
        }
    }

    @Test func aBooleanAnswerWorksToo() async throws {
        try await JudgeServer.with(.answer(#"{"duplicate": false}"#)) { url, _ in
            let verifier = HTTPVerifier(url: url, timeout: Self.patient)
            #expect(await verifier.verify(proposed, against: candidate, score: 0.87).answer == .distinct)
        }
    }

    @Test func slowErrorOrGarbageAnswersAreUnsure() async throws {
        // The judge answers long after the 300 ms timeout, so even a slow machine sees the timeout cut in.
        try await JudgeServer.with(.delay(.seconds(6), #"{"decision": "duplicate"}"#)) { url, _ in
            let start = ContinuousClock.now
            let judgement = await HTTPVerifier(url: url, timeout: .milliseconds(300))
                .verify(
                    proposed,
                    against: candidate,
                    score: 0.87
                )
            #expect(judgement.answer == .unsure)
            #expect(ContinuousClock.now - start < .seconds(6))
        }
        try await JudgeServer.with(.status(500)) { url, _ in
            #expect(await HTTPVerifier(url: url).verify(proposed, against: candidate, score: 0.87).answer == .unsure)
        }
        try await JudgeServer.with(.answer("not json")) { url, _ in
            #expect(await HTTPVerifier(url: url).verify(proposed, against: candidate, score: 0.87).answer == .unsure)
        }
        let closed = URL(string: "http://127.0.0.1:9/judge")!
        #expect(await HTTPVerifier(url: closed).verify(proposed, against: candidate, score: 0.87).answer == .unsure)
    }
}
