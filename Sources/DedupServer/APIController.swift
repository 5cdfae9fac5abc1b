public import DedupCore
import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import Synchronization

/// The `/v1` routes: claim, check, complete, read a call, read a scope's timeline.
public struct APIController: Sendable {
    /// The ledger every route works on.
    public let ledger: any Ledger
    /// Where decisions are counted.
    public let metrics: ServerMetrics
    /// The largest body accepted.
    public let bodyLimit: Int
    /// The longest lease a caller may ask for, in seconds.
    public let maxLeaseSeconds: Int
    /// How long a request may wait on the ledger.
    public let timeout: Duration
    /// How long a client may take to send its body.
    public let bodyTimeout: Duration

    static let callFields: Set<String> = ["scope", "tool", "arguments", "idempotency_key", "lease_seconds"]
    static let completeFields: Set<String> = ["status", "result", "error", "retryable"]
    static let idempotencyHeader = HTTPField.Name("Idempotency-Key")!

    /// A controller.
    public init(
        ledger: any Ledger,
        metrics: ServerMetrics,
        bodyLimit: Int,
        maxLeaseSeconds: Int = 3600,
        timeout: Duration = .seconds(5),
        bodyTimeout: Duration = .seconds(10)
    ) {
        self.ledger = ledger
        self.metrics = metrics
        self.bodyLimit = bodyLimit
        self.maxLeaseSeconds = maxLeaseSeconds
        self.timeout = timeout
        self.bodyTimeout = bodyTimeout
    }

