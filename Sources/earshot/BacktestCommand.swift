import ArgumentParser
import Foundation
import EarshotApp
import EarshotStore

struct Backtest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Try rules on the stored mentions before they page anyone: what they would have done, next to the live rules.",
        discussion: """
            The rules file holds the sections to try, written as in the config: rules:, sla:, escalate_to:,
            follow_up_after:, reopen_within:, problems: (and channels: for channels not yet in the config).
            Every stored mention is replayed run by run, as the runs table recorded them, through the same
            triage as `earshot run`, on a copy of the store: once with the live rules, once with the candidate.
            People's actions (acknowledge, assign, resolve, follow up, reopen, close) are repeated when they
            were taken, on the case holding the same customer's first mention; a case only the candidate
            opens was worked by nobody. Printed per day of the period: cases opened and reopened, problems
            opened, escalations, follow-ups, alerts per channel; "recorded" is what the store holds, "live"
            the live rules replayed, "candidate" the rules file: compare live with candidate. The store is
            only read (a read-only snapshot); nothing is sent. Needs room for two copies of the store in TMPDIR.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The YAML file with the rules to try.", valueName: "FILE"))
    var rules: String
    @Option(help: ArgumentHelp("How far back to report (the replay itself starts at the first stored mention): 30d, 2w, 12h.",
                               valueName: "DURATION"))
    var period: String = "30d"
    @Flag(help: "Replay as if nobody had worked any case (by default people's acknowledgements, resolutions and the like are repeated).")
    var withoutPeople = false
    @Flag(help: "Print the figures as JSON.") var json = false

    func run() throws {
        try guarded {
            guard let length = Config.parseDuration(period), length > 0 else {
                throw ValidationError("--period '\(period)' is not a duration; write e.g. 30d, 2w or 12h")
            }
            guard FileManager.default.fileExists(atPath: global.config) else {
                throw AppError.notFound("backtest: no config at \(global.config); pass the live config with --config FILE")
            }
            let live = try global.loadConfig()
            var candidate = try Config.load(path: global.config, rulesFrom: rules)
            candidate.storePath = live.storePath
            let now = Clock.fromEnvironment().now
            let progress = Progress()
            let report = try EarshotApp.Backtest.run(live: live, candidate: candidate, now: now, period: length, people: !withoutPeople,
                                                     progress: { if !json { progress($0) } })
            progress.finish()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                encoder.dateEncodingStrategy = .iso8601
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(Self.table(report), terminator: "")
            }
        }
    }

    /// The report as a person reads it: totals first, then the days that differ.
    static func table(_ r: EarshotApp.BacktestReport) -> String {
        let kinds = Set([r.recorded, r.live, r.candidate].flatMap { $0.totals.keys })
        let order = ["cases opened", "cases reopened", "problems opened", "escalations", "follow-ups due"]
        let sorted = kinds.sorted { a, b in
            let (x, y) = (order.firstIndex(of: a) ?? order.count, order.firstIndex(of: b) ?? order.count)
            return x != y ? x < y : a < b
        }
        let day = DateFormatter()
        day.locale = Locale(identifier: "en_US_POSIX"); day.timeZone = TimeZone(identifier: "UTC"); day.dateFormat = "yyyy-MM-dd"
        var out = "backtest: \(day.string(from: r.from)) to \(day.string(from: r.to)), \(r.mentionsReplayed) mentions in \(r.runsReplayed) runs replayed\n"
        if r.actionsReplayed > 0 || r.actionsWithoutCandidateCase > 0 {
            out += "people's actions repeated: \(r.actionsReplayed)"
                + (r.actionsWithoutCandidateCase > 0 ? " (\(r.actionsWithoutCandidateCase) on cases the candidate rules would not have opened)" : "") + "\n"
        }
        if r.mentionsWithoutIdentity > 0 {
            out += "note: \(r.mentionsWithoutIdentity) mentions were stored before identities were kept; they are recognised by author name only\n"
        }
        func row(_ label: String, _ cells: [String]) -> String {
            label.padding(toLength: 24, withPad: " ", startingAt: 0)
                + cells.map { String(repeating: " ", count: max(0, 11 - $0.count)) + $0 }.joined() + "\n"
        }
        out += row("", ["recorded", "live", "candidate", "change"])
        if sorted.isEmpty { out += "nothing: no rule fired in the period under either set of rules\n" }
        for kind in sorted {
            let (a, b, c) = (r.recorded.totals[kind] ?? 0, r.live.totals[kind] ?? 0, r.candidate.totals[kind] ?? 0)
            out += row(kind, [String(a), String(b), String(c), c == b ? "=" : (c > b ? "+\(c - b)" : "\(c - b)")])
        }
        // Every day with something to tell: each kind as live → candidate, or one figure when both agree.
        let days = Set(r.live.days.keys).union(r.candidate.days.keys).sorted()
        if !days.isEmpty { out += "\nper day (live → candidate):\n" }
        for d in days {
            let l = r.live.days[d] ?? [:], c = r.candidate.days[d] ?? [:]
            let parts = sorted.compactMap { k -> String? in
                let (x, y) = (l[k] ?? 0, c[k] ?? 0)
                if x == 0 && y == 0 { return nil }
                return x == y ? "\(k) \(x)" : "\(k) \(x) → \(y)"
            }
            out += "  \(d)\(l == c ? " " : "*") " + parts.joined(separator: ", ") + "\n"
        }
        if !sorted.isEmpty {
            let differ = days.filter { r.live.days[$0] != r.candidate.days[$0] }.count
            out += differ == 0 ? "\nthe candidate rules decide every day as the live ones do\n"
                               : "\n\(differ) day\(differ == 1 ? "" : "s") (*) would have gone otherwise\n"
        }
        return out
    }
}
