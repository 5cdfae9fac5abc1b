internal import Foundation
public import MCP
internal import SystemPackage

/// The upstream MCP server: a child process whose stdin and stdout carry the protocol.
///
/// Its stderr is inherited, so the upstream's own logs land beside the proxy's on stderr and never on the
/// proxy's stdout, which is the client's protocol stream.
public final class UpstreamProcess: @unchecked Sendable {
    // Process is not Sendable; it is only started here and then only terminated, both thread-safe calls.
    private let process: Process
    /// The transport a `Client` connects through.
    public let transport: StdioTransport

    /// Starts `command` (looked up on `PATH`) with its stdin and stdout piped to the proxy.
    public init(command: [String]) throws {
        guard !command.isEmpty else { throw ProxyError.usage("no upstream command: write it after --") }
        let toChild = Pipe()
        let fromChild = Pipe()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.standardInput = toChild
        process.standardOutput = fromChild
        process.standardError = FileHandle.standardError
        do {
            try process.run()
        } catch {
            throw ProxyError.upstream("cannot start upstream `\(command.joined(separator: " "))`: \(error)")
        }
        transport = StdioTransport(
            input: FileDescriptor(rawValue: fromChild.fileHandleForReading.fileDescriptor),
            output: FileDescriptor(rawValue: toChild.fileHandleForWriting.fileDescriptor)
        )
    }

    /// Stops the upstream (SIGTERM) and waits for it to exit.
    public func terminate() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
