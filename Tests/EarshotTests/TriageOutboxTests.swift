import Foundation
import Logging
import Testing
import Crypto
@testable import EarshotApp
import EarshotServe
import EarshotStore
import EarshotTriage

/// The outbox against real receivers on 127.0.0.1: a webhook that fails before it accepts, an
/// SMTP server, a JSON-lines file; retries kept in the store, dead alerts, idempotency keys.
@Suite(.serialized)
struct TriageOutboxTests {
    static let t0 = ISO8601DateFormatter().date(from: "2026-11-21T07:00:00Z")!
    static let secretVariable = "EARSHOT_TEST_WEBHOOK_SECRET"
    static let secret = "s3cret-for-tests"

    /// A thread-safe switch and tally the receivers' handlers share with the test.
    final class Script: @unchecked Sendable {
        private let lock = NSLock()
        private var failing: Int
        init(failFirst: Int) { failing = failFirst }
        /// The status for the next request: 500 while failures are left (-1: forever), then 200.
        func nextStatus() -> Int {
            lock.withLock {
                if failing == 0 { return 200 }
                if failing > 0 { failing -= 1 }
                return 500
            }
        }
        func set(failFirst: Int) { lock.withLock { failing = failFirst } }
    }

    struct Outbox {
        let folder = TestPaths.temporaryFolder("earshot-outbox")
        let store: Store
        init() throws { store = try Store(path: folder.appendingPathComponent("earshot.sqlite").path) }

        @discardableResult
        func enqueue(_ key: String, channel: String, subject: String = "New high case #1: billing complaint",
                     text: String = "Alice on forum — “charged twice”", at now: Date = TriageOutboxTests.t0) throws -> Bool {
            let alert = Alert(key: key, event: "opened", subject: subject, text: text,
                              fields: ["case_id": "1", "severity": "high"], thread: "case-1")
            return try store.write { try $0.enqueueAlert(key: key, channel: channel, subject: subject, payload: alert.payloadJSON(), now: now) }
        }

        func alerts(_ state: String? = nil) throws -> [OutboxRecord] { try store.read { try $0.alerts(state: state) } }
    }

    static func deliverer(_ channels: [Config.Channel], maxAttempts: Int = 8) -> AlertDeliverer {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return AlertDeliverer(channels: channels, maxAttempts: maxAttempts, logger: logger)
    }

    static func channel(_ name: String, type: String, url: String? = nil, path: String? = nil, secretEnv: String? = nil,
                        from: String? = nil, to: [String] = [], slack: Bool = false, batches: Bool = true) -> Config.Channel {
        Config.Channel(name: name, type: type, url: url, path: path, command: [], secretEnv: secretEnv, from: from, to: to,
                       usernameEnv: nil, passwordEnv: nil, slack: slack, batches: batches)
    }

    static func signatureIsValid(_ request: HTTPRequest) -> Bool {
        request.header("X-Earshot-Signature") == "sha256=" + HMACSHA256.hex(key: Array(secret.utf8), message: Array(request.body))
    }

    // MARK: - Webhook

