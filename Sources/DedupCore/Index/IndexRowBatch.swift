/// Index rows read from a store, kept as columns: how a partition's rows travel from the store to the index.
///
/// A million ``IndexRow`` values cost a million `String` ids and a million code arrays on the heap — built
/// from the store's bytes, copied into the index's columns and freed again: about a third of the time a
/// restart takes to its first answer. A store that keeps each row's ``IndexCode`` appends rows here from
/// its own buffers (``append(id:group:expiresAtMillis:code:)``), already split into the columns a
/// ``SlabVectorIndex`` searches, and an empty slab adopts those columns without copying them.
///
/// Rows with no code of the batch's dimension — written before codes were stored, or by a store that keeps
/// only embeddings — are kept as ``IndexRow`` values in ``others``, after the columns' rows.
///
/// As a collection, the batch's elements are ``IndexRow`` values built on access: for tests and for indexes
/// that need them one by one, not for the load path.
public struct IndexRowBatch: Sendable {
    /// Components per row of the column rows: the dimension of the first code appended (0 before).
    public private(set) var dimension = 0
    /// Rows that came without a code of ``dimension``, in the order they were appended.
    public private(set) var others: [IndexRow] = []

    // Columns, one entry per code row, laid out as `Slab` keeps them.
    private(set) var idBytes: [UInt8] = []
    private(set) var idOffsets: [UInt32] = []
    private(set) var idLengths: [UInt16] = []
    private(set) var groups: [UInt64] = []
    private(set) var expiries: [Int64] = []
    private(set) var sketches: [UInt64] = []
    private(set) var codes: [Int8] = []
    private(set) var scales: [Float] = []

    /// An empty batch.
    public init() {}

    /// An empty batch with room for `rows` code rows of `dimension` components and ids of about `idBytes`
    /// bytes, so a large load allocates each column once.
    public init(reservingRows rows: Int, dimension: Int, idBytes: Int = 32) {
        self.dimension = dimension
        reserve(rows: rows, idBytes: idBytes)
    }

    /// Rows held in columns.
    public var columnCount: Int { groups.count }

    /// Appends `row`: into the columns when it has a code of the batch's dimension and no vector, else to
    /// ``others`` (an index encodes its vector, or uses its code when the dimension is its own).
    public mutating func append(_ row: IndexRow) {
        if row.vector.isEmpty, let code = row.code,
            appendCode(code.bytes, id: row.id, group: row.group, expires: row.expiresAtMillis)
        {
            return
        }
        others.append(row)
    }

    /// Appends a row from a store's buffers: `id` as UTF-8 and `code` as the stored bytes of an
    /// ``IndexCode``. Returns false, appending nothing, when `code` is not a valid code: the caller then
    /// has to supply the row's embedding (``append(_:)``).
    @discardableResult
    public mutating func append(
        id: UnsafeBufferPointer<UInt8>,
        group: UInt64,
        expiresAtMillis: Int64,
        code: UnsafeRawBufferPointer
    ) -> Bool {
        guard let codeDimension = IndexCode.dimension(ofValid: code) else { return false }
        if dimension == 0 { dimension = codeDimension }
        guard codeDimension == dimension else {
            let row = IndexRow(
                id: String(decoding: id, as: UTF8.self),
                group: group,
                vector: [],
                expiresAtMillis: expiresAtMillis,
                code: IndexCode(validBytes: Array(code))
            )
            others.append(row)
            return true
        }
        let stored = id.count <= Int(UInt16.max) ? id : UnsafeBufferPointer(rebasing: id[0..<Int(UInt16.max)])
        idOffsets.append(UInt32(idBytes.count))
        idLengths.append(UInt16(stored.count))
        idBytes.append(contentsOf: stored)
        groups.append(group)
        expiries.append(expiresAtMillis)
        IndexCode.split(code, sketch: &sketches, codes: &codes, scales: &scales)
        return true
    }

    /// Turns the rows of ``others`` with a vector of `dimension` components into column rows, encoded by
    /// `codec`, and drops the rest: what an index of that dimension does with them one by one. A batch
    /// whose columns have another dimension is left as it is.
    mutating func encodeOthers(dimension: Int, codec: RowCodec) {
        guard self.dimension == 0 || self.dimension == dimension else { return }
        self.dimension = dimension
        let rows = others
        others = []
        for row in rows where row.vector.count == dimension || row.code?.dimension == dimension {
            let code = row.code?.dimension == dimension ? row.code! : codec.encode(row.vector)
            appendCode(code.bytes, id: row.id, group: row.group, expires: row.expiresAtMillis)
        }
    }

    /// Makes room for `rows` more code rows.
    public mutating func reserve(rows: Int, idBytes: Int = 32) {
        let total = columnCount + rows
        idOffsets.reserveCapacity(total)
        idLengths.reserveCapacity(total)
        self.idBytes.reserveCapacity(self.idBytes.count + rows * idBytes)
        groups.reserveCapacity(total)
        expiries.reserveCapacity(total)
        scales.reserveCapacity(total)
        sketches.reserveCapacity(total * RowCodec.sketchWords)
        if dimension > 0 { codes.reserveCapacity(total * dimension) }
    }

    @discardableResult
    private mutating func appendCode(_ bytes: [UInt8], id: String, group: UInt64, expires: Int64) -> Bool {
        var id = id
        return id.withUTF8 { id in
            bytes.withUnsafeBytes { code in
                guard let codeDimension = IndexCode.dimension(ofValid: code),
                    dimension == 0 || codeDimension == dimension
                else { return false }
                return append(id: id, group: group, expiresAtMillis: expires, code: code)
            }
        }
    }

    /// The id of column row `row`.
    func id(at row: Int) -> String {
        let start = Int(idOffsets[row])
        return String(decoding: idBytes[start..<start + Int(idLengths[row])], as: UTF8.self)
    }

    /// The code of column row `row`, as a store keeps it.
    func code(at row: Int) -> IndexCode {
        IndexCode(
            dimension: dimension,
            scale: scales[row],
            sketch: sketches[row * RowCodec.sketchWords..<(row + 1) * RowCodec.sketchWords],
            codes: codes[row * dimension..<(row + 1) * dimension]
        )
    }
}

extension IndexRowBatch: RandomAccessCollection {
    /// Column rows start at 0.
    public var startIndex: Int { 0 }
    /// Past the last of ``others``.
    public var endIndex: Int { columnCount + others.count }

    /// The row at `position`: column rows first, then ``others``.
    public subscript(position: Int) -> IndexRow {
        guard position >= columnCount else {
            return IndexRow(
                id: id(at: position),
                group: groups[position],
                vector: [],
                expiresAtMillis: expiries[position],
                code: code(at: position)
            )
        }
        return others[position - columnCount]
    }
}

extension IndexRowBatch {
    /// A batch of `rows`, in their order within each of the two parts.
    public init(_ rows: some Sequence<IndexRow>) {
        self.init()
        for row in rows { append(row) }
    }
}
