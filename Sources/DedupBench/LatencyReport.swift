import DedupCore
import Foundation

/// Percentiles per layer for each size, and the index figures: as markdown, as JSON, or both in files.
struct LatencyReport {
    struct Row {
        var size: Int
        var samples: [LayerTimings]
        var decisions: [String: Int]
        var seedSeconds: Double
        /// Restart to first answer: open the seeded file and a ledger on it, and answer one check (which
        /// loads the partition into the index).
        var restartSeconds: Double
        /// Resident memory the loaded partition added, load garbage freed, per row.
        var rssBytesPerRow: Double
        /// What the index's columns hold (capacity included) per row.
        var indexBytesPerRow: Double
        var index: IndexComparison.Figures
        /// The ledger index's rescoring depth.
        var rescore: Int

        func percentiles(_ layer: KeyPath<LayerTimings, Double>) -> (p50: Double, p99: Double, max: Double) {
            samples.map { $0[keyPath: layer] }.percentiles
        }

        /// Check p99 over one full Float32 `cblas_sgemv` of the same rows: the issue's goal is ≤ 0.25.
        var p99OverSgemv: Double { index.sgemvMicros > 0 ? percentiles(\.total).p99 / index.sgemvMicros : 0 }

        var line: String {
            let total = percentiles(\.total)
            let search = index.slabSearch.percentiles
            let exact = index.exactSearch.percentiles
            return "size \(size): check p50 \(fmt(total.p50)) µs, p99 \(fmt(total.p99)) µs; "
                + "index search p50 \(fmt(search.p50)) / p99 \(fmt(search.p99)) µs vs exact "
                + "\(fmt(exact.p50)) / \(fmt(exact.p99)) µs; sgemv \(fmt(index.sgemvMicros)) µs "
                + "(check p99 / sgemv \(String(format: "%.3f", p99OverSgemv))); "
                + "recall \(String(format: "%.4f", index.recall.share)) "
                + "(\(index.recall.found)/\(index.recall.exactMatches), by id \(index.recall.foundByID)); "
                + "RSS \(Int(rssBytesPerRow.rounded())) B/row"
        }
    }

    static var layers: [(String, KeyPath<LayerTimings, Double>)] {
        [
            ("normalize", \.normalize), ("exact", \.exact), ("embed", \.embed), ("search", \.search),
            ("verify", \.verify), ("store", \.store), ("total", \.total),
        ]
    }

    var queries: Int
    /// One thread's read bandwidth, bytes per second.
    var bandwidth: Double
    var rows: [Row] = []

    private static func number(_ value: Double) -> JSONValue { .number(JSONNumber(value)) }

    private static func spread(_ value: (p50: Double, p99: Double, max: Double)) -> JSONValue {
        ["p50": number(value.p50), "p99": number(value.p99), "max": number(value.max)]
    }

    var jsonValue: JSONValue {
        let sizes: [JSONValue] = rows.map { row in
            var layers: [String: JSONValue] = [:]
            for (name, path) in Self.layers { layers[name] = Self.spread(row.percentiles(path)) }
            let total = row.percentiles(\.total)
            return [
                "size": .number(JSONNumber(row.size)),
                "check_us": ["p50": Self.number(total.p50), "p99": Self.number(total.p99)],
                "layers_us": .object(layers),
                "decisions": .object(row.decisions.mapValues { .number(JSONNumber($0)) }),
                "index_search_us": Self.spread(row.index.slabSearch.percentiles),
                "exact_search_us": Self.spread(row.index.exactSearch.percentiles),
                "sgemv_us": Self.number(row.index.sgemvMicros),
                "plain_loop_us": Self.number(row.index.plainMicros),
                "check_p99_over_sgemv": Self.number(row.p99OverSgemv),
                "bytes_scanned_per_check": .number(JSONNumber(row.index.bytesScanned)),
                "sgemv_bytes": .number(JSONNumber(row.index.sgemvBytes)),
                "scan_floor_us": Self.number(Double(row.index.bytesScanned) / bandwidth * 1e6),
                "sgemv_floor_us": Self.number(Double(row.index.sgemvBytes) / bandwidth * 1e6),
                "rss_bytes_per_row": Self.number(row.rssBytesPerRow),
                "index_bytes_per_row": Self.number(row.indexBytesPerRow),
                "recall_vs_exact": Self.number(row.index.recall.share),
                "exact_matches": .number(JSONNumber(row.index.recall.exactMatches)),
                "exact_matches_found": .number(JSONNumber(row.index.recall.found)),
                "recall_vs_exact_by_id": Self.number(row.index.recall.shareByID),
                "rescore": .number(JSONNumber(row.rescore)),
                "rescore_sweep": .array(
                    row.index.sweep.map { point in
                        [
                            "rescore": .number(JSONNumber(point.rescore)),
                            "recall_vs_exact": Self.number(point.recall.share),
                            "recall_vs_exact_by_id": Self.number(point.recall.shareByID),
                            "index_search_us": Self.spread(point.search.percentiles),
                        ]
                    }
                ),
                "recall_tolerance": Self.number(Double(IndexComparison.tolerance)),
                "seed_seconds": Self.number(row.seedSeconds),
                "restart_to_first_answer_seconds": Self.number(row.restartSeconds),
            ]
        }
        return [
            "queries": .number(JSONNumber(queries)),
            "cores": .number(JSONNumber(ProcessInfo.processInfo.activeProcessorCount)),
            "memory_bandwidth_bytes_per_s": Self.number(bandwidth),
            "sizes": .array(sizes),
        ]
    }

