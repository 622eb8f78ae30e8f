import Foundation
import Testing
import EarshotScore
import EarshotStore
import EarshotTriage

/// Triage scenarios on a temporary store, driven by an injected clock: every `now` is passed in,
/// so days of customer-service time pass in milliseconds.
@Suite
struct TriageScenarioTests {
    static let t0 = ISO8601DateFormatter().date(from: "2026-11-02T09:00:00Z")!
    static let hour: TimeInterval = 3600
    static let day: TimeInterval = 86_400

    static let policy = TriagePolicy(
        rules: [
            TriageRule(name: "very negative", compoundBelow: -0.8, severity: "high", channels: ["desk"]),
            TriageRule(name: "negative", label: .negative, severity: "normal", channels: ["desk"]),
        ],
        sla: ["critical": 1 * hour, "high": 4 * hour, "normal": 24 * hour, "low": 72 * hour],
        escalationChannels: ["oncall"], followUpAfter: 3 * day, reopenWithin: 14 * day,
        problemMinimumCustomers: 3, problemWindow: 72 * hour, problemChannels: ["desk", "oncall"])

    /// A temporary store with two sources, and helpers that store a scored mention and triage it.
    final class Desk {
        let folder = TestPaths.temporaryFolder("earshot-triage")
        let store: Store
        let triage = Triage(policy: TriageScenarioTests.policy)
        var sources: [String: Int64] = [:]
        var serial = 0

        init() throws {
            store = try Store(path: folder.appendingPathComponent("earshot.sqlite").path)
            try store.write { tx in
                for name in ["forum", "reviews", "news"] {
                    sources[name] = try tx.upsertSource(SourceSpec(name: name, url: "http://127.0.0.1:9/\(name)", kind: "feed", interval: 3600),
                                                        origin: "config", now: TriageScenarioTests.t0)
                }
            }
        }

        deinit { try? FileManager.default.removeItem(at: folder) }

        /// Stores a mention with a hand-built score and returns it as triage sees it.
        func mention(_ author: String?, on source: String = "forum", url: String? = nil, at published: Date,
                     compound: Double = -0.6, complaint: Bool = true, aspects: [String] = []) throws -> TriageMention {
            serial += 1
            let body = "Mention \(serial) by \(author ?? "nobody"): this is not good enough."
            let score = Score(compound: compound, pos: 0, neu: 0.5, neg: 0.5, isComplaint: complaint, aspects: aspects,
                              reasons: ["test score \(compound)"], decidedBy: "text")
            let sourceID = sources[source]!
            let id = try store.write { tx in
                let upsert = try tx.upsertMention(NewMention(
                    sourceID: sourceID, itemKey: "item-\(serial)", fingerprint: "fp-\(serial)", url: url ?? "https://example.com/\(source)/\(serial)",
                    title: nil, author: author, body: body, publishedAt: published, fetchedAt: published, rating: nil, bestRating: nil,
                    worstRating: nil))
                try tx.saveScore(mentionID: upsert.mentionID, publishedAt: published, ScoreRecord(
                    compound: score.compound, pos: score.pos, neu: score.neu, neg: score.neg, label: score.label.rawValue,
                    isComplaint: score.isComplaint, aspects: score.aspects, reasons: score.reasons, decidedBy: score.decidedBy))
                return upsert.mentionID
            }
            return TriageMention(mentionID: id, sourceID: sourceID, sourceName: source, author: author,
                                 url: url ?? "https://example.com/\(source)/\(serial)", title: nil, body: body,
                                 publishedAt: published, rating: nil, bestRating: nil, worstRating: nil, score: score)
        }

        /// Triages a mention at `now` (default: its publication time), in one transaction.
        func apply(_ m: TriageMention, now: Date? = nil) throws -> TriageOutcome {
            try store.write { try triage.apply(m, in: $0, now: now ?? m.publishedAt) }
        }

