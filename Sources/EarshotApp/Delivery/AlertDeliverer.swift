import Foundation
import Logging
import EarshotDigest
import EarshotFetch
import EarshotParse
import EarshotStore
import EarshotTriage

/// Sends what the outbox holds, after the transaction that queued it has committed.
///
/// A failed attempt is kept in the store with the next attempt time (exponential backoff);
/// after `maxAttempts` the alert is dead until `earshot alerts retry`. A sent alert is never
/// sent again: its (key, channel) row is marked sent in the store. Due alerts are claimed in a
/// committed transaction before any goes out, so a run killed mid-send is noticed by the next
/// one: a JSON-lines file gets its line once; other channels are sent again under the same key
/// (at least once, with the idempotency key for the receiver to drop a copy). The caller holds
/// the run lock: one deliverer at a time.
public struct AlertDeliverer {
    public var channels: [Config.Channel]
    public var maxAttempts: Int
    /// More due alerts than this of one event for one batching channel go out as one summary.
    public var batchAbove: Int
    public var logger: Logger
    /// Personal data hidden from every channel (`privacy: { redact: [...] }`); the outbox keeps the original.
    public var redactor: Redactor
    /// Alerts of non-batching channels read, claimed and sent at a time.
    public var chunk = 2_000

    public struct Counts { public var sent = 0, failed = 0, dead = 0 }

    public init(channels: [Config.Channel], maxAttempts: Int, batchAbove: Int = 10, redactor: Redactor = .standard, logger: Logger) {
        self.channels = channels; self.maxAttempts = maxAttempts; self.batchAbove = batchAbove; self.logger = logger
        self.redactor = redactor
    }

    /// What one send carries: one alert, or the summary of many of one event for one channel.
    enum Unit {
        case single(OutboxRecord)
        case batch([OutboxRecord])
        var members: [OutboxRecord] {
            switch self { case .single(let a): return [a]; case .batch(let all): return all }
        }
    }

    /// Sends every alert due at `now` (everything the run queued so far has come due by then), in
    /// the order they were queued: a case's opening before its escalation.
    ///
    /// Batching channels' alerts are read whole and at once (a summary needs all of its members, and goes
    /// where the first of them stood); the other channels' are read, claimed and sent a chunk at a time in
    /// between, so a first run's hundred thousand alerts are never all in memory. Each alert is claimed in a
    /// committed transaction before it leaves.
    public func deliverDue(store: Store, now: Date) throws -> Counts {
        var delivery = Delivery(deliverer: self, store: store, now: now)
        let batching = Set(channels.filter(\.batches).map(\.name))
        var batched: [(first: Int64, unit: Unit)] = []
        if !batching.isEmpty {
            let due = try store.read { try $0.dueAlerts(at: now, channels: batching, included: true, after: 0, limit: nil) }
            batched = units(try delivery.claim(due)).map { ($0.members[0].id, $0) }
        }
        var next = 0
        var after: Int64 = 0
        while true {
            let size = max(1, chunk)
            let due = try store.read { try $0.dueAlerts(at: now, channels: batching, included: false, after: after, limit: size) }
            guard let last = due.last else { break }
            after = last.id
            for alert in try delivery.claim(due) {
                while next < batched.count, batched[next].first < alert.id {
                    try delivery.send(batched[next].unit)
                    next += 1
                }
                try delivery.send(.single(alert))
            }
        }
        for (_, unit) in batched[next...] { try delivery.send(unit) }
        try delivery.markPending()
        if delivery.interrupted > 0 {
            logger.notice("an earlier delivery was interrupted; its alerts went out again under the same keys",
                          metadata: ["alerts": "\(delivery.interrupted)"])
        }
        return delivery.counts
    }


