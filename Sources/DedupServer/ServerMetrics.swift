public import DedupCore
import Foundation
public import Prometheus
import Synchronization

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

    private static func descriptor(_ name: String, unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "dedup", metricName: name, unitName: unit, helpText: help)
    }

    // Descriptors are computed: `MetricNameDescriptor` is not `Sendable`, so it cannot be a static constant.
    private static var decisions: MetricNameDescriptor {
        descriptor("decisions", unit: "total", "Claim and check verdicts by tenant, decision and layer.")
    }
    private static var layerDuration: MetricNameDescriptor {
        descriptor("layer_duration", unit: "seconds", "Time spent per funnel layer.")
    }
    private static var completions: MetricNameDescriptor {
        descriptor("completions", unit: "total", "Recorded outcomes by tenant and status.")
    }
    private static var verifierCalls: MetricNameDescriptor {
        descriptor("verifier_calls", unit: "total", "Verifier calls by answer.")
    }
    private static var verifierDuration: MetricNameDescriptor {
        descriptor("verifier_duration", unit: "seconds", "Verifier latency.")
    }
    private static var httpErrors: MetricNameDescriptor {
        descriptor("http_errors", unit: "total", "Problem responses by HTTP status.")
    }
    private static var pruned: MetricNameDescriptor {
        descriptor("pruned_calls", unit: "total", "Calls deleted because they left the window.")
    }
    private static var indexRows: MetricNameDescriptor {
        descriptor("index_rows", unit: "", "Rows in the in-memory vector index.")
    }

    /// The labels of one decisions counter.
    private struct DecisionLabels: Hashable {
        var tenant: String
        var operation: String
        var decision: String
        var layer: String
    }

    /// The labels of one layer-duration histogram.
    private struct LayerLabels: Hashable {
        var operation: String
        var layer: String
    }

    /// The handles of the per-check metrics, by their labels. Every check records a counter and several
    /// histograms; asking the registry each time formats the metric's name and looks its labels up under
    /// the registry's lock, so the handles it returns (which never change) are kept here.
    private let decisionCounters = Mutex<[DecisionLabels: Counter]>([:])
    private let layerHistograms = Mutex<[LayerLabels: ValueHistogram]>([:])

    /// Metrics in a fresh registry.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// Counts a decision and records its per-layer latencies.
    public func record(_ verdict: Verdict, tenant: String, operation: String) {
        let labels = DecisionLabels(
            tenant: tenant,
            operation: operation,
            decision: verdict.decision.rawValue,
            layer: verdict.layer?.rawValue ?? "none"
        )
        let counter = decisionCounters.withLock { counters in
            if let counter = counters[labels] { return counter }
            let counter = registry.makeCounter(
                descriptor: Self.decisions,
                labels: [
                    ("tenant", labels.tenant), ("operation", labels.operation), ("decision", labels.decision),
                    ("layer", labels.layer),
                ]
            )
            counters[labels] = counter
            return counter
        }
        counter.increment()
        let timings = verdict.timings.entries.filter { layer, micros in micros > 0 || layer == "total" }
        let histograms = layerHistograms.withLock { histograms in
            timings.map { layer, _ in
                let labels = LayerLabels(operation: operation, layer: layer)
                if let histogram = histograms[labels] { return histogram }
                let histogram = registry.makeValueHistogram(
                    descriptor: Self.layerDuration,
                    labels: [("operation", operation), ("layer", layer)],
                    buckets: Self.latencyBuckets
                )
                histograms[labels] = histogram
                return histogram
            }
        }
        for (histogram, (_, micros)) in zip(histograms, timings) {
            histogram.record(micros / 1e6)
        }
    }

    /// Counts a completion.
    public func recordCompletion(status: CallStatus, tenant: String) {
        registry.makeCounter(
            descriptor: Self.completions,
            labels: [("tenant", tenant), ("status", status.rawValue)]
        )
        .increment()
    }

    /// Counts a verifier call by its answer and records its latency.
    public func recordVerifier(_ judgement: Judgement, seconds: Double) {
        registry.makeCounter(descriptor: Self.verifierCalls, labels: [("answer", judgement.answer.rawValue)])
            .increment()
        registry.makeValueHistogram(descriptor: Self.verifierDuration, buckets: Self.latencyBuckets)
            .record(seconds)
    }

    /// Counts an HTTP error response by status.
    public func recordError(status: Int) {
        registry.makeCounter(descriptor: Self.httpErrors, labels: [("status", String(status))]).increment()
    }

    /// Counts calls removed by a prune.
    public func recordPruned(_ count: Int) {
        registry.makeCounter(descriptor: Self.pruned).increment(by: Int64(count))
    }

    /// Sets the number of rows in the vector index.
    public func setIndexRows(_ rows: Int) {
        registry.makeGauge(descriptor: Self.indexRows).set(Double(rows))
    }

    /// The Prometheus text exposition.
    public func render() -> String {
        registry.emitToString()
    }
}

/// Wraps the configured verifier to count its calls and answers.
///
/// Use ``metered(_:metrics:)``: a verifier that judges in line (``LocalVerifier``, such as the built-in
/// pair model) stays one, so the funnel keeps judging every candidate in a single pass.
public struct MeteredVerifier: Verifier {
    let base: any Verifier
    let metrics: ServerMetrics

    /// A verifier that reports to `metrics`.
    public init(_ base: any Verifier, metrics: ServerMetrics) {
        self.base = base
        self.metrics = metrics
    }

    /// `base`, counted by `metrics`, keeping its in-line judging if it has it.
    public static func metered(_ base: any Verifier, metrics: ServerMetrics) -> any Verifier {
        if let local = base as? any LocalVerifier { return MeteredLocalVerifier(base: local, metrics: metrics) }
        return MeteredVerifier(base, metrics: metrics)
    }

    /// Asks the wrapped verifier.
    public func verify(_ proposed: NormalizedCall, against candidate: CallRecord, score: Double) async -> Judgement {
        let start = ContinuousClock.now
        let judgement = await base.verify(proposed, against: candidate, score: score)
        metrics.recordVerifier(judgement, seconds: start.secondsElapsed)
        return judgement
    }
}

/// ``MeteredVerifier`` for a verifier that judges in line.
struct MeteredLocalVerifier: LocalVerifier {
    let base: any LocalVerifier
    let metrics: ServerMetrics

    func judge(_ proposed: NormalizedCall, against candidate: CallRecord, score: Double) -> Judgement {
        let start = ContinuousClock.now
        let judgement = base.judge(proposed, against: candidate, score: score)
        metrics.recordVerifier(judgement, seconds: start.secondsElapsed)
        return judgement
    }

    // Forwarded, not left to the protocol's default: that default drops the funnel's diff and memo, and
    // the pair model would then align every candidate's texts again and embed the proposed call once per
    // candidate — in the server, 40 % more CPU per check at the default borderline floor.
    func judge(
        _ proposed: NormalizedCall,
        against candidate: CallRecord,
        score: Double,
        diff: PairDiff,
        memo: inout ProposalMemo
    ) -> Judgement {
        let start = ContinuousClock.now
        let judgement = base.judge(proposed, against: candidate, score: score, diff: diff, memo: &memo)
        metrics.recordVerifier(judgement, seconds: start.secondsElapsed)
        return judgement
    }
}

extension ContinuousClock.Instant {
    fileprivate var secondsElapsed: Double {
        let elapsed = ContinuousClock.now - self
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
