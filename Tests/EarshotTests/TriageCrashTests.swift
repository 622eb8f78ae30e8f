import Foundation
import Testing
import EarshotServe
import EarshotStore
import EarshotTriage

/// `earshot run` killed with SIGKILL at random moments, then run again to completion: no mention
/// lost or stored twice, no case opened twice, every alert in the JSON-lines file exactly once and
/// at the webhook under every key (a copy only for the one alert a kill can catch in flight, and
/// then under the same Idempotency-Key).
@Suite(.serialized)
struct TriageCrashTests {
    static let now = "2026-11-21T07:00:00Z"
    static let secretVariable = "EARSHOT_CRASH_SECRET"
    static let secret = "crash-test-secret"
    static let trials = 20

    static var canRun: Bool { TestPaths.hasLexicon && FileManager.default.isExecutableFile(atPath: TestPaths.binary.path) }

    /// One store and its config: the demo's sources, its JSON-lines channel and a signed webhook.
    struct Site {
        let folder: URL
        let config: URL
        let hookPath: String

        init(name: String, feeds: LoopbackHTTPServer, receiver: LoopbackHTTPServer) throws {
            folder = Self.temporaryFolder("earshot-crash-\(name)")
            config = folder.appendingPathComponent("earshot.yaml")
            hookPath = "/hook/\(name)"
            let template = try String(contentsOf: TestPaths.demoFeeds.appendingPathComponent("earshot-demo.yaml"), encoding: .utf8)
            let channels = """
                    path: alerts.jsonl
                  - name: hook
                    type: webhook
                    url: "\(receiver.url(hookPath))"
                    secret_env: \(TriageCrashTests.secretVariable)

                """
            let text = template.replacingOccurrences(of: "{BASE}", with: feeds.baseURL)
                .replacingOccurrences(of: "    path: alerts.jsonl\n", with: channels)
            guard text.contains("name: hook") else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "the demo config changed shape: no jsonl channel to add the webhook after"]) }
            try text.write(to: config, atomically: true, encoding: .utf8)
        }

        /// On tmpfs when there is one: a kill -9 loses nothing the kernel already has, so the fsyncs
        /// SQLite makes for power loss only cost time here.
        static func temporaryFolder(_ name: String) -> URL {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isFolder), isFolder.boolValue,
                  access("/dev/shm", W_OK) == 0 else { return TestPaths.temporaryFolder(name) }
            var template = Array("/dev/shm/\(name)-XXXXXX".utf8CString)
            guard let path = mkdtemp(&template) else { return TestPaths.temporaryFolder(name) }
            return URL(fileURLWithPath: String(cString: path))
        }

        var store: String { folder.appendingPathComponent("earshot.sqlite").path }
        var jsonl: URL { folder.appendingPathComponent("alerts.jsonl") }

        /// Starts `earshot run` (output discarded, so a full pipe never stalls it).
        func launch() throws -> Process {
            let process = Process()
            process.executableURL = TestPaths.binary
            process.arguments = ["run", "--config", config.path]
            var env = ProcessInfo.processInfo.environment
            env["EARSHOT_NOW"] = TriageCrashTests.now
            env["EARSHOT_LEXICON"] = TestPaths.lexicon.path
            env[TriageCrashTests.secretVariable] = TriageCrashTests.secret
            process.environment = env
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            return process
        }

        /// Runs to completion and returns the exit status.
        func runToCompletion() throws -> Int32 {
            let process = try launch()
            process.waitUntilExit()
            return process.terminationStatus
        }

        /// What the store holds, in comparable form.
        func snapshot() throws -> Snapshot {
            let store = try Store(path: self.store)
            return try store.read { tx in
                let cases = try tx.cases()
                var s = Snapshot()
                s.mentions = try tx.mentionCount()
                s.incidents = cases.filter { $0.kind == "incident" }.map { "\($0.customer ?? "-")|\($0.sourceID ?? 0)|\($0.url ?? "-")|\($0.status)" }.sorted()
                s.problems = cases.filter { $0.kind == "problem" }.map { "\($0.aspect ?? "-")|\($0.status)" }.sorted()
                s.caseMentions = try Int.fetchOne(tx.db, sql: "SELECT COUNT(*) FROM case_mentions") ?? 0
                s.events = try Int.fetchOne(tx.db, sql: "SELECT COUNT(*) FROM case_events") ?? 0
                let alerts = try tx.alerts()
                s.outbox = alerts.map { "\($0.channel)|\($0.idempotencyKey)" }.sorted()
                s.unsent = alerts.filter { $0.state != "sent" }.map { "\($0.channel)|\($0.idempotencyKey)|\($0.state)|\($0.lastError ?? "")" }
                s.mentionsInTwoIncidents = try Int.fetchOne(tx.db, sql: """
                    SELECT COUNT(*) FROM (SELECT cm.mention_id FROM case_mentions cm JOIN cases c ON c.id = cm.case_id
                                          WHERE c.kind = 'incident' GROUP BY cm.mention_id HAVING COUNT(*) > 1)
                    """) ?? 0
                s.openTwice = try Int.fetchOne(tx.db, sql: """
                    SELECT COUNT(*) FROM (SELECT source_id, customer FROM cases
                                          WHERE kind = 'incident' AND customer IS NOT NULL AND status IN ('open', 'acknowledged')
                                          GROUP BY source_id, customer HAVING COUNT(*) > 1)
                    """) ?? 0
                return s
            }
        }

        /// The idempotency keys in the JSON-lines file, in order.
        func jsonlKeys() throws -> [String] {
            guard let text = try? String(contentsOf: jsonl, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").map { Alert.decode(String($0))["idempotency_key"] as? String ?? "unparsable: \($0)" }
        }
    }

    struct Snapshot: Equatable {
        var mentions = 0
        var incidents: [String] = []
        var problems: [String] = []
        var caseMentions = 0
        var events = 0
        var outbox: [String] = []
        var unsent: [String] = []
        var mentionsInTwoIncidents = 0
        var openTwice = 0

        /// What differs, briefly (the whole snapshot is too long to read in a failure).
        func difference(from other: Snapshot) -> String {
            func list(_ name: String, _ a: [String], _ b: [String]) -> String? {
                a == b ? nil : "\(name): extra \(Set(a).subtracting(b).sorted().prefix(8)), missing \(Set(b).subtracting(a).sorted().prefix(8))"
            }
            func number(_ name: String, _ a: Int, _ b: Int) -> String? { a == b ? nil : "\(name) \(a), expected \(b)" }
            return [number("mentions", mentions, other.mentions), list("incidents", incidents, other.incidents),
                    list("problems", problems, other.problems), number("case mentions", caseMentions, other.caseMentions),
                    number("events", events, other.events), list("outbox", outbox, other.outbox), list("unsent", unsent, other.unsent),
                    number("mentions in two incidents", mentionsInTwoIncidents, other.mentionsInTwoIncidents),
                    number("customers with two open incidents", openTwice, other.openTwice)].compactMap { $0 }.joined(separator: "; ")
        }
    }

    /// What one trial saw.
    struct Trial {
        var number: Int
        var delay: Double
        var killed = false
        /// Alerts claimed and not yet recorded as sent when the kill came (a kill mid-delivery).
        var inFlight = 0
        var status: Int32 = -1
        var snapshot = Snapshot()
        var jsonlKeys: [String] = []
        var hookPath = ""
        var again: (status: Int32, snapshot: Snapshot, jsonlLines: Int, requests: Int)?
        var error: String?
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var trials: [Trial] = []
        private var first: Date?
        func append(_ t: Trial) { lock.withLock { trials.append(t) } }
        func mark() { lock.withLock { if first == nil { first = Date() } } }
        var marked: Date? { lock.withLock { first } }
        var all: [Trial] { lock.withLock { trials } }
    }

    /// Launches a run, kills it with SIGKILL after a random delay (up to a clean run's length, at
    /// most 3 s, so that kills land in fetching, storing, triage and delivery), runs again to completion, and reads back what the store and the file hold.
    static func trial(_ number: Int, feeds: LoopbackHTTPServer, receiver: LoopbackHTTPServer, longest: TimeInterval,
                      lateFrom: TimeInterval) -> Trial {
        // Even trials kill anywhere in a run; odd ones from where delivery began in the clean run
        // (two trials run at once, so a run is slower than the clean one and kills land around it).
        let length = min(3, max(0.5, longest))
        let late = min(lateFrom, length * 0.9)
        var t = Trial(number: number, delay: number % 2 == 0 ? Double.random(in: 0...length) : Double.random(in: late...length * 1.3))
        do {
            let site = try Site(name: "trial\(number)", feeds: feeds, receiver: receiver)
            defer { try? FileManager.default.removeItem(at: site.folder) }
            t.hookPath = site.hookPath
            let victim = try site.launch()
            Thread.sleep(forTimeInterval: t.delay)
            if victim.isRunning {
                kill(victim.processIdentifier, SIGKILL)
                t.killed = true
            }
            victim.waitUntilExit()
            if t.killed, FileManager.default.fileExists(atPath: site.store) {
                t.inFlight = try Store(path: site.store).read { try $0.alerts(state: "pending") }.filter { $0.claimedAt != nil }.count
            }
            t.status = try site.runToCompletion()
            t.snapshot = try site.snapshot()
            t.jsonlKeys = try site.jsonlKeys()
            if number % 5 == 0 {
                let status = try site.runToCompletion()
                t.again = (status, try site.snapshot(), try site.jsonlKeys().count,
                           receiver.requestLog.filter { $0.path == site.hookPath }.count)
            }
        } catch {
            t.error = "\(error)"
        }
        return t
    }

    /// The alerts a webhook request delivers: its own key, or a summary's members (`fields.keys`).
    static func alertKeys(_ request: HTTPRequest) -> [String] {
        let payload = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
        if let members = (payload["fields"] as? [String: Any])?["keys"] as? String {
            return members.split(separator: " ").map(String.init)
        }
        return request.header("Idempotency-Key").map { [$0] } ?? []
    }

    @Test(.enabled(if: TriageCrashTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func killedRunsLoseNothingAndDuplicateNothing() throws {
        let files = try StaticFileHandler(root: TestPaths.demoFeeds)
        // Small random delays on every feed response, so that kills land mid-fetch as well as mid-store.
        let feeds = try LoopbackHTTPServer { files.respond(to: $0).delayed(by: Double.random(in: 0.01...0.1)) }
        defer { feeds.stop() }
        let firstAlert = Results()
        let receiver = try LoopbackHTTPServer { request in
            if request.path == "/hook/clean" { firstAlert.mark() }
            return HTTPResponse.text("{\"ok\":true}")
        }
        defer { receiver.stop() }

        // The reference: one clean run.
        let clean = try Site(name: "clean", feeds: feeds, receiver: receiver)
        defer { try? FileManager.default.removeItem(at: clean.folder) }
        let started = Date()
        #expect(try clean.runToCompletion() == 0)
        let cleanSeconds = Date().timeIntervalSince(started)
        // When delivery began in the clean run: odd trials aim their kill from there on.
        let deliveryStarts = min(cleanSeconds, firstAlert.marked.map { $0.timeIntervalSince(started) } ?? cleanSeconds / 2)
        let reference = try clean.snapshot()
        #expect(reference.mentions == 82)
        #expect(reference.unsent.isEmpty)
        #expect(reference.incidents.count >= 10)
        #expect(reference.outbox.count >= 20)
        #expect(reference.mentionsInTwoIncidents == 0)
        #expect(reference.openTwice == 0)

        // The trials, two at a time (most of a run is waiting on fsync and sockets); what each
        // saw is collected and checked here, on the test's own thread.
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for trial in stride(from: worker, to: Self.trials, by: 2) {
                results.append(Self.trial(trial, feeds: feeds, receiver: receiver, longest: cleanSeconds, lateFrom: deliveryStarts))
            }
        }
        let trials = results.all.sorted { $0.number < $1.number }
        #expect(trials.count == Self.trials)
        var killed = 0, duplicates = 0, midDelivery = 0
        for t in trials {
            let label = "trial \(t.number), killed at \(String(format: "%.2f", t.delay)) s"
            if let error = t.error { Issue.record("\(label): \(error)"); continue }
            if t.killed { killed += 1 }
            if t.inFlight > 0 { midDelivery += 1 }
            #expect(t.status == 0, "\(label): the run after the kill exited \(t.status)")
            #expect(t.snapshot == reference, "\(label): \(t.snapshot.difference(from: reference))")

            // The JSON-lines file: each alert exactly once.
            let deskKeys = reference.outbox.filter { $0.hasPrefix("support-desk|") }.map { String($0.dropFirst("support-desk|".count)) }
            #expect(t.jsonlKeys.sorted() == deskKeys.sorted(), "\(label): \(t.jsonlKeys.count) lines for \(deskKeys.count) alerts")

            // The webhook: every alert under its key; a copy only for the alert a kill caught in
            // flight, under the same key and body, so that the receiver can drop it.
            let requests = receiver.requestLog.filter { $0.path == t.hookPath }
            let hookKeys = reference.outbox.filter { $0.hasPrefix("hook|") }.map { String($0.dropFirst("hook|".count)) }
            let received = requests.compactMap { $0.header("Idempotency-Key") }
            #expect(received.count == requests.count, "every request carries an Idempotency-Key")
            // Many alerts of one kind arrive as one summary that names its members' keys.
            let delivered = requests.flatMap(Self.alertKeys)
            #expect(Set(delivered) == Set(hookKeys), "\(label)")
            // Once the receiver drops the copies it can recognise (a key seen before), no alert is left twice.
            var seenKeys = Set<String>()
            let kept = requests.filter { seenKeys.insert($0.header("Idempotency-Key") ?? "").inserted }.flatMap(Self.alertKeys)
            #expect(kept.count == Set(kept).count, "\(label): an alert arrived twice under different request keys")
            let copies = received.count - Set(received).count
            #expect(copies <= 1, "\(label): \(copies) keys received twice; one kill can interrupt one delivery")
            duplicates += copies
            var bodies: [String: Data] = [:]
            for request in requests {
                let key = request.header("Idempotency-Key") ?? ""
                let signature = "sha256=" + HMACSHA256.hex(key: Array(Self.secret.utf8), message: Array(request.body))
                #expect(request.header("X-Earshot-Signature") == signature)
                if let earlier = bodies[key] { #expect(earlier == request.body, "a copy is the same alert") }
                bodies[key] = request.body
            }
            // A further run (every fifth trial) changed nothing and sent nothing.
            if let again = t.again {
                #expect(again.status == 0)
                #expect(again.snapshot == reference, "\(label): the run after completion changed the store: \(again.snapshot.difference(from: reference))")
                #expect(again.jsonlLines == t.jsonlKeys.count)
                #expect(again.requests == requests.count, "\(label): the run after completion sent again")
            }
        }
        #expect(killed >= 1, "no run was caught mid-way; the runs finish faster than the kills")
        print("crash test: \(Self.trials) trials, \(killed) killed mid-run (\(midDelivery) mid-delivery), \(duplicates) webhook copies (same key); clean run \(String(format: "%.2f", cleanSeconds)) s")
    }
}