        /// Stores and triages in one go.
        @discardableResult
        func complaint(_ author: String?, on source: String = "forum", url: String? = nil, at published: Date,
                       compound: Double = -0.6, aspects: [String] = []) throws -> TriageOutcome {
            try apply(mention(author, on: source, url: url, at: published, compound: compound, aspects: aspects))
        }

        func act(_ action: CaseAction, on id: Int64, at now: Date, as actor: String = "dana") throws -> CaseRecord {
            try store.write { try CaseLifecycle.apply(action, to: id, actor: actor, policy: triage.policy, in: $0, now: now) }
        }

        func record(_ id: Int64) throws -> CaseRecord { try store.read { try $0.caseRecord(id: id)! } }
        func events(_ id: Int64) throws -> [String] { try store.read { try $0.events(ofCase: id).map(\.kind) } }
        func mentions(_ id: Int64) throws -> [Int64] { try store.read { try $0.mentionIDs(ofCase: id) } }
        func outbox() throws -> [OutboxRecord] { try store.read { try $0.alerts() } }
        func events(named event: String) throws -> [OutboxRecord] {
            try outbox().filter { Alert.decode($0.payload)["event"] as? String == event }
        }
        func cases(kind: String) throws -> [CaseRecord] { try store.read { try $0.cases(CaseFilter(kind: kind)) } }
    }

    // MARK: - Threading

    @Test func aCustomersNewComplaintOnTheSameSourceJoinsTheirOpenCase() throws {
        let desk = try Desk()
        let first = try desk.complaint("Alice", at: Self.t0)
        let caseID = try #require(first.openedCase)
        #expect(first.alertsQueued == 1)

        let again = try desk.complaint("Alice", at: Self.t0 + 2 * Self.hour)
        #expect(again.openedCase == nil)
        #expect(again.joinedCase == caseID)
        #expect(again.alertsQueued == 1, "the desk hears of the new message, in the case's thread")
        #expect(try desk.events(caseID) == ["opened", "mention added", "mention added"])
        #expect(try desk.mentions(caseID).count == 2)

        // A one-word name is too many people to recognise on another source (issue 16)...
        let elsewhere = try desk.complaint(" alice ", on: "reviews", at: Self.t0 + 3 * Self.hour)
        #expect(elsewhere.openedCase != nil && elsewhere.openedCase != caseID)
        let other = try desk.complaint("Bob", at: Self.t0 + 4 * Self.hour)
        #expect(other.openedCase != nil && other.openedCase != caseID)
        #expect(try desk.cases(kind: "incident").count == 3)
        // ... a full name is one customer across sources.
        let full = try #require(try desk.complaint("Alice Martin", at: Self.t0 + 5 * Self.hour).openedCase)
        #expect(try desk.complaint(" alice  MARTIN ", on: "news", at: Self.t0 + 6 * Self.hour).joinedCase == full)
        let alerts = try desk.outbox()
        #expect(alerts.count == 6)
        #expect(Set(alerts.map(\.idempotencyKey)).count == 6)
        #expect(alerts.allSatisfy { Alert.decode($0.payload)["thread"] as? String != nil })
        #expect(try desk.outbox().filter { $0.idempotencyKey.hasPrefix("case-\(caseID)-") }.count == 2)
    }

