import ArgumentParser
import Foundation
import EarshotApp
import EarshotDigest
import EarshotFetch
import EarshotStore

struct Alerts: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "alerts", abstract: "Look at the outbox; send dead alerts again.",
                                                    subcommands: [List.self, Retry.self])
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List alerts (pending by default).")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Only the dead ones (every attempt failed).") var failed = false
        @Flag(help: "All of them, sent ones included.") var all = false
        @Flag(help: "Print JSON.") var json = false
        func run() throws {
            try guarded {
                let alerts = try global.openStore().read { try $0.alerts(state: all ? nil : (failed ? "dead" : "pending")) }
                if json {
                    printJSON(alerts.map { ["id": $0.id, "key": $0.idempotencyKey, "channel": $0.channel, "subject": $0.subject, "state": $0.state,
                                            "attempts": $0.attempts, "last_error": $0.lastError ?? NSNull(), "created_at": iso($0.createdAt),
                                            "sent_at": iso($0.sentAt)] })
                    return
                }
                if alerts.isEmpty { print(failed ? "no dead alerts" : "no \(all ? "" : "pending ")alerts"); return }
                for a in alerts {
                    print("#\(a.id)  \(a.state)  \(a.channel)  attempts \(a.attempts)  \(a.subject)\(a.lastError.map { "\n    last error: \($0)" } ?? "")")
                }
            }
        }
    }
    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry", abstract: "Send now the alerts that wait for their next attempt, and the dead ones (every attempt failed).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "One alert's id (default: every waiting and dead one).") var id: Int64?
        func run() throws {
            try guarded {
                let logger = global.makeLogger()
                let config = try global.loadConfig()
                // Delivery runs under the same lock as `earshot run`, so the two never send at once.
                let lock = try RunLock(storePath: config.storePath)
                defer { withExtendedLifetime(lock) {} }
                let store = try Store(path: config.storePath)
                let now = Clock.fromEnvironment().now
                let (dead, waiting) = try store.write { tx in
                    (try tx.retryDeadAlerts(id: id, now: now), try tx.retryWaitingAlerts(id: id, now: now))
                }
                let counts = try AlertDeliverer(channels: config.channels, maxAttempts: config.alertMaxAttempts,
                                                batchAbove: config.alertBatch, redactor: config.redactor, logger: logger)
                    .deliverDue(store: store, now: now)
                print("retried \(waiting) alert\(waiting == 1 ? "" : "s") waiting for their next attempt and \(dead) dead: "
                      + "\(counts.sent) sent, \(counts.failed + counts.dead) failed")
                if counts.failed + counts.dead > 0 { throw ExitCode(ExitStatus.alertsPending.rawValue) }
            }
        }
    }
}

struct Digest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Write the digest: headline numbers, recurring problems, charts, top mentions, cases, source health.",
        discussion: "--send mails it (text + HTML) through the config's digest channel; a period's digest is sent once.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "day (yesterday), week (the last 7 days) or FROM..TO (2026-11-01..2026-11-07).") var period: String = "day"
    @Option(help: "html, text, md or json.") var format: String = "text"
    @Option(help: ArgumentHelp("Write to this file instead of stdout.", valueName: "FILE")) var out: String?
    @Flag(help: "Mail it to the configured recipients (once per period).") var send = false

    func validate() throws {
        guard DigestFormat(rawValue: format) != nil else { throw ValidationError("--format must be html, text, md or json") }
    }

    func run() throws {
        try guarded {
            let now = Clock.fromEnvironment().now
            let p = try Period.parse(period, now: now)
            let config: Config? = FileManager.default.fileExists(atPath: global.config) ? try global.loadConfig() : nil
            let store = try Store(path: global.store ?? config?.storePath ?? global.storePath())
            let report = try store.read { try $0.digestReport(period: p.interval, periodName: p.name, brand: config?.brand ?? "Earshot", now: now) }
                .redacted(by: config?.redactor ?? .standard)
            let rendered = DigestRenderer.render(report, format: DigestFormat(rawValue: format)!)
            if let out { try rendered.write(toFile: out, atomically: true, encoding: .utf8) } else if !send { print(rendered) }
            guard send else { return }
            guard let config, let name = config.digestChannel, let channel = config.channels.first(where: { $0.name == name }),
                  let url = channel.url, let from = channel.from else {
                throw ConfigError("config: \(global.config): digest.channel: not set; name an smtp channel under `digest:` to use --send")
            }
            if try store.read({ try $0.digestSent(periodKey: p.key) }) {
                print("digest for \(p.name) already sent; nothing to do")
                return
            }
            let recipients = config.digestRecipients.isEmpty ? channel.to : config.digestRecipients
            let message = MailMessage(from: from, to: recipients, subject: "\(config.brand) digest: \(p.name) to \(isoFormatter.string(from: p.interval.end).prefix(10))",
                                      text: DigestRenderer.text(report), html: DigestRenderer.html(report), messageID: "digest-\(p.key)").rfc5322()
            let env = ProcessInfo.processInfo.environment
            switch MailSender.send(smtpURL: url, from: from, to: recipients, message: message, username: channel.usernameEnv.flatMap { env[$0] },
                                   password: channel.passwordEnv.flatMap { env[$0] }, timeout: 60) {
            case .success:
                try store.write { try $0.markDigestSent(periodKey: p.key, now: now) }
                print("digest for \(p.name) sent to \(recipients.joined(separator: ", "))")
            case .failure(let error):
                throw AppError.failed("digest: not sent: \(error); it will be sent by the next --send")
            }
        }
    }
}
