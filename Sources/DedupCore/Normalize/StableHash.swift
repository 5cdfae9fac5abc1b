import Crypto

/// Fixed, documented hashes for keys and features.
///
/// Swift's `Hasher` is seeded per process: keys hashed with it would not survive a restart and
/// embeddings would differ between runs. These never change:
/// - keys (fingerprint, intent key, API keys): SHA-256, lower-case hex;
/// - features and groups: 64-bit FNV-1a over UTF-8 with the seed folded into the offset basis,
///   finished with MurmurHash3's `fmix64` so that nearby inputs spread over all bits.
public enum StableHash {
    /// SHA-256 of the UTF-8 bytes of `text`, as 64 lower-case hex digits.
    public static func sha256Hex(_ text: String) -> String {
        sha256Hex(bytes: Array(text.utf8))
    }

    /// SHA-256 of `bytes`, as 64 lower-case hex digits.
    public static func sha256Hex(bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes)
            .map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }
            .joined()
    }

    /// A seeded 64-bit hash of the UTF-8 bytes of `text`; see the type's documentation for the algorithm.
    public static func hash64(_ text: String, seed: UInt64 = 0) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ (seed &* 0x9E37_79B9_7F4A_7C15)
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return fmix64(hash)
    }

    /// MurmurHash3's 64-bit finaliser.
    static func fmix64(_ value: UInt64) -> UInt64 {
        var key = value
        key ^= key >> 33
        key = key &* 0xff51_afd7_ed55_8ccd
        key ^= key >> 33
        key = key &* 0xc4ce_b9fe_1a85_ec53
        key ^= key >> 33
        return key
    }
}
