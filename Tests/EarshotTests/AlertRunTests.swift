import Foundation
import Testing
import EarshotServe
import EarshotStore

/// Issue 15 end to end: the built `earshot`, the real clock (no EARSHOT_NOW: a fixed clock hid the
/// one-run delay of new-case alerts), feeds and a webhook receiver on 127.0.0.1.
@Suite(.serialized)
struct AlertRunTests {
    static var canRun: Bool { TriageCrashTests.canRun }

    /// An RSS feed whose items are (guid, author, text, published); the text mentions Acme.
    static func feed(_ items: [(String, String, String, Date)]) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let body = items.map { guid, author, text, date in
            "<item><guid>\(guid)</guid><author>\(author)</author><title>\(text)</title><description>\(text)</description>"
                + "<link>https://forum.example/t/\(guid)</link><pubDate>\(f.string(from: date))</pubDate></item>"
        }.joined()
        return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Forum</title><link>https://forum.example/</link>\(body)</channel></rss>"
    }

    /// Serves `/feed.rss` from a replaceable document, and records what reaches `/hook` with its time.
    final class Site: @unchecked Sendable {
        let folder = TestPaths.temporaryFolder("earshot-alert-run")
        let server: LoopbackHTTPServer
        private let lock = NSLock()
        private var document = ""
        private var arrivals: [(Date, [String: Any])] = []
        /// Answers to the webhook, by attempt (1-based); 200 after the list.
        var hookStatuses: [Int] = []

        init() throws {
            let box = Box()
            server = try LoopbackHTTPServer { request in
                guard let site = box.site else { return HTTPResponse(status: 503) }
                if request.path == "/hook" { return site.receive(request) }
                return HTTPResponse.text(site.current, contentType: "application/rss+xml")
            }
            box.site = self
        }
        private final class Box: @unchecked Sendable { weak var site: Site? }
        deinit { server.stop(); try? FileManager.default.removeItem(at: folder) }

        var current: String { lock.lock(); defer { lock.unlock() }; return document }
        func serve(_ text: String) { lock.lock(); document = text; lock.unlock() }

        private func receive(_ request: HTTPRequest) -> HTTPResponse {
            let status = request.pathHit <= hookStatuses.count ? hookStatuses[request.pathHit - 1] : 200
            if status == 200 {
                let payload = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
                lock.lock(); arrivals.append((Date(), payload)); lock.unlock()
            }
            return HTTPResponse.text("{}", status: status, contentType: "application/json")
        }
        /// The alerts received, in order of arrival.
        var received: [(at: Date, payload: [String: Any])] { lock.lock(); defer { lock.unlock() }; return arrivals.map { ($0.0, $0.1) } }

        var store: String { folder.appendingPathComponent("earshot.sqlite").path }
        var jsonl: String { folder.appendingPathComponent("desk.jsonl").path }

        /// Writes the config; `extra` is appended at the top level.
        func config(extra: String = "", feedExtra: String = "") throws -> String {
            let path = folder.appendingPathComponent("earshot.yaml").path
            try """
            brand: Acme
            query: acme
            store: \(store)
            sources:
              - name: forum
                url: \(server.url("/feed.rss"))
            \(feedExtra)
            channels:
              - name: hook
                type: webhook
                url: \(server.url("/hook"))
              - name: desk
                type: jsonl
                path: \(jsonl)
            sla:
              normal: 24h
              high: 24h
            \(extra)
            """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        func jsonlLines() -> [[String: Any]] {
            guard let text = try? String(contentsOfFile: jsonl, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        }
    }

    static let complaints = [
        "Acme charged me twice this month and there is still no refund. Terrible service, I am furious.",
        "Acme support is awful: I waited three hours on hold and nobody helped me at all.",
        "My Acme router keeps dropping the connection every evening, useless and broken.",
        "Acme billing is a disaster, wrong invoice again and no answer to my emails. Horrible.",
        "Worst experience ever with Acme, the technician never showed up and nobody called.",
    ]

    static func event(_ p: [String: Any]) -> String { p["event"] as? String ?? "" }
    static func field(_ p: [String: Any], _ name: String) -> String? { (p["fields"] as? [String: Any])?[name] as? String }

    @Test(.enabled(if: AlertRunTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func aNewCasesAlertArrivesInTheRunThatStoredItAndBeforeItsEscalation() throws {
        let site = try Site()
        let now = Date()
        // Ann wrote 30 hours ago (past the 24 h deadline: opened and escalated in this run); Bob 10 minutes ago.
        site.serve(Self.feed([("ann-1", "Ann", Self.complaints[0], now.addingTimeInterval(-30 * 3600)),
                              ("bob-1", "Bob", Self.complaints[1], now.addingTimeInterval(-600))]))
        let config = try site.config()
        let run = try runEarshot(["run", "--config", config, "--json"])
        let finished = Date()
        #expect(run.status == 0, "\(run.stderr)")
        let received = site.received
        let opened = received.filter { Self.event($0.payload) == "opened" }
        #expect(Set(opened.compactMap { Self.field($0.payload, "customer") }) == ["Ann", "Bob"],
                "both new cases are announced by the run that stored them")
        #expect(received.allSatisfy { $0.at <= finished })
        // Ann's case: opened first, then escalated, in the same run.
        let annCase = opened.first { Self.field($0.payload, "customer") == "Ann" }.flatMap { Self.field($0.payload, "case_id") }
        let annEvents = received.filter { Self.field($0.payload, "case_id") == annCase }.map { Self.event($0.payload) }
        #expect(annEvents == ["opened", "escalated"])
        // The summary says so too, and a second run sends nothing more.
        let summary = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any] ?? [:]
        #expect(summary["alertsSent"] as? Int == received.count * 2, "each alert to the webhook and the JSON-lines file")
        #expect(try runEarshot(["run", "--config", config]).status == 0)
        #expect(site.received.count == received.count)
    }

    @Test(.enabled(if: AlertRunTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func manyAlertsOfOneKindReachAPeoplesChannelAsOneSummaryAndMachinesGetEach() throws {
        let site = try Site()
        let now = Date()
        let items = (0 ..< 14).map { i in ("c\(i)", "Customer \(i)", Self.complaints[i % Self.complaints.count] + " (\(i))",
                                           now.addingTimeInterval(-Double(i) * 60)) }
        site.serve(Self.feed(items))
        let config = try site.config(extra: "alert_batch: 10\nproblems:\n  min_customers: 50")
        let run = try runEarshot(["run", "--config", config])
        #expect(run.status == 0, "\(run.stderr)")
        let opened = site.received.filter { Self.event($0.payload) == "opened" }
        #expect(opened.count == 1, "one summary, not \(opened.count) alerts")
        if let summary = opened.first?.payload {
            #expect(Self.field(summary, "count") == "14")
            let keys = Self.field(summary, "keys")?.split(separator: " ").map(String.init) ?? []
            #expect(Set(keys).count == 14)
            let text = summary["text"] as? String ?? ""
            #expect(text.contains("14 new cases"))
            #expect(text.components(separatedBy: "\n- ").count - 1 == 5, "the worst five are listed: \(text)")
            #expect(text.contains("earshot cases list"))
        }
        // The JSON-lines file (a machine's channel) has every alert, under its own key and event.
        let lines = site.jsonlLines().filter { Self.event($0) == "opened" }
        #expect(lines.count == 14)
        // Every alert counts as delivered, once.
        let store = try Store(path: site.store)
        #expect(try store.read { try $0.alerts(state: "pending") }.isEmpty)
        #expect(try runEarshot(["run", "--config", config]).status == 0)
        #expect(site.received.filter { Self.event($0.payload) == "opened" }.count == 1)
    }

    @Test(.enabled(if: AlertRunTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func aFirstRunKeepsOldMentionsAsHistoryUnlessBackfillSaysOtherwise() throws {
        let now = Date()
        let old = (0 ..< 4).map { i in ("old\(i)", "Old \(i)", Self.complaints[i], now.addingTimeInterval(-Double(10 + i) * 86_400)) }
        let recent = [("new0", "Newcomer", Self.complaints[4], now.addingTimeInterval(-3600))]

        let site = try Site()
        site.serve(Self.feed(old + recent))
        let run = try runEarshot(["run", "--config", try site.config(), "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any] ?? [:]
        #expect(summary["mentionsStored"] as? Int == 5)
        #expect(summary["mentionsHistory"] as? Int == 4)
        #expect(summary["casesOpened"] as? Int == 1)
        #expect(summary["escalations"] as? Int == 0)
        #expect(Set(site.received.compactMap { Self.field($0.payload, "customer") }) == ["Newcomer"])
        let summaryLine = try runEarshot(["run", "--config", try site.config(), "--summary"])
        #expect(summaryLine.stdout.isEmpty == false)

        // The same feed with --backfill 30d: every mention is live.
        let other = try Site()
        other.serve(Self.feed(old + recent))
        let wide = try runEarshot(["run", "--config", try other.config(), "--backfill", "30d", "--json"])
        let wideSummary = (try? JSONSerialization.jsonObject(with: Data(wide.stdout.utf8))) as? [String: Any] ?? [:]
        #expect(wideSummary["mentionsHistory"] as? Int == 0)
        #expect(wideSummary["casesOpened"] as? Int == 5)
        // The text summary says how many were kept as history.
        let third = try Site()
        third.serve(Self.feed(old + recent))
        let text = try runEarshot(["run", "--config", try third.config(), "--summary"])
        #expect(text.stdout.contains("4 of them kept as history"), "\(text.stdout)")
        #expect(try runEarshot(["run", "--config", try third.config(), "--backfill", "soon"]).status == 64)
    }

    @Test(.enabled(if: AlertRunTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func aSourceWhoseNewestItemIsOldTurnsStaleOnceAndRecovers() throws {
        let site = try Site()
        let now = Date()
        site.serve(Self.feed([("q1", "Quinn", "Acme is fine I suppose", now.addingTimeInterval(-10 * 86_400))]))
        let config = try site.config(extra: "escalate_to: [desk]", feedExtra: "    stale_after: 7d")
        #expect(try runEarshot(["run", "--config", config]).status == 0)
        func state() throws -> String? {
            let list = try runEarshot(["sources", "list", "--config", config, "--json"])
            let rows = (try? JSONSerialization.jsonObject(with: Data(list.stdout.utf8))) as? [[String: Any]] ?? []
            return rows.first?["state"] as? String
        }
        #expect(try state() == "stale")
        #expect(try runEarshot(["sources", "list", "--config", config]).stdout.contains("stale: newest item from"))
        #expect(site.jsonlLines().filter { Self.event($0) == "source stale" }.count == 1)
        // Told once: later runs (the source is fetched again) say nothing more.
        #expect(try runEarshot(["fetch", "--all", "--process", "--config", config]).status == 0)
        #expect(site.jsonlLines().filter { Self.event($0) == "source stale" }.count == 1)
        // The digest's source health lists it.
        let digest = try runEarshot(["digest", "--config", config, "--format", "json", "--period", "week"])
        #expect(digest.stdout.contains("\"stale\""))
        // Something new: it recovers.
        site.serve(Self.feed([("q2", "Quinn", "Acme is fine today", now)]))
        #expect(try runEarshot(["fetch", "--all", "--process", "--config", config]).status == 0)
        #expect(try state() == "ok")
    }

    @Test(.enabled(if: AlertRunTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func aRunIsQuietUnderCronAndSpeaksWhenAskedOrWhenSomethingNeedsALook() throws {
        let site = try Site()
        site.serve(Self.feed([("p1", "Pat", "Acme is lovely", Date())]))
        let config = try site.config()
        let quiet = try runEarshot(["run", "--config", config])
        #expect(quiet.status == 0)
        #expect(quiet.stdout.isEmpty, "cron mails what a job prints: \(quiet.stdout)")
        #expect(quiet.stderr.isEmpty)
        let asked = try runEarshot(["fetch", "--all", "--process", "--config", config, "--summary"])
        #expect(asked.stdout.hasPrefix("earshot: 1/1 sources fetched"))
        // A failing source is worth a mail: the line is printed, exit 3.
        let path = site.folder.appendingPathComponent("broken.yaml").path
        try String(contentsOfFile: config, encoding: .utf8)
            .replacingOccurrences(of: site.server.url("/feed.rss"), with: "http://127.0.0.1:9/missing")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let failing = try runEarshot(["fetch", "--all", "--config", path])
        #expect(failing.status == 3)
        #expect(failing.stdout.contains("1 failed"))
    }

    @Test func fatalErrorsAreOneJSONLineWithJSONLogsAndAnUncreatableStoreNamesTheSetting() throws {
        let folder = TestPaths.temporaryFolder("earshot-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("broken.yaml").path
        try "brand: Acme\nsla:\n  high: soon\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let json = try runEarshot(["run", "--config", broken, "--log-format", "json"])
        #expect(json.status == 78)
        let lines = json.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        let object = lines.first.flatMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] } ?? [:]
        #expect(object["level"] as? String == "critical")
        #expect((object["message"] as? String)?.contains("sla.high") == true)
        #expect(object["exit_code"] as? Int == 78)

        // A store in a folder that cannot exist (as under systemd's ProtectSystem=strict).
        let config = folder.appendingPathComponent("earshot.yaml").path
        try "brand: Acme\nstore: /dev/null/earshot.sqlite\n".write(toFile: config, atomically: true, encoding: .utf8)
        let run = try runEarshot(["run", "--config", config])
        #expect(run.status == 78)
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stderr.contains("`store:` in \(config)"), "\(run.stderr)")
        #expect(run.stderr.contains("/var/lib/earshot"))
    }

    @Test(.enabled(if: AlertRunTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func alertsRetrySendsAlertsWaitingForTheirNextAttemptNow() throws {
        let site = try Site()
        site.hookStatuses = [500, 500]
        site.serve(Self.feed([("r1", "Rae", Self.complaints[2], Date())]))
        let config = try site.config(extra: "problems:\n  min_customers: 50")
        let run = try runEarshot(["run", "--config", config])
        #expect(run.status == 4, "the webhook failed: alerts wait for a retry")
        #expect(run.stdout.contains("alerts to retry"))
        #expect(site.received.isEmpty)
        // Waiting (not dead): `alerts retry` sends it now rather than at its next attempt.
        let retry = try runEarshot(["alerts", "retry", "--config", config])
        #expect(retry.stdout.contains("waiting for their next attempt"), "\(retry.stdout)")
        #expect(retry.status == 4, "the second answer is a 500 too")
        let again = try runEarshot(["alerts", "retry", "--config", config])
        #expect(again.status == 0, "\(again.stdout)")
        #expect(again.stdout.hasPrefix("retried 1 alert waiting for their next attempt and 0 dead: 1 sent"), "\(again.stdout)")
        #expect(site.received.count == 1)
    }

    @Test(.enabled(if: AlertRunTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func aRunKilledBetweenQueueingAndDeliveryLosesNoAlertAndSendsNoneTwice() throws {
        let site = try Site()
        let now = Date()
        site.serve(Self.feed((0 ..< 3).map { i in ("k\(i)", "Kim \(i)", Self.complaints[i], now.addingTimeInterval(-Double(i) * 60)) }))
        let marker = site.folder.appendingPathComponent("delivery-started").path
        func config(command: String) throws -> String {
            let path = try site.config(extra: """
                problems:
                  min_customers: 50
                """)
            // A command channel first in every alert's list: the first delivery blocks in it.
            let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "channels:\n", with: """
                channels:
                  - name: pager
                    type: command
                    command: [sh, -c, '\(command)']

                """)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        // The first run queues the alerts, claims them, and is killed inside the first delivery.
        let process = Process()
        process.executableURL = TestPaths.binary
        process.arguments = ["run", "--config", try config(command: "touch \(marker); sleep 30")]
        var env = ProcessInfo.processInfo.environment
        env["EARSHOT_LEXICON"] = TestPaths.lexicon.path
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: marker) && Date() < deadline { usleep(20_000) }
        #expect(FileManager.default.fileExists(atPath: marker), "delivery never began")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let queued = try Store(path: site.store).read { try $0.alerts() }
        #expect(queued.count == 9, "3 cases opened, each told to 3 channels")
        #expect(queued.allSatisfy { $0.state == "pending" })
        #expect(site.received.isEmpty && site.jsonlLines().isEmpty)

        // The next run sends each alert once, everywhere.
        let again = try runEarshot(["run", "--config", try config(command: "cat >/dev/null")])
        #expect(again.status == 0, "\(again.stderr)")
        let hookKeys = site.received.compactMap { $0.payload["idempotency_key"] as? String }
        let lineKeys = site.jsonlLines().compactMap { $0["idempotency_key"] as? String }
        #expect(hookKeys.sorted() == Array(Set(hookKeys)).sorted() && hookKeys.count == 3)
        #expect(lineKeys.sorted() == hookKeys.sorted())
        #expect(try Store(path: site.store).read { try $0.alerts(state: "sent") }.count == 9)
        #expect(try runEarshot(["run", "--config", try config(command: "cat >/dev/null")]).status == 0)
        #expect(site.received.count == 3 && site.jsonlLines().count == 3)
    }

    @Test(.enabled(if: AlertRunTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func undatedItemsOfAFirstRunAreHistoryAndLaterOnesAreLive() throws {
        let site = try Site()
        func undated(_ items: [(String, String)]) -> String {
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Forum</title>" + items.map { guid, text in
                "<item><guid>\(guid)</guid><author>\(guid) Smith</author><description>\(text)</description></item>"
            }.joined() + "</channel></rss>"
        }
        site.serve(undated([("u1", Self.complaints[0]), ("u2", Self.complaints[1])]))
        let config = try site.config()
        let first = Self.json(try runEarshot(["run", "--config", config, "--json"]).stdout)
        #expect(first["mentionsHistory"] as? Int == 2, "a source's undated backlog opens nothing")
        #expect(first["casesOpened"] as? Int == 0)
        site.serve(undated([("u1", Self.complaints[0]), ("u2", Self.complaints[1]), ("u3", Self.complaints[2])]))
        let second = Self.json(try runEarshot(["fetch", "--all", "--process", "--config", config, "--json"]).stdout)
        #expect(second["mentionsStored"] as? Int == 1)
        #expect(second["casesOpened"] as? Int == 1, "a new undated item later on is live")
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
}
