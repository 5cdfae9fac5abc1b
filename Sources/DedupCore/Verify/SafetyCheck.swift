/// The safety check: aligns the two texts of each field token by token and classifies what differs.
///
/// Similarity is not sameness. A bag of n-grams cannot see a sign (`+ 100` / `- 100`), a contracted
/// negation (`can't`), or roles (`from alice to bob` / `from bob to alice`); an alignment can. Harmless
/// differences — case, punctuation, whitespace, stop words, inflection, expanded contractions — pass;
/// a number, sign, negation, name or identifier, opposite verb, or a change of order or role vetoes.
/// Pure functions, no model.
public enum SafetyCheck {
    /// Compares every text field of two calls; fields present in one call only are listed unpaired.
    public static func compare(_ proposed: FieldSignature, _ candidate: FieldSignature) -> PairDiff {
        compare(SafetyText.fields(of: proposed), SafetyText.fields(of: candidate))
    }

    /// Compares two calls' analysed text fields (``SafetyText/fields(of:)``): analyse the proposed call once
    /// and compare it with every candidate.
    public static func compare(_ proposed: [String: SafetyText], _ candidate: [String: SafetyText]) -> PairDiff {
        var diff = PairDiff()
        for (path, text) in proposed {
            guard let other = candidate[path] else {
                diff.unpairedFields.append(path)
                continue
            }
            diff.fields[path] = compare(text, other)
        }
        diff.unpairedFields += candidate.keys.filter { proposed[$0] == nil }
        diff.unpairedFields.sort()
        return diff
    }

    /// Compares two values of one text field.
    public static func compare(_ first: String, _ second: String) -> FieldDiff {
        compare(SafetyText(first), SafetyText(second))
    }

    /// Compares two analysed values of one text field.
    public static func compare(_ first: SafetyText, _ second: SafetyText) -> FieldDiff {
        var diff = FieldDiff()
        if first.isCode || second.isCode {
            // Code is identity: compared exactly after whitespace normalisation, never as prose.
            diff.codeDiffers = first.collapsed != second.collapsed
        }
        let (a, b) = (first.tokens, second.tokens)
        diff.tokensA = a.count
        diff.tokensB = b.count
        diff.contentA = first.contentWords
        diff.contentB = second.contentWords
        diff.contentWordsA = diff.contentA.count
        diff.contentWordsB = diff.contentB.count
        let (matchedA, matchedB) = TokenAlignment.align(first.keys, second.keys)
        let unmatchedA = a.indices.filter { !matchedA[$0] }.map { a[$0] }
        let unmatchedB = b.indices.filter { !matchedB[$0] }.map { b[$0] }
        // A token unmatched on both sides has moved, not changed; order checks below judge moves.
        var moved = Multiset(unmatchedA.map(\.key)).intersection(Multiset(unmatchedB.map(\.key)))
        var movedB = moved
        diff.moved = unmatchedA.filter { isContent($0) && moved.count($0.key) > 0 }.count
        for token in unmatchedA where !moved.remove(token.key) {
            classify(token, otherKeys: second.keySet, into: &diff, added: true)
        }
        for token in unmatchedB where !movedB.remove(token.key) {
            classify(token, otherKeys: first.keySet, into: &diff, added: false)
        }
        diff.negations = abs(first.negationCount - second.negationCount)
        diff.oppositeVerbs = oppositeWords(first.wordForms, second.wordForms)
        diff.order = orderChanges(first, second)
        return diff
    }

    static func isContent(_ token: SafetyToken) -> Bool {
        token.kind != .symbol && !SafetyLexicon.isStopWord(token) && !SafetyLexicon.isNegation(token)
    }

    private static func classify(_ token: SafetyToken, otherKeys: Set<String>, into diff: inout FieldDiff, added: Bool)
    {
        switch token.kind {
        case .number: diff.numbers += 1
        case .symbol: diff.symbols += 1
        case .identifier, .word:
            if token.isEntity && !otherKeys.contains(token.key) { diff.entities += 1 }
        }
        guard isContent(token) else { return }
        if added {
            diff.contentAdded += 1
            diff.addedWords.append(token.text)
        } else {
            diff.contentRemoved += 1
            diff.removedWords.append(token.text)
        }
    }

    /// Antonym pairs split across the two texts: one says `enable` (and not `disable`), the other the reverse.
    static func oppositeWords(_ a: [SafetyToken], _ b: [SafetyToken]) -> Int {
        oppositeWords(SafetyText(tokens: a).wordForms, SafetyText(tokens: b).wordForms)
    }

