import DedupCore
import Testing

/// Stored keys (fingerprints, intent keys, API key hashes) are these hashes: they must never change.
@Suite struct StableHashTests {
    @Test func sha256HexMatchesThePublishedVectors() {
        // FIPS 180-2 examples, and the empty input.
        #expect(StableHash.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(StableHash.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            StableHash.sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        )
        // Bytes either side of a digit boundary (0x0F, 0x10) and at the ends (0x00, 0xFF); from Python's hashlib.
        #expect(
            StableHash.sha256Hex(bytes: [0x00, 0xFF, 0x10, 0x0F])
                == "e69ad842f27c6059d38b6bf91764cf16c7bfff289b0609cab0b9c76414b6cfd2"
        )
    }

    @Test func sha256HexIsSixtyFourLowerCaseDigitsForEveryInput() {
        for length in [0, 1, 55, 56, 64, 1000] {
            let hex = StableHash.sha256Hex(bytes: (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            #expect(hex.utf8.count == 64)
            #expect(hex.allSatisfy { "0123456789abcdef".contains($0) })
        }
    }
}