    @Test func aMentionAboutTheSameURLJoinsTheCaseWhoeverWroteIt() throws {
        let desk = try Desk()
        let url = "https://example.com/forum/thread-42"
        let caseID = try #require(try desk.complaint("Alice", url: url, at: Self.t0).openedCase)
        // Another author, another source, the same page: one case.
        let reply = try desk.complaint("Bob", on: "news", url: url, at: Self.t0 + Self.hour)
        #expect(reply.joinedCase == caseID)
        // An anonymous mention about that page joins too.
        let anonymous = try desk.complaint(nil, on: "reviews", url: url, at: Self.t0 + 2 * Self.hour)
        #expect(anonymous.joinedCase == caseID)
        // An anonymous mention elsewhere is a case of its own.
        let lone = try desk.complaint(nil, on: "reviews", at: Self.t0 + 3 * Self.hour)
        #expect(lone.openedCase != nil)
        #expect(try desk.mentions(caseID).count == 3)
        #expect(try desk.events(caseID).filter { $0 == "mention added" }.count == 3)
        // Triaging the same mention again (an edited review) adds nothing.
        let m = try desk.mention("Carol", at: Self.t0 + 4 * Self.hour)
        let opened = try #require(try desk.apply(m).openedCase)
        let again = try desk.apply(m)
        #expect(again.joinedCase == nil && again.openedCase == nil && again.alertsQueued == 0)
        #expect(try desk.events(opened) == ["opened", "mention added"])
    }

    @Test func positiveOrNeutralMentionsOpenNothing() throws {
        let desk = try Desk()
        let happy = try desk.apply(desk.mention("Alice", at: Self.t0, compound: 0.7, complaint: false))
        #expect(happy == TriageOutcome())
        let flat = try desk.apply(desk.mention("Alice", at: Self.t0, compound: 0, complaint: false))
        #expect(flat == TriageOutcome())
        #expect(try desk.outbox().isEmpty)
        // The first matching rule sets the severity.
        let angry = try desk.complaint("Alice", at: Self.t0, compound: -0.9)
        #expect(try desk.record(#require(angry.openedCase)).severity == "high")
    }

    // MARK: - Reopen

    @Test func aComplaintSoonAfterResolutionReopensTheCaseAndALateOneOpensANewCase() throws {
        let desk = try Desk()
        let caseID = try #require(try desk.complaint("Alice", at: Self.t0).openedCase)
        _ = try desk.act(.acknowledge, on: caseID, at: Self.t0 + Self.hour)
        let resolved = try desk.act(.resolve(note: "refunded"), on: caseID, at: Self.t0 + Self.day)
        #expect(resolved.status == "resolved")

        // Five days later Alice writes again: the same case, reopened.
        let back = try desk.complaint("Alice", at: Self.t0 + 6 * Self.day)
        #expect(back.reopenedCase == caseID)
        #expect(back.openedCase == nil)
        let reopened = try desk.record(caseID)
        #expect(reopened.status == "open")
        #expect(reopened.acknowledgedAt == nil, "a reopened case waits for a new acknowledgement")
        #expect(reopened.ackDueAt == Self.t0 + 6 * Self.day + 24 * Self.hour)
        #expect(try desk.events(caseID).suffix(1) == ["reopened"])
        #expect(try desk.mentions(caseID).count == 2)
        #expect(try desk.events(named: "reopened").count == 1)
        #expect(try desk.cases(kind: "incident").count == 1)

        // Resolved again; Alice writes 15 days after that: past the 14-day window, a new case.
        _ = try desk.act(.resolve(note: nil), on: caseID, at: Self.t0 + 7 * Self.day)
        let late = try desk.complaint("Alice", at: Self.t0 + 22 * Self.day)
        let newID = try #require(late.openedCase)
        #expect(newID != caseID)
        #expect(late.reopenedCase == nil)
        #expect(try desk.record(caseID).status == "resolved")
        #expect(try desk.cases(kind: "incident").count == 2)
    }

    // MARK: - Escalation

