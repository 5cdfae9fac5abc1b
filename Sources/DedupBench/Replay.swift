import DedupCore
import Foundation
import Synchronization

/// `dedup replay`: a historical log run through a fresh in-memory ledger, in time order, and what
/// agent-dedup would have caught.
///
/// The CLI command only parses its flags into this value and calls ``run()``.
package struct Replay: Sendable {
    /// The log (JSONL).
    package var file: String
    /// Where every flagged call is written with its match, layer and score (JSONL).
    package var out: String?
    /// A policy file, as for the service.
    package var policy: String?
    /// JSON on standard output instead of text.
    package var json = false

    /// A replay of `file`.
    package init(file: String) {
        self.file = file
    }

    /// Replays the log: skipped lines on standard error, the report on standard output.
    package func run() async throws {
        let (entries, bad) = try ReplayLog.read(path: file)
        for line in bad {
            FileHandle.standardError.write(Data("\(file):\(line.line): skipped: \(line.reason)\n".utf8))
        }
        guard !entries.isEmpty else { throw BenchError("\(file) has no readable calls") }
        let normalizer = try Normalizer(policyFile: policy)
        let report = try await Self.replay(entries, normalizer: normalizer, progress: isatty(2) == 1)
        if let out {
            let lines = report.flagged.map(\.jsonValue.canonicalText)
            try Data((lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")).utf8)
                .write(to: URL(fileURLWithPath: out))
        }
        print(json ? report.jsonValue(skipped: bad.count).prettyText : report.text(skipped: bad.count))
    }

    /// Claims every entry in time order against a fresh ledger whose clock reads the entry's timestamp.
    static func replay(_ entries: [ReplayEntry], normalizer: Normalizer, progress: Bool) async throws -> ReplayReport {
        let sorted = entries.enumerated()
            .sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }
            .map(\.element)
        let now = Mutex(sorted.first?.timestamp ?? Date())
        let ledger = try await DedupLedger(
            store: MemoryLedgerStore(),
            embedder: HashingEmbedder.bundled(),
            configuration: LedgerConfiguration(normalizer: normalizer, clock: { now.withLock { $0 } })
        )
        var report = ReplayReport(calls: sorted.count)
        var entryOfCall: [String: String] = [:]
        var labels: [String: String?] = [:]
        let start = ContinuousClock.now
        for (position, entry) in sorted.enumerated() {
            now.withLock { $0 = entry.timestamp }
            labels[entry.id] = entry.duplicateOf
            let verdict: Verdict
            do {
                verdict = try await ledger.claim(entry.call)
            } catch let error as DedupError {
                report.refused.append(BadLine(line: entry.line, reason: error.message))
                continue
            }
            switch verdict.decision {
            case .new:
                if let id = verdict.callID {
                    if verdict.attempt > 1 { report.reattempts += 1 } else { entryOfCall[id] = entry.id }
                    // A logged call was executed; without an outcome it is taken as a success.
                    _ = try await ledger.complete(
                        tenant: entry.call.tenant,
                        callID: id,
                        entry.outcome ?? .succeeded()
                    )
                }
            case .duplicate, .inProgress, .conflict:
                let original = verdict.callID.flatMap { entryOfCall[$0] }
                report.flag(entry: entry, as: verdict.decision, matchEntry: original, verdict: verdict)
            }
            if progress && (position % 2000 == 0 || position == sorted.count - 1) {
                let done = position + 1
                let filled = done * 30 / sorted.count
                let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 30 - filled)
                FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(sorted.count)".utf8))
                if done == sorted.count { FileHandle.standardError.write(Data("\n".utf8)) }
            }
        }
        report.seconds = (ContinuousClock.now - start).seconds
        report.labels = labels
        return report
    }
}
