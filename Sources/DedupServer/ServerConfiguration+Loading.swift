public import DedupCore
public import Foundation
import Logging

extension ServerConfiguration {
    /// Keys of the configuration file (JSON):
    ///
    /// ```json
    /// {
    ///   "host": "127.0.0.1", "port": 8080, "database": "dedup.sqlite",
    ///   "api_keys": [{"tenant": "acme", "sha256": "<hex of the key>"}],
    ///   "body_limit_bytes": 1048576, "window_seconds": 86400,
    ///   "lease_seconds": 60, "max_lease_seconds": 3600,
    ///   "duplicate_threshold": 0.90, "borderline_threshold": 0.2, "max_false_duplicate_rate": 0.005,
    ///   "policies": "policies.json",
    ///   "verifier": {"url": "http://127.0.0.1:9000/judge", "timeout_ms": 2000},
    ///   "log_level": "info", "request_timeout_ms": 5000, "body_timeout_ms": 10000,
    ///   "idle_timeout_seconds": 30, "prune_interval_seconds": 10,
    ///   "metrics_token_sha256": "<hex of the token>", "postgres_lock_timeout_ms": 2000,
    ///   "index_memory_mb": 512
    /// }
    /// ```
    public static let fileKeys: Set<String> = [
        "host", "port", "database", "api_keys", "body_limit_bytes", "window_seconds", "lease_seconds",
        "max_lease_seconds", "duplicate_threshold", "borderline_threshold", "max_false_duplicate_rate", "policies",
        "verifier", "log_level",
        "request_timeout_ms", "body_timeout_ms", "idle_timeout_seconds", "prune_interval_seconds",
        "metrics_token_sha256", "postgres_lock_timeout_ms", "index_memory_mb",
    ]