    /// One delivery's state across its chunks.
    struct Delivery {
        let deliverer: AlertDeliverer
        let store: Store
        let now: Date
        var counts = Counts()
        var interrupted = 0
        var written: [String: Set<String>] = [:]
        /// Alerts appended to a JSON-lines file are marked sent 500 at a time, not one commit each: should
        /// the process die before a mark, the claim stands and `resend` finds the key in the file (no copy).
        var markLater: [Int64] = []
        /// Lines for JSON-lines files, written with one append per file before they are marked sent (a file
        /// is opened once per 500 alerts, not once per alert). Should the process die first, the alerts stay
        /// claimed and unwritten, and the next delivery's `resend` writes them.
        var lines: [String: (bytes: [UInt8], members: [OutboxRecord])] = [:]
        var buffered = 0

        /// Writes the buffered lines, a file at a time; a file that cannot take them all is cut back to
        /// its length before (no half line, no line twice) and its alerts are failed attempts.
        mutating func flushLines() throws {
            guard buffered > 0 else { return }
            for (path, pending) in lines.sorted(by: { $0.key < $1.key }) {
                switch AlertDeliverer.append(pending.bytes, to: path) {
                case .success:
                    markLater += pending.members.map(\.id)
                case .failure(let message):
                    counts.sent -= pending.members.count
                    try failed(pending.members, message)
                }
            }
            lines.removeAll(keepingCapacity: true)
            buffered = 0
        }

        mutating func failed(_ members: [OutboxRecord], _ message: String) throws {
            let maxAttempts = deliverer.maxAttempts, now = now
            try store.write { tx in
                for alert in members {
                    // 1 min, 2, 4 … capped at 6 h between attempts.
                    let delay = min(60 * pow(2, Double(alert.attempts)), 6 * 3600)
                    try tx.markAlertFailed(id: alert.id, error: message, nextAttempt: now.addingTimeInterval(delay),
                                           maxAttempts: maxAttempts)
                }
            }
            for alert in members {
                if alert.attempts + 1 >= maxAttempts { counts.dead += 1 } else { counts.failed += 1 }
            }
            deliverer.logger.warning("alert not delivered", metadata: ["channel": "\(members[0].channel)", "key": "\(members[0].idempotencyKey)",
                                                                      "alerts": "\(members.count)", "attempt": "\(members[0].attempts + 1)",
                                                                      "error": "\(message)"])
        }

        mutating func markPending() throws {
            try flushLines()
            guard !markLater.isEmpty else { return }
            let ids = markLater, now = now
            try store.write { tx in try tx.markAlertsSent(ids: ids, now: now) }
            markLater.removeAll(keepingCapacity: true)
        }

        /// Claims `due` in a transaction that commits before any of it leaves (should this process die
        /// mid-delivery, the next one knows these alerts may already have arrived); returns those claimed.
        func claim(_ due: [OutboxRecord]) throws -> [OutboxRecord] {
            let claimedAt = Date()
            let claimed = try store.write { tx in try tx.claimAlerts(due, at: claimedAt) }
            return due.filter { claimed.contains($0.id) }
        }

