import ArgumentParser
import DedupCore
import DedupMCP
import Foundation
import Logging

/// `dedup mcp-proxy`: put the ledger in front of any MCP server started over stdio.
struct MCPProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-proxy",
        abstract: "Serve an MCP server's tools over stdio, running each side-effecting call once.",
        discussion: """
            Starts the upstream MCP server (the command after --) and serves its tools on stdin/stdout. A tools/call
            of a tool not annotated readOnlyHint is claimed first: a repeat — even a reworded one — gets the stored
            result (with _meta "agent-dedup/verdict"), a repeat of a running call gets a tool error telling the model
            not to repeat it. Logs go to stderr. The ledger is --db (SQLite, the default) or --server URL (a running
            dedup serve; key from DEDUP_API_KEY).
            """
    )

    @OptionGroup var ledger: LedgerOptions

    @Option(name: .long, help: "Use a running dedup serve at this URL instead of the SQLite file.")
    var server: String?

    @Option(name: .long, help: "The scope to deduplicate within (default: one per MCP connection).")
    var scope: String?

    @Flag(name: .long, help: "Let a call whose result has isError be attempted again.")
    var retryOnError = false

    @Option(name: .long, help: "Log level on stderr (trace, debug, info, notice, warning, error).")
    var logLevel = "warning"

    @Argument(parsing: .postTerminator, help: "The upstream MCP server's command and arguments.")
    var command: [String] = []

    func run() async throws {
        try await reportingErrors {
            guard !command.isEmpty else {
                throw CLIError("name the upstream server after --, e.g. -- python server.py")
            }
            var logger = Logger(label: "agent-dedup.mcp-proxy") { StreamLogHandler.standardError(label: $0) }
            guard let level = Logger.Level(rawValue: logLevel) else {
                throw CLIError("unknown --log-level \(logLevel)")
            }
            logger.logLevel = level
            let proxyConfiguration = MCPProxy.Configuration(
                scope: scope,
                tenant: ledger.tenant,
                retryOnError: retryOnError
            )
            if let server {
                guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https" else {
                    throw CLIError("--server must be an http(s) URL, e.g. http://127.0.0.1:8080")
                }
                let backend = HTTPClaimBackend(
                    baseURL: url,
                    apiKey: ProcessInfo.processInfo.environment["DEDUP_API_KEY"]
                )
                try await MCPProxy.serve(
                    command: command,
                    backend: backend,
                    configuration: proxyConfiguration,
                    logger: logger
                )
            } else {
                try await ledger.withLedger { opened in
                    try await MCPProxy.serve(
                        command: command,
                        backend: LedgerBackend(ledger: opened, tenant: ledger.tenant),
                        configuration: proxyConfiguration,
                        logger: logger
                    )
                }
            }
        }
    }
}
