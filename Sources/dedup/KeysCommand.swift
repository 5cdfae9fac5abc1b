import ArgumentParser
import DedupCore
import DedupServer
import Foundation

/// `dedup keys`: manage API keys in the configuration file.
///
/// A running `dedup serve --config FILE` watches the file and puts changes in force within a second,
/// so a leaked key is revoked without a restart.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage API keys (stored hashed in the configuration file; a running server reloads them).",
        subcommands: [Add.self, List.self, Revoke.self]
    )

    /// The `--config` option every subcommand shares.
    struct ConfigFile: ParsableArguments {
        @Option(name: .long, help: "The configuration file holding the keys.")
        var config = "dedup.json"

        var url: URL { URL(fileURLWithPath: config) }

        /// The file's members, after checking it loads as the server would load it (so a rewrite never
        /// turns a working file into one the server refuses).
        func read(creating: Bool) throws -> [String: JSONValue] {
            guard FileManager.default.fileExists(atPath: url.path) else {
                if creating { return [:] }
                throw CLIError("no configuration file at \(config)")
            }
            var check = ServerConfiguration()
            try check.apply(file: url)
            return try JSONParser().parse(Data(contentsOf: url)).objectValue ?? [:]
        }

        /// The `api_keys` entries.
        func entries(_ root: [String: JSONValue]) -> [JSONValue] {
            if case .array(let existing)? = root["api_keys"] { return existing }
            return []
        }

        /// Writes the file with write-then-rename, so a crash never leaves it half-written and a watching
        /// server never reads a partial file.
        func write(_ root: [String: JSONValue]) throws {
            let text = JSONValue.object(root).prettyText + "\n"
            let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
            try Data(text.utf8).write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                throw CLIError("cannot write \(config): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// The short id of a key: the first 12 hex digits of its SHA-256, enough to name it, useless to use it.
    static func keyID(_ sha256: String) -> String { String(sha256.prefix(12)) }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key for a tenant; the key is printed once and only its SHA-256 is stored."
        )

        @Argument(help: "The tenant the key belongs to.")
        var tenant: String

        @OptionGroup var file: ConfigFile

        func run() async throws {
            try await reportingErrors {
                let trimmed = tenant.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty, trimmed.count <= 256 else {
                    throw CLIError("the tenant must be 1…256 characters")
                }
                var root = try file.read(creating: true)
                let key = APIKeys.generateKey()
                let hash = StableHash.sha256Hex(key)
                root["api_keys"] = .array(
                    file.entries(root) + [["tenant": .string(trimmed), "sha256": .string(hash)]]
                )
                try file.write(root)
                print(
                    "API key for tenant \"\(trimmed)\" (id \(keyID(hash)); shown once, only its SHA-256 is stored in "
                        + "\(file.config)):"
                )
                print(key)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List key ids and their tenants (never the keys).")

        @OptionGroup var file: ConfigFile

        func run() async throws {
            try await reportingErrors {
                for entry in file.entries(try file.read(creating: false)) {
                    print("\(keyID(entry["sha256"]?.stringValue ?? ""))  \(entry["tenant"]?.stringValue ?? "")")
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key by its id (from `keys list`) or every key of a tenant.",
            discussion: "A server watching the file refuses the key (401) within about a second."
        )

        @Argument(help: "The key id (at least 8 hex digits of its SHA-256, as `keys list` prints).")
        var id: String?

        @Option(name: .long, help: "Revoke every key of this tenant instead.")
        var tenant: String?

        @OptionGroup var file: ConfigFile

        func validate() throws {
            guard (id == nil) != (tenant == nil) else { throw ValidationError("give a key id or --tenant, not both") }
            if let id, id.count < 8 || !id.allSatisfy(\.isHexDigit) {
                throw ValidationError("a key id is at least 8 hex digits, as `dedup keys list` prints")
            }
        }

        func run() async throws {
            try await reportingErrors {
                var root = try file.read(creating: false)
                let entries = file.entries(root)
                let revoked = entries.filter { entry in
                    if let tenant { return entry["tenant"]?.stringValue == tenant }
                    return entry["sha256"]?.stringValue?.hasPrefix(id!.lowercased()) == true
                }
                guard !revoked.isEmpty else {
                    throw CLIError(
                        tenant.map { "no key of tenant \"\($0)\" in \(file.config)" } ?? "no key with id \(id!)"
                    )
                }
                if tenant == nil, revoked.count > 1 {
                    throw CLIError("id \(id!) names \(revoked.count) keys; give more digits")
                }
                root["api_keys"] = .array(entries.filter { !revoked.contains($0) })
                try file.write(root)
                for entry in revoked {
                    print("revoked \(keyID(entry["sha256"]?.stringValue ?? ""))  \(entry["tenant"]?.stringValue ?? "")")
                }
            }
        }
    }
}
