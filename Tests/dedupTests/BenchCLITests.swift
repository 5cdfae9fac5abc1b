import DedupCore
import DedupTesting
import Foundation
import Testing

/// `dedup bench pairs` and `dedup replay` end to end, through the built binary.
@Suite struct BenchCLITests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../DedupBenchTests/Fixtures/pairs.jsonl").standardizedFileURL.path

    @Test func benchPairsEndToEndOnAHandCheckedFile() throws {
        let output = try DedupProcess.run(["bench", "pairs", Self.fixture, "--json", "--sweep", "0.90:0.90:0.01"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.split(separator: "\n").count == 3)
        let report = try JSONParser().parse(output.stdout)
        #expect(report["pairs"] == 6)
        #expect(report["skipped_lines"] == 3)
        let metrics = try #require(report["configured"]?["metrics"])
        #expect(metrics["tp"] == 2)
        #expect(metrics["fp"] == 1)
        #expect(metrics["tn"] == 2)
        #expect(metrics["fn"] == 1)
        #expect(metrics["duplicates_by_layer"] == ["exact": 3])
        guard case .array(let bounds)? = metrics["false_duplicate_rate_ci95"] else {
            Issue.record("no false_duplicate_rate_ci95 in \(metrics)")
            return
        }
        let interval = bounds.compactMap(\.doubleValue)
        #expect(interval.count == 2 && abs(interval[0] - 0.0615) < 1e-4 && abs(interval[1] - 0.7923) < 1e-4)
        #expect(report["configured"]?["max_false_duplicate_rate"] == 0.005)
        let directory = try TemporaryDirectory()
        let plot = directory.path("plot.svg")
        let drawn = try DedupProcess.run(["bench", "pairs", Self.fixture, "--plot", plot])
        #expect(drawn.status == 0)
        #expect(try String(contentsOfFile: plot, encoding: .utf8).hasPrefix("<svg"))
        #expect(
            drawn.stdout.contains(
                "false-duplicate rate measured at the δ 0.50% target: 33.33% [6.15, 79.23] (1 of 3 distinct pairs); "
                    + "ABOVE the target"
            ),
            "\(drawn.stdout)"
        )
    }

    @Test func replayTakesPlainLinesAsSucceededAndHonoursWindowAndLabels() throws {
        let directory = try TemporaryDirectory()
        let log = directory.path("log.jsonl")
        let lines = [
            // Out of order on purpose: replay sorts by ts.
            #"{"id": "c2", "ts": "2026-11-01T10:00:30Z", "scope": "s", "tool": "charge", "arguments": {"customer": "cus_1", "amount": 5}, "duplicate_of": "c1"}"#,
            #"{"id": "c1", "ts": "2026-11-01T10:00:00Z", "scope": "s", "tool": "charge", "arguments": {"customer": "cus_1", "amount": 5}}"#,
            #"{"id": "c3", "ts": "2026-11-01T10:05:00Z", "scope": "s", "tool": "charge", "arguments": {"customer": "cus_1", "amount": 5}, "duplicate_of": "c1"}"#,
            #"{"id": "c4", "ts": "2026-11-01T10:06:00Z", "scope": "s", "tool": "charge", "arguments": {"customer": "cus_2", "amount": 5}, "outcome": {"status": "succeeded"}}"#,
            #"{"id": "c5", "ts": "2026-11-03T10:06:00Z", "scope": "s", "tool": "charge", "arguments": {"customer": "cus_2", "amount": 5}}"#,
            #"{"id": "bad", "ts": "yesterday", "scope": "s", "tool": "charge"}"#,
            #"{"id": "c6", "ts": "2026-11-01T10:10:00Z", "scope": "s", "tool": "charge", "arguments": {"customer": "cus_3", "amount": 5}, "outcome": {"status": "failed", "retryable": true}}"#,
            #"{"id": "c7", "ts": "2026-11-01T10:11:00Z", "scope": "s", "tool": "charge", "arguments": {"customer": "cus_3", "amount": 5}}"#,
        ]
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: log))
        let flaggedPath = directory.path("flagged.jsonl")
        let output = try DedupProcess.run(["replay", log, "--json", "--out", flaggedPath])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains(":6: skipped"))
        let report = try JSONParser().parse(output.stdout)
        #expect(report["calls"] == 7)
        // A line without an outcome is a call that was executed: c2 (inside c1's lease) and c3 (after the
        // lease would have run out) both repeat a completed action; c5 comes two days later, past the 24 h
        // window. c7 retries c6, whose logged outcome is a retryable failure: a new attempt.
        #expect(report["flagged"] == 2)
        #expect(report["reattempts"] == 1)
        #expect(report["precision"] == 1)
        #expect(report["recall"] == 1)
        let flagged = try String(contentsOfFile: flaggedPath, encoding: .utf8).split(separator: "\n")
        #expect(flagged.count == 2)
        let entries = try flagged.map { try JSONParser().parse(String($0)) }
        #expect(entries.map { $0["id"] } == ["c2", "c3"])
        #expect(entries.map { $0["decision"] } == ["duplicate", "duplicate"])
        let entry = entries[0]
        #expect(entry["duplicate_of"] == "c1")
    }
}
