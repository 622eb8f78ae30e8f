import Foundation
import Logging
import EarshotDigest
import EarshotStore

/// `earshot demo`: the whole pipeline on the bundled Brightwave data, with no config.
///
/// It serves `Feeds/demo` on 127.0.0.1, runs into a fresh store, and writes the week's
/// digest beside the store. The demo's clock is fixed at the morning after its last day, so
/// the data (7–20 November 2026) always looks the same; running it again adds nothing.
public enum Demo {
    /// The demo's "now": the morning after the data's last day.
    public static let now = ISO8601DateFormatter().date(from: "2026-11-21T07:00:00Z")!

    public struct Result {
        public var summary: RunSummary
        public var storePath: String
        public var sources: Int
        public var mentions: Int
        public var negatives: Int
        public var cases: Int
        public var problems: Int
        public var digestHTML: String
        public var digestText: String
    }

    /// Finds Feeds/demo: the given folder, else the installed copy beside the binary (PREFIX/share/earshot/demo),
    /// else beside the checkout the binary was built in, else the current folder, else the usual prefixes.
    public static func locateFeeds(_ explicit: String?) throws -> URL {
        var candidates: [URL] = []
        if let explicit { candidates.append(URL(fileURLWithPath: explicit)) }
        var folder = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).resolvingSymlinksInPath().deletingLastPathComponent()
        // Installed: PREFIX/bin/earshot beside PREFIX/share/earshot/demo (the package, Scripts/install).
        candidates.append(folder.deletingLastPathComponent().appendingPathComponent("share/earshot/demo"))
        for _ in 0..<6 {
            candidates.append(folder.appendingPathComponent("Feeds/demo"))
            folder = folder.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Feeds/demo"))
        candidates.append(URL(fileURLWithPath: "/usr/local/share/earshot/demo"))
        candidates.append(URL(fileURLWithPath: "/usr/share/earshot/demo"))
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.appendingPathComponent("earshot-demo.yaml").path) }) else {
            throw AppError.notFound("demo: Feeds/demo not found (looked beside the binary and in the current folder); run from the checkout or pass --feeds DIR")
        }
        return found
    }

    /// - Parameter serve: starts an HTTP server for the feeds folder on 127.0.0.1; returns its base URL
    ///   and how to stop it (the command line passes Hummingbird's, see EarshotWeb.FeedSite).
    public static func run(feeds: URL, storePath: String, lexiconPath: String?, logger: Logger,
                           serve: (URL) throws -> (baseURL: String, stop: () -> Void),
                           progress: ((String) -> Void)? = nil) throws -> Result {
        let server = try serve(feeds)
        defer { server.stop() }
        let template = try String(contentsOf: feeds.appendingPathComponent("earshot-demo.yaml"), encoding: .utf8)
        let storeFolder = URL(fileURLWithPath: storePath).deletingLastPathComponent()
        var config = try Config.parse(template.replacingOccurrences(of: "{BASE}", with: server.baseURL),
                                      file: storeFolder.appendingPathComponent("earshot-demo.yaml").path)
        config.storePath = storePath
        let lock = try RunLock(storePath: storePath)
        defer { withExtendedLifetime(lock) {} }
        let store = try Store(path: storePath)
        let lexicon = try LexiconLocator.load(explicit: lexiconPath ?? config.lexiconPath, overrides: config.valence)
        let pipeline = try Pipeline(config: config, store: store, lexicon: lexicon, clock: .fixed(now), logger: logger)
        try pipeline.syncSources()
        let summary = try pipeline.run(.due, progress: progress)

        let week = try Period.parse("week", now: now)
        let report = try store.read { try $0.digestReport(period: week.interval, periodName: week.name, brand: config.brand, now: now) }
            .redacted(by: config.redactor)
        let html = storeFolder.appendingPathComponent("digest.html")
        let text = storeFolder.appendingPathComponent("digest.txt")
        try DigestRenderer.html(report).write(to: html, atomically: true, encoding: .utf8)
        try DigestRenderer.text(report).write(to: text, atomically: true, encoding: .utf8)

        let totals = try store.read { tx in
            (try tx.sources().count, try tx.mentionCount(),
             try tx.negativeCount(from: .distantPast, to: .distantFuture),
             try tx.cases(CaseFilter(kind: "incident")).count, try tx.cases(CaseFilter(kind: "problem")).count)
        }
        return Result(summary: summary, storePath: storePath, sources: totals.0, mentions: totals.1, negatives: totals.2,
                      cases: totals.3, problems: totals.4, digestHTML: html.path, digestText: text.path)
    }
}
