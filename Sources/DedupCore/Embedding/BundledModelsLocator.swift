import DedupModels
import Foundation

/// Finds the bundled model: `DEDUP_MODEL_DIR` if set, else the `DedupModels` resources.
enum BundledModelsLocator {
    static var hashingV1: URL? {
        if let path = ProcessInfo.processInfo.environment["DEDUP_MODEL_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return BundledModels.hashingV1
    }

    /// The learned static embedder's directory: `DEDUP_STATIC_MODEL_DIR` if set, else the bundled one.
    static var staticMiniLMV1: URL? {
        if let path = ProcessInfo.processInfo.environment["DEDUP_STATIC_MODEL_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return BundledModels.staticMiniLMV1
    }

    /// The calibrated pair model's directory: `DEDUP_PAIR_MODEL_DIR` if set, else the bundled one.
    static var pairV1: URL? {
        if let path = ProcessInfo.processInfo.environment["DEDUP_PAIR_MODEL_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return BundledModels.pairV1
    }
}