    /// Applies a configuration file; relative paths in it are resolved against the file's directory.
    public mutating func apply(file url: URL) throws(DedupError) {
        let root = try Self.members(ofFile: url)
        if let unknown = root.keys.sorted().first(where: { !Self.fileKeys.contains($0) }) {
            throw .invalidInput("configuration file \(url.path): unknown key \"\(unknown)\"")
        }
        configFile = url
        let base = url.deletingLastPathComponent()
        func fail(_ key: String, _ expected: String) -> DedupError {
            .invalidInput("configuration file \(url.path): \"\(key)\" must be \(expected)")
        }
        func integer(_ key: String, _ range: ClosedRange<Int>) throws(DedupError) -> Int? {
            guard let value = root[key] else { return nil }
            guard let number = value.doubleValue, number == number.rounded(), range.contains(Int(number)) else {
                throw fail(key, "an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return Int(number)
        }
        func string(_ key: String) throws(DedupError) -> String? {
            guard let value = root[key] else { return nil }
            guard let text = value.stringValue, !text.isEmpty else { throw fail(key, "a non-empty string") }
            return text
        }
        func threshold(_ key: String) throws(DedupError) -> Double? {
            guard let value = root[key] else { return nil }
            guard let number = value.doubleValue, (0...1).contains(number) else {
                throw fail(key, "a number from 0 to 1")
            }
            return number
        }
        if let host = try string("host") { self.host = host }
        if let port = try integer("port", 0...65535) { self.port = port }
        if let database = try string("database") { self.database = Self.resolve(database, against: base) }
        if let limit = try integer("body_limit_bytes", 1...(1 << 30)) { bodyLimit = limit }
        if let timeout = try integer("request_timeout_ms", 10...600_000) { requestTimeout = .milliseconds(timeout) }
        if let timeout = try integer("body_timeout_ms", 10...600_000) { bodyTimeout = .milliseconds(timeout) }
        if let timeout = try integer("postgres_lock_timeout_ms", 10...600_000) {
            postgresLockTimeout = .milliseconds(timeout)
        }
        if let timeout = try integer("idle_timeout_seconds", 1...3600) { idleTimeout = .seconds(timeout) }
        if let interval = try integer("prune_interval_seconds", 0...86400) {
            pruneInterval = interval == 0 ? nil : .seconds(interval)
        }
        if let megabytes = try integer("index_memory_mb", 1...(1 << 20)) { ledger.indexMemoryBytes = megabytes << 20 }
        if let window = try integer("window_seconds", 1...(365 * 86400)) { ledger.window = .seconds(window) }
        if let lease = try integer("lease_seconds", 1...(7 * 86400)) { ledger.defaultLease = .seconds(lease) }
        if let lease = try integer("max_lease_seconds", 1...(7 * 86400)) { ledger.maxLease = .seconds(lease) }
        if let duplicate = try threshold("duplicate_threshold") { ledger.funnel.duplicateThreshold = duplicate }
        if let borderline = try threshold("borderline_threshold") { ledger.funnel.borderlineThreshold = borderline }
        if let delta = try threshold("max_false_duplicate_rate") {
            // δ of the built-in calibrated verifier; an HTTP "verifier" below replaces it.
            do {
                ledger.verifier = try PairModelVerifier.bundled(maxFalseDuplicateRate: delta)
            } catch {
                throw fail("max_false_duplicate_rate", "a rate with the bundled pair model (\(error.message))")
            }
        }
        if let level = try string("log_level") {
            guard let parsed = Logger.Level(rawValue: level) else { throw fail("log_level", "a swift-log level") }
            logLevel = parsed
        }
        if let policies = try string("policies") {
            ledger.normalizer = Normalizer(
                policies: try PolicySet(contentsOf: URL(fileURLWithPath: Self.resolve(policies, against: base)))
            )
        }
        if let verifier = root["verifier"] {
            guard let url = verifier["url"]?.stringValue.flatMap(URL.init(string:)),
                url.scheme?.hasPrefix("http") == true
            else { throw fail("verifier", "an object with an http(s) \"url\"") }
            let timeout = verifier["timeout_ms"]?.doubleValue ?? 2000
            guard timeout > 0 && timeout <= 60_000 else { throw fail("verifier.timeout_ms", "1 to 60000") }
            ledger.verifier = HTTPVerifier(url: url, timeout: .milliseconds(Int(timeout)))
        }
        if let token = try string("metrics_token_sha256") {
            guard token.count == 64, token.allSatisfy(\.isHexDigit) else {
                throw fail("metrics_token_sha256", "64 hex digits (the SHA-256 of the token)")
            }
            metricsTokenSHA256 = token.lowercased()
        }
        if let keys = root["api_keys"] {
            apiKeys = apiKeys.merging(try Self.apiKeys(keys, in: url))
        }
        if ledger.funnel.borderlineThreshold > ledger.funnel.duplicateThreshold {
            throw .invalidInput("configuration file \(url.path): borderline_threshold exceeds duplicate_threshold")
        }
    }

    /// The `api_keys` of a configuration file (none when it has no such key): what ``KeyReloader`` reads
    /// when the file changes.
    public static func apiKeys(inFile url: URL) throws(DedupError) -> APIKeys {
        try members(ofFile: url)["api_keys"].map { value throws(DedupError) in try apiKeys(value, in: url) }
            ?? APIKeys()
    }

    /// The top-level members of a configuration file, or an error naming the file.
    private static func members(ofFile url: URL) throws(DedupError) -> [String: JSONValue] {
        let json: JSONValue
        do {
            json = try JSONParser().parse(Data(contentsOf: url))
        } catch let error as JSONParseError {
            throw .invalidInput("configuration file \(url.path): \(error)")
        } catch {
            throw .invalidInput("cannot read configuration file \(url.path): \(error.localizedDescription)")
        }
        guard let root = json.objectValue else {
            throw .invalidInput("configuration file \(url.path) must be a JSON object")
        }
        return root
    }

    private static func apiKeys(_ value: JSONValue, in url: URL) throws(DedupError) -> APIKeys {
        let expected = "an array of {\"tenant\": …, \"sha256\": <64 hex digits>}"
        guard case .array(let entries) = value else {
            throw .invalidInput("configuration file \(url.path): \"api_keys\" must be \(expected)")
        }
        var keys = APIKeys()
        for entry in entries {
            guard let tenant = entry["tenant"]?.stringValue, !tenant.isEmpty,
                let hash = entry["sha256"]?.stringValue, hash.count == 64,
                hash.allSatisfy(\.isHexDigit)
            else { throw .invalidInput("configuration file \(url.path): \"api_keys\" must be \(expected)") }
            keys.add(sha256: hash, tenant: tenant)
        }
        return keys
    }

    /// Applies `DEDUP_HOST`, `DEDUP_PORT`, `DEDUP_DATABASE`, `DEDUP_API_KEYS` (`tenant:key,…`),
    /// `DEDUP_METRICS_TOKEN` (plain, hashed here) and `DEDUP_LOG_LEVEL`.
    public mutating func apply(environment: [String: String]) throws(DedupError) {
        if let host = environment["DEDUP_HOST"], !host.isEmpty { self.host = host }
        if let port = environment["DEDUP_PORT"], !port.isEmpty {
            guard let value = Int(port), (0...65535).contains(value) else {
                throw .invalidInput("DEDUP_PORT must be a port number, not \(port)")
            }
            self.port = value
        }
        if let database = environment["DEDUP_DATABASE"], !database.isEmpty { self.database = database }
        if let keys = environment["DEDUP_API_KEYS"], !keys.isEmpty {
            for (hash, tenant) in try APIKeys.parse(keys).tenantByHash { apiKeys.add(sha256: hash, tenant: tenant) }
        }
        if let token = environment["DEDUP_METRICS_TOKEN"], !token.isEmpty {
            metricsTokenSHA256 = StableHash.sha256Hex(token)
        }
        if let level = environment["DEDUP_LOG_LEVEL"], !level.isEmpty {
            guard let parsed = Logger.Level(rawValue: level) else {
                throw .invalidInput("DEDUP_LOG_LEVEL must be trace, debug, info, notice, warning, error or critical")
            }
            logLevel = parsed
        }
    }

    /// A relative file path is relative to the configuration file; a `postgres://` URL is no path.
    private static func resolve(_ path: String, against base: URL) -> String {
        let isURL = path.hasPrefix("postgres://") || path.hasPrefix("postgresql://")
        return path.hasPrefix("/") || isURL ? path : base.appendingPathComponent(path).path
    }
}
