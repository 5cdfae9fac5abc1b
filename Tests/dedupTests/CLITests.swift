import DedupCore
import DedupSQLite
import DedupTesting
import Foundation
import Testing

@Suite struct CLITests {
    @Test func claimCompleteAndReplayThroughTheCLI() throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("ledger.sqlite")
        let args =
            #"{"to": "Bob@Example.com", "subject": "Invoice", "body": "Hi Bob, your invoice for March is attached."}"#
        let first = try DedupProcess.run([
            "claim", "--db", db, "--scope", "s1", "--tool", "send_email", "--args", args, "--json",
        ])
        #expect(first.status == 0, "\(first.stderr)")
        let verdict = try JSONParser().parse(first.stdout)
        #expect(verdict["decision"] == "new")
        let id = try #require(verdict["call_id"]?.stringValue)
        let completed = try DedupProcess.run([
            "complete", "--db", db, "--call-id", id, "--status", "succeeded", "--result", #"{"message_id": "m-9"}"#,
        ])
        #expect(completed.status == 0, "\(completed.stderr)")
        let reworded =
            #"{"to": "bob@example.com", "subject": "Invoice", "body": "Hi Bob, your invoice for March is attached!"}"#
        let retry = try DedupProcess.run([
            "check", "--db", db, "--scope", "s1", "--tool", "send_email", "--args", reworded, "--json",
        ])
        let again = try JSONParser().parse(retry.stdout)
        #expect(again["decision"] == "duplicate")
        #expect(again["call_id"]?.stringValue == id)
        #expect(again["match"]?["result"] == ["message_id": "m-9"])
        #expect(again["layer"] != nil)
        #expect(again["score"]?.doubleValue ?? 0 >= 0.9)
        let history = try DedupProcess.run(["history", "--db", db, "--scope", "s1", "--json"])
        #expect(try JSONParser().parse(history.stdout) == .array([try #require(again["match"])]))
    }

    @Test(arguments: [
        (["claim", "--scope", "s", "--tool", "t", "--args", "{bad json"], "--args is not valid JSON"),
        (["claim", "--scope", "s", "--tool", "t", "--args", "[1, 2]"], "arguments must be a JSON object"),
        (["claim", "--scope", "s", "--tool", "t", "--args", "{\"a\": 1, \"a\": 2}"], "duplicate key"),
        (["claim", "--scope", "", "--tool", "t"], "scope must not be empty"),
        (["claim", "--scope", "s", "--tool", "t", "--lease", "0"], "lease must be more than 0"),
        (["complete", "--call-id", "call_nope", "--status", "succeeded"], "no call call_nope"),
        (["complete", "--call-id", "x", "--status", "done"], "--status must be succeeded or failed"),
        (["complete", "--call-id", "x", "--status", "succeeded", "--result", "{"], "--result is not valid JSON"),
        (["claim", "--scope", "s", "--tool", "t", "--policy", "/nonexistent/policy.json"], "cannot read policy file"),
        (["history", "--scope", "s", "--limit", "0"], "--limit must be positive"),
    ])
    func badInputGivesOneLineAndANonZeroExit(_ arguments: [String], _ message: String) throws {
        let directory = try TemporaryDirectory()
        let output = try DedupProcess.run(arguments + ["--db", directory.path("ledger.sqlite")])
        #expect(output.status != 0)
        #expect(output.stderr.hasPrefix("error: "))
        #expect(output.stderr.contains(message), "\(output.stderr)")
        #expect(output.stderr.split(separator: "\n").count == 1, "\(output.stderr)")
        #expect(output.stdout.isEmpty)
    }

    @Test func aDatabaseInAMissingDirectoryIsAClearError() throws {
        let output = try DedupProcess.run(["claim", "--db", "/nonexistent/dir/x.sqlite", "--scope", "s", "--tool", "t"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("does not exist"))
    }

    @Test func embeddingsAreTheSameInTwoProcesses() throws {
        let text = "Hi Bob — the quarterly report is attached; let me know if you have questions."
        let first = try DedupProcess.run(["model", "embed", text])
        let second = try DedupProcess.run(["model", "embed", text])
        #expect(first.status == 0, "\(first.stderr)")
        let one = try JSONParser().parse(first.stdout)
        let two = try JSONParser().parse(second.stdout)
        #expect(one["sha256"] == two["sha256"])
        // And the same as in this process.
        let vector = try HashingEmbedder.bundled().embed(text: text)
        let bytes = vector.withUnsafeBytes { Array($0) }
        #expect(one["sha256"]?.stringValue == StableHash.sha256Hex(bytes: bytes))
    }
}
