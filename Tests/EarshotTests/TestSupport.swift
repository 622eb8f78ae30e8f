import Foundation
import Logging
import Testing
import EarshotApp
import EarshotScore
import EarshotServe
import EarshotStore

/// Where things are, found from this file: the repository, its fixtures, the built binary.
enum TestPaths {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let demoFeeds = repo.appendingPathComponent("Feeds/demo")
    static let fixtures = repo.appendingPathComponent("Tests/EarshotTests/Fixtures")
    static let lexicon = repo.appendingPathComponent("data/lexicon")
    static let shared = repo.deletingLastPathComponent().appendingPathComponent("shared")
    static var hasLexicon: Bool { FileManager.default.fileExists(atPath: lexicon.appendingPathComponent("vader_lexicon.txt").path) }

    /// The `earshot` binary `swift build` made beside the tests: first in the folder of the running
    /// test bundle (whatever `--scratch-path` was), then in `.build`.
    static var binary: URL {
        let running = [(try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")), CommandLine.arguments.first]
        for case let path? in running {
            let beside = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("earshot")
            if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        }
        for config in ["debug", "release"] {
            let url = repo.appendingPathComponent(".build/\(config)/earshot")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return repo.appendingPathComponent(".build/debug/earshot")
    }

    static func temporaryFolder(_ name: String = "earshot-test") -> URL {
        var template = Array("/tmp/\(name)-XXXXXX".utf8CString)
        let path = String(cString: mkdtemp(&template)!)
        return URL(fileURLWithPath: path)
    }
}

/// Runs a command-line tool to its end (a test's helper: openssl, python3); returns its standard
/// output, and throws when it exits with a failure. Its standard error is discarded.
@discardableResult
func runTool(_ path: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
    return String(decoding: data, as: UTF8.self)
}

/// Runs the built `earshot` and collects what a user would see.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

func runEarshot(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = TestPaths.binary
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["EARSHOT_LEXICON"] = TestPaths.lexicon.path
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    // Feed stdin and read both pipes at once, so neither side blocks on a full pipe.
    final class Box: @unchecked Sendable { var data = Data() }   // written by one thread, read after wait()
    let errBox = Box()
    let group = DispatchGroup()
    group.enter()
    let writer = input.fileHandleForWriting
    let bytes = Data((stdin ?? "").utf8)
    DispatchQueue.global().async {
        if !bytes.isEmpty { writer.write(bytes) }
        try? writer.close()
        group.leave()
    }
    group.enter()
    DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let errData = errBox.data
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// A feed server for many sources: `/NAME` is a one-item feed with ETag "NAME", and answers 304 to
/// that ETag; it counts the whole (200) answers per name.
final class ManyFeeds: @unchecked Sendable {
    let server: LoopbackHTTPServer
    private let lock = NSLock()
    private var whole: [String: Int] = [:]

    init() throws {
        let box = Box()
        server = try LoopbackHTTPServer { request in
            let name = String(request.path.dropFirst())
            if request.headers["if-none-match"] == "\"\(name)\"" { return HTTPResponse(status: 304) }
            box.feeds?.count(name)
            return HTTPResponse(status: 200, headers: [("Content-Type", "application/rss+xml"), ("ETag", "\"\(name)\"")],
                                body: Data(ManyFeeds.feed(name).utf8))
        }
        box.feeds = self
    }
    private final class Box: @unchecked Sendable { weak var feeds: ManyFeeds? }

    static func feed(_ name: String) -> String {
        "<rss version=\"2.0\"><channel><title>\(name)</title><item><guid>\(name)-1</guid><title>Acme is slow today (\(name))</title></item></channel></rss>"
    }
    private func count(_ name: String) { lock.lock(); whole[name, default: 0] += 1; lock.unlock() }
    func wholeFetches(of name: String) -> Int { lock.lock(); defer { lock.unlock() }; return whole[name] ?? 0 }
}

/// A fresh store and a pipeline over `count` sources, s0, s1, …, served by a ``ManyFeeds`` (per-host
/// limit 16, query "acme"); the sources are synced. Stop `feeds.server` when done.
struct SourcesSetup {
    let feeds: ManyFeeds
    let store: Store
    let pipeline: Pipeline

    init(count: Int, folder name: String, now: Date, lexicon: @escaping () throws -> Lexicon) throws {
        feeds = try ManyFeeds()
        let folder = TestPaths.temporaryFolder(name)
        var yaml = "brand: Acme\nquery: acme\nstore: \(folder.appendingPathComponent("earshot.sqlite").path)\nfetch:\n  per_host: 16\nsources:\n"
        for i in 0 ..< count { yaml += "  - name: s\(i)\n    url: \(feeds.server.baseURL)/s\(i)\n" }
        let config = try Config.parse(yaml, file: folder.appendingPathComponent("earshot.yaml").path)
        store = try Store(path: config.storePath)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        pipeline = try Pipeline(config: config, store: store, loadLexicon: lexicon, clock: .fixed(now), logger: logger)
        try pipeline.syncSources()
    }
}