    /// Runs a ledger operation, answering 503 when it takes longer than ``timeout``. A claim cut off this
    /// way may still commit; its retry then finds it `in_progress` under its lease, never a second `new`.
    ///
    /// Not a task group: a group waits for every child, and a connection pool waiting on a dead database
    /// does not always honour cancellation. The operation runs in a task of its own and is abandoned.
    private func deadline<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeout = self.timeout
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let once = ResumeOnce(continuation)
            let work = Task {
                do {
                    once.resume(with: .success(try await operation()))
                } catch {
                    once.resume(with: .failure(error))
                }
            }
            // The deadline is cancelled as soon as the operation answers (`once` does it), so the shared
            // clock holds only the requests in flight.
            once.setDeadline(
                Deadlines.shared.schedule(after: timeout) {
                    once.resume(
                        with: .failure(DedupError.unavailable("the ledger did not answer in time; retry the request"))
                    )
                    work.cancel()
                }
            )
        }
    }

    /// Adds the routes to `group` (which must authenticate).
    public func addRoutes(to group: RouterGroup<DedupRequestContext>) {
        group.post("claim") { request, context in try await decide(request, context, claim: true) }
        group.post("check") { request, context in try await decide(request, context, claim: false) }
        group.post("calls/{id}/complete") { request, context in try await complete(request, context) }
        group.get("calls/{id}") { request, context in try await read(request, context) }
        group.get("scopes/{scope}/events") { request, context in try await events(request, context) }
    }

    private func tenant(_ context: DedupRequestContext) throws -> String {
        guard let tenant = context.tenant else {
            throw Problem(.unauthorized, "unauthorized", "Unauthorized", "send Authorization: Bearer <api key>")
        }
        return tenant
    }

    private func decide(_ request: Request, _ context: DedupRequestContext, claim: Bool) async throws -> Response {
        let tenant = try tenant(context)
        let body = try await JSONBody.read(request, limit: bodyLimit, timeout: bodyTimeout, allowed: Self.callFields)
        let scope = try body.string("scope", required: true)!
        let tool = try body.string("tool", required: true)!
        // `null`, like a missing field, means no arguments: the record always holds an object.
        var arguments = body.members["arguments"] ?? .object([:])
        if arguments == .null { arguments = .object([:]) }
        guard arguments.objectValue != nil else {
            throw JSONBody.invalid("\"arguments\" must be a JSON object, got \(arguments.typeName)")
        }
        var key = try body.string("idempotency_key", required: false)
        if let header = request.headers[Self.idempotencyHeader] {
            if let key, key != header {
                throw JSONBody.invalid("the Idempotency-Key header and \"idempotency_key\" disagree")
            }
            key = header
        }
        let lease = try body.positiveInteger("lease_seconds")
        if let lease, lease > maxLeaseSeconds {
            throw JSONBody.invalid("\"lease_seconds\" must be at most \(maxLeaseSeconds)")
        }
        let call = ToolCall(tenant: tenant, scope: scope, tool: tool, arguments: arguments, idempotencyKey: key)
        let ledger = self.ledger
        let verdict = try await deadline {
            claim ? try await ledger.claim(call, lease: lease.map { .seconds($0) }) : try await ledger.check(call)
        }
        metrics.record(verdict, tenant: tenant, operation: claim ? "claim" : "check")
        context.logger.debug(
            "decision",
            metadata: [
                "tenant": "\(tenant)", "scope": "\(scope)", "tool": "\(tool)",
                "key_hash": "\(key.map { String(StableHash.sha256Hex($0).prefix(12)) } ?? "-")",
                "decision": "\(verdict.decision.rawValue)", "layer": "\(verdict.layer?.rawValue ?? "-")",
                "score": "\(verdict.score.map { String($0) } ?? "-")", "call_id": "\(verdict.callID ?? "-")",
            ]
        )
        var json = verdict.jsonValue
        if !claim, case .object(var members) = json {
            members["borderline"] = .bool(verdict.borderline)
            json = .object(members)
        }
        let status: HTTPResponse.Status =
            switch verdict.decision {
            case .new, .duplicate: .ok
            case .inProgress: claim ? .conflict : .ok
            case .conflict: .unprocessableContent
            }
        return Self.json(json, status: status)
    }

    private func complete(_ request: Request, _ context: DedupRequestContext) async throws -> Response {
        let tenant = try tenant(context)
        let id = try context.parameters.require("id")
        let body = try await JSONBody.read(
            request,
            limit: bodyLimit,
            timeout: bodyTimeout,
            allowed: Self.completeFields
        )
        let statusText = try body.string("status", required: true)!
        guard let status = CallStatus(rawValue: statusText), status != .pending else {
            throw JSONBody.invalid("\"status\" must be \"succeeded\" or \"failed\", not \"\(statusText)\"")
        }
        let retryable = try body.bool("retryable") ?? false
        if retryable && status != .failed { throw JSONBody.invalid("\"retryable\" only goes with \"failed\"") }
        let completion = Completion(
            status: status,
            // Not `flatMap { $0 == .null ? nil : $0 }`: JSONValue is ExpressibleByNilLiteral, so that
            // `nil` would be `.null` again.
            result: body.members["result"].flatMap { value -> JSONValue? in value == .null ? .none : value },
            error: try body.string("error", required: false),
            retryable: retryable
        )
        let ledger = self.ledger
        let record = try await deadline { try await ledger.complete(tenant: tenant, callID: id, completion) }
        metrics.recordCompletion(status: status, tenant: tenant)
        return Self.json(record.jsonValue)
    }

    private func read(_ request: Request, _ context: DedupRequestContext) async throws -> Response {
        let tenant = try tenant(context)
        let id = try context.parameters.require("id")
        let ledger = self.ledger
        guard let record = try await deadline({ try await ledger.record(tenant: tenant, callID: id) }) else {
            throw DedupError.notFound("no call \(id) for this tenant")
        }
        return Self.json(record.jsonValue)
    }

    private func events(_ request: Request, _ context: DedupRequestContext) async throws -> Response {
        let tenant = try tenant(context)
        // The path segment is percent-encoded ("session%2042" is the scope "session 42"); decoded, it
        // obeys the same rule as a claim's scope, so a lookup never aliases "a\u{0}x" to "a".
        guard let scope = try context.parameters.require("scope").removingPercentEncoding else {
            throw JSONBody.invalid("the scope in the path is not valid percent-encoded UTF-8")
        }
        try ToolCall.validate(name: scope, label: "scope", maxLength: .max)
        var limit = 1000
        if let text = request.uri.queryParameters["limit"] {
            guard let value = Int(text), (1...10_000).contains(value) else {
                throw JSONBody.invalid("limit must be a whole number from 1 to 10000")
            }
            limit = value
        }
        let ledger = self.ledger
        let count = limit
        let events = try await deadline { try await ledger.events(tenant: tenant, scope: scope, limit: count) }
        return Self.json(["scope": .string(scope), "events": .array(events.map(\.jsonValue))])
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: value.canonicalText))
        )
    }
}

/// Resumes a continuation once, whoever comes first, and then cancels the deadline racing the operation.
private final class ResumeOnce<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var deadline: Deadlines.Token?
    }
    private let state: Mutex<State>

    init(_ continuation: CheckedContinuation<T, any Error>) {
        state = Mutex(State(continuation: continuation))
    }

    /// Keeps the deadline to cancel on resumption — at once, if the operation has already answered.
    func setDeadline(_ deadline: Deadlines.Token) {
        let resumed = state.withLock { state in
            state.deadline = deadline
            return state.continuation == nil
        }
        if resumed { Deadlines.shared.cancel(deadline) }
    }

    func resume(with result: Result<T, any Error>) {
        let deadline = state.withLock { state -> Deadlines.Token? in
            guard let continuation = state.continuation else { return nil }
            continuation.resume(with: result)
            state.continuation = nil
            defer { state.deadline = nil }
            return state.deadline
        }
        if let deadline { Deadlines.shared.cancel(deadline) }
    }
}
