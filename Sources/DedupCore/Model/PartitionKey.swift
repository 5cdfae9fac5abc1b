/// Tenant + scope + tool: the unit within which calls are compared and claims are serialised.
///
/// Two calls in different partitions are never duplicates of each other, whatever their arguments.
public struct PartitionKey: Sendable, Hashable, CustomStringConvertible {
    /// The tenant (from the API key).
    public var tenant: String
    /// The scope (session, run, workflow) within the tenant.
    public var scope: String
    /// The tool name.
    public var tool: String

    /// A partition key.
    public init(tenant: String, scope: String, tool: String) {
        self.tenant = tenant
        self.scope = scope
        self.tool = tool
    }

    /// A stable 64-bit hash of the partition (for advisory locks and logs), the same on every machine.
    public var stableHash: UInt64 {
        StableHash.hash64([tenant, scope, tool].joined(separator: "\u{1F}"))
    }

    /// `tenant/scope/tool`.
    public var description: String { "\(tenant)/\(scope)/\(tool)" }
}
