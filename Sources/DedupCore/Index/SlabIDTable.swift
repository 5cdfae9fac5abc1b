/// The call ids of a slab's rows, stored once: their UTF-8 bytes in one arena and an open-addressing
/// table from id to row.
///
/// A `[String: Int]` costs a heap object per call id (ids are 31 bytes, past Swift's 15-byte inline
/// strings) plus the dictionary's own overhead — more than a row's Int8 code. Here an id costs its bytes,
/// an offset, a length and about 8 bytes of table. Rows are removed by moving the last row into the hole,
/// like every column of the slab; the bytes of removed ids stay in the arena as garbage until they
/// outweigh the live ones, and then the arena is rewritten.
struct SlabIDTable {
    private var bytes: [UInt8] = []
    private var offsets: [UInt32] = []
    private var lengths: [UInt16] = []
    /// Row numbers, or -1 for an empty slot; linear probing, at most 70 % full.
    private var slots: [Int32] = []
    private var garbage = 0

    /// An empty table.
    init() {}

    /// The table of rows 0… whose ids are `bytes[offsets[row] ..< offsets[row] + lengths[row]]` (how an
    /// ``IndexRowBatch`` holds them), or nil when an id appears twice.
    init?(bytes: [UInt8], offsets: [UInt32], lengths: [UInt16]) {
        self.bytes = bytes
        self.offsets = offsets
        self.lengths = lengths
        var size = 16
        while size < offsets.count * 10 / 7 + 1 { size *= 2 }
        var slots = [Int32](repeating: -1, count: size)
        let mask = size - 1
        for row in 0..<offsets.count {
            var slot = Int(truncatingIfNeeded: hash(ofRow: row)) & mask
            while slots[slot] >= 0 {
                if sameID(Int(slots[slot]), row) { return nil }
                slot = (slot + 1) & mask
            }
            slots[slot] = Int32(row)
        }
        self.slots = slots
    }

    /// Rows.
    var count: Int { offsets.count }

    /// Bytes held, for tests and the memory estimate.
    var capacityBytes: Int {
        bytes.capacity + offsets.capacity * 4 + lengths.capacity * 2 + slots.capacity * 4
    }

    /// The row of `id`, if present.
    func row(of id: String) -> Int? {
        guard !slots.isEmpty else { return nil }
        var id = id
        return id.withUTF8 { whole in
            let key = Self.stored(whole)
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: Self.hash(key)) & mask
            while true {
                let row = Int(slots[slot])
                if row < 0 { return nil }
                if matches(row, key) { return row }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Makes room for `additional` more ids of about `idBytes` bytes each, so a partition's load grows
    /// each array and the table once rather than by doubling (every doubling copies and faults in pages).
    mutating func reserve(additional: Int, idBytes: Int) {
        let rows = offsets.count + additional
        offsets.reserveCapacity(rows)
        lengths.reserveCapacity(rows)
        bytes.reserveCapacity(bytes.count + additional * idBytes)
        if rows * 10 > slots.count * 7 { rehash(capacity: rows * 10 / 7 + 1) }
    }

    /// Adds `id` (not present) as the next row; returns its row number.
    mutating func append(_ id: String) -> Int {
        if (offsets.count + 1) * 10 > slots.count * 7 { rehash(capacity: max(16, slots.count * 2)) }
        let row = offsets.count
        var id = id
        id.withUTF8 { whole in
            let key = Self.stored(whole)
            offsets.append(UInt32(bytes.count))
            lengths.append(UInt16(key.count))
            bytes.append(contentsOf: key)
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: Self.hash(key)) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(row)
        }
        return row
    }

    /// The id of `row`.
    func id(at row: Int) -> String {
        let start = Int(offsets[row])
        return String(decoding: bytes[start..<start + Int(lengths[row])], as: UTF8.self)
    }

    /// Removes `row`, moving the last row into its place.
    mutating func swapRemove(_ row: Int) {
        let last = offsets.count - 1
        removeSlot(slot(of: row))
        garbage += Int(lengths[row])
        if row != last {
            slots[slot(of: last)] = Int32(row)
            offsets[row] = offsets[last]
            lengths[row] = lengths[last]
        }
        offsets.removeLast()
        lengths.removeLast()
        if garbage > 4096, garbage * 2 > bytes.count { compact() }
        if slots.count > 64, offsets.count * 8 < slots.count {
            offsets = offsets.compacted()
            lengths = lengths.compacted()
            rehash(capacity: slots.count / 4)
        }
    }

    private func matches(_ row: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard Int(lengths[row]) == key.count else { return false }
        let start = Int(offsets[row])
        for index in 0..<key.count where bytes[start + index] != key[index] { return false }
        return true
    }

    private func sameID(_ row: Int, _ other: Int) -> Bool {
        guard lengths[row] == lengths[other] else { return false }
        return bytes.withUnsafeBufferPointer { all in
            let start = Int(offsets[other])
            return matches(row, UnsafeBufferPointer(rebasing: all[start..<start + Int(lengths[other])]))
        }
    }

    private func hash(ofRow row: Int) -> UInt64 {
        let start = Int(offsets[row])
        return bytes.withUnsafeBufferPointer { all in
            Self.hash(UnsafeBufferPointer(rebasing: all[start..<start + Int(lengths[row])]))
        }
    }

    /// The slot holding `row` (present).
    private func slot(of row: Int) -> Int {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash(ofRow: row)) & mask
        while Int(slots[slot]) != row { slot = (slot + 1) & mask }
        return slot
    }

    /// Empties `slot`, shifting later entries of its probe run back so lookups never stop early.
    private mutating func removeSlot(_ slot: Int) {
        let mask = slots.count - 1
        var hole = slot
        var next = slot
        while true {
            next = (next + 1) & mask
            let row = Int(slots[next])
            if row < 0 { break }
            let home = Int(truncatingIfNeeded: hash(ofRow: row)) & mask
            // The entry may move into the hole unless its home lies cyclically in (hole, next].
            let stays = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next)
            if !stays {
                slots[hole] = slots[next]
                hole = next
            }
        }
        slots[hole] = -1
    }

    private mutating func rehash(capacity: Int) {
        var size = 16
        while size < capacity { size *= 2 }
        slots = [Int32](repeating: -1, count: size)
        let mask = size - 1
        for row in 0..<offsets.count {
            var slot = Int(truncatingIfNeeded: hash(ofRow: row)) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(row)
        }
    }

    private mutating func compact() {
        var packed: [UInt8] = []
        packed.reserveCapacity(bytes.count - garbage)
        for row in 0..<offsets.count {
            let start = Int(offsets[row])
            offsets[row] = UInt32(packed.count)
            packed.append(contentsOf: bytes[start..<start + Int(lengths[row])])
        }
        bytes = packed
        garbage = 0
    }

    /// The part of an id that is stored and compared: lengths are 16 bits, and no real id comes near.
    private static func stored(_ key: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        key.count <= Int(UInt16.max) ? key : UnsafeBufferPointer(rebasing: key[0..<Int(UInt16.max)])
    }

    /// FNV-1a with a final mix, so ids that differ only in their last characters still spread over the
    /// table.
    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        value ^= value >> 33
        value &*= 0xFF51_AFD7_ED55_8CCD
        return value ^ (value >> 33)
    }
}
