/// What the funnel reads to rank a stored call the index found: where it lives, its identity group, when
/// it expires, and its embedding.
///
/// An approximate index can return more hits than the funnel compares (rows whose place in the ranking is
/// uncertain), and each must be scored exactly before the best are chosen. Reading only these columns
/// skips parsing the record's JSON (arguments, signature, result), which was most of the cost of reading a
/// candidate; the few chosen are then read whole.
public struct CandidateVector: Sendable, Hashable {
    /// The stored call's partition.
    public var partition: PartitionKey
    /// ``FieldSignature/identityGroup`` of the stored call.
    public var identityGroup: UInt64
    /// When the stored call leaves the window, in milliseconds since 1970.
    public var expiresAtMillis: Int64
    /// The stored embedding (empty for a call without text).
    public var embedding: [Float]

    /// A candidate's vector.
    public init(partition: PartitionKey, identityGroup: UInt64, expiresAtMillis: Int64, embedding: [Float]) {
        self.partition = partition
        self.identityGroup = identityGroup
        self.expiresAtMillis = expiresAtMillis
        self.embedding = embedding
    }

    /// The vector of a whole record.
    public init(_ record: CallRecord) {
        self.init(
            partition: record.partition,
            identityGroup: record.signature.identityGroup,
            expiresAtMillis: record.expiresAt.millis,
            embedding: record.embedding
        )
    }
}
