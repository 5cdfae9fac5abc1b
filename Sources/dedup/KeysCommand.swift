import ArgumentParser
import DedupCore
import DedupServer
import Foundation

/// `dedup keys`: manage API keys in the configuration file.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage API keys (stored hashed in the configuration file).",
        subcommands: [Add.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key for a tenant; the key is printed once and only its SHA-256 is stored."
        )

        @Argument(help: "The tenant the key belongs to.")
        var tenant: String

        @Option(name: .long, help: "The configuration file to add the key to (created if missing).")
        var config = "dedup.json"

        func run() async throws {
            try await reportingErrors {
                let trimmed = tenant.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty, trimmed.count <= 256 else {
                    throw CLIError("the tenant must be 1…256 characters")
                }
                let url = URL(fileURLWithPath: config)
                var root: [String: JSONValue] = [:]
                if FileManager.default.fileExists(atPath: url.path) {
                    // Refuse to rewrite a file that would not load: validate it as the server would.
                    var check = ServerConfiguration()
                    try check.apply(file: url)
                    root = try JSONParser().parse(Data(contentsOf: url)).objectValue ?? [:]
                }
                let key = APIKeys.generateKey()
                var keys: [JSONValue] = []
                if case .array(let existing)? = root["api_keys"] { keys = existing }
                keys.append(["tenant": .string(trimmed), "sha256": .string(StableHash.sha256Hex(key))])
                root["api_keys"] = .array(keys)
                let text = JSONValue.object(root).prettyText + "\n"
                let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
                try Data(text.utf8).write(to: temporary)
                // Write-then-rename (atomic), so a crash never leaves a half-written configuration behind.
                guard rename(temporary.path, url.path) == 0 else {
                    throw CLIError("cannot write \(config): \(String(cString: strerror(errno)))")
                }
                print("API key for tenant \"\(trimmed)\" (shown once; only its SHA-256 is stored in \(config)):")
                print(key)
            }
        }
    }
}