    var markdown: String {
        let stamp = Date().rfc3339.prefix(10)
        var text = "# Check latency (`dedup bench latency`), \(stamp)\n\n"
        text += "In-process `check` on a SQLite ledger with N recent calls in one partition (tenant + scope + tool) "
        text += "and one identity group, \(queries) checks per size (half reworded retries, half new calls), one "
        text += "BLAS thread, \(ProcessInfo.processInfo.activeProcessorCount) cores; one thread reads memory at "
        text += "\(fmt(bandwidth / 1e9)) GB/s. Microseconds.\n\n"
        text += "| N | layer | p50 | p99 | max |\n|---:|---|---:|---:|---:|\n"
        for row in rows {
            for (name, path) in Self.layers {
                let value = row.percentiles(path)
                text += "| \(row.size) | \(name) | \(fmt(value.p50)) | \(fmt(value.p99)) | \(fmt(value.max)) |\n"
            }
        }
        text += "\n| N | index search p50 / p99 | exact search p50 / p99 | full sgemv | plain loop "
        text += "| check p99 / sgemv | bytes read: index / sgemv | bandwidth floor: index / sgemv "
        text += "| recall vs exact | RSS B/row |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        for row in rows {
            let search = row.index.slabSearch.percentiles
            let exact = row.index.exactSearch.percentiles
            let scanFloor = Double(row.index.bytesScanned) / bandwidth * 1e6
            let sgemvFloor = Double(row.index.sgemvBytes) / bandwidth * 1e6
            text += "| \(row.size) | \(fmt(search.p50)) / \(fmt(search.p99)) | \(fmt(exact.p50)) / \(fmt(exact.p99)) "
            text += "| \(fmt(row.index.sgemvMicros)) | \(fmt(row.index.plainMicros)) "
            text += "| \(String(format: "%.3f", row.p99OverSgemv)) "
            text += "| \(row.index.bytesScanned) / \(row.index.sgemvBytes) | \(fmt(scanFloor)) / \(fmt(sgemvFloor)) "
            text += "| \(String(format: "%.4f", row.index.recall.share)) "
            text += "(\(row.index.recall.found)/\(row.index.recall.exactMatches)) "
            text += "| \(Int(row.rssBytesPerRow.rounded())) |\n"
        }
        if rows.contains(where: { !$0.index.sweep.isEmpty }) {
            text += "\n| N | rescored rows | index search p50 / p99 | recall vs exact | by call id |\n"
            text += "|---:|---:|---:|---:|---:|\n"
            for row in rows {
                for point in row.index.sweep {
                    let search = point.search.percentiles
                    text += "| \(row.size) | \(point.rescore) | \(fmt(search.p50)) / \(fmt(search.p99)) "
                    text += "| \(String(format: "%.4f", point.recall.share)) "
                    text += "| \(String(format: "%.4f", point.recall.shareByID)) |\n"
                }
            }
        }
        text +=
            "\n| N | decisions | seeding | restart to first answer (open, load the partition, check) |\n|---:|---|---:|---:|\n"
        for row in rows {
            let decisions = row.decisions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", ")
            text += "| \(row.size) | \(decisions) | \(fmt(row.seedSeconds)) s | \(fmt(row.restartSeconds)) s |\n"
        }
        return text
    }

    func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let base = URL(fileURLWithPath: directory)
        try Data(markdown.utf8).write(to: base.appendingPathComponent("latency.md"))
        try Data((jsonValue.prettyText + "\n").utf8).write(to: base.appendingPathComponent("latency.json"))
        FileHandle.standardError.write(Data("wrote \(directory)/latency.md and latency.json\n".utf8))
    }
}

func fmt(_ value: Double) -> String {
    value >= 100 ? String(Int(value.rounded())) : String((value * 10).rounded() / 10)
}
