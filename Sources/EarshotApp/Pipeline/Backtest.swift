import Foundation
import EarshotScore
import EarshotStore
import EarshotTriage

/// What `earshot backtest` found: per day, what the store recorded, what the live rules do when
/// replayed, and what the candidate rules would have done.
public struct BacktestReport: Sendable, Codable {
    public var from: Date
    public var to: Date
    /// What the live store holds for the period (human acknowledgements, merges and all).
    public var recorded: TriageFigures
    /// The live rules replayed the way the candidate is: the fair comparison.
    public var live: TriageFigures
    public var candidate: TriageFigures
    public var runsReplayed: Int
    public var mentionsReplayed: Int
    /// Mentions stored before their identity was recorded (replayed by their author's name alone).
    public var mentionsWithoutIdentity: Int
    /// People's actions on cases (acknowledge, assign, resolve, follow up, reopen, close) repeated in
    /// the replays; and those the candidate rules had no case for (its cases nobody could have worked).
    public var actionsReplayed: Int
    public var actionsWithoutCandidateCase: Int
}

/// Replays the store's mentions through a rules policy: on a copy of the store (the live file is
/// only read, through a read-only snapshot), run by run as the runs table recorded them, with each
/// mention's stored score, identity, reply link and history flag, the same triage code as
/// `earshot run` (``Pipeline/triageCustomer``, ``Pipeline/clockWork``) at the same clock times.
/// Nothing is sent: alerts are only queued in the copy, and counted.
///
/// People's actions are repeated at the time they were taken, on the case that holds the same
/// customer's first mention: a case acknowledged within the hour is not escalated under the
/// candidate rules either. A case only the candidate rules open was worked by nobody (it escalates).
/// What it cannot know: what people would have done with such cases, merges by hand, edits of a
/// mention after it was first stored (the replay reads the final text and score), and mentions
/// erased by retention (no author left).
public enum Backtest {
    public static func run(live liveConfig: Config, candidate: Config, now: Date, period: TimeInterval, people: Bool = true,
                           scratch: URL? = nil, progress: ((String) -> Void)? = nil) throws -> BacktestReport {
        let folder = (scratch ?? FileManager.default.temporaryDirectory)
            .appendingPathComponent("earshot-backtest-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw AppError.failed("backtest: cannot create a scratch folder in \(folder.deletingLastPathComponent().path) (\(error.localizedDescription)); set TMPDIR to a folder with room for two copies of the store")
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let from = now.addingTimeInterval(-period)

        progress?("copying the store")
        let snapshotPath = folder.appendingPathComponent("snapshot.sqlite").path
        var recorded = TriageFigures()
        var runs: [RunRecord] = []
        var actions: [PersonAction] = []
        do {
            let snapshot = try Store.snapshot(of: liveConfig.storePath, to: snapshotPath)
            recorded = try snapshot.read { try $0.triageFigures(from: from, to: now) }
            runs = try snapshot.runs()
            if people { actions = try snapshot.personActions(system: try Pipeline.policy(from: liveConfig).actor) }
        }
        var report = BacktestReport(from: from, to: now, recorded: recorded, live: TriageFigures(), candidate: TriageFigures(),
                                    runsReplayed: 0, mentionsReplayed: 0, mentionsWithoutIdentity: 0,
                                    actionsReplayed: 0, actionsWithoutCandidateCase: 0)
        for (name, config) in [("live rules", liveConfig), ("candidate rules", candidate)] {
            let path = folder.appendingPathComponent("\(name == "live rules" ? "live" : "candidate").sqlite").path
            try FileManager.default.copyItem(atPath: snapshotPath, toPath: path)
            let copy = try Store(path: path)
            try copy.prepareReplay()
            let stats = try replay(into: copy, runs: runs, actions: actions, config: config, progress: { progress?("\(name): \($0)") })
            let figures = try copy.read { try $0.triageFigures(from: from, to: now) }
            if name == "live rules" {
                report.live = figures
                report.actionsReplayed = stats.actions
            } else {
                report.candidate = figures
                report.actionsWithoutCandidateCase = stats.actionsWithoutCase
            }
            report.runsReplayed = stats.runs
            report.mentionsReplayed = stats.mentions
            report.mentionsWithoutIdentity = stats.withoutIdentity
        }
        return report
    }

    /// Replays every run of `runs` into `store` (prepared by ``Store/prepareReplay()``).
    static func replay(into store: Store, runs: [RunRecord], actions: [PersonAction], config: Config, progress: ((String) -> Void)?) throws
        -> (runs: Int, mentions: Int, withoutIdentity: Int, actions: Int, actionsWithoutCase: Int) {
        let triage = Triage(policy: try Pipeline.policy(from: config))
        var mentions = 0, withoutIdentity = 0, replayedRuns = 0
        var nextAction = 0, actionsTaken = 0, actionsWithoutCase = 0
        // People's actions up to `time`, each on the case holding the customer's first mention now;
        // one the case's state no longer allows (already resolved by the customer's own word) is skipped.
        func act(through time: Date?) throws {
            while nextAction < actions.count, time.map({ actions[nextAction].at <= $0 }) ?? true {
                let a = actions[nextAction]
                nextAction += 1
                guard let action = Self.action(a) else { continue }
                try store.write { tx in
                    guard let mention = a.mentionID, let caseID = try tx.caseHolding(mentionID: mention, kind: a.caseKind) else {
                        actionsWithoutCase += 1
                        return
                    }
                    do {
                        _ = try CaseLifecycle.apply(action, to: caseID, actor: a.actor, policy: triage.policy, in: tx, now: a.at)
                        actionsTaken += 1
                    } catch is CaseLifecycleError {}
                }
            }
        }
        func triageAll(_ batch: [MentionRecord], horizon: Date) throws {
            try store.write { tx in
                var counts = Pipeline.BatchCounts()
                for m in batch {
                    // The time the run stored it: the run's clock then (an old store's mention, its fetch).
                    let at = m.fetchedAt
                    if m.identityKeys == nil { withoutIdentity += 1 }
                    let identity = m.identityKeys.map(CustomerIdentity.init(keys:)) ?? CustomerIdentity(author: m.author)
                    // The run recorded whose post it was (brand_accounts are not a rules section).
                    if m.isBrand {
                        let reply = TriageMention(mentionID: m.id, sourceID: m.sourceID, sourceName: m.sourceName, author: m.author,
                                                  url: m.url, title: m.title, body: m.body, publishedAt: m.publishedAt, rating: nil,
                                                  bestRating: nil, worstRating: nil, score: Pipeline.unscored, identity: identity,
                                                  inReplyTo: m.inReplyTo, inReplyToLink: m.inReplyToLink)
                        try Pipeline.triageBrand(reply, triage: triage, in: tx, now: at, counts: &counts)
                        continue
                    }
                    guard let s = m.score else { continue }
                    var score = Score(compound: s.compound, pos: s.pos, neu: s.neu, neg: s.neg, isComplaint: s.isComplaint,
                                      aspects: s.aspects, reasons: s.reasons, decidedBy: s.decidedBy)
                    if let label = SentimentLabel(rawValue: s.label) { score.label = label }
                    var tm = TriageMention(mentionID: m.id, sourceID: m.sourceID, sourceName: m.sourceName, author: m.author, url: m.url,
                                           title: m.title, body: m.body, publishedAt: m.publishedAt, rating: m.rating,
                                           bestRating: m.bestRating, worstRating: m.worstRating, score: score, identity: identity,
                                           inReplyTo: m.inReplyTo, inReplyToLink: m.inReplyToLink)
                    tm.publishedOffset = m.publishedOffset
                    try Pipeline.triageCustomer(tm, itemKey: m.itemKey, isNew: true, isHistory: m.wasHistory ?? (m.publishedAt < horizon),
                                                triage: triage, in: tx, now: at, counts: &counts)
                }
                mentions += batch.count
            }
        }
        // Everything fetched up to here is back in the store (each run's mentions come after it).
        var released: Date?
        for (index, run) in runs.enumerated() {
            // What this run stored: everything fetched before it finished (before the next began,
            // for a run that was killed).
            let end = run.finishedAt ?? (index + 1 < runs.count ? runs[index + 1].startedAt.addingTimeInterval(-0.000_001) : nil)
            let horizon = run.horizon ?? run.startedAt.addingTimeInterval(-config.backfill)
            try act(through: run.startedAt)
            let batch = try store.write { try $0.releaseMentions(after: released, through: end) }
            released = end ?? .distantFuture   // a last run that never finished took everything
            try triageAll(batch, horizon: horizon)
            if run.processed {
                _ = try store.write { try Pipeline.clockWork(triage: triage, in: $0, now: run.startedAt, horizon: horizon) }
            }
            replayedRuns += 1
            if index % 10 == 9 || index == runs.count - 1 { progress?("run \(index + 1)/\(runs.count), \(mentions) mentions") }
        }
        // Mentions no recorded run stored (an import, a store older than its runs table).
        let rest = try store.write { try $0.releaseMentions(after: released, through: nil) }
        try triageAll(rest, horizon: .distantPast)
        try act(through: nil)
        return (replayedRuns, mentions, withoutIdentity, actionsTaken, actionsWithoutCase)
    }

    /// The lifecycle action an event of a case's history records.
    static func action(_ a: PersonAction) -> CaseAction? {
        switch a.kind {
        case "acknowledged": return .acknowledge
        case "assigned":
            guard let detail = a.detail, let range = detail.range(of: " to ", options: .backwards) ?? detail.range(of: "to ", options: .anchored)
            else { return nil }
            return .assign(to: String(detail[range.upperBound...]))
        case "resolved": return .resolve(note: a.detail)
        case "follow-up: satisfied": return .followUp(satisfied: true, note: a.detail)
        case "follow-up: not satisfied": return .followUp(satisfied: false, note: a.detail)
        case "reopened": return .reopen(note: a.detail)
        case "closed": return .close(note: a.detail)
        default: return nil
        }
    }
}
