import DedupCore
import DedupServer
import DedupTesting
import Foundation
import Logging
import Testing

/// The configuration file and environment: every documented key is read, and mistakes are refused with
/// a message naming the key, before the server starts.
@Suite struct ConfigurationTests {
    func load(_ json: String) throws(DedupError) -> ServerConfiguration {
        let directory = try! TemporaryDirectory()
        let url = URL(fileURLWithPath: directory.path("dedup.json"))
        try! Data(json.utf8).write(to: url)
        var configuration = ServerConfiguration()
        try configuration.apply(file: url)
        return configuration
    }

    @Test func everyDocumentedKeyIsRead() throws {
        let configuration = try load(
            """
            {"host": "0.0.0.0", "port": 9000, "database": "/var/lib/dedup.sqlite", "body_limit_bytes": 4096,
             "window_seconds": 600, "lease_seconds": 30, "max_lease_seconds": 120, "duplicate_threshold": 0.95,
             "borderline_threshold": 0.8, "log_level": "debug", "request_timeout_ms": 2000,
             "body_timeout_ms": 3000, "idle_timeout_seconds": 7, "prune_interval_seconds": 0,
             "metrics_token_sha256": "\(String(repeating: "AB", count: 32))",
             "api_keys": [{"tenant": "acme", "sha256": "\(StableHash.sha256Hex("k"))"}]}
            """
        )
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 9000)
        #expect(configuration.database == "/var/lib/dedup.sqlite")
        #expect(configuration.bodyLimit == 4096)
        #expect(configuration.ledger.window == .seconds(600))
        #expect(configuration.ledger.defaultLease == .seconds(30))
        #expect(configuration.ledger.maxLease == .seconds(120))
        #expect(configuration.ledger.funnel.duplicateThreshold == 0.95)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.requestTimeout == .milliseconds(2000))
        #expect(configuration.bodyTimeout == .milliseconds(3000))
        #expect(configuration.idleTimeout == .seconds(7))
        #expect(configuration.pruneInterval == nil, "0 turns pruning off")
        #expect(configuration.metricsTokenSHA256 == String(repeating: "ab", count: 32))
        #expect(configuration.apiKeys.tenant(forKey: "k") == "acme")
        #expect(configuration.configFile != nil)
    }

    @Test(arguments: [
        (#"{"prot": 1}"#, "unknown key \"prot\""),
        (#"{"port": 70000}"#, "\"port\" must be"),
        (#"{"body_timeout_ms": "fast"}"#, "\"body_timeout_ms\" must be"),
        (#"{"metrics_token_sha256": "abc"}"#, "\"metrics_token_sha256\" must be 64 hex digits"),
        (#"{"api_keys": [{"tenant": "acme", "sha256": "plain-key"}]}"#, "\"api_keys\" must be"),
        (#"{"duplicate_threshold": 0.1}"#, "borderline_threshold exceeds duplicate_threshold"),
        ("{ not json", "configuration file"),
    ])
    func mistakesAreRefusedNamingTheKey(_ json: String, _ message: String) {
        do {
            _ = try load(json)
            Issue.record("\(json) was accepted")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func theEnvironmentOverridesTheFileAndHashesWhatItIsGiven() throws {
        var configuration = try load(#"{"port": 9000}"#)
        try configuration.apply(environment: [
            "DEDUP_PORT": "9100", "DEDUP_API_KEYS": "acme:key-1,globex:key-2", "DEDUP_METRICS_TOKEN": "m-token",
        ])
        #expect(configuration.port == 9100)
        #expect(configuration.apiKeys.tenant(forKey: "key-2") == "globex")
        #expect(configuration.metricsTokenSHA256 == StableHash.sha256Hex("m-token"))
        #expect(!configuration.apiKeys.tenantByHash.keys.contains("key-1"), "keys are held hashed")
        #expect(throws: DedupError.self) { try configuration.apply(environment: ["DEDUP_PORT": "http"]) }
        #expect(throws: DedupError.self) { try configuration.apply(environment: ["DEDUP_API_KEYS": "no-colon"]) }
    }
}
