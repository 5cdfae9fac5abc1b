import DedupCore
import Foundation

/// Percentiles per layer for each size, printed and written under `bench/results/`.
struct LatencyReport {
    struct Row {
        var size: Int
        var samples: [LayerTimings]
        var decisions: [String: Int]
        var loadSeconds: Double
        var blasMicros: Double
        var plainMicros: Double

        func percentiles(_ layer: KeyPath<LayerTimings, Double>) -> (p50: Double, p99: Double, max: Double) {
            let values = samples.map { $0[keyPath: layer] }.sorted()
            guard !values.isEmpty else { return (0, 0, 0) }
            let index99 = min(values.count - 1, Int((Double(values.count) * 0.99).rounded(.up)) - 1)
            return (values[values.count / 2], values[index99], values.last!)
        }

        var line: String {
            let total = percentiles(\.total)
            return "size \(size): total p50 \(fmt(total.p50)) µs, p99 \(fmt(total.p99)) µs, max \(fmt(total.max)) µs; "
                + "sgemv \(fmt(blasMicros)) µs vs plain loop \(fmt(plainMicros)) µs"
        }
    }

    static var layers: [(String, KeyPath<LayerTimings, Double>)] {
        [
            ("normalize", \.normalize), ("exact", \.exact), ("embed", \.embed), ("search", \.search),
            ("verify", \.verify), ("store", \.store), ("total", \.total),
        ]
    }

    var rows: [Row] = []

    func write(to directory: String, queries: Int) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stamp = Date().rfc3339.prefix(10)
        var markdown = "# Check latency (`dedup bench latency`), \(stamp)\n\n"
        markdown +=
            "In-process `check` on a SQLite ledger with N recent calls in one partition (tenant + scope + tool), "
        markdown += "\(queries) checks per size (half reworded retries, half new calls), one BLAS thread, "
        markdown += "\(ProcessInfo.processInfo.activeProcessorCount) cores. Microseconds.\n\n"
        markdown += "| N | layer | p50 | p99 | max |\n|---:|---|---:|---:|---:|\n"
        var json: [JSONValue] = []
        for row in rows {
            var layers: [String: JSONValue] = [:]
            for (name, path) in Self.layers {
                let value = row.percentiles(path)
                markdown += "| \(row.size) | \(name) | \(fmt(value.p50)) | \(fmt(value.p99)) | \(fmt(value.max)) |\n"
                layers[name] = [
                    "p50": .number(JSONNumber(value.p50)), "p99": .number(JSONNumber(value.p99)),
                    "max": .number(JSONNumber(value.max)),
                ]
            }
            json.append([
                "size": .number(JSONNumber(row.size)),
                "layers_us": .object(layers),
                "decisions": .object(row.decisions.mapValues { .number(JSONNumber($0)) }),
                "sgemv_us": .number(JSONNumber(row.blasMicros)),
                "plain_loop_us": .number(JSONNumber(row.plainMicros)),
                "load_seconds": .number(JSONNumber(row.loadSeconds)),
            ])
        }
        markdown +=
            "\n| N | full-partition scoring: cblas_sgemv | plain Swift loop | decisions |\n|---:|---:|---:|---|\n"
        for row in rows {
            let decisions = row.decisions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", ")
            markdown += "| \(row.size) | \(fmt(row.blasMicros)) µs | \(fmt(row.plainMicros)) µs | \(decisions) |\n"
        }
        let base = URL(fileURLWithPath: directory)
        try Data(markdown.utf8).write(to: base.appendingPathComponent("latency.md"))
        try Data((JSONValue.array(json).prettyText + "\n").utf8).write(to: base.appendingPathComponent("latency.json"))
        print("wrote \(directory)/latency.md and latency.json")
    }
}

func fmt(_ value: Double) -> String {
    value >= 100 ? String(Int(value.rounded())) : String((value * 10).rounded() / 10)
}
