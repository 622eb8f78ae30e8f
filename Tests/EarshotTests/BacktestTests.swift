import Foundation
import Testing
import EarshotServe

/// Issue 20, backtesting: `earshot backtest` replays a store's mentions through candidate rules.
/// Two weeks of posts arrive over eight runs (feeds on 127.0.0.1, the clock set per run); the
/// backtest of candidate rules on the store made by the live rules must report exactly what a real
/// store made by the candidate rules over the same runs holds, leave the live file byte-identical,
/// and send nothing.
@Suite(.serialized)
struct BacktestTests {
    static var canRun: Bool { TriageCrashTests.canRun }

    static let t0 = Date(timeIntervalSince1970: 1_793_577_600)   // 2026-11-02T00:00:00Z
    static func at(_ hours: Double) -> Date { t0.addingTimeInterval(hours * 3600) }
    static func iso(_ hours: Double) -> String { ISO8601DateFormatter().string(from: at(hours)) }

    struct Post {
        var id: String
        var hours: Double
        var author: String
        var text: String
        var source: String = "social"
        var inReplyTo: String? = nil
    }

    /// Customers and the brand over two weeks: complaints about billing and outages (a recurring
    /// problem), the brand's reply, a customer's "sorted", the same customer again, an old post
    /// (history for the first run), praise and a grumble that is no complaint.
    static let posts: [Post] = [
        Post(id: "old-1", hours: -120, author: "Carol King", text: "Acme charged me twice again, awful billing, I want a refund."),
        Post(id: "s-1", hours: 1, author: "@janedoe", text: "Acme charged me twice this month and nobody answers. Terrible, I want a refund."),
        Post(id: "f-1", hours: 2, author: "Bob Stone", text: "Acme internet outage again tonight, no connection for hours. Useless.", source: "forum"),
        Post(id: "f-2", hours: 3, author: "Ann Lee", text: "Acme outage in my street, internet down since noon, really bad service.", source: "forum"),
        Post(id: "s-2", hours: 4, author: "@acmehelp", text: "@janedoe sorry, we have refunded the second payment today.", inReplyTo: "s-1"),
        Post(id: "s-3", hours: 5, author: "@danroe", text: "I think the new Acme logo is ugly."),
        Post(id: "f-3", hours: 20, author: "Eve Park", text: "Acme internet down again, outage for the whole evening, no connection, terrible.", source: "forum"),
        Post(id: "s-4", hours: 26, author: "@janedoe", text: "Thanks Acme, all sorted now, great help!", inReplyTo: "s-1"),
        Post(id: "s-5", hours: 30, author: "@frankmoss", text: "Acme support never called me back, worst customer service ever."),
        Post(id: "f-4", hours: 50, author: "Gina Hall", text: "Acme outage yet again, internet down, no connection all day, awful.", source: "forum"),
        Post(id: "s-6", hours: 60, author: "@janedoe", text: "Acme charged me twice AGAIN, unbelievable, I want my money back."),
        Post(id: "s-7", hours: 100, author: "@hankito", text: "Acme is great, fast internet, love it."),
        Post(id: "f-5", hours: 150, author: "Ivy Chen", text: "Acme router keeps crashing, terrible, I want my money back.", source: "forum"),
        Post(id: "s-8", hours: 152, author: "@acmehelp", text: "@ivychen please send us a message, we will replace the router."),
    ]
    /// When the runs happen (hours after t0).
    static let runs: [Double] = [24, 28, 48, 72, 96, 130, 170, 200]

    static func social(through hours: Double) -> String {
        let entries = posts.filter { $0.source == "social" && $0.hours <= hours }.map { p in
            """
              <entry>
                <id>tag:social.example,2026:\(p.id)</id>
                <link rel="alternate" href="https://social.example/\(p.author)/\(p.id)"/>
                <author><name>\(p.author)</name><uri>https://social.example/\(p.author)</uri></author>
                \(p.inReplyTo.map { "<thr:in-reply-to ref=\"tag:social.example,2026:\($0)\"/>" } ?? "")
                <published>\(iso(p.hours))</published><updated>\(iso(p.hours))</updated>
                <content type="text">\(p.text)</content>
              </entry>
            """
        }
        return """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
              <id>tag:social.example,2026:search</id><title>Search: acme</title><updated>\(iso(hours))</updated>
            \(entries.joined(separator: "\n"))
            </feed>
            """
    }