        mutating func send(_ unit: Unit) throws {
            let members = unit.members
            let first = members[0]
            let now = now
            guard let channel = deliverer.channels.first(where: { $0.name == first.channel }) else {
                try store.write { tx in
                    for alert in members {
                        try tx.markAlertFailed(id: alert.id, error: "no channel named \(alert.channel) in the config",
                                               nextAttempt: now.addingTimeInterval(3600), maxAttempts: deliverer.maxAttempts)
                    }
                }
                counts.failed += members.count
                return
            }
            if channel.type == "jsonl", let path = channel.path {
                // Buffered: written by flushLines, then marked sent with the others of its 500.
                let record: OutboxRecord
                switch unit {
                case .single(let alert): record = alert
                case .batch(let alerts): record = AlertDeliverer.summary(of: alerts)
                }
                if record.claimedAt != nil {
                    interrupted += members.count
                    if written[path] == nil { written[path] = AlertDeliverer.keys(inFile: path) }
                }
                if record.claimedAt == nil || !written[path]!.contains(record.idempotencyKey) {
                    lines[path, default: ([], [])].bytes += Array((deliverer.redactor.redact(record.payload) + "\n").utf8)
                    lines[path, default: ([], [])].members += members
                    buffered += members.count
                } else {
                    markLater += members.map(\.id)
                }
                counts.sent += members.count
                if buffered + markLater.count >= 500 { try markPending() }
                return
            }
            let result: SendResult
            switch unit {
            case .single(let alert):
                if alert.claimedAt == nil {
                    result = deliverer.send(alert, via: channel)
                } else {
                    interrupted += 1
                    result = deliverer.resend(alert, via: channel, written: &written)
                }
            case .batch(let alerts):
                // An interrupted batch is the same group again (see groupKey): same summary, same key.
                if alerts[0].claimedAt == nil {
                    result = deliverer.send(AlertDeliverer.summary(of: alerts), via: channel)
                } else {
                    interrupted += alerts.count
                    result = deliverer.resend(AlertDeliverer.summary(of: alerts), via: channel, written: &written)
                }
            }
            switch result {
            case .success:
                // Every member is sent exactly once: the summary stands for each of them.
                try store.write { tx in for alert in members { try tx.markAlertSent(id: alert.id, now: now) } }
                counts.sent += members.count
            case .failure(let message):
                try failed(members, message)
            }
        }
    }

    /// Groups due alerts into sends: on a batching channel, more than `batchAbove` alerts of one
    /// event become one summary, placed where the first of them stood; the rest go one by one.
    func units(_ alerts: [OutboxRecord]) -> [Unit] {
        let batching = Set(channels.filter(\.batches).map(\.name))
        // Each batching alert's payload is read once for its event; the others are not read at all.
        var keys: [Int64: String] = [:]
        var groups: [String: [OutboxRecord]] = [:]
        for alert in alerts where batching.contains(alert.channel) {
            let key = Self.groupKey(alert)
            keys[alert.id] = key
            groups[key, default: []].append(alert)
        }
        var units: [Unit] = []
        var placed: Set<String> = []
        for alert in alerts {
            if let key = keys[alert.id], let group = groups[key], group.count > batchAbove {
                if placed.insert(key).inserted { units.append(.batch(group)) }
            } else {
                units.append(.single(alert))
            }
        }
        return units
    }

    /// Alerts of one channel and event are summarised together; those an interrupted delivery
    /// had claimed form a group of their own, which is exactly the group that delivery sent (its
    /// claims were committed together and a group is recorded as a whole), so its summary goes out
    /// again under the same key and a receiver can drop the copy.
    static func groupKey(_ alert: OutboxRecord) -> String {
        alert.channel + "\u{0}" + ((Alert.decode(alert.payload)["event"] as? String) ?? "") + (alert.claimedAt == nil ? "" : "\u{0}resent")
    }

    /// One alert standing for many of one event: how many, the worst five, and the command that
    /// lists the rest. Its key is derived from its members' keys, so a resend after a crash
    /// carries the same key.
    static func summary(of alerts: [OutboxRecord]) -> OutboxRecord {
        let payloads = alerts.map { Alert.decode($0.payload) }
        let event = payloads.first?["event"] as? String ?? "alert"
        let ranked = zip(alerts, payloads).sorted { a, b in
            let fa = a.1["fields"] as? [String: String] ?? [:], fb = b.1["fields"] as? [String: String] ?? [:]
            let sa = severityRank(fa["severity"]), sb = severityRank(fb["severity"])
            if sa != sb { return sa < sb }
            let ca = fa["compound"].flatMap(Double.init) ?? 0, cb = fb["compound"].flatMap(Double.init) ?? 0
            if ca != cb { return ca < cb }
            return a.0.id < b.0.id
        }
        let worst = ranked.prefix(5).map { $0.1["text"] as? String ?? $0.0.subject }
        let n = alerts.count
        let subject = "\(n) \(Self.noun(event: event))"
        let command = ["opened", "escalated", "reopened", "mention added", "rating changed", "follow-up due"].contains(event)
            ? "earshot cases list" : "earshot alerts list --all"
        var text = "\(subject) in this run. The worst \(worst.count):\n" + worst.map { "- " + $0 }.joined(separator: "\n")
        if n > worst.count { text += "\n…and \(n - worst.count) more: `\(command)` lists them." }
        let keys = alerts.map(\.idempotencyKey)
        let key = "batch-\(event.replacingOccurrences(of: " ", with: "-"))-" + StableHash.hex(keys.joined(separator: "\n"))
        var fields: [String: String] = ["count": String(n), "keys": keys.joined(separator: " "), "command": command]
        if let top = ranked.first?.1["fields"] as? [String: String], let severity = top["severity"] { fields["worst_severity"] = severity }
        let payload = Alert(key: key, event: event, subject: subject, text: text, fields: fields, thread: "batch").payloadJSON()
        var record = alerts[0]
        record.idempotencyKey = key
        record.subject = subject
        record.payload = payload
        return record
    }

