/// What differs between two calls' text fields: one ``FieldDiff`` per shared field, judged on its own.
///
/// The weakest field decides: a differing `title` is not outweighed by an equal `description`. The funnel
/// runs this on every semantic candidate, at any cosine, before any duplicate verdict; the structural
/// verifier and a calibrated pair model read the same value.
public struct PairDiff: Sendable, Hashable {
    /// Per shared text field, by path.
    public var fields: [String: FieldDiff]
    /// Text fields only one of the two calls has.
    public var unpairedFields: [String]

    /// A pair diff.
    public init(fields: [String: FieldDiff] = [:], unpairedFields: [String] = []) {
        self.fields = fields
        self.unpairedFields = unpairedFields
    }

    /// Why the two calls cannot be the same action, or `nil` when no field vetoes the match.
    public var veto: String? {
        if let path = unpairedFields.first { return "text field \"\(path)\" is in one call only" }
        for path in fields.keys.sorted() {
            if let reason = fields[path]!.veto { return "field \"\(path)\": \(reason)" }
        }
        return nil
    }

    /// Every field differs only harmlessly (case, punctuation, stop words, inflection, contractions).
    public var isHarmless: Bool { veto == nil && fields.values.allSatisfy(\.isHarmless) }

    /// The lowest per-field content-word overlap (1 without text fields).
    public var weakestSimilarity: Double { fields.values.map(\.contentSimilarity).min() ?? 1 }

    /// The path of the field with the lowest content-word overlap.
    public var weakestField: String? {
        fields.keys.sorted().min { fields[$0]!.contentSimilarity < fields[$1]!.contentSimilarity }
    }

    /// The whole pair as named numbers for a pair model: the per-field counts summed, the weakest
    /// field's overlap, and how many fields there are. Names are stable.
    public var features: [String: Double] {
        var total: [String: Double] = [:]
        for field in fields.values {
            for (name, value) in field.features where name != "content_similarity" && name != "stop_word_only" {
                total[name, default: 0] += value
            }
        }
        total["weakest_content_similarity"] = weakestSimilarity
        total["text_fields"] = Double(fields.count)
        total["unpaired_fields"] = Double(unpairedFields.count)
        total["stop_word_only"] = isHarmless ? 1 : 0
        total["vetoed"] = veto == nil ? 0 : 1
        return total
    }
}
