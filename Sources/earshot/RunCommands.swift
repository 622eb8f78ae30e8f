import ArgumentParser
import Foundation
import EarshotApp
import EarshotWeb
import EarshotStore
import Logging

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The scheduled job: fetch the due sources, parse, match, score, store, triage, send alerts.",
        discussion: """
        On a terminal it prints one summary line; under cron or systemd (stdout not a terminal) a
        run that went well prints nothing, so cron mails only runs that need a look (--summary or
        --json print it anyway). Logs go to stderr.
        Exit 0 when all went well, 3 when some sources failed (the others are stored),
        4 when alerts wait for a retry, 75 when another run holds the store, 78 for a bad config.
        Safe to run again at any time: nothing is stored or sent twice.
        """)
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print the summary as JSON.") var json = false
    @Flag(help: "Print the summary line even when stdout is not a terminal and all went well.") var summary = false
    @Option(help: ArgumentHelp("""
        For this run only, treat mentions published longer ago than D (e.g. 30d) as history: stored and counted, \
        but they open no case and send no alert (default: the config's `backfill:`, 2d).
        """, valueName: "D"))
    var backfill: String?

    func validate() throws {
        if let backfill, Config.parseDuration(backfill) == nil {
            throw ValidationError("--backfill takes a duration such as 12h, 2d or 30d")
        }
    }

    func run() throws {
        try guarded {
            let result = try Job.execute(global: global, selection: .due, backfill: backfill.flatMap(Config.parseDuration))
            try Job.report(result, json: json, always: summary)
        }
    }
}

struct Fetch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Fetch sources by hand, due or not; the documents wait in the store for the next `earshot run`.",
        discussion: """
        The fetch stage alone: conditional GET, redirects, limits, retries, robots.txt, and the
        source's schedule and failures recorded. Each fetched body is kept in the store until a
        run parses, scores and stores its mentions (add --process to do that now, as `run` does,
        with triage and alerts). Exit codes as for `run`.
        """)
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Fetch every source, paused ones included.") var all = false
    @Option(name: .customLong("source"), help: ArgumentHelp("Fetch this source (repeatable).", valueName: "NAME"))
    var sources: [String] = []
    @Flag(help: "Then parse, match, score, store and triage what is waiting, and send alerts, as `run` does.")
    var process = false
    @Flag(help: "Print the summary as JSON.") var json = false
    @Flag(help: "Print the summary line even when stdout is not a terminal and all went well.") var summary = false

    func validate() throws {
        if !all && sources.isEmpty { throw ValidationError("say what to fetch: --all or --source NAME") }
    }

    func run() throws {
        try guarded {
            let result = try Job.execute(global: global, selection: all ? .all : .named(sources), process: process)
            try Job.report(result, json: json, always: summary)
        }
    }
}

enum Job {
    /// Prints what a run did, for the person or the job that started it, and exits with its status.
    ///
    /// cron mails whatever a job prints: a run that went well is quiet unless stdout is a terminal
    /// (a person) or the summary was asked for; a run that needs a look always prints its line.
    static func report(_ summary: RunSummary, json: Bool, always: Bool) throws {
        if json {
            print(summary.json())
        } else if always || summary.exitStatus != .ok || isatty(STDOUT_FILENO) == 1 {
            print(summary.line)
        }
        if summary.exitStatus != .ok { throw ExitCode(summary.exitStatus.rawValue) }
    }