    static func severityRank(_ severity: String?) -> Int {
        Config.severities.firstIndex(of: severity ?? "") ?? Config.severities.count
    }

    static func noun(event: String) -> String {
        switch event {
        case "opened": return "new cases"
        case "escalated": return "cases escalated"
        case "reopened": return "cases reopened"
        case "mention added": return "case updates"
        case "rating changed": return "rating changes"
        case "follow-up due": return "follow-ups due"
        case "problem opened": return "recurring problems"
        case "problem update": return "problem updates"
        case "source stale": return "sources gone quiet"
        default: return "“\(event)” alerts"
        }
    }

    enum SendResult { case success, failure(String) }

    func send(_ alert: OutboxRecord, via channel: Config.Channel) -> SendResult {
        // What leaves: subject and payload (every field, the text people read) with personal data hidden.
        var alert = alert
        alert.subject = redactor.redact(alert.subject)
        alert.payload = redactor.redact(alert.payload)
        // The payload is read back only by the channels that show its text (a JSON-lines file takes it as it is).
        var decoded: [String: Any]?
        func fields() -> [String: Any] {
            if let decoded { return decoded }
            let read = Alert.decode(alert.payload)
            decoded = read
            return read
        }
        var text: String { fields()["text"] as? String ?? alert.subject }
        switch channel.type {
        case "stdout":
            print(text)
            fflush(stdout)
            return .success
        case "jsonl":
            guard let path = channel.path else { return .failure("jsonl channel without a path") }
            return append(line: alert.payload + "\n", to: path)
        case "command":
            return runCommand(channel.command, input: alert.payload)
        case "webhook":
            guard let url = channel.url else { return .failure("webhook channel without a url") }
            let body = channel.slack ? Self.slackBody(alert, text: text) : Data(alert.payload.utf8)
            var headers = [("Content-Type", "application/json"), ("Idempotency-Key", alert.idempotencyKey)]
            if let env = channel.secretEnv {
                guard let secret = ProcessInfo.processInfo.environment[env], !secret.isEmpty else {
                    return .failure("the webhook secret variable \(env) is not set; export it in the job's environment")
                }
                headers.append(("X-Earshot-Signature", "sha256=" + HMACSHA256.hex(key: Array(secret.utf8), message: Array(body))))
            }
            switch WebhookPoster.post(url: url, body: body, headers: headers, timeout: 15) {
            case .success(let status) where (200..<300).contains(status): return .success
            case .success(let status): return .failure("webhook answered HTTP \(status)")
            case .failure(let error): return .failure(error.description)
            }
        case "smtp":
            guard let url = channel.url, let from = channel.from else { return .failure("smtp channel without url or from") }
            let message = MailMessage(from: from, to: channel.to, subject: alert.subject, text: text,
                                      html: "<p>" + UntrustedText.html(text) + "</p>", messageID: alert.idempotencyKey,
                                      thread: fields()["thread"] as? String).rfc5322()
            let env = ProcessInfo.processInfo.environment
            switch MailSender.send(smtpURL: url, from: from, to: channel.to, message: message,
                                   username: channel.usernameEnv.flatMap { env[$0] }, password: channel.passwordEnv.flatMap { env[$0] },
                                   timeout: 30) {
            case .success: return .success
            case .failure(let error): return .failure(error.description)
            }
        default:
            return .failure("unknown channel type \(channel.type)")
        }
    }