    @Test func anOverdueCaseIsEscalatedOnceToTheEscalationChannel() throws {
        let desk = try Desk()
        let late = try #require(try desk.complaint("Alice", at: Self.t0).openedCase)          // normal: 24 h
        let urgent = try #require(try desk.complaint("Bob", at: Self.t0, compound: -0.9).openedCase)  // high: 4 h
        let handled = try #require(try desk.complaint("Carol", at: Self.t0, compound: -0.9).openedCase)
        _ = try desk.act(.acknowledge, on: handled, at: Self.t0 + Self.hour)

        func escalate(at t: Date) throws -> [Int64] { try desk.store.write { try desk.triage.escalateOverdue(in: $0, now: t) } }
        #expect(try escalate(at: Self.t0 + 3 * Self.hour).isEmpty)
        #expect(try escalate(at: Self.t0 + 5 * Self.hour) == [urgent])
        #expect(try escalate(at: Self.t0 + 6 * Self.hour).isEmpty, "escalated once, not at every run")
        #expect(try escalate(at: Self.t0 + 25 * Self.hour) == [late])
        #expect(try escalate(at: Self.t0 + 48 * Self.hour).isEmpty)

        #expect(try desk.events(urgent).filter { $0 == "escalated" }.count == 1)
        #expect(try desk.events(handled).contains("escalated") == false, "an acknowledged case is not escalated")
        let escalations = try desk.events(named: "escalated")
        #expect(escalations.count == 2)
        #expect(escalations.allSatisfy { $0.channel == "oncall" })
        #expect(try desk.record(urgent).escalatedAt == Self.t0 + 5 * Self.hour)

        // Reopened and left waiting again: a new deadline, escalated again (a new alert, not a swallowed duplicate).
        _ = try desk.act(.resolve(note: nil), on: urgent, at: Self.t0 + 50 * Self.hour)
        _ = try desk.act(.reopen(note: "not fixed"), on: urgent, at: Self.t0 + 51 * Self.hour)
        #expect(try escalate(at: Self.t0 + 54 * Self.hour).isEmpty)
        #expect(try escalate(at: Self.t0 + 56 * Self.hour) == [urgent])
        #expect(try escalate(at: Self.t0 + 57 * Self.hour).isEmpty)
        #expect(try desk.events(named: "escalated").count == 3)
    }

    // MARK: - Follow-up

    @Test func aFollowUpFallsDueOnceAfterResolutionAndUnsatisfiedReopensSatisfiedCloses() throws {
        let desk = try Desk()
        let id = try #require(try desk.complaint("Alice", at: Self.t0).openedCase)
        _ = try desk.act(.acknowledge, on: id, at: Self.t0 + Self.hour)
        #expect(throws: CaseLifecycleError.self) { try desk.act(.followUp(satisfied: true, note: nil), on: id, at: Self.t0 + 2 * Self.hour) }
        let resolvedAt = Self.t0 + Self.day
        let resolved = try desk.act(.resolve(note: "refunded"), on: id, at: resolvedAt)
        #expect(resolved.followUpDueAt == resolvedAt + 3 * Self.day)

        func announce(at t: Date) throws -> [Int64] { try desk.store.write { try desk.triage.announceFollowUps(in: $0, now: t) } }
        #expect(try announce(at: resolvedAt + 2 * Self.day).isEmpty)
        #expect(try announce(at: resolvedAt + 3 * Self.day + Self.hour) == [id])
        #expect(try announce(at: resolvedAt + 4 * Self.day).isEmpty, "announced once")
        #expect(try desk.events(id).filter { $0 == "follow-up due" }.count == 1)
        let due = try desk.events(named: "follow-up due")
        #expect(due.count == 1)
        #expect(due.first?.channel == "oncall")

        // The customer is not satisfied: the case reopens.
        let unhappy = try desk.act(.followUp(satisfied: false, note: "still billed twice"), on: id, at: resolvedAt + 4 * Self.day)
        #expect(unhappy.status == "open")
        #expect(unhappy.satisfied == false)
        #expect(try desk.events(id).suffix(2) == ["follow-up: not satisfied", "reopened"])
        #expect(try announce(at: resolvedAt + 10 * Self.day).isEmpty, "an open case has no follow-up due")

        // Resolved a second time: a second follow-up, announced once under its own key; satisfied closes.
        let second = resolvedAt + 5 * Self.day
        _ = try desk.act(.resolve(note: "refund confirmed"), on: id, at: second)
        #expect(try announce(at: second + 3 * Self.day + 1) == [id])
        #expect(try announce(at: second + 4 * Self.day).isEmpty)
        #expect(try desk.events(named: "follow-up due").count == 2)
        let happy = try desk.act(.followUp(satisfied: true, note: nil), on: id, at: second + 4 * Self.day)
        #expect(happy.status == "closed")
        #expect(happy.satisfied == true)
        #expect(try desk.events(id).suffix(2) == ["follow-up: satisfied", "closed"])
        #expect(throws: CaseLifecycleError.self) { try desk.act(.close(note: nil), on: id, at: second + 5 * Self.day) }

        // Every change carries its actor; nothing was deleted.
        let history = try desk.store.read { try $0.events(ofCase: id) }
        #expect(history.filter { $0.actor == "dana" }.count >= 7)
        #expect(history.map(\.at) == history.map(\.at).sorted())
    }

