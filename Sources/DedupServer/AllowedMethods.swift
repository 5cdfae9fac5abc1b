public import HTTPTypes
import Synchronization

/// Which methods each route answers, so a known path with another method gets 405 and an `Allow`
/// header (RFC 9110 §15.5.6) instead of a 404 that sends a client looking for a typo in the path.
public final class AllowedMethods: Sendable {
    private let routes = Mutex<[(segments: [Substring], methods: Set<String>)]>([])

    /// An empty table; ``buildApplication`` fills it once every route is added.
    public init() {}

    /// Records a route; `{name}` and `:name` segments match any one segment.
    public func add(path: String, method: HTTPRequest.Method) {
        let segments = path.split(separator: "/")
        routes.withLock { routes in
            if let index = routes.firstIndex(where: { $0.segments == segments }) {
                routes[index].methods.insert(method.rawValue)
            } else {
                routes.append((segments, [method.rawValue]))
            }
        }
    }

    /// The methods a path answers, sorted; empty when no route has this path.
    public func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        return routes.withLock { routes in
            routes.first { route in
                route.segments.count == segments.count
                    && zip(route.segments, segments)
                        .allSatisfy { pattern, segment in
                            pattern == segment || pattern.hasPrefix("{") || pattern.hasPrefix(":")
                        }
            }
            .map { $0.methods.sorted() } ?? []
        }
    }
}
