// swift-tools-version:6.1
import PackageDescription

// Upcoming features every target opts into, so the whole package reads the same way.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "agent-dedup",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DedupCore", targets: ["DedupCore"]),
        .library(name: "DedupSQLite", targets: ["DedupSQLite"]),
        .library(name: "DedupTesting", targets: ["DedupTesting"]),
        .library(name: "DedupServer", targets: ["DedupServer"]),
        .library(name: "DedupPostgres", targets: ["DedupPostgres"]),
        .executable(name: "dedup", targets: ["dedup"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "CDedupKernels"),
        .target(
            name: "DedupModels",
            path: "models",
            exclude: ["README.md", "train"],
            resources: [.copy("hashing-v1"), .copy("static-minilm-v1"), .copy("pair-v1"), .copy("names-v1")]
        ),
        .target(
            name: "DedupCore",
            dependencies: [
                "CBLAS",
                "CDedupKernels",
                "DedupModels",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "DedupSQLite",
            dependencies: [
                "CSQLite",
                "DedupCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "DedupPostgres",
            dependencies: [
                "DedupCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(
            name: "DedupTesting",
            dependencies: ["DedupCore"]
        ),
        .target(
            name: "DedupServer",
            dependencies: [
                "CBLAS",
                "DedupCore",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("openapi.yaml")]
        ),
        .target(
            name: "DedupBench",
            dependencies: ["CBLAS", "DedupCore", "DedupSQLite"]
        ),
        .executableTarget(
            name: "dedup",
            dependencies: [
                "DedupBench",
                "DedupCore",
                "DedupSQLite",
                "DedupServer",
                "DedupPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "DedupCoreTests",
            dependencies: [
                "CDedupKernels",
                "DedupCore",
                "DedupTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "DedupSQLiteTests",
            dependencies: ["DedupSQLite", "DedupTesting", "DedupCore"]
        ),
        .testTarget(
            name: "DedupPostgresTests",
            dependencies: ["DedupPostgres", "DedupTesting", "DedupCore"]
        ),
        .testTarget(
            name: "DedupServerTests",
            dependencies: [
                "DedupServer",
                "DedupTesting",
                "DedupSQLite",
                "DedupCore",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "DedupBenchTests",
            dependencies: ["DedupBench", "DedupCore"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "dedupTests",
            dependencies: ["dedup", "DedupSQLite", "DedupCore", "DedupTesting"]
        ),
    ]
)

// The MCP proxy (`dedup mcp-proxy`): the MCP Swift SDK, the DedupMCP library and its tests, in one block.
package.dependencies.append(.package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"))
package.targets += [
    .target(
        name: "DedupMCP",
        dependencies: [
            "DedupCore", .product(name: "MCP", package: "swift-sdk"), .product(name: "Logging", package: "swift-log"),
        ]
    ),
    .testTarget(
        name: "DedupMCPTests",
        dependencies: ["DedupMCP", "DedupCore", .product(name: "MCP", package: "swift-sdk")]
    ),
]
package.targets.first { $0.name == "dedup" }?.dependencies.append("DedupMCP")

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + swiftSettings
}
