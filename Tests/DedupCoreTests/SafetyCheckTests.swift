import DedupCore
import Testing

/// One test per rule of the safety check: each vetoing difference, each harmless one.
@Suite struct SafetyCheckTests {
    @Test(arguments: [
        ("Scale the service to 6 replicas", "Scale the service to 8 replicas"),
        ("Book a table for two", "Book a table for three"),
        ("Revenue was $1.2 million", "Revenue was $1.2 billion"),
    ])
    func aNumberVetoes(_ first: String, _ second: String) {
        #expect(SafetyCheck.compare(first, second).numbers > 0)
        #expect(SafetyCheck.compare(first, second).veto != nil)
    }

    @Test(arguments: [
        ("Adjust the forecast by +5%", "Adjust the forecast by -5%"),
        ("Alert when CPU > 90", "Alert when CPU < 90"),
        ("Pay €4,200 on Friday", "Pay $4,200 on Friday"),
        ("Set the discount to 10% off", "Set the discount to $10 off"),
    ])
    func aSignVetoes(_ first: String, _ second: String) {
        #expect(SafetyCheck.compare(first, second).symbols > 0)
    }

    @Test(arguments: [
        ("Unfortunately we can't approve the invoice", "Unfortunately we can approve the invoice"),
        ("Don't deploy the hotfix today", "Deploy the hotfix today"),
        ("The gateway is no longer failing", "The gateway is still failing"),
        ("Reset passwords without verification", "Reset passwords with verification"),
        ("We never share your data", "We share your data"),
    ])
    func aNegationVetoes(_ first: String, _ second: String) {
        #expect(SafetyCheck.compare(first, second).negations > 0)
    }

    @Test(arguments: [
        ("Book the dinner in Lisbon", "Book the dinner in Porto"),
        ("Roll back the gateway to v2.3.1", "Roll back the gateway to v2.3.0"),
        ("Restart worker-a now", "Restart worker-b now"),
    ])
    func aNameOrIdentifierVetoes(_ first: String, _ second: String) {
        #expect(SafetyCheck.compare(first, second).veto != nil)
    }

    @Test(arguments: [
        ("Promote db-2 to primary and demote db-1 to replica", "Promote db-1 to primary and demote db-2 to replica"),
        ("Transfer ownership of the repo from alice to bob", "Transfer ownership of the repo from bob to alice"),
        ("alice pays bob back", "bob pays alice back"),
        ("Final score: Arsenal 2 Chelsea 1", "Final score: Arsenal 1 Chelsea 2"),
    ])
    func orderAndRolesVeto(_ first: String, _ second: String) {
        #expect(SafetyCheck.compare(first, second).order > 0)
    }

    @Test(arguments: [
        ("Enable the banner", "Disable the banner"),
        ("Scale up the pool", "Scale down the pool"),
        ("Sort by date ascending", "Sort by date descending"),
    ])
    func anOppositeVerbVetoes(_ first: String, _ second: String) {
        #expect(SafetyCheck.compare(first, second).oppositeVerbs > 0)
    }

    @Test func codeIsComparedExactly() {
        let diff = SafetyCheck.compare(
            "UPDATE accounts SET balance = balance + 100 WHERE id = 7",
            "UPDATE accounts SET balance = balance - 100 WHERE id = 7"
        )
        #expect(diff.codeDiffers)
        #expect(!SafetyCheck.compare("SELECT 1  FROM t", "SELECT 1 FROM t").codeDiffers)
    }

    @Test(arguments: [
        ("Please review the Q3 Budget draft", "Please review the Q3 budget draft"),
        ("We can't approve it", "We cannot approve it"),
        ("Don't merge the branch yet", "Do not merge the branch yet."),
        ("We closed 1,250 accounts", "We closed 1250 accounts"),
        ("We are opening two roles", "We are opening 2 roles"),
        ("Updating the dashboards", "Update the dashboards"),
        ("Restart the workers, then clear the queue!", "restart the workers then clear the queue"),
        ("Latency above 300 ms", "Latency above 300ms"),
    ])
    func harmlessDifferencesPass(_ first: String, _ second: String) {
        let diff = SafetyCheck.compare(first, second)
        #expect(diff.isHarmless, "\(diff.features)")
    }

    @Test func movedWordsAreNeitherVetoNorHarmless() {
        let diff = SafetyCheck.compare("A dog is carrying a man", "A man is carrying a dog")
        #expect(!diff.isHarmless)
        let reworded = SafetyCheck.compare(
            "Hi Bob, your March invoice is attached.",
            "Hi Bob, your invoice for March is attached!"
        )
        #expect(reworded.veto == nil)
    }

    @Test func theWeakestFieldDecides() {
        let description = "Generate the CSR, get it signed, upload the bundle and reload the listeners."
        let diff = SafetyCheck.compare(
            FieldSignature(text: ["title": "Rotate the staging TLS certificate", "description": description]),
            FieldSignature(text: ["title": "Rotate the production TLS certificate", "description": description])
        )
        #expect(diff.weakestField == "title")
        #expect(diff.weakestSimilarity < 0.8)
        #expect(diff.fields["description"]!.isHarmless)
    }

    @Test func featuresHaveStableNames() {
        let features = SafetyCheck.compare(FieldSignature(text: ["t": "a b"]), FieldSignature(text: ["t": "a c"]))
            .features
        for name in [
            "numbers", "symbols", "negations", "entities", "order", "opposite_verbs", "content_added",
            "content_removed", "moved", "tokens_a", "tokens_b", "weakest_content_similarity", "text_fields",
            "unpaired_fields", "stop_word_only", "vetoed",
        ] {
            #expect(features[name] != nil, "missing \(name)")
        }
    }
}