    static func execute(global: GlobalOptions, selection: SourceSelection, process: Bool = true,
                        backfill: TimeInterval? = nil) throws -> RunSummary {
        let logger = global.makeLogger()
        let config = try global.loadConfig()
        let lock = try global.explainingStorePath(config.storePath) { try RunLock(storePath: config.storePath) }
        defer { withExtendedLifetime(lock) {} }
        let store = try global.explainingStorePath(config.storePath) { try Store(path: config.storePath) }
        let lexiconPath = global.lexicon ?? config.lexiconPath
        let pipeline = try Pipeline(config: config, store: store,
                                    loadLexicon: { try LexiconLocator.load(explicit: lexiconPath, overrides: config.valence) },
                                    clock: .fromEnvironment(), logger: logger)
        try pipeline.syncSources()
        let progress = Progress()
        defer { progress.finish() }
        return try pipeline.run(selection, process: process, backfill: backfill) { progress($0) }
    }
}

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole pipeline on the bundled demo (a fictional broadband provider); no config needed.",
        discussion: """
        Serves Feeds/demo on 127.0.0.1, fetches and stores it into a fresh store (a temporary
        folder, or --store PATH), and writes the week's digest (HTML and text) beside the store.
        Running it again on the same store adds nothing.
        """)
    @Option(help: ArgumentHelp("The store to use (default: a new temporary folder).", valueName: "PATH"))
    var store: String?
    @Option(help: ArgumentHelp("The demo data folder (default: Feeds/demo of the checkout).", valueName: "DIR"))
    var feeds: String?
    @Option(help: ArgumentHelp("The folder holding vader_lexicon.txt.", valueName: "DIR"))
    var lexicon: String?
    @Flag(help: "Print the result as JSON.") var json = false
    @Flag(name: .shortAndLong, help: "Log what happens on stderr.") var verbose = false

    /// The demo store's board user (a lead): a fixed, printed password, never in a real store.
    static let demoUser = "demo"
    static let demoPassword = "brightwave-demo"

    func run() throws {
        try guarded {
            LogSetup.bootstrap(format: "text", level: verbose ? .info : .warning)
            let logger = Logging.Logger(label: "earshot.demo")
            let feedsURL = try EarshotApp.Demo.locateFeeds(feeds)
            let path: String
            if let store { path = store } else {
                var template = Array("/tmp/earshot-demo-XXXXXX".utf8CString)
                guard let dir = mkdtemp(&template) else { throw AppError.failed("demo: cannot create a temporary folder; pass --store PATH") }
                path = String(cString: dir) + "/earshot.sqlite"
            }
            let progress = Progress()
            let r = try EarshotApp.Demo.run(feeds: feedsURL, storePath: path, lexiconPath: lexicon, logger: logger, serve: { folder in
                let site = try FeedSite.serving(folder, logger: logger)
                return (site.baseURL, site.stop)
            }) { progress($0) }
            // A lead for the case board, on the demo store only (its password is printed below).
            let demoStore = try Store(path: r.storePath)
            if try demoStore.read({ try $0.user(named: Self.demoUser) }) == nil {
                let hash = BoardSecurity.hashPassword(Self.demoPassword)
                try demoStore.write { try $0.saveUser(name: Self.demoUser, role: "lead", passwordHash: hash, now: Date()) }
            }
            progress.finish()
            if json {
                printJSON(["sources_fetched": r.summary.sourcesFetched + r.summary.sourcesNotModified, "sources": r.sources,
                           "new_mentions": r.summary.mentionsStored, "mentions": r.mentions, "negatives": r.negatives,
                           "cases_opened": r.summary.casesOpened, "cases": r.cases, "problems": r.problems,
                           "store": r.storePath, "digest_html": r.digestHTML, "digest_text": r.digestText,
                           "board": ["command": "earshot serve --store \(r.storePath)", "url": "http://127.0.0.1:8080",
                                     "user": Self.demoUser, "password": Self.demoPassword]])
                return
            }
            print("""
            Earshot demo: Brightwave Broadband, 7–20 November 2026
              sources fetched:  \(r.summary.sourcesFetched + r.summary.sourcesNotModified) of \(r.sources)\(r.summary.sourcesFailed > 0 ? " (\(r.summary.sourcesFailed) failed)" : "")
              mentions stored:  \(r.mentions) (\(r.summary.mentionsStored) new this run)\(r.summary.copies + r.summary.brandMentions > 0 ? "; \(r.summary.copies) cop\(r.summary.copies == 1 ? "y" : "ies") of them seen elsewhere, \(r.summary.brandMentions) brand posts (\(r.summary.brandReplies) replies)" : "")
              negatives:        \(r.negatives)
              cases opened:     \(r.cases) incident\(r.cases == 1 ? "" : "s") (\(r.summary.casesOpened) this run), \(r.problems) recurring problem\(r.problems == 1 ? "" : "s")
              store:            \(r.storePath)
              digest:           \(r.digestHTML)
                                \(r.digestText)
            Next: earshot cases list --store \(r.storePath)
            The case board: earshot serve --store \(r.storePath)
                            then open http://127.0.0.1:8080 and sign in as \(Self.demoUser) / \(Self.demoPassword)
            """)
            if r.summary.sourcesFailed > 0 { throw ExitCode(ExitStatus.sourcesFailed.rawValue) }
        }
    }
}
