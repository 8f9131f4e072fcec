// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "webhook-gateway",
    products: [
        .executable(name: "gateway", targets: ["Gateway"])
    ],
    targets: [
        .systemLibrary(
            name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "Security", dependencies: ["COpenSSL"]),
        .target(name: "Storage", dependencies: ["CSQLite"]),
        .executableTarget(name: "Gateway", dependencies: ["CMicroHTTPD", "Security", "Storage"]),
        // Helpers shared by the test targets (temporary directories, read-only files).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SecurityTests", dependencies: ["Security"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "Security", "TestSupport"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "Security", "Storage", "TestSupport"]),
    ]
)
