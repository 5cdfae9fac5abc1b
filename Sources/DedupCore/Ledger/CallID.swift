/// Call ids: `call_` + 26 lower-case Crockford base-32 characters (48-bit millisecond time, 80 random
/// bits), so ids sort by creation time and cannot be guessed across tenants.
enum CallID {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")

    static func make(millis: Int64) -> String {
        var generator = SystemRandomNumberGenerator()
        var high = UInt64(max(0, millis)) & 0xFFFF_FFFF_FFFF
        var random = (generator.next() as UInt64, UInt16.random(in: .min ... .max, using: &generator))
        var characters: [Character] = []
        // 10 characters of time (50 bits, top 2 zero), 16 of randomness (80 bits).
        for _ in 0..<10 {
            characters.append(alphabet[Int(high & 31)])
            high >>= 5
        }
        characters.reverse()
        for index in 0..<16 {
            if index < 12 {
                characters.append(alphabet[Int(random.0 & 31)])
                random.0 >>= 5
            } else {
                characters.append(alphabet[Int(random.1 & 31)])
                random.1 >>= 5
            }
        }
        return "call_" + String(characters)
    }
}
