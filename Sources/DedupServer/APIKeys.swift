public import DedupCore
import Foundation

/// API keys and the tenants they belong to, held only as SHA-256 hashes.
///
/// A key is never stored or logged in plain text: the server hashes the bearer token of each request
/// and looks the hash up. The tenant comes from this table and nowhere else.
public struct APIKeys: Sendable, Hashable {
    /// Tenant by SHA-256 (hex) of the key.
    public private(set) var tenantByHash: [String: String]

    /// An empty table.
    public init() {
        tenantByHash = [:]
    }

    /// Adds a key given in plain text (it is hashed at once).
    public mutating func add(plainKey: String, tenant: String) {
        tenantByHash[StableHash.sha256Hex(plainKey)] = tenant
    }

    /// Adds a key given as its SHA-256 hex digest.
    public mutating func add(sha256: String, tenant: String) {
        tenantByHash[sha256.lowercased()] = tenant
    }

    /// Whether no key is configured.
    public var isEmpty: Bool { tenantByHash.isEmpty }

    /// How many keys there are.
    public var count: Int { tenantByHash.count }

    /// This table plus the keys of `other` (whose tenant wins for a key in both).
    public func merging(_ other: APIKeys) -> APIKeys {
        var keys = self
        keys.tenantByHash.merge(other.tenantByHash) { _, theirs in theirs }
        return keys
    }

    /// This table without the keys of `other`.
    public func removing(_ other: APIKeys) -> APIKeys {
        var keys = self
        for hash in other.tenantByHash.keys { keys.tenantByHash[hash] = nil }
        return keys
    }

    /// The tenant of a presented key, or `nil` for an unknown key.
    public func tenant(forKey key: String) -> String? {
        tenantByHash[StableHash.sha256Hex(key)]
    }

    /// Reads `tenantA:keyA,tenantB:keyB` (the `DEDUP_API_KEYS` format, for development and scripts).
    public static func parse(_ text: String) throws(DedupError) -> APIKeys {
        var keys = APIKeys()
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw .invalidInput("DEDUP_API_KEYS entries must look like tenant:key, separated by commas")
            }
            keys.add(plainKey: parts[1], tenant: parts[0])
        }
        return keys
    }

    /// A new random key (`dk_` + 40 base-32 characters, 200 bits).
    public static func generateKey() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        var generator = SystemRandomNumberGenerator()
        return "dk_" + String((0..<40).map { _ in alphabet[Int(generator.next() % 32)] })
    }
}
