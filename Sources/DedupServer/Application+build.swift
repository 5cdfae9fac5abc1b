public import DedupCore
import Foundation
public import Hummingbird
public import Logging
import NIOCore

/// Builds the HTTP application over `ledger`; tests build it with their own configuration and ledger.
///
/// Routes: `POST /v1/claim`, `POST /v1/check`, `POST /v1/calls/{id}/complete`, `GET /v1/calls/{id}`,
/// `GET /v1/scopes/{scope}/events` (all authenticated), and `GET /metrics`, `GET /healthz`,
/// `GET /openapi.yaml`. Every error is problem+json.
public func buildApplication(
    configuration: ServerConfiguration,
    ledger: any Ledger,
    metrics: ServerMetrics = ServerMetrics(),
    logger: Logger,
    indexRows: @escaping @Sendable () -> Int = { 0 },
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router(context: DedupRequestContext.self)
    router.add(middleware: ProblemMiddleware(metrics: metrics))
    router.get("healthz") { _, _ in APIController.json(["status": "ok"]) }
    router.get("metrics") { _, _ in
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
    let api = router.group("v1").add(middleware: AuthMiddleware(keys: configuration.apiKeys))
    APIController(
        ledger: ledger,
        metrics: metrics,
        bodyLimit: configuration.bodyLimit,
        maxLeaseSeconds: Int(configuration.ledger.maxLease.components.seconds)
    )
    .addRoutes(to: api)
    return Application(
        router: router,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "agent-dedup"
        ),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}
