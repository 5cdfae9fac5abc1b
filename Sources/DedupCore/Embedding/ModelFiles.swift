import Foundation

/// Reads the files of a bundled model — its JSON documents and its checksummed weights — with errors
/// that name the file, so every model loader refuses damage the same way.
enum ModelFiles {
    /// The JSON document at `url`; `what` names it in the error ("model manifest", "pair model").
    static func json(at url: URL, what: String) throws(DedupError) -> JSONValue {
        do {
            return try JSONParser().parse(Data(contentsOf: url))
        } catch {
            throw .model("cannot read \(what) \(url.path): \(error)")
        }
    }

    /// The bytes of `url`, refused unless their SHA-256 is `expected`; `what` names the file in errors.
    static func verifiedBytes(at url: URL, sha256 expected: String, what: String) throws(DedupError) -> [UInt8] {
        guard let data = try? Data(contentsOf: url) else { throw .model("cannot read \(what) \(url.path)") }
        let bytes = [UInt8](data)
        let checksum = StableHash.sha256Hex(bytes: bytes)
        guard checksum == expected else {
            throw .model("\(what) \(url.path) does not match the manifest's checksum (got \(checksum))")
        }
        return bytes
    }
}
