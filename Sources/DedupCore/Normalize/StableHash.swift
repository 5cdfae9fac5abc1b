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
    ///
    /// Every claim and check hashes its canonical arguments (and its declared identity) here, so the digits
    /// are written into one buffer: a `String` per byte, joined, was 2 % of a check's server CPU.
    public static func sha256Hex(bytes: [UInt8]) -> String {
        let digest = SHA256.hash(data: bytes)
        return String(unsafeUninitializedCapacity: 2 * SHA256.byteCount) { buffer in
            var index = 0
            for byte in digest {
                buffer[index] = hexDigits[Int(byte >> 4)]
                buffer[index + 1] = hexDigits[Int(byte & 0x0F)]
                index += 2
            }
            return index
        }
    }

    /// The lower-case hexadecimal digits, as UTF-8.
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A seeded 64-bit hash of the UTF-8 bytes of `text`; see the type's documentation for the algorithm.
    public static func hash64(_ text: String, seed: UInt64 = 0) -> UInt64 {
        Streaming(seed: seed).adding(text).finish()
    }

    /// ``hash64(_:seed:)`` fed piece by piece: the same bytes in the same order give the same hash, with
    /// no string built on the way.
    public struct Streaming: Sendable {
        private var state: UInt64

        /// A hasher with `seed`, before any byte.
        public init(seed: UInt64) {
            state = 0xcbf2_9ce4_8422_2325 ^ (seed &* 0x9E37_79B9_7F4A_7C15)
        }

        /// Feeds one byte.
        @inline(__always)
        public mutating func add(byte: UInt8) {
            state ^= UInt64(byte)
            state = state &* 0x0000_0100_0000_01B3
        }

        /// Feeds the UTF-8 bytes of `text`.
        public func adding(_ text: String) -> Streaming {
            var copy = self
            for byte in text.utf8 { copy.add(byte: byte) }
            return copy
        }

        /// Feeds the UTF-8 encoding of each scalar.
        public mutating func add(_ scalars: some Collection<Unicode.Scalar>) {
            for scalar in scalars {
                if scalar.isASCII {
                    add(byte: UInt8(scalar.value))
                } else {
                    for byte in UTF8.encode(scalar)! { add(byte: byte) }
                }
            }
        }

        /// The hash.
        public func finish() -> UInt64 { StableHash.fmix64(state) }
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
