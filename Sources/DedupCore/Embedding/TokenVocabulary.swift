/// A WordPiece vocabulary looked up by UTF-8 bytes, with no String built per lookup.
///
/// Tokenising tries many substrings of each word; hashing `String`s for that would dominate the cost of
/// embedding. Tokens live in one byte pool and an open-addressing table of FNV-1a hashes points into it.
/// A continuation token (`##ing`) is stored without its prefix under a separate flag, so a lookup of
/// "ing as a continuation" hashes only the piece's bytes.
public struct TokenVocabulary: Sendable {
    private var pool: [UInt8] = []
    /// Per slot: token index + 1 (0 = empty).
    private var slots: [Int32]
    private var starts: [Int32] = []
    private var lengths: [Int32] = []
    private var continuation: [Bool] = []
    private let mask: Int
    /// Number of tokens.
    public var count: Int { starts.count }

    /// A vocabulary whose token `i` is `tokens[i]`; `prefix` marks continuation tokens (`##`).
    public init(tokens: [String], continuationPrefix prefix: String = "##") {
        var capacity = 1
        while capacity < tokens.count * 2 { capacity <<= 1 }
        slots = [Int32](repeating: 0, count: capacity)
        mask = capacity - 1
        let prefixBytes = Array(prefix.utf8)
        for (index, token) in tokens.enumerated() {
            var bytes = Array(token.utf8)
            let isContinuation = bytes.count > prefixBytes.count && bytes.starts(with: prefixBytes)
            if isContinuation { bytes.removeFirst(prefixBytes.count) }
            starts.append(Int32(pool.count))
            lengths.append(Int32(bytes.count))
            continuation.append(isContinuation)
            pool += bytes
            // The first of two equal entries wins, as in a dictionary built from vocab.txt order.
            guard find(bytes[...], continuation: isContinuation) == nil else { continue }
            var slot = Self.hash(bytes[...], continuation: isContinuation) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index + 1)
        }
    }

    /// The id of the token spelled by `bytes` (as a `##` continuation when `continuation`), if any.
    public func id(of bytes: ArraySlice<UInt8>, continuation: Bool) -> Int32? {
        find(bytes, continuation: continuation)
    }

    private func find(_ bytes: ArraySlice<UInt8>, continuation isContinuation: Bool) -> Int32? {
        var slot = Self.hash(bytes, continuation: isContinuation) & mask
        while slots[slot] != 0 {
            let index = Int(slots[slot] - 1)
            if continuation[index] == isContinuation && Int(lengths[index]) == bytes.count {
                let start = Int(starts[index])
                var equal = true
                var offset = start
                for byte in bytes {
                    if pool[offset] != byte {
                        equal = false
                        break
                    }
                    offset += 1
                }
                if equal { return Int32(index) }
            }
            slot = (slot + 1) & mask
        }
        return nil
    }

    private static func hash(_ bytes: ArraySlice<UInt8>, continuation: Bool) -> Int {
        var value: UInt64 = continuation ? 0x8422_2325_cbf2_9ce4 : 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: value ^ (value >> 29))
    }
}
