public import DedupCore
import Foundation
public import Hummingbird
public import Logging
import NIOCore

/// Builds the HTTP application over `ledger`; tests build it with their own configuration and ledger.
/// Requests authenticate against `keys` (default: a fixed ring of `configuration.apiKeys`).
///
/// Routes: `POST /v1/claim`, `POST /v1/check`, `POST /v1/calls/{id}/complete`, `GET /v1/calls/{id}`,
/// `GET /v1/scopes/{scope}/events` (all authenticated), and `GET /metrics`, `GET /healthz`,
/// `GET /openapi.yaml`. Every error is problem+json.
public func buildApplication(
    configuration: ServerConfiguration,
    ledger: any Ledger,
    metrics: ServerMetrics = ServerMetrics(),
    logger: Logger,
    keys: KeyRing? = nil,
    indexRows: @escaping @Sendable () -> Int = { 0 },
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router(context: DedupRequestContext.self)
    let allowed = AllowedMethods()
    router.add(middleware: ProblemMiddleware(metrics: metrics, allowed: allowed))
    router.get("healthz") { _, _ in APIController.json(["status": "ok"]) }
    let metricsToken = configuration.metricsTokenSHA256
    router.get("metrics") { request, _ in
        if let metricsToken {
            let presented = try AuthMiddleware.bearerToken(request, naming: "metrics token")
            guard StableHash.sha256Hex(presented) == metricsToken else {
                throw Problem(.unauthorized, "unauthorized", "Unauthorized", "unknown metrics token")
            }
        }
        metrics.setIndexRows(indexRows())
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render()))
        )
    }
    router.get("openapi.yaml") { _, _ in
        guard let document = OpenAPIDocument.text else {
            throw Problem(.notFound, "not-found", "Not found", "the OpenAPI document is not bundled with this build")
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/yaml"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: document))
        )
    }
    let api = router.group("v1").add(middleware: AuthMiddleware(keys: keys ?? KeyRing(configuration.apiKeys)))
    APIController(
        ledger: ledger,
        metrics: metrics,
        bodyLimit: configuration.bodyLimit,
        maxLeaseSeconds: Int(configuration.ledger.maxLease.components.seconds),
        timeout: configuration.requestTimeout,
        bodyTimeout: configuration.bodyTimeout
    )
    .addRoutes(to: api)
    for route in router.routes { allowed.add(path: route.path.description, method: route.method) }
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .init(configuration.idleTimeout))),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "agent-dedup"
        ),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}
