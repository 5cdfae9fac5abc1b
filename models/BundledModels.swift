public import Foundation

/// The embedder models shipped with the package, so a fresh checkout runs with no download.
///
/// `models/` holds one directory per model version (manifest + weights). SwiftPM copies them into a
/// resource bundle next to the built products; a binary moved away from that bundle falls back to the
/// checkout it was built from. `Bundle.module` is avoided on purpose: it traps when the bundle is missing.
public enum BundledModels {
    /// The directory of the default hashing embedder model (`models/hashing-v1`), if it can be found.
    public static var hashingV1: URL? { directory("hashing-v1") }

    /// The directory of the learned static embedder (`models/static-minilm-v1`), if it can be found.
    public static var staticMiniLMV1: URL? { directory("static-minilm-v1") }

    /// The directory of the calibrated pair verifier (`models/pair-v1`), if it can be found.
    public static var pairV1: URL? { directory("pair-v1", file: "model.json") }

    /// The directory of the name lexicon of the safety check (`models/names-v1`), if it can be found.
    public static var namesV1: URL? { directory("names-v1") }

    private static func directory(_ name: String, file: String = "manifest.json") -> URL? {
        let fileManager = FileManager.default
        let executableDirectory = Bundle.main.executableURL?.deletingLastPathComponent() ?? Bundle.main.bundleURL
        let candidates = [
            executableDirectory.appendingPathComponent("agent-dedup_DedupModels.resources/\(name)"),
            executableDirectory.appendingPathComponent("agent-dedup_DedupModels.bundle/\(name)"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(name),
        ]
        return candidates.first { fileManager.fileExists(atPath: $0.appendingPathComponent(file).path) }
    }
}
