import Logging
import Synchronization

/// Warns, once per tool and field, that a policy declares an identity field a call does not have.
///
/// The intent key is only used when every declared identity field is present, so a misspelt field
/// (`"recipient"` for `"to"`) silently disables it; this makes that visible in the service's log the
/// first time it happens, without flooding it.
final class PolicyFieldWarnings: Sendable {
    /// The process-wide reporter.
    static let shared = PolicyFieldWarnings()

    private let reported = Mutex<Set<String>>([])
    private let logger = Logger(label: "dedup.policy")

    /// Logs each `(tool, field)` in `missing` the first time it is seen.
    func report(tool: String, missing: [String]) {
        guard !missing.isEmpty else { return }
        let fresh = reported.withLock { seen in
            missing.filter { seen.insert(tool + "\u{1F}" + $0).inserted }
        }
        for field in fresh {
            logger.warning(
                "policy for tool \"\(tool)\" declares identity field \"\(field)\" but a call has no such field; calls without it do not use the intent key — check the field's spelling in the policy file"
            )
        }
    }
}
