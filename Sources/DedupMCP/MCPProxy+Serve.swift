public import Logging
internal import MCP

extension MCPProxy {
    /// Starts `command`, connects to it, and serves its tools (and resources and prompts) on stdio until the
    /// client disconnects; then stops the upstream.
    public static func serve(
        command: [String],
        backend: any ClaimBackend,
        configuration: Configuration,
        logger: Logger
    ) async throws {
        let process = try UpstreamProcess(command: command)
        defer { process.terminate() }
        let client = Client(name: "agent-dedup-mcp-proxy", version: "1")
        let initialized: Initialize.Result
        do {
            initialized = try await client.connect(transport: process.transport)
        } catch {
            throw ProxyError.upstream("the upstream did not initialize: \(error)")
        }
        let proxy = MCPProxy(upstream: client, backend: backend, configuration: configuration, logger: logger)
        let server = Server(
            name: initialized.serverInfo.name,
            version: initialized.serverInfo.version,
            title: initialized.serverInfo.title,
            instructions: initialized.instructions,
            capabilities: initialized.capabilities
        )
        await server.withMethodHandler(ListTools.self) { try await proxy.listTools($0) }
        await server.withMethodHandler(CallTool.self) { try await proxy.callTool($0) }
        await passThrough(ListResources.self, server, client)
        await passThrough(ReadResource.self, server, client)
        await passThrough(ListResourceTemplates.self, server, client)
        await passThrough(ListPrompts.self, server, client)
        await passThrough(GetPrompt.self, server, client)
        await passThrough(Complete.self, server, client)
        logger.info(
            "proxying",
            metadata: ["upstream": "\(initialized.serverInfo.name)", "scope": "\(configuration.scope)"]
        )
        try await server.start(transport: StdioTransport(logger: logger))
        await server.waitUntilCompleted()
        await client.disconnect()
    }

    private static func passThrough<M: Method>(_ method: M.Type, _ server: Server, _ client: Client) async {
        await server.withMethodHandler(M.self) { try await client.send(M.request($0)).value }
    }
}