    static func forum(through hours: Double) -> String {
        let items = posts.filter { $0.source == "forum" && $0.hours <= hours }.map { p in
            "<item><guid isPermaLink=\"false\">\(p.id)</guid><title>Acme</title><link>https://forum.example/t/\(p.id)</link>"
                + "<author>\(p.author)</author><description>\(p.text)</description><pubDate>\(rfc822(p.hours))</pubDate></item>"
        }
        return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Forum</title><link>https://forum.example/</link>"
            + items.joined() + "</channel></rss>"
    }

    static func rfc822(_ hours: Double) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return f.string(from: at(hours))
    }

    static let liveRules = """
        rules:
          - name: negative
            when: { label: negative }
            severity: normal
            notify: desk
        sla: { critical: 1h, high: 4h, normal: 24h }
        problems: { min_customers: 3, window: 72h }
        follow_up_after: 2d
        """

    /// Money complaints are urgent and go to a second channel too; other complaints are normal;
    /// grumbles open nothing; problems from two customers; escalations to ops only.
    static func candidateRules(_ folder: URL) -> String {
        """
        channels:
          - name: desk
            type: jsonl
            path: \(folder.appendingPathComponent("desk.jsonl").path)
          - name: ops
            type: jsonl
            path: \(folder.appendingPathComponent("ops.jsonl").path)
        rules:
          - name: money
            when: { complaint: true, aspects: [billing] }
            severity: high
            notify: [desk, ops]
          - name: complaints
            when: { complaint: true }
            severity: normal
            notify: desk
        sla: { high: 2h, normal: 12h }
        escalate_to: ops
        problems: { min_customers: 2, window: 48h, notify: ops }
        """
    }

    /// A config for `store` in `folder` with these rule sections.
    static func config(in folder: URL, store: String, server: LoopbackHTTPServer, rules: String) throws -> String {
        let path = folder.appendingPathComponent("earshot.yaml").path
        var text = """
            brand: Acme
            query: acme
            store: \(store)
            brand_accounts: ["@acmehelp"]
            sources:
              - name: social
                url: \(server.url("/social.atom"))
              - name: forum
                url: \(server.url("/forum.rss"))
            """
        if !rules.contains("channels:") {
            text += """

                channels:
                  - name: desk
                    type: jsonl
                    path: \(folder.appendingPathComponent("desk.jsonl").path)
                """
        }
        try (text + "\n" + rules + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var hours: Double = 0
        var now: Double { get { lock.lock(); defer { lock.unlock() }; return hours } set { lock.lock(); hours = newValue; lock.unlock() } }
    }

    /// Runs `config` at each of `runs`, the feeds showing what was posted by then.
    static func replayWeeks(config: String, clock: Clock, afterRun: (Double) throws -> Void = { _ in }) throws {
        for hours in runs {
            clock.now = hours
            let r = try runEarshot(["run", "--config", config], environment: ["EARSHOT_NOW": iso(hours)])
            #expect(r.status == 0, "run at +\(hours)h: \(r.stderr)")
            try afterRun(hours)
        }
    }

    /// Does `action` (ack, resolve) as a lead, half an hour after the run, to every case in `status`.
    static func work(_ config: String, _ action: String, status: String, at hours: Double) throws -> Int {
        let list = try runEarshot(["cases", "list", "--config", config, "--status", status, "--json"])
        let cases = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        for c in cases {
            let id = try #require(c["id"] as? Int)
            let r = try runEarshot(["cases", action, String(id), "--config", config, "--as", "lead"],
                                   environment: ["EARSHOT_NOW": iso(hours + 0.5)])
            #expect(r.status == 0, "\(action) \(id): \(r.stderr)")
        }
        return cases.count
    }

    static func serveWeeks(_ clock: Clock) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            switch request.path {
            case "/social.atom": return HTTPResponse.text(BacktestTests.social(through: clock.now), contentType: "application/atom+xml")
            case "/forum.rss": return HTTPResponse.text(BacktestTests.forum(through: clock.now), contentType: "application/rss+xml")
            default: return HTTPResponse(status: 404)
            }
        }
    }

    static func json(_ r: CommandResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "not JSON: \(r.stdout) \(r.stderr)")
    }
    static func days(_ report: [String: Any], _ column: String) -> [String: [String: Int]] {
        (report[column] as? [String: Any])?["days"] as? [String: [String: Int]] ?? [:]
    }
    static func total(_ days: [String: [String: Int]], _ kind: String) -> Int { days.values.reduce(0) { $0 + ($1[kind] ?? 0) } }

    static func fileBytes(_ path: String) -> [String: Data] {
        var out: [String: Data] = [:]
        for suffix in ["", "-wal", "-shm"] { out[suffix] = FileManager.default.contents(atPath: path + suffix) }
        return out
    }

    @Test(.enabled(if: BacktestTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func candidateFiguresMatchARealRunOfTheCandidateRules() throws {
        let folder = TestPaths.temporaryFolder("earshot-backtest")
        defer { try? FileManager.default.removeItem(at: folder) }
        let clock = Clock()
        let server = try Self.serveWeeks(clock)
        defer { server.stop() }

        // The live store: two weeks under the live rules.
        let liveFolder = folder.appendingPathComponent("live")
        try FileManager.default.createDirectory(at: liveFolder, withIntermediateDirectories: true)
        let liveStore = liveFolder.appendingPathComponent("earshot.sqlite").path
        let liveConfig = try Self.config(in: liveFolder, store: liveStore, server: server, rules: Self.liveRules)
        try Self.replayWeeks(config: liveConfig, clock: clock)
        let rulesFile = folder.appendingPathComponent("candidate.yaml").path
        try Self.candidateRules(folder.appendingPathComponent("never")).write(toFile: rulesFile, atomically: true, encoding: .utf8)

        // The backtest: only reads the live store, sends nothing.
        let before = Self.fileBytes(liveStore)
        let deskBefore = FileManager.default.contents(atPath: liveFolder.appendingPathComponent("desk.jsonl").path)
        let end = Self.iso(Self.runs.last! + 1)
        let bt = try runEarshot(["backtest", "--config", liveConfig, "--rules", rulesFile, "--period", "30d", "--json"],
                                environment: ["EARSHOT_NOW": end])
        #expect(bt.status == 0, "\(bt.stderr)")
        let report = try Self.json(bt)
        // The store file is byte-identical. (Any SQLite reader of a WAL store, `earshot cases list`
        // as well, leaves an empty -wal and the shared-memory index beside it: nothing is written.)
        let after = Self.fileBytes(liveStore)
        #expect(after[""] == before[""], "the live store file changed")
        #expect(after["-wal"].map { before["-wal"] == $0 || $0.isEmpty } ?? true, "something was written to the live store's log")
        #expect(FileManager.default.contents(atPath: liveFolder.appendingPathComponent("desk.jsonl").path) == deskBefore)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("never").path))
        #expect(report["mentionsReplayed"] as? Int == Self.posts.count)

        // With no one acting on the cases, replaying the live rules gives what the store recorded.
        let recorded = Self.days(report, "recorded"), live = Self.days(report, "live"), candidate = Self.days(report, "candidate")
        #expect(live == recorded)
        #expect(Self.total(recorded, "cases opened") > 0)
        #expect(Self.total(recorded, "escalations") > 0)

        // The same two weeks under the candidate rules, for real, in a store of their own.
        let realFolder = folder.appendingPathComponent("real")
        try FileManager.default.createDirectory(at: realFolder, withIntermediateDirectories: true)
        let realStore = realFolder.appendingPathComponent("earshot.sqlite").path
        let realConfig = try Self.config(in: realFolder, store: realStore, server: server, rules: Self.candidateRules(realFolder))
        try Self.replayWeeks(config: realConfig, clock: clock)
        let real = try Self.json(try runEarshot(["backtest", "--config", realConfig, "--rules", rulesFile, "--period", "30d", "--json"],
                                                environment: ["EARSHOT_NOW": end]))
        let realRecorded = Self.days(real, "recorded")
        #expect(candidate == realRecorded, "backtest \(candidate) vs real run \(realRecorded)")
        // And the candidate rules really decide otherwise: fewer cases (the grumble opens none), an
        // urgent channel, a problem from two customers, escalations to ops alone.
        #expect(candidate != live)
        #expect(Self.total(candidate, "cases opened") < Self.total(live, "cases opened"))
        #expect(Self.total(candidate, "alerts to ops") > 0)
        #expect(Self.total(candidate, "problems opened") >= Self.total(live, "problems opened"))
        // What the real candidate run sent, alert by alert, is what the backtest counted.
        let opsLines = (try? String(contentsOfFile: realFolder.appendingPathComponent("ops.jsonl").path, encoding: .utf8))?
            .split(separator: "\n").count ?? 0
        #expect(opsLines == Self.total(candidate, "alerts to ops"))
    }

    /// A lead acknowledges the first day's cases within the hour and resolves them the next day: the
    /// replay repeats it, so replaying the live rules again gives what the store recorded (fewer
    /// escalations than if nobody had acted, which --without-people shows).
    @Test(.enabled(if: BacktestTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func peoplesActionsAreRepeatedInTheReplay() throws {
        let folder = TestPaths.temporaryFolder("earshot-backtest-people")
        defer { try? FileManager.default.removeItem(at: folder) }
        let clock = Clock()
        let server = try Self.serveWeeks(clock)
        defer { server.stop() }
        let store = folder.appendingPathComponent("earshot.sqlite").path
        let config = try Self.config(in: folder, store: store, server: server, rules: Self.liveRules)
        var acked = 0, resolved = 0
        try Self.replayWeeks(config: config, clock: clock) { hours in
            if hours == 24 { acked = try Self.work(config, "ack", status: "open", at: hours) }
            if hours == 48 { resolved = try Self.work(config, "resolve", status: "acknowledged", at: hours) }
        }
        #expect(acked >= 3 && resolved >= 1)
        let same = folder.appendingPathComponent("same.yaml").path
        try Self.liveRules.write(toFile: same, atomically: true, encoding: .utf8)
        let end = Self.iso(Self.runs.last! + 1)
        let r = try Self.json(try runEarshot(["backtest", "--config", config, "--rules", same, "--json"], environment: ["EARSHOT_NOW": end]))
        let recorded = Self.days(r, "recorded")
        #expect(Self.days(r, "live") == recorded)
        #expect(Self.days(r, "candidate") == recorded)
        #expect(r["actionsReplayed"] as? Int == acked + resolved)
        let nobody = try Self.json(try runEarshot(["backtest", "--config", config, "--rules", same, "--json", "--without-people"],
                                                  environment: ["EARSHOT_NOW": end]))
        #expect(Self.total(Self.days(nobody, "live"), "escalations") > Self.total(recorded, "escalations"))
        // The text report, for people.
        let text = try runEarshot(["backtest", "--config", config, "--rules", same], environment: ["EARSHOT_NOW": end])
        #expect(text.status == 0)
        #expect(text.stdout.contains("people's actions repeated: \(acked + resolved)"), "\(text.stdout)")
        #expect(text.stdout.contains("the candidate rules decide every day as the live ones do"), "\(text.stdout)")
    }

    @Test(.enabled(if: BacktestTests.canRun, "needs the built earshot binary beside the tests"))
    func aRulesFileWithOtherSectionsIsRefusedWithItsLine() throws {
        let folder = TestPaths.temporaryFolder("earshot-backtest-bad")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("earshot.yaml").path
        try "brand: Acme\nstore: \(folder.appendingPathComponent("s.sqlite").path)\n".write(toFile: config, atomically: true, encoding: .utf8)
        let rules = folder.appendingPathComponent("rules.yaml").path
        try "rules: []\nsources:\n  - name: x\n".write(toFile: rules, atomically: true, encoding: .utf8)
        let r = try runEarshot(["backtest", "--config", config, "--rules", rules])
        #expect(r.status == 78)
        #expect(r.stderr.contains("rules.yaml line 2") && r.stderr.contains("sources"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        try "sla: { high: 2h }\n".write(toFile: rules, atomically: true, encoding: .utf8)
        let none = try runEarshot(["backtest", "--config", config, "--rules", rules])
        #expect(none.status != 0 && none.stderr.contains("no store at"), "\(none.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("s.sqlite").path), "backtest created a store")
        let period = try runEarshot(["backtest", "--config", config, "--rules", rules, "--period", "soon"])
        #expect(period.status == 64 && period.stderr.contains("--period"))
    }
}