    /// Delivers an alert whose earlier delivery was cut off after its claim (the process died
    /// between claiming it and recording the outcome): it may or may not have arrived. A JSON-lines
    /// file is looked at (once per run: `written` keeps its keys), so its line is written once;
    /// the other channels send again under the same key (the Idempotency-Key header, the mail's
    /// Message-ID, the payload's idempotency_key), which is what lets a receiver drop the copy.
    func resend(_ alert: OutboxRecord, via channel: Config.Channel, written: inout [String: Set<String>]) -> SendResult {
        guard channel.type == "jsonl", let path = channel.path else { return send(alert, via: channel) }
        if written[path] == nil { written[path] = Self.keys(inFile: path) }
        if written[path]!.contains(alert.idempotencyKey) { return .success }
        return send(alert, via: channel)
    }

    /// The idempotency keys of the alerts a JSON-lines file holds.
    static func keys(inFile path: String) -> Set<String> {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var keys = Set<String>()
        for line in data.split(separator: UInt8(ascii: "\n")) {
            if let key = ((try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any])?["idempotency_key"] as? String {
                keys.insert(key)
            }
        }
        return keys
    }

    /// Slack-compatible JSON: a `text` fallback and a section block.
    static func slackBody(_ alert: OutboxRecord, text: String) -> Data {
        let object: [String: Any] = [
            "text": text,
            "blocks": [["type": "section", "text": ["type": "mrkdwn", "text": "*\(alert.subject)*\n\(text)"]]],
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    func append(line: String, to path: String) -> SendResult {
        Self.append(Array(line.utf8), to: path)
    }

    /// Appends whole lines, or nothing: a short write is cut back to the file's length before.
    static func append(_ bytes: [UInt8], to path: String) -> SendResult {
        let fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return .failure("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var before = lseek(fd, 0, SEEK_END)
        // A half line left by a process killed mid-append is cut back first: its alert is still claimed and
        // unmarked, so `resend` (which cannot read the fragment) writes it whole.
        if before > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, before - 1) == 1, last != UInt8(ascii: "\n") {
                var end = before
                var cut: off_t = 0
                let size = 65_536
                var chunk = [UInt8](repeating: 0, count: size)
                search: while end > 0 {
                    let start = max(0, end - off_t(size))
                    let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Int(end - start), start) }
                    guard n == Int(end - start) else { break }
                    for i in stride(from: n - 1, through: 0, by: -1) where chunk[i] == UInt8(ascii: "\n") {
                        cut = start + off_t(i) + 1
                        break search
                    }
                    end = start
                }
                if ftruncate(fd, cut) == 0 { before = cut }
            }
        }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = n < 0 ? String(cString: strerror(errno)) : "nothing written"
                if before >= 0 { _ = ftruncate(fd, before) }
                return .failure("cannot append to \(path): \(reason)")
            }
            done += n
        }
        return .success
    }

    func runCommand(_ argv: [String], input: String) -> SendResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        let pipe = Pipe()
        process.standardInput = pipe
        // A command that exits without reading its input closes the pipe: that must be an error
        // (judged by its exit status below), not a SIGPIPE that kills the run mid-delivery.
        signal(SIGPIPE, SIG_IGN)
        do {
            try process.run()
        } catch {
            return .failure("cannot run \(argv.first ?? "the command"): \(error)")
        }
        try? pipe.fileHandleForWriting.write(contentsOf: Data(input.utf8))
        try? pipe.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? .success : .failure("\(argv.first ?? "command") exited with \(process.terminationStatus)")
    }
}
