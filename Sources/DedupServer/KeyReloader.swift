public import Foundation
public import Logging
public import ServiceLifecycle

/// Watches the configuration file and puts its `api_keys` in force when it changes, so that
/// `dedup keys add` and `dedup keys revoke` take effect on a running server within ``interval``.
///
/// Keys that did not come from the file (`DEDUP_API_KEYS`, the development key) stay in force. A file
/// that no longer parses is reported and ignored: the keys in force are kept rather than dropping every
/// tenant (or, worse, none) because of a typo.
public struct KeyReloader: Service {
    /// The configuration file.
    public let file: URL
    /// The ring the server authenticates against.
    public let ring: KeyRing
    /// How often the file is looked at (default 1 s).
    public let interval: Duration
    let logger: Logger
    /// Keys in force when the reloader was made that the file did not hold: they came from the
    /// environment or are the development key, and every reload keeps them.
    private let fixed: APIKeys
    /// The file as it was when the reloader was made: any change after that is reloaded, however soon
    /// ``run()`` gets to run.
    private let start: FileStamp

    /// A reloader of `file` into `ring`, taking the file and the ring as they are now as its baseline.
    public init(file: URL, ring: KeyRing, interval: Duration = .seconds(1), logger: Logger) {
        self.file = file
        self.ring = ring
        self.interval = interval
        let fileKeys = (try? ServerConfiguration.apiKeys(inFile: file)) ?? APIKeys()
        self.fixed = ring.current.removing(fileKeys)
        self.start = FileStamp(file)
        self.logger = logger
    }

    /// Polls the file until graceful shutdown.
    public func run() async throws {
        let (start, fixed) = (self.start, self.fixed)
        await cancelWhenGracefulShutdown {
            var seen = start
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                let stamp = FileStamp(file)
                guard stamp != seen else { continue }
                seen = stamp
                reload(keeping: fixed)
            }
        }
    }

    /// Reads the file now and puts its keys (plus `fixed`) in force.
    func reload(keeping fixed: APIKeys) {
        do {
            let keys = try ServerConfiguration.apiKeys(inFile: file).merging(fixed)
            let before = ring.current
            ring.replace(with: keys)
            logger.notice(
                "API keys reloaded",
                metadata: [
                    "file": "\(file.path)", "keys": "\(keys.count)",
                    "added": "\(keys.removing(before).count)", "removed": "\(before.removing(keys).count)",
                ]
            )
        } catch {
            logger.warning(
                "configuration file changed but cannot be read; the keys in force are kept",
                metadata: ["file": "\(file.path)", "error": "\(error)"]
            )
        }
    }
}

/// What tells a changed file apart: inode (a write-then-rename makes a new one), size and mtime.
private struct FileStamp: Equatable, Sendable {
    var inode: UInt64 = 0
    var size: Int64 = -1
    var modified: Int64 = 0

    init(_ url: URL) {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return }
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }
}