    /// Every antonym pair the check knows: opposite actions and the lexicon's opposite words.
    static let antonymPairs = OppositeActions.pairs + SafetyLexicon.oppositeWords

    /// The indices in ``antonymPairs`` of the pairs each word belongs to.
    private static let antonymPairsByWord: [String: [Int]] = {
        var byWord: [String: [Int]] = [:]
        for (index, (first, second)) in antonymPairs.enumerated() {
            byWord[first, default: []].append(index)
            if second != first { byWord[second, default: []].append(index) }
        }
        return byWord
    }()

    /// The antonym check over two texts' word forms (``SafetyText/wordForms``).
    ///
    /// Only a pair with a word on the left can count, so the pairs are found from the left's words (a
    /// text has tens of forms, the lexicon a hundred pairs) and each is judged once.
    static func oppositeWords(_ left: Set<String>, _ right: Set<String>) -> Int {
        var candidates: [Int] = []
        for word in left {
            if let indices = antonymPairsByWord[word] { candidates += indices }
        }
        guard !candidates.isEmpty else { return 0 }
        candidates.sort()
        var count = 0
        var previous = -1
        for index in candidates where index != previous {
            previous = index
            let (first, second) = antonymPairs[index]
            let (leftFirst, leftSecond) = (left.contains(first), left.contains(second))
            let (rightFirst, rightSecond) = (right.contains(first), right.contains(second))
            if (leftFirst && !leftSecond && rightSecond && !rightFirst)
                || (leftSecond && !leftFirst && rightFirst && !rightSecond)
            {
                count += 1
            }
        }
        return count
    }

    /// Order and role changes: names and numbers in another order, content words swapping places, or a
    /// word moving between directional roles (`from X` → `to X`).
    static func orderChanges(_ a: [SafetyToken], _ b: [SafetyToken]) -> Int {
        orderChanges(SafetyText(tokens: a), SafetyText(tokens: b))
    }

    /// The order and role check over two analysed texts.
    static func orderChanges(_ first: SafetyText, _ second: SafetyText) -> Int {
        let (a, b) = (first.tokens, second.tokens)
        var changes = 0
        // 1. Names, identifiers and numbers both texts share, in the order each text gives them.
        func keyed(_ keys: [String], sharedWith other: [String]) -> [String] {
            var available = Multiset(other)
            return keys.filter { available.remove($0) }
        }
        let (keysA, keysB) = (first.orderKeys, second.orderKeys)
        if !keysA.isEmpty, !keysB.isEmpty, keyed(keysA, sharedWith: keysB) != keyed(keysB, sharedWith: keysA) {
            changes += 1
        }
        // 2. The same frame with two or three content words in exchanged places ("alice pays bob" /
        // "bob pays alice"); a rewording that also changes the frame ("March invoice" / "invoice for
        // March") is not an exchange.
        if a.count == b.count {
            let differing = a.indices.filter { a[$0].key != b[$0].key }
            if (2...3).contains(differing.count), differing.filter({ isContent(a[$0]) }).count >= 2,
                Multiset(differing.map { a[$0].key }) == Multiset(differing.map { b[$0].key })
            {
                changes += 1
            }
        }
        // 3. A word governed by one directional preposition in one text and another in the other.
        for (word, role) in first.roles {
            if let other = second.roles[word], other != role { changes += 1 }
        }
        return changes
    }

    static func isKeyToken(_ token: SafetyToken) -> Bool {
        token.kind == .number || token.isEntity
    }

    /// Each content word that occurs once, with the directional preposition governing it, if any:
    /// the nearest preceding one, skipping determiners and modifiers (at most three tokens back).
    static func roles(_ tokens: [SafetyToken]) -> [String: String] {
        let counts = Multiset(tokens.map(\.key))
        var roles: [String: String] = [:]
        for (index, token) in tokens.enumerated() where isContent(token) && counts.count(token.key) == 1 {
            var back = index - 1
            while back >= 0 && index - back <= 3 {
                let previous = tokens[back]
                if previous.kind == .word && SafetyLexicon.directionalRoles.contains(previous.text) {
                    roles[token.key] = previous.text
                    break
                }
                if previous.kind == .symbol
                    || (SafetyLexicon.isStopWord(previous) && !SafetyLexicon.determiners.contains(previous.text))
                {
                    break
                }
                back -= 1
            }
        }
        return roles
    }
}
