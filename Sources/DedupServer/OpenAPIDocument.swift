import Foundation

/// The committed OpenAPI 3.1 document (`Sources/DedupServer/openapi.yaml`), served at `/openapi.yaml`.
public enum OpenAPIDocument {
    /// The document's text, or `nil` when neither the resource bundle nor the source checkout is found.
    ///
    /// `Bundle.module` is avoided on purpose: it traps when the bundle is missing.
    public static let text: String? = {
        let executableDirectory = Bundle.main.executableURL?.deletingLastPathComponent() ?? Bundle.main.bundleURL
        let candidates = [
            executableDirectory.appendingPathComponent("agent-dedup_DedupServer.resources/openapi.yaml"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("openapi.yaml"),
        ]
        for candidate in candidates {
            if let text = try? String(contentsOf: candidate, encoding: .utf8) { return text }
        }
        return nil
    }()
}