    // MARK: - Problems

    @Test func anAspectHurtingThreeCustomersOpensOneProblemAndLaterIncidentsAttach() throws {
        let desk = try Desk()
        // Outside the window: Zoe's billing complaint two weeks earlier does not count.
        try desk.complaint("Zoe", at: Self.t0 - 14 * Self.day, aspects: ["billing"])
        let a = try #require(try desk.complaint("Alice", at: Self.t0, aspects: ["billing"]).openedCase)
        // The same customer twice is one customer.
        try desk.complaint("Alice", at: Self.t0 + Self.hour, aspects: ["billing"])
        let b = try desk.complaint("Bob", on: "reviews", at: Self.t0 + 2 * Self.hour, aspects: ["billing", "support"])
        #expect(b.openedProblem == nil)
        #expect(try desk.cases(kind: "problem").isEmpty)
        // A complaint about another aspect does not count towards billing.
        try desk.complaint("Dave", at: Self.t0 + 3 * Self.hour, aspects: ["delivery"])

        let c = try desk.complaint("Carol", on: "news", at: Self.t0 + 30 * Self.hour, aspects: ["billing"])
        let problemID = try #require(c.openedProblem)
        let problem = try desk.record(problemID)
        #expect(problem.kind == "problem")
        #expect(problem.aspect == "billing")
        #expect(problem.firstPublishedAt == Self.t0)
        let linked = try desk.store.read { try $0.incidents(ofProblem: problemID) }
        #expect(Set(linked.compactMap(\.customer)) == ["Alice", "Bob", "Carol"])
        #expect(linked.contains { $0.id == a })
        #expect(try desk.mentions(problemID).count == 4, "Alice's two, Bob's and Carol's")
        #expect(try desk.events(problemID).contains("linked"))
        #expect(try desk.events(named: "problem opened").count == 2, "one alert, to each of the two problem channels")

        // Later incidents attach, with one update alert each (per channel), in the problem's thread.
        let e = try desk.complaint("Erin", at: Self.t0 + 40 * Self.hour, aspects: ["billing"])
        #expect(e.openedProblem == nil)
        let erin = try #require(e.openedCase)
        #expect(try desk.record(erin).problemID == problemID)
        try desk.complaint("Erin", at: Self.t0 + 41 * Self.hour, aspects: ["billing"])   // joins Erin's case
        let f = try desk.complaint("Frank", on: "reviews", at: Self.t0 + 42 * Self.hour, aspects: ["billing"])
        #expect(f.openedProblem == nil)
        let updates = try desk.events(named: "problem update")
        #expect(updates.count == 4, "Erin's and Frank's incidents, to two channels")
        #expect(Set(updates.map(\.idempotencyKey)).count == 2)
        #expect(updates.allSatisfy { Alert.decode($0.payload)["thread"] as? String == "case-\(problemID)" })
        #expect(try desk.events(named: "problem opened").count == 2, "never a second 'problem opened'")
        #expect(try desk.cases(kind: "problem").count == 1)
        #expect(try desk.store.read { try $0.incidents(ofProblem: problemID) }.count == 5)
        // Dave's delivery incident is not part of it.
        #expect(try desk.cases(kind: "incident").first { $0.customer == "Dave" }?.problemID == nil)
    }

