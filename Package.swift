// swift-tools-version:6.1
import PackageDescription

// Earshot: a reputation monitor. One module per pipeline stage (see DESIGN.md in the
// project's shared notes): Fetch and Store do I/O; Parse, Score and Digest take values
// and return values; the `earshot` executable only wires them together.
let v5: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "Earshot",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "earshot", targets: ["earshot"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        // The case board (earshot serve): Hummingbird's HTTP server, bcrypt from hummingbird-auth, and
        // swift-crypto for HMAC, hashes and random tokens. No default traits: no swift-configuration.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),

        .target(name: "EarshotFetch", dependencies: ["CCurl"], swiftSettings: v5),
        // Exclusivity checks off in the parser only: its hot loops mutate class state (builder, SAX handler), and the
        // runtime checks cost ~12% of its instructions (callgrind, 1 MB feed). Unsafe flags are allowed in a root package.
        .target(name: "EarshotParse", dependencies: ["CLibXML2"],
                swiftSettings: v5 + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        // Everything the binary needs but the lexicon is compiled in (the aspect catalogue too): no resource bundles.
        .target(name: "EarshotScore", swiftSettings: v5),
        // The store fills the digest's value model (EarshotDigest has no dependencies of its own).
        .target(name: "EarshotStore", dependencies: ["EarshotDigest", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: v5),
        .target(name: "EarshotTriage", dependencies: ["EarshotStore", "EarshotFetch", "EarshotScore", "EarshotDigest",
                                                      .product(name: "Logging", package: "swift-log"),
                                                      .product(name: "Crypto", package: "swift-crypto")], swiftSettings: v5),
        .target(name: "EarshotDigest", swiftSettings: v5),
        // Test support: loopback HTTP and SMTP servers that misbehave on purpose (the product serves with Hummingbird).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "EarshotServe", dependencies: ["CZlib"], swiftSettings: v5),
        .target(name: "EarshotApp", dependencies: [
            "EarshotFetch", "EarshotParse", "EarshotScore", "EarshotStore", "EarshotTriage", "EarshotDigest",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: v5),
        // The case board: pages and a JSON API over the same store and lifecycle code as the CLI.
        .target(name: "EarshotWeb", dependencies: [
            "EarshotApp", "EarshotStore", "EarshotTriage", "EarshotDigest",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: v5),
        .executableTarget(name: "earshot", dependencies: [
            "EarshotApp", "EarshotWeb",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: v5),
        .testTarget(name: "EarshotTests", dependencies: ["EarshotApp", "EarshotWeb", "EarshotServe", "EarshotParse", "EarshotScore",
                                                         "EarshotStore", "EarshotFetch", "EarshotDigest", "EarshotTriage",
                                                         .product(name: "Crypto", package: "swift-crypto")],
                    exclude: ["PARSE-DIFFERENCES.md", "VADER-DIFFERENCES.md"],
                    resources: [.copy("Fixtures")], swiftSettings: v5),
    ]
)