    @Test func thePayloadIsJSONWhateverTheTextHolds() throws {
        let awkward = "Quote \" backslash \\ slash / tab \t newline \n bell \u{07} nul \u{00} é 😀 \u{2028}"
        let alert = Alert(key: "case-1-opened", event: "opened", subject: awkward, text: "line 1\nline 2",
                          fields: ["zeta": awkward, "alpha": "", "case": "1"], thread: "case-1")
        let json = alert.payloadJSON()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["subject"] as? String == awkward)
        #expect(object["text"] as? String == "line 1\nline 2")
        #expect(object["idempotency_key"] as? String == "case-1-opened")
        #expect(object["thread"] as? String == "case-1")
        #expect(object["event"] as? String == "opened")
        #expect(object["fields"] as? [String: String] == ["zeta": awkward, "alpha": "", "case": "1"])
        #expect(json.hasPrefix("{\"event\":\"opened\",\"fields\":{\"alpha\":\"\",\"case\":\"1\",\"zeta\":"), "keys sorted: \(json)")
        #expect(!json.contains("\n"), "one line, for JSON-lines channels")
    }

    /// Non-batching channels are read, claimed and sent a chunk at a time, between a batching channel's
    /// sends, in queue order: every alert once, and across both channels one sequence, the order they were queued.
    @Test func alertsGoOutInChunksInQueueOrderEachOnce() throws {
        let receiver = try LoopbackHTTPServer { _ in .text("{}") }
        defer { receiver.stop() }
        let outbox = try Outbox()
        for i in 0 ..< 9 {
            try outbox.enqueue("case-\(i)-opened", channel: i % 3 == 0 ? "hook" : "plain", text: "alert \(i)")
        }
        // Both channels post to one receiver, which sees them in the one order they were sent.
        var deliverer = Self.deliverer([Self.channel("hook", type: "webhook", url: receiver.url("/batching")),
                                        Self.channel("plain", type: "webhook", url: receiver.url("/single"), batches: false)])
        deliverer.chunk = 2
        let counts = try deliverer.deliverDue(store: outbox.store, now: Self.t0)
        #expect(counts.sent == 9 && counts.failed == 0)
        let sent = receiver.requestLog.compactMap { request -> String? in
            guard let key = (try? JSONSerialization.jsonObject(with: request.body) as? [String: Any])?["idempotency_key"] as? String else { return nil }
            return request.path + " " + key
        }
        #expect(sent == (0 ..< 9).map { "\($0 % 3 == 0 ? "/batching" : "/single") case-\($0)-opened" })
        #expect(try outbox.alerts("sent").count == 9)
        #expect(try deliverer.deliverDue(store: outbox.store, now: Self.t0 + 60).sent == 0, "nothing twice")
        deliverer.chunk = 0
        try outbox.enqueue("case-9-opened", channel: "plain", text: "alert 9")
        #expect(try deliverer.deliverDue(store: outbox.store, now: Self.t0 + 120).sent == 1, "a chunk of none is a chunk of one")
    }

    @Test func hmacMatchesTheRFC4231Vectors() {
        // RFC 4231 test cases 2 and 6 (a key longer than the block size is hashed first).
        #expect(HMACSHA256.hex(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(HMACSHA256.hex(key: [UInt8](repeating: 0xaa, count: 131),
                               message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        #expect(SHA256.hash(data: [UInt8]()).map { String(format: "%02x", $0) }.joined()
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func aWebhookThatFailsTwiceIsRetriedWithBackoffAndThenNeverSentAgain() throws {
        setenv(Self.secretVariable, Self.secret, 1)
        let script = Script(failFirst: 2)
        let receiver = try LoopbackHTTPServer { _ in .text("{}", status: script.nextStatus()) }
        defer { receiver.stop() }
        let outbox = try Outbox()
        try outbox.enqueue("case-1-opened", channel: "hook")
        let deliverer = Self.deliverer([Self.channel("hook", type: "webhook", url: receiver.url("/alerts"), secretEnv: Self.secretVariable)])

        var counts = try deliverer.deliverDue(store: outbox.store, now: Self.t0)
        #expect(counts.failed == 1 && counts.sent == 0)
        var row = try #require(try outbox.alerts().first)
        #expect(row.state == "pending")
        #expect(row.attempts == 1)
        #expect(row.lastError?.contains("500") == true)
        #expect(row.nextAttemptAt > Self.t0)

        // Not due yet: a run a few seconds later sends nothing.
        counts = try deliverer.deliverDue(store: outbox.store, now: Self.t0 + 10)
        #expect(counts.sent + counts.failed == 0)
        #expect(receiver.requestLog.count == 1)

        // Past the next attempt time: the second try fails too, and waits longer.
        let firstWait = row.nextAttemptAt.timeIntervalSince(Self.t0)
        counts = try deliverer.deliverDue(store: outbox.store, now: row.nextAttemptAt + 1)
        #expect(counts.failed == 1)
        let secondTry = row.nextAttemptAt + 1
        row = try #require(try outbox.alerts().first)
        #expect(row.attempts == 2)
        #expect(row.nextAttemptAt.timeIntervalSince(secondTry) > firstWait, "the backoff grows")

        // The third try is accepted.
        counts = try deliverer.deliverDue(store: outbox.store, now: row.nextAttemptAt + 1)
        #expect(counts.sent == 1)
        row = try #require(try outbox.alerts().first)
        #expect(row.state == "sent")
        #expect(row.attempts == 3)
        #expect(row.lastError == nil)

        // Never again: not by later runs, not when the same alert is queued again.
        for hours: TimeInterval in [1, 24, 24 * 30] {
            counts = try deliverer.deliverDue(store: outbox.store, now: Self.t0 + hours * 3600)
            #expect(counts.sent + counts.failed == 0)
        }
        #expect(try outbox.enqueue("case-1-opened", channel: "hook", at: Self.t0 + 7200) == false)
        _ = try deliverer.deliverDue(store: outbox.store, now: Self.t0 + 86_400 * 60)
        #expect(try outbox.alerts("sent").count == 1)

        let requests = receiver.requestLog
        #expect(requests.count == 3)
        for request in requests {
            #expect(request.method == "POST")
            #expect(request.path == "/alerts")
            #expect(request.header("Idempotency-Key") == "case-1-opened")
            #expect(request.header("Content-Type") == "application/json")
            #expect(Self.signatureIsValid(request), "X-Earshot-Signature: \(request.header("X-Earshot-Signature") ?? "none")")
            let json = Alert.decode(request.bodyText)
            #expect(json["idempotency_key"] as? String == "case-1-opened")
            #expect(json["event"] as? String == "opened")
            #expect((json["text"] as? String)?.contains("charged twice") == true)
        }
        // A tampered body does not verify.
        var tampered = try #require(requests.first)
        tampered.body = Data(tampered.bodyText.replacingOccurrences(of: "high", with: "low").utf8)
        #expect(!Self.signatureIsValid(tampered))
    }

    @Test func afterMaxAttemptsAnAlertIsDeadUntilRetried() throws {
        setenv(Self.secretVariable, Self.secret, 1)
        let script = Script(failFirst: -1)
        let receiver = try LoopbackHTTPServer { _ in .text("down\n", status: script.nextStatus()) }
        defer { receiver.stop() }
        let outbox = try Outbox()
        try outbox.enqueue("case-7-escalated", channel: "hook")
        try outbox.enqueue("case-8-opened", channel: "hook")
        let deliverer = Self.deliverer([Self.channel("hook", type: "webhook", url: receiver.url("/hook"), secretEnv: Self.secretVariable)],
                                       maxAttempts: 3)

        var now = Self.t0
        var dead = 0
        for _ in 0..<3 {
            let counts = try deliverer.deliverDue(store: outbox.store, now: now)
            dead += counts.dead
            now += 7 * 3600   // past any backoff
        }
        #expect(dead == 2)
        let buried = try outbox.alerts("dead")
        #expect(buried.count == 2)
        #expect(buried.allSatisfy { $0.attempts == 3 && $0.lastError?.contains("500") == true })
        #expect(receiver.requestLog.count == 6)
        // Dead alerts are not tried again by later runs.
        _ = try deliverer.deliverDue(store: outbox.store, now: now + 86_400)
        #expect(receiver.requestLog.count == 6)

        // The receiver is back; `earshot alerts retry ID` revives one, then all.
        script.set(failFirst: 0)
        let first = try #require(buried.first)
        #expect(try outbox.store.write { try $0.retryDeadAlerts(id: first.id, now: now) } == 1)
        var counts = try deliverer.deliverDue(store: outbox.store, now: now)
        #expect(counts.sent == 1)
        #expect(try outbox.alerts("dead").count == 1)
        #expect(try outbox.store.write { try $0.retryDeadAlerts(id: nil, now: now) } == 1)
        counts = try deliverer.deliverDue(store: outbox.store, now: now)
        #expect(counts.sent == 1)
        #expect(try outbox.alerts("sent").count == 2)
        #expect(try outbox.store.write { try $0.retryDeadAlerts(id: nil, now: now) } == 0)
        let sentKeys = receiver.requestLog.suffix(2).compactMap { $0.header("Idempotency-Key") }
        #expect(Set(sentKeys) == ["case-7-escalated", "case-8-opened"])
    }

    @Test func aWebhookWithoutItsSecretIsNotSentUnsigned() throws {
        unsetenv("EARSHOT_TEST_UNSET_SECRET")
        let receiver = try LoopbackHTTPServer { _ in .text("{}") }
        defer { receiver.stop() }
        let outbox = try Outbox()
        try outbox.enqueue("case-2-opened", channel: "hook")
        let deliverer = Self.deliverer([Self.channel("hook", type: "webhook", url: receiver.url("/hook"), secretEnv: "EARSHOT_TEST_UNSET_SECRET")])
        let counts = try deliverer.deliverDue(store: outbox.store, now: Self.t0)
        #expect(counts.failed == 1)
        #expect(receiver.requestLog.isEmpty)
        #expect(try outbox.alerts().first?.lastError?.contains("EARSHOT_TEST_UNSET_SECRET") == true)
    }

    @Test func aSlackWebhookGetsTextAndBlocksWithTheKeyInTheHeader() throws {
        let receiver = try LoopbackHTTPServer { _ in .text("ok") }
        defer { receiver.stop() }
        let outbox = try Outbox()
        try outbox.enqueue("problem-4-opened", channel: "slack")
        let deliverer = Self.deliverer([Self.channel("slack", type: "webhook", url: receiver.url("/services/T0/B0/x"), slack: true)])
        #expect(try deliverer.deliverDue(store: outbox.store, now: Self.t0).sent == 1)
        let request = try #require(receiver.requestLog.first)
        #expect(request.header("Idempotency-Key") == "problem-4-opened")
        #expect(request.header("X-Earshot-Signature") == nil)
        let json = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        #expect((json["text"] as? String)?.contains("charged twice") == true)
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        #expect(blocks.first?["type"] as? String == "section")
    }

    // MARK: - Command and JSON lines

    @Test func aCommandReceivesTheJSONOnStdinAndItsExitStatusDecides() throws {
        let outbox = try Outbox()
        let received = outbox.folder.appendingPathComponent("received.jsonl").path
        try outbox.enqueue("case-1-opened", channel: "script")
        try outbox.enqueue("case-2-opened", channel: "broken")
        try outbox.enqueue("case-3-opened", channel: "deaf")
        var script = Self.channel("script", type: "command")
        script.command = ["sh", "-c", "cat >> '\(received)'; echo >> '\(received)'"]
        var broken = Self.channel("broken", type: "command")
        broken.command = ["sh", "-c", "cat > /dev/null; exit 3"]
        var deaf = Self.channel("deaf", type: "command")
        deaf.command = ["true"]   // exits without reading: no SIGPIPE may take the run down
        let counts = try Self.deliverer([script, broken, deaf]).deliverDue(store: outbox.store, now: Self.t0)
        #expect(counts.sent == 2)
        #expect(counts.failed == 1)
        let text = try String(contentsOfFile: received, encoding: .utf8)
        #expect(Alert.decode(text.trimmingCharacters(in: .whitespacesAndNewlines))["idempotency_key"] as? String == "case-1-opened")
        #expect(try outbox.alerts("pending").first?.lastError?.contains("exited with 3") == true)
    }

    @Test func theJSONLinesChannelAppendsOneLinePerAlert() throws {
        let outbox = try Outbox()
        let path = outbox.folder.appendingPathComponent("alerts.jsonl").path
        try "{\"idempotency_key\":\"older\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
        for i in 1...3 { try outbox.enqueue("case-\(i)-opened", channel: "desk") }
        let deliverer = Self.deliverer([Self.channel("desk", type: "jsonl", path: path)])
        #expect(try deliverer.deliverDue(store: outbox.store, now: Self.t0).sent == 3)
        #expect(try deliverer.deliverDue(store: outbox.store, now: Self.t0 + 3600).sent == 0)
        let keys = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { Alert.decode(String($0))["idempotency_key"] as? String }
        #expect(keys == ["older", "case-1-opened", "case-2-opened", "case-3-opened"])
    }

    @Test func aJSONLinesFileThatCannotBeWrittenFailsItsAlertsAndTheNextDeliveryWritesEachOnce() throws {
        let outbox = try Outbox()
        let folder = outbox.folder.appendingPathComponent("later")
        let path = folder.appendingPathComponent("alerts.jsonl").path
        // 1,203 alerts: the lines are written in groups of 500, and every group must fail.
        for i in 1...1_203 { try outbox.enqueue("case-\(i)-opened", channel: "desk") }
        let deliverer = Self.deliverer([Self.channel("desk", type: "jsonl", path: path, batches: false)])
        let first = try deliverer.deliverDue(store: outbox.store, now: Self.t0)
        #expect(first.sent == 0)
        #expect(first.failed == 1_203)
        #expect(try outbox.alerts("pending").allSatisfy { $0.lastError?.contains("cannot open") == true && $0.attempts == 1 })

        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let second = try deliverer.deliverDue(store: outbox.store, now: Self.t0 + 3600)
        #expect(second.sent == 1_203)
        #expect(try deliverer.deliverDue(store: outbox.store, now: Self.t0 + 7200).sent == 0)
        let keys = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { Alert.decode(String($0))["idempotency_key"] as? String }
        #expect(keys.count == 1_203)
        let eachOnceInOrder = keys == (1...1_203).map { "case-\($0)-opened" }
        #expect(eachOnceInOrder)
        #expect(try outbox.alerts("sent").count == 1_203)
    }

    @Test func anAlertForAChannelNoLongerConfiguredWaitsInsteadOfVanishing() throws {
        let outbox = try Outbox()
        try outbox.enqueue("case-1-opened", channel: "gone")
        let counts = try Self.deliverer([Self.channel("desk", type: "stdout")]).deliverDue(store: outbox.store, now: Self.t0)
        #expect(counts.failed == 1)
        let row = try #require(try outbox.alerts().first)
        #expect(row.state == "pending")
        #expect(row.lastError?.contains("no channel named gone") == true)
    }

    // MARK: - Interrupted deliveries (the crash window)

    @Test func anInterruptedJSONLinesDeliveryWritesItsLineOnce() throws {
        let outbox = try Outbox()
        let path = outbox.folder.appendingPathComponent("alerts.jsonl").path
        let channel = Self.channel("desk", type: "jsonl", path: path)
        let deliverer = Self.deliverer([channel])
        try outbox.enqueue("case-1-opened", channel: "desk")
        try outbox.enqueue("case-2-opened", channel: "desk")
        try outbox.enqueue("case-3-opened", channel: "desk")
        let rows = try outbox.alerts()

        // A run claimed case 1 and wrote its line, then died before recording it as sent;
        // another claimed case 2 and died before writing anything.
        let claimed = try outbox.store.write { tx in (try tx.claimAlert(rows[0], at: Date()), try tx.claimAlert(rows[1], at: Date())) }
        #expect(claimed == (true, true))
        if case .failure(let why) = deliverer.send(rows[0], via: channel) { Issue.record("cannot write: \(why)") }
        // A stale copy of a row (read before the claim) cannot claim it again.
        #expect(try outbox.store.write { try $0.claimAlert(rows[0], at: Date()) } == false)

        let counts = try deliverer.deliverDue(store: outbox.store, now: Self.t0)
        #expect(counts.sent == 3)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let keys = lines.compactMap { Alert.decode(String($0))["idempotency_key"] as? String }
        #expect(keys.sorted() == ["case-1-opened", "case-2-opened", "case-3-opened"])
        #expect(try outbox.alerts("sent").count == 3)
    }

    @Test func aHalfLineLeftByAKilledAppendIsCutBackAndItsAlertWrittenWhole() throws {
        let outbox = try Outbox()
        let path = outbox.folder.appendingPathComponent("alerts.jsonl").path
        let channel = Self.channel("desk", type: "jsonl", path: path, batches: false)
        try outbox.enqueue("case-1-opened", channel: "desk")
        try outbox.enqueue("case-2-opened", channel: "desk")
        try "{\"idempotency_key\":\"older\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let rows = try outbox.alerts()
        // A run claimed case 1 and was killed halfway through writing its line.
        #expect(try outbox.store.write { try $0.claimAlert(rows[0], at: Date()) })
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(rows[0].payload.utf8.prefix(25)))
        handle.closeFile()

        let counts = try Self.deliverer([channel]).deliverDue(store: outbox.store, now: Self.t0)
        #expect(counts.sent == 2)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        let keys = text.split(separator: "\n").map { Alert.decode(String($0))["idempotency_key"] as? String }
        #expect(keys == ["older", "case-1-opened", "case-2-opened"])
    }

    @Test func anInterruptedWebhookDeliveryIsSentAgainUnderTheSameKey() throws {
        let receiver = try LoopbackHTTPServer { _ in .text("{}") }
        defer { receiver.stop() }
        let outbox = try Outbox()
        try outbox.enqueue("case-5-opened", channel: "hook")
        let channel = Self.channel("hook", type: "webhook", url: receiver.url("/hook"))
        let deliverer = Self.deliverer([channel])
        let row = try #require(try outbox.alerts().first)
        try outbox.store.write { _ = try $0.claimAlert(row, at: Date()) }
        _ = deliverer.send(row, via: channel)   // arrived; then the process died

        #expect(try deliverer.deliverDue(store: outbox.store, now: Self.t0).sent == 1)
        let keys = receiver.requestLog.compactMap { $0.header("Idempotency-Key") }
        #expect(keys == ["case-5-opened", "case-5-opened"], "the copy carries the key, so the receiver can drop it")
        _ = try deliverer.deliverDue(store: outbox.store, now: Self.t0 + 86_400)
        #expect(receiver.requestLog.count == 2)
    }

    // MARK: - SMTP

    @Test func anAlertMailIsAMultipartAlternativeMessageWithTextAndHTML() throws {
        let smtp = try LoopbackSMTPServer(failFirst: 1)
        defer { smtp.stop() }
        let outbox = try Outbox()
        let subject = "New high case #12: Billing complaint from José Müller on trustvoice — charged twice for the same month"
        try outbox.enqueue("case-12-opened", channel: "mail", subject: subject,
                           text: "José Müller on trustvoice — “charged twice <again> & no refund” https://example.com/r/12")
        let deliverer = Self.deliverer([Self.channel("mail", type: "smtp", url: smtp.url, from: "earshot@brightwave.example",
                                                     to: ["support@brightwave.example", "lead@brightwave.example"])])

        // The server's first answer is a temporary failure: kept for a retry.
        var counts = try deliverer.deliverDue(store: outbox.store, now: Self.t0)
        #expect(counts.failed == 1)
        #expect(smtp.messages.isEmpty)
        let row = try #require(try outbox.alerts().first)
        counts = try deliverer.deliverDue(store: outbox.store, now: row.nextAttemptAt + 1)
        #expect(counts.sent == 1)
        #expect(try outbox.alerts("sent").count == 1)

        let message = try #require(smtp.messages.first)
        #expect(smtp.messages.count == 1)
        #expect(message.from == "earshot@brightwave.example")
        #expect(message.recipients == ["support@brightwave.example", "lead@brightwave.example"])
        let parsed = try #require(MIMEPart(message.text))
        #expect(!message.text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF line ends only")
        #expect(message.text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 998 })
        #expect(parsed.header("From") == "earshot@brightwave.example")
        #expect(parsed.header("To") == "support@brightwave.example, lead@brightwave.example")
        #expect(parsed.header("MIME-Version") == "1.0")
        #expect(parsed.header("Date") != nil)
        #expect(parsed.header("Message-ID")?.hasPrefix("<case-12-opened@") == true)
        #expect(parsed.header("References") == "<case-1@brightwave.example>")
        #expect(MIMEPart.decodeEncodedWords(try #require(parsed.header("Subject"))) == subject)
        for line in message.text.components(separatedBy: "\r\n") where line.contains("=?utf-8?") {
            for word in line.split(separator: " ") where word.hasPrefix("=?") { #expect(word.count <= 75, "RFC 2047: \(word.count) characters") }
        }
        #expect(parsed.contentType == "multipart/alternative")
        #expect(parsed.parts.map(\.contentType) == ["text/plain", "text/html"])
        let text = try #require(parsed.parts.first?.decodedBody)
        #expect(text.contains("José Müller on trustvoice — “charged twice <again> & no refund”"))
        let html = try #require(parsed.parts.last?.decodedBody)
        #expect(html.contains("José Müller"))
        #expect(html.contains("&lt;again&gt; &amp; no refund"))
        #expect(!html.contains("<again>"))
        #expect(parsed.parts.allSatisfy { $0.header("Content-Type")?.contains("charset=utf-8") == true })
    }
}