    // MARK: - Spikes

    @Test func aSpikeAlertsOnceWhenItStartsAndOnceWhenItEndsAndNeverDuringWarmUp() throws {
        let desk = try Desk()
        let start = Self.t0   // on the hour
        // Hour index → negatives published in it: one an hour as the usual rate, a burst on the
        // second day (inside the three-day warm-up), and a spike over hours 100–102.
        var plan = [Int: Int]()
        for h in 0..<110 { plan[h] = 1 }
        plan[30] = 15
        plan[100] = 14; plan[101] = 9; plan[102] = 5
        let detector = SpikeDetector(channels: ["desk"])
        var startedAt: [Int] = [], endedAt: [Int] = []
        var alertsBefore = 0
        for h in 0..<110 {
            // The hour's mentions, then a run a few minutes into the next hour.
            try desk.store.write { tx in
                for i in 0..<(plan[h] ?? 0) {
                    desk.serial += 1
                    let at = start + Double(h) * Self.hour + Double(i * 60 + 30)
                    let id = try tx.upsertMention(NewMention(sourceID: desk.sources["forum"]!, itemKey: "spike-\(desk.serial)",
                                                             fingerprint: "fp", url: nil, title: nil, author: "user \(desk.serial)",
                                                             body: "bad", publishedAt: at, fetchedAt: at, rating: nil, bestRating: nil,
                                                             worstRating: nil)).mentionID
                    try tx.saveScore(mentionID: id, publishedAt: at, ScoreRecord(compound: -0.5, pos: 0, neu: 0.5, neg: 0.5, label: "negative",
                                                                                 isComplaint: false, aspects: [], reasons: [], decidedBy: "text"))
                }
            }
            let now = start + Double(h + 1) * Self.hour + 300
            let change = try desk.store.write { try detector.evaluate(in: $0, now: now) }
            if !change.started.isEmpty { startedAt.append(h) }
            if !change.ended.isEmpty { endedAt.append(h) }
            if h < 72 { alertsBefore = try desk.outbox().count }
        }
        #expect(alertsBefore == 0, "the burst at hour 30 falls inside the warm-up")
        #expect(startedAt == [100])
        #expect(endedAt == [103], "hours 101 and 102 stay above the usual rate and only extend it")
        let alerts = try desk.outbox()
        #expect(alerts.map { Alert.decode($0.payload)["event"] as? String } == ["spike started", "spike ended"])
        let spike = try #require(try desk.store.read { try $0.spikes(from: start, to: start + 200 * Self.hour) }.first)
        #expect(spike.startedAt == start + 100 * Self.hour)
        #expect(spike.endedAt == start + 103 * Self.hour)
        #expect(spike.negatives == 28)
        #expect(spike.peak == 14)

        // Evaluating again at the same moment (a second run) changes nothing.
        let again = try desk.store.write { try detector.evaluate(in: $0, now: start + 110 * Self.hour + 300) }
        #expect(again.started.isEmpty && again.ended.isEmpty)
        #expect(try desk.outbox().count == 2)
    }

    @Test func aSpikeNeedsAnAbsoluteFloorOnAQuietBaseline() throws {
        let desk = try Desk()
        let detector = SpikeDetector(channels: ["desk"])
        // Nothing for four days but one negative at the start, then three in an hour: above a
        // zero baseline, yet below the floor of four.
        try desk.complaint("first", at: Self.t0)
        for i in 0..<3 { try desk.complaint("user \(i)", at: Self.t0 + 96 * Self.hour + Double(i * 60)) }
        let change = try desk.store.write { try detector.evaluate(in: $0, now: Self.t0 + 98 * Self.hour) }
        #expect(change.started.isEmpty)
        #expect(try desk.events(named: "spike started").isEmpty)
    }
}
