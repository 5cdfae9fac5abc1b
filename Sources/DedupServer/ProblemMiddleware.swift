public import Hummingbird
import Logging

/// Turns every error — ours, Hummingbird's, NIO's — into a problem+json response, and logs server errors.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Where error responses are counted.
    public let metrics: ServerMetrics?
    /// The routes' methods, to answer a known path with another method 405 rather than 404.
    public let allowed: AllowedMethods?

    /// The middleware; `metrics` counts error responses by status.
    public init(metrics: ServerMetrics? = nil, allowed: AllowedMethods? = nil) {
        self.metrics = metrics
        self.allowed = allowed
    }

    /// Runs the rest of the chain, answering errors with problem+json.
    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var problem = Problem.from(error)
            if let error = error as? HTTPError, error.status == .notFound,
                let methods = allowed?.methods(for: request.uri.path), !methods.isEmpty
            {
                problem = Problem(
                    .methodNotAllowed,
                    "method-not-allowed",
                    "Method not allowed",
                    "\(request.uri.path) answers \(methods.joined(separator: ", ")), not \(request.method.rawValue)"
                )
                problem.headers[.allow] = methods.joined(separator: ", ")
            }
            metrics?.recordError(status: problem.status.code)
            if problem.status.code >= 500 {
                context.logger.error(
                    "request failed",
                    metadata: ["path": "\(request.uri.path)", "status": "\(problem.status.code)", "error": "\(error)"]
                )
            }
            return problem.response
        }
    }
}
