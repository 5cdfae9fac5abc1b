public import Hummingbird
import Logging

/// Turns every error — ours, Hummingbird's, NIO's — into a problem+json response, and logs server errors.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Where error responses are counted.
    public let metrics: ServerMetrics?

    /// The middleware; `metrics` counts error responses by status.
    public init(metrics: ServerMetrics? = nil) {
        self.metrics = metrics
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
            let problem = Problem.from(error)
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
