public import DedupCore
import Foundation
public import Prometheus

/// The service's Prometheus metrics, in a registry of its own (so tests can build many servers in one
/// process, which a global `MetricsSystem.bootstrap` would forbid).
///
/// Labels carry tenant names, layers and outcomes — never API keys or argument values.
public final class ServerMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry

    private static let latencyBuckets: [Double] = [
        0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1,
        0.25, 0.5, 1, 2.5,
    ]

    /// Metrics in a fresh registry.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// Counts a decision and records its per-layer latencies.
    public func record(_ verdict: Verdict, tenant: String, operation: String) {
        registry.makeCounter(
            name: "dedup_decisions_total",
            labels: [
                ("tenant", tenant), ("operation", operation), ("decision", verdict.decision.rawValue),
                ("layer", verdict.layer?.rawValue ?? "none"),
            ]
        )
        .increment()
        for (layer, micros) in verdict.timings.entries where micros > 0 || layer == "total" {
            registry.makeValueHistogram(
                name: "dedup_layer_duration_seconds",
                labels: [("operation", operation), ("layer", layer)],
                buckets: Self.latencyBuckets
            )
            .record(micros / 1e6)
        }
    }

    /// Counts a completion.
    public func recordCompletion(status: CallStatus, tenant: String) {
        registry.makeCounter(
            name: "dedup_completions_total",
            labels: [("tenant", tenant), ("status", status.rawValue)]
        )
        .increment()
    }

    /// Counts a verifier call by its answer and records its latency.
    public func recordVerifier(_ judgement: Judgement, seconds: Double) {
        registry.makeCounter(name: "dedup_verifier_calls_total", labels: [("answer", judgement.answer.rawValue)])
            .increment()
        registry.makeValueHistogram(name: "dedup_verifier_duration_seconds", buckets: Self.latencyBuckets)
            .record(seconds)
    }

    /// Counts an HTTP error response by status.
    public func recordError(status: Int) {
        registry.makeCounter(name: "dedup_http_errors_total", labels: [("status", String(status))]).increment()
    }

    /// Sets the number of rows in the vector index.
    public func setIndexRows(_ rows: Int) {
        registry.makeGauge(name: "dedup_index_rows").set(Double(rows))
    }

    /// The Prometheus text exposition.
    public func render() -> String {
        registry.emitToString()
    }
}

/// Wraps the configured verifier to count its calls and answers.
public struct MeteredVerifier: Verifier {
    let base: any Verifier
    let metrics: ServerMetrics

    /// A verifier that reports to `metrics`.
    public init(_ base: any Verifier, metrics: ServerMetrics) {
        self.base = base
        self.metrics = metrics
    }

    /// Asks the wrapped verifier.
    public func verify(_ proposed: NormalizedCall, against candidate: CallRecord, score: Double) async -> Judgement {
        let start = ContinuousClock.now
        let judgement = await base.verify(proposed, against: candidate, score: score)
        let elapsed = ContinuousClock.now - start
        metrics.recordVerifier(
            judgement,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        )
        return judgement
    }
}
