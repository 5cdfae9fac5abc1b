public import Foundation

/// A claimed tool call as the ledger remembers it: what was asked, its keys, and what came of it.
public struct CallRecord: Sendable, Hashable {
    /// The call's id (`call_` followed by 26 lower-case base-32 characters, time-ordered).
    public var id: String
    /// The tenant that owns the record.
    public var tenant: String
    /// The scope it was claimed in.
    public var scope: String
    /// The tool name.
    public var tool: String
    /// The arguments as the first claimant sent them.
    public var arguments: JSONValue
    /// The canonical form of the call that the exact key hashes.
    public var canonical: String
    /// SHA-256 (hex) of the canonical call: the exact key and the payload fingerprint.
    public var fingerprint: String
    /// SHA-256 (hex) of the tool and its policy-declared identity fields, when a policy declares any.
    public var intentKey: String?
    /// The caller's idempotency key, if one was given.
    public var idempotencyKey: String?
    /// The identity and text fields the semantic layer compares.
    public var signature: FieldSignature
    /// The L2-normalised embedding of the text fields; empty when the call has no free text.
    public var embedding: [Float]
    /// Where the action stands.
    public var status: CallStatus
    /// The stored result of a successful (or terminally failed) execution.
    public var result: JSONValue?
    /// The error message of a failed execution.
    public var error: String?
    /// Whether a failure may be retried: a retryable failure releases the action for a new attempt.
    public var retryable: Bool
    /// How many attempts have claimed this action (1 for the first).
    public var attempts: Int
    /// Until when the current attempt holds the claim; after it, another caller may take over.
    public var leaseExpiresAt: Date?
    /// When the action was first claimed.
    public var createdAt: Date
    /// When the record last changed.
    public var updatedAt: Date
    /// When the outcome was reported.
    public var completedAt: Date?
    /// When the record leaves the deduplication window.
    public var expiresAt: Date
    /// The normaliser rules and tool policy its keys and signature were made with
    /// (``Normalizer/keyVersion(forTool:)``); a record of another version is re-keyed when a ledger opens.
    public var keyVersion: String
    /// The embedder model its embedding was made with (``Embedder/modelID``); another model's vector is
    /// recomputed when a ledger opens, since vectors of two models are not comparable.
    public var modelID: String

    /// A record; the ledger creates these, tests and backends rebuild them.
    public init(
        id: String,
        tenant: String,
        scope: String,
        tool: String,
        arguments: JSONValue,
        canonical: String,
        fingerprint: String,
        intentKey: String?,
        idempotencyKey: String?,
        signature: FieldSignature,
        embedding: [Float],
        status: CallStatus,
        result: JSONValue? = nil,
        error: String? = nil,
        retryable: Bool = false,
        attempts: Int = 1,
        leaseExpiresAt: Date?,
        createdAt: Date,
        updatedAt: Date,
        completedAt: Date? = nil,
        expiresAt: Date,
        keyVersion: String = "",
        modelID: String = ""
    ) {
        self.id = id
        self.tenant = tenant
        self.scope = scope
        self.tool = tool
        self.arguments = arguments
        self.canonical = canonical
        self.fingerprint = fingerprint
        self.intentKey = intentKey
        self.idempotencyKey = idempotencyKey
        self.signature = signature
        self.embedding = embedding
        self.status = status
        self.result = result
        self.error = error
        self.retryable = retryable
        self.attempts = attempts
        self.leaseExpiresAt = leaseExpiresAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.completedAt = completedAt
        self.expiresAt = expiresAt
        self.keyVersion = keyVersion
        self.modelID = modelID
    }

    /// The partition the record belongs to.
    public var partition: PartitionKey {
        PartitionKey(tenant: tenant, scope: scope, tool: tool)
    }

    /// Whether the record is pending and its lease has not run out at `now`.
    public func isLeaseLive(at now: Date) -> Bool {
        guard status == .pending, let leaseExpiresAt else { return false }
        return leaseExpiresAt > now
    }
}

/// Where a claimed action stands.
public enum CallStatus: String, Sendable, Hashable, CaseIterable {
    /// Claimed; the claimant is (or was) executing it.
    case pending
    /// Executed; the result is stored and replayed to duplicates.
    case succeeded
    /// Failed; replayed when terminal, released for a new attempt when retryable.
    case failed
}
