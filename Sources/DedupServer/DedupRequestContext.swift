public import Hummingbird

/// The request context of the API: Hummingbird's core context plus the authenticated tenant.
public struct DedupRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The tenant of the request's API key, set by ``AuthMiddleware``.
    public var tenant: String?

    /// A context for a new request.
    public init(source: Source) {
        coreContext = .init(source: source)
        tenant = nil
    }
}
