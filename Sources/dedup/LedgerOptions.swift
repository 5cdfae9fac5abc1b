import ArgumentParser
import DedupBench
import DedupCore
import DedupSQLite
import Foundation

/// Options every ledger command shares.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite ledger file.")
    var db: String = "dedup.sqlite"

    @Option(name: .long, help: "The tenant to act as (the server takes it from the API key).")
    var tenant: String = "default"

    @Option(name: .long, help: "A JSON file of per-tool policies (identity, text and ignored fields, thresholds).")
    var policy: String?

    @Flag(name: .long, help: "Print JSON for scripts instead of text for people.")
    var json = false

    /// Opens the ledger, runs `body`, and closes the ledger (checkpointing its WAL) whatever happens.
    func withLedger<T>(_ body: (SQLiteLedger) async throws -> T) async throws -> T {
        let ledger = try await openLedger()
        do {
            let result = try await body(ledger)
            await ledger.store.close()
            return result
        } catch {
            await ledger.store.close()
            throw error
        }
    }

    func openLedger() async throws -> SQLiteLedger {
        var configuration = LedgerConfiguration()
        configuration.normalizer = try Normalizer(policyFile: policy)
        return try await SQLiteLedger.open(path: db, configuration: configuration)
    }
}

/// Options that describe a proposed call.
struct CallOptions: ParsableArguments {
    @Option(name: .long, help: "The scope (agent session, run) to deduplicate within.")
    var scope: String

    @Option(name: .long, help: "The tool name, e.g. send_email.")
    var tool: String

    @Option(name: .long, help: "The tool's arguments as a JSON object.")
    var args: String = "{}"

    @Option(name: .long, help: "Your idempotency key for this call, if you have one.")
    var idempotencyKey: String?

    func toolCall(tenant: String) throws -> ToolCall {
        let arguments: JSONValue
        do {
            arguments = try JSONParser().parse(args)
        } catch {
            throw CLIError("--args is not valid JSON: \(error)")
        }
        return ToolCall(tenant: tenant, scope: scope, tool: tool, arguments: arguments, idempotencyKey: idempotencyKey)
    }
}