/// Just enough of RFC 5322 / RFC 2045–2047 to read back what the mail channel sent.
struct MIMEPart {
    var headers: [(String, String)]
    var body: String
    var parts: [MIMEPart] = []

    init?(_ text: String) {
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        headers = []
        for line in text[..<split.lowerBound].components(separatedBy: "\r\n") {
            if line.first == " " || line.first == "\t", let last = headers.popLast() {
                headers.append((last.0, last.1 + line))   // folded: the line break is removed, the space kept
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            } else {
                return nil
            }
        }
        body = String(text[split.upperBound...])
        if contentType.hasPrefix("multipart/"), let boundary = parameter("boundary") {
            let pieces = body.components(separatedBy: "--" + boundary)
            guard pieces.count >= 3, pieces.last?.hasPrefix("--") == true else { return nil }
            for piece in pieces.dropFirst().dropLast() {
                // ("\r\n" is one Character in Swift: drop it as scalars.)
                guard piece.hasPrefix("\r\n"), let part = MIMEPart(String(piece.unicodeScalars.dropFirst(2))) else { return nil }
                parts.append(part)
            }
        }
    }

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }

    var contentType: String {
        (header("Content-Type") ?? "text/plain").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    func parameter(_ name: String) -> String? {
        guard let value = header("Content-Type") else { return nil }
        for piece in value.split(separator: ";").dropFirst() {
            let kv = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == name { return kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }

    var decodedBody: String? {
        let content = body.hasSuffix("\r\n") ? String(body.unicodeScalars.dropLast(2)) : body
        switch header("Content-Transfer-Encoding")?.lowercased() {
        case "base64":
            return Data(base64Encoded: content, options: .ignoreUnknownCharacters).map { String(decoding: $0, as: UTF8.self) }
        default:
            return content
        }
    }

    /// Decodes RFC 2047 `=?utf-8?B?...?=` words (whitespace between adjacent words is dropped).
    static func decodeEncodedWords(_ value: String) -> String {
        let words = value.split(whereSeparator: \.isWhitespace)
        guard words.allSatisfy({ $0.hasPrefix("=?") && $0.hasSuffix("?=") }) else { return value }
        var bytes = Data()
        for word in words {
            let pieces = word.dropFirst(2).dropLast(2).split(separator: "?", maxSplits: 2)
            guard pieces.count == 3, pieces[1].uppercased() == "B", let data = Data(base64Encoded: String(pieces[2])) else { return value }
            bytes += data
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
