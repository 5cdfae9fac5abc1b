import Foundation
public import Hummingbird

/// Resolves `Authorization: Bearer <key>` to a tenant, or answers 401.
///
/// The key is hashed before the lookup and never logged; the tenant it maps to is the only tenant the
/// request can see.
public struct AuthMiddleware: RouterMiddleware {
    /// The keys in force (replaced while serving when the configuration file changes).
    public let keys: KeyRing

    /// A middleware checking against `keys`.
    public init(keys: KeyRing) {
        self.keys = keys
    }

    /// A middleware checking against a fixed table.
    public init(keys: APIKeys) {
        self.keys = KeyRing(keys)
    }

    /// The token of an `Authorization: Bearer <token>` header, or a 401 naming what to send.
    static func bearerToken(_ request: Request, naming what: String) throws -> String {
        guard let header = request.headers[.authorization] else {
            throw Problem(.unauthorized, "unauthorized", "Unauthorized", "send Authorization: Bearer <\(what)>")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Problem(
                .unauthorized,
                "unauthorized",
                "Unauthorized",
                "the Authorization header must be Bearer <\(what)>"
            )
        }
        // HTTP's optional whitespace is spaces and tabs; Foundation's trimming costs more than the rest
        // of authentication on Linux.
        var token = parts[1]
        while let first = token.first, first == " " || first == "\t" { token.removeFirst() }
        while let last = token.last, last == " " || last == "\t" { token.removeLast() }
        return String(token)
    }

    /// Authenticates the request.
    public func handle(
        _ request: Request,
        context: DedupRequestContext,
        next: (Request, DedupRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let tenant = keys.tenant(forKey: try Self.bearerToken(request, naming: "api key")) else {
            throw Problem(.unauthorized, "unauthorized", "Unauthorized", "unknown or revoked API key")
        }
        var context = context
        context.tenant = tenant
        return try await next(request, context)
    }
}
