public import Foundation

/// One entry of a scope's audit timeline: what a claim or completion decided, and why.
///
/// Events are written in the same transaction as the decision they describe, so the timeline never
/// shows a claim that did not happen or misses one that did.
public struct AuditEvent: Sendable, Hashable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A new action was claimed.
        case claimed
        /// A claim matched a finished action; its outcome was replayed.
        case duplicate
        /// A claim matched an action whose lease is live and was refused.
        case inProgress = "in_progress"
        /// A claim reused an idempotency key with another payload.
        case conflict
        /// A claim took over an action whose lease ran out.
        case takeover
        /// A claim retried an action whose last attempt failed with a retryable error.
        case retry
        /// An outcome was recorded.
        case completed
    }

    /// The tenant.
    public var tenant: String
    /// The scope.
    public var scope: String
    /// The tool.
    public var tool: String
    /// The call the event is about.
    public var callID: String
    /// What happened.
    public var kind: Kind
    /// The layer that matched, for duplicates, refusals and takeovers.
    public var layer: Layer?
    /// The match score.
    public var score: Double?
    /// The attempt number after the event.
    public var attempt: Int
    /// For completions, the recorded status.
    public var status: CallStatus?
    /// When it happened.
    public var at: Date
    /// One sentence on why.
    public var detail: String

    /// An event.
    public init(
        tenant: String,
        scope: String,
        tool: String,
        callID: String,
        kind: Kind,
        layer: Layer? = nil,
        score: Double? = nil,
        attempt: Int,
        status: CallStatus? = nil,
        at: Date,
        detail: String
    ) {
        self.tenant = tenant
        self.scope = scope
        self.tool = tool
        self.callID = callID
        self.kind = kind
        self.layer = layer
        self.score = score
        self.attempt = attempt
        self.status = status
        self.at = at
        self.detail = detail
    }

    /// The event as JSON (`kind`, `call_id`, `tool`, `layer`, `score`, `attempt`, `status`, `at`, `detail`).
    public var jsonValue: JSONValue {
        [
            "kind": .string(kind.rawValue),
            "call_id": .string(callID),
            "tool": .string(tool),
            "layer": layer.map { .string($0.rawValue) } ?? .null,
            "score": score.map { .number(JSONNumber(($0 * 10000).rounded() / 10000)) } ?? .null,
            "attempt": .number(JSONNumber(attempt)),
            "status": status.map { .string($0.rawValue) } ?? .null,
            "at": .string(at.rfc3339),
            "detail": .string(detail),
        ]
    }
}
