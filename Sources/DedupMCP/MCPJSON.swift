public import DedupCore
internal import Foundation

/// Moves values between the MCP SDK's `Codable` types and the ledger's `JSONValue`.
///
/// Going through the encoder keeps one source of truth for each type's wire shape: what the ledger stores
/// is exactly what the upstream sent, and a replay decodes it back to the same `CallTool.Result`.
public enum MCPJSON {
    /// `value` as the ledger's JSON.
    public static func json(_ value: some Encodable) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return try JSONParser().parse(try encoder.encode(value))
        } catch {
            throw ProxyError.upstream("cannot store an MCP value as JSON: \(error)")
        }
    }

    /// A `T` decoded from the ledger's JSON.
    public static func decode<T: Decodable>(_ type: T.Type, from json: JSONValue) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.canonicalText.utf8))
    }
}
