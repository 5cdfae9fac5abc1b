/// Turns the free text of a call into a vector whose cosine with another call's says how alike they read.
///
/// Implementations must be deterministic — the same call gives the same vector on every run and
/// machine — because vectors are stored in the ledger and compared with vectors made by other processes.
public protocol Embedder: Sendable {
    /// Length of every vector this embedder returns.
    var dimension: Int { get }
    /// Names the model and its version, stored beside each embedding so a model change is detectable.
    var modelID: String { get }
    /// The L2-normalised embedding of `text`, or an empty array when `text` has nothing to embed.
    func embed(text: String) -> [Float]
}

extension Embedder {
    /// The embedding of a call's text fields (empty when it has none: such calls are matched exactly
    /// or not at all, since every remaining field is identity).
    public func embed(_ call: NormalizedCall) -> [Float] {
        guard !call.signature.text.isEmpty else { return [] }
        let text = call.signature.text.keys.sorted(by: JSONValue.utf8Order)
            .map { call.signature.text[$0]! }
            .joined(separator: " \n ")
        return embed(text: text)
    }
}
