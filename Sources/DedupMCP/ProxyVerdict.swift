public import DedupCore

/// The part of a claim's verdict the proxy acts on, read from the verdict's JSON.
///
/// Both ledgers speak the same JSON (`Verdict.jsonValue` embedded, the HTTP body of `dedup serve`), so one
/// reader serves both and the rules never depend on which ledger answered.
public struct ProxyVerdict: Sendable, Hashable {
    /// `new`, `duplicate`, `in_progress` or `conflict`.
    public var decision: Decision
    /// The claim to complete (`new`) or the call matched.
    public var callID: String?
    /// The funnel layer that matched, if any.
    public var layer: String?
    /// The match score, if any.
    public var score: Double?
    /// The matched earlier call's id, status, stored result and error.
    public var match: Match?

    /// An earlier call a verdict matched.
    public struct Match: Sendable, Hashable {
        /// Its id.
        public var callID: String
        /// `pending`, `succeeded` or `failed`.
        public var status: CallStatus
        /// The stored result (for the proxy: the upstream's `CallTool.Result` as JSON).
        public var result: JSONValue?
        /// The stored error text.
        public var error: String?

        /// A match; see the properties.
        public init(callID: String, status: CallStatus, result: JSONValue? = nil, error: String? = nil) {
            self.callID = callID
            self.status = status
            self.result = result
            self.error = error
        }
    }

    /// A verdict; see the properties.
    public init(decision: Decision, callID: String?, layer: String? = nil, score: Double? = nil, match: Match? = nil) {
        self.decision = decision
        self.callID = callID
        self.layer = layer
        self.score = score
        self.match = match
    }

    /// Reads a verdict's JSON; throws when `decision` is missing or unknown, never guesses one.
    public init(json: JSONValue) throws(ProxyError) {
        guard let text = json["decision"]?.stringValue, let decision = Decision(rawValue: text) else {
            throw .ledger("the ledger answered without a known decision: \(json.canonicalText.prefix(300))")
        }
        var match: Match?
        if let record = json["match"]?.objectValue, let id = record["call_id"]?.stringValue,
            let status = record["status"]?.stringValue.flatMap(CallStatus.init(rawValue:))
        {
            let result = record["result"].flatMap { $0 == .null ? nil : $0 }
            match = Match(callID: id, status: status, result: result, error: record["error"]?.stringValue)
        }
        self.init(
            decision: decision,
            callID: json["call_id"]?.stringValue,
            layer: json["layer"]?.stringValue,
            score: json["score"]?.doubleValue,
            match: match
        )
    }
}
