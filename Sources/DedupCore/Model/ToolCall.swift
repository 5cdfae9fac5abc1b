/// A side-effecting tool call an agent proposes to make: the unit agent-dedup deduplicates.
///
/// The tenant always comes from the caller's credentials, never from a request body: it is the wall
/// that keeps one customer's calls from ever matching another's.
public struct ToolCall: Sendable, Hashable {
    /// Whose call this is (from the API key). Calls of different tenants never match.
    public var tenant: String
    /// The context duplicates are looked for in, e.g. an agent session or a workflow run.
    public var scope: String
    /// The tool's name, e.g. `send_email`. Calls of different tools never match.
    public var tool: String
    /// The tool's arguments: a JSON object (`null` is read as `{}`).
    public var arguments: JSONValue
    /// An idempotency key the caller supplies, if any: the same key with a different payload is a conflict.
    public var idempotencyKey: String?

    /// A tool call.
    public init(
        tenant: String,
        scope: String,
        tool: String,
        arguments: JSONValue = [:],
        idempotencyKey: String? = nil
    ) {
        self.tenant = tenant
        self.scope = scope
        self.tool = tool
        self.arguments = arguments
        self.idempotencyKey = idempotencyKey
    }

    /// The partition this call is compared within.
    public var partition: PartitionKey {
        PartitionKey(tenant: tenant, scope: scope, tool: tool)
    }
}
