import Foundation
import Testing
import EarshotDigest
import EarshotScore
import EarshotStore
import EarshotTriage

/// Issue 15, "alerts a support lead can trust": late data still makes a spike (once), a problem
/// never shows fewer customers than `min_customers`, and history (backfilled) mentions are
/// counted but open, reopen and announce nothing. On `TriageScenarioTests.Desk`: a temporary
/// store, hand-built scores, every `now` passed in.
@Suite
struct TriageIssue15Tests {
    typealias Desk = TriageScenarioTests.Desk
    static let t0 = TriageScenarioTests.t0   // 2026-11-02T09:00:00Z, on the hour
    static let hour = TriageScenarioTests.hour
    static let day = TriageScenarioTests.day

    /// Hours since 1970, as the spike detector numbers them.
    static func hourIndex(_ d: Date) -> Int { Int(d.timeIntervalSince1970 / 3600) }

    // MARK: - Late data makes a spike

    /// One negative an hour for `hours` hours from `t0` (the usual rate: median 1, MAD 0, so the
    /// floor of four decides), then a first run a few minutes into the hour after: every hour up
    /// to the last one of the history, H = t0 + (hours − 1) h, has been evaluated and is no spike.
    /// Returns H's start and the time of that run.
    static func quietHistoryEvaluated(_ desk: Desk, detector: SpikeDetector, hours: Int = 80,
                                      alertsFrom: Date = .distantPast) throws -> (h: Date, now: Date) {
        try desk.storeNegatives(at: (0..<hours).map { t0 + Double($0) * hour + 30 })
        let h = t0 + Double(hours - 1) * hour
        let now = h + hour + 300
        let change = try desk.store.write { try detector.evaluate(in: $0, now: now, alertsFrom: alertsFrom) }
        #expect(change.started.isEmpty && change.ended.isEmpty, "one negative an hour is the usual rate")
        #expect(try desk.store.read { try $0.spikes(from: t0, to: now) }.isEmpty)
        #expect(try desk.store.read { try $0.setting("spikes.evaluated_through") } == String(hourIndex(h)),
                "the run evaluated hour H")
        return (h, now)
    }

    @Test func lateNegativesInAnAlreadyEvaluatedHourMakeOneSpikeAndOneAlert() throws {
        let desk = try Desk()
        let detector = SpikeDetector(channels: ["desk"])
        let (h, now) = try Self.quietHistoryEvaluated(desk, detector: detector)
        let index = Self.hourIndex(h)

        // Six more negatives published inside H arrive after H was looked at (a feed fetched late).
        try desk.storeNegatives(at: (0..<6).map { h + Double($0 * 300 + 60) })
        let late = try desk.store.write { try detector.evaluate(in: $0, now: now + Self.hour) }
        #expect(late.started.count == 1, "hour H is evaluated again: 7 negatives against a usual 1")
        let spikes = try desk.store.read { try $0.spikes(from: h, to: h + Self.hour) }
        #expect(spikes.count == 1)
        let spike = try #require(spikes.first)
        #expect(spike.id == late.started.first)
        #expect(spike.startedAt == h)
        #expect(spike.endedAt == h + Self.hour, "a late spike covers its one hour and is closed at once")
        #expect(spike.negatives == 7)
        #expect(spike.baseline == 1)

        let started = try desk.events(named: "spike started")
        #expect(started.count == 1)
        let alert = try #require(started.first)
        #expect(alert.idempotencyKey == "spike-hour-\(index)-up")
        #expect(alert.channel == "desk")
        let fields = Alert.decode(alert.payload)["fields"] as? [String: String]
        #expect(fields?["late"] == "true")
        #expect(fields?["negatives"] == "7")
        #expect(fields?["spike_id"] == String(spike.id))
        #expect(try desk.events(named: "spike ended").isEmpty, "a late spike sends no 'ended' note")

        // The next run, with nothing new: H is not evaluated again.
        let quiet = try desk.store.write { try detector.evaluate(in: $0, now: now + 2 * Self.hour) }
        #expect(quiet.started.isEmpty && quiet.ended.isEmpty)
        // Even later data for H: still the one spike, and no second alert for H.
        try desk.storeNegatives(at: (0..<5).map { h + Double($0 * 300 + 90) })
        let again = try desk.store.write { try detector.evaluate(in: $0, now: now + 3 * Self.hour) }
        #expect(again.started.isEmpty && again.ended.isEmpty)
        #expect(try desk.store.read { try $0.spikes(from: h, to: h + Self.hour) }.count == 1)
        #expect(try desk.outbox().map(\.idempotencyKey) == ["spike-hour-\(index)-up"])
    }

    @Test func aLateBurstBeforeTheBackfillHorizonIsRecordedButNotAnnounced() throws {
        let desk = try Desk()
        let detector = SpikeDetector(channels: ["desk"])
        // The horizon is the start of H: the hour before it is history, H itself is not.
        let (h, now) = try Self.quietHistoryEvaluated(desk, detector: detector, alertsFrom: Self.t0 + 79 * Self.hour)
        let before = h - Self.hour
        #expect(h == Self.t0 + 79 * Self.hour)

        // The same late burst (six more negatives) in H − 1 and in H.
        try desk.storeNegatives(at: (0..<6).map { before + Double($0 * 300 + 60) } + (0..<6).map { h + Double($0 * 300 + 60) })
        let late = try desk.store.write { try detector.evaluate(in: $0, now: now + Self.hour, alertsFrom: h) }
        #expect(late.started.count == 2, "both hours are recorded, for the digest")
        let spikes = try desk.store.read { try $0.spikes(from: before, to: h + Self.hour) }
        #expect(spikes.map(\.startedAt) == [before, h])
        #expect(spikes.map(\.negatives) == [7, 7])
        // Only the hour at or after the horizon is announced.
        #expect(try desk.outbox().map(\.idempotencyKey) == ["spike-hour-\(Self.hourIndex(h))-up"])

        // A later run with the same horizon announces the history hour neither.
        let again = try desk.store.write { try detector.evaluate(in: $0, now: now + 2 * Self.hour, alertsFrom: h) }
        #expect(again.started.isEmpty && again.ended.isEmpty)
        #expect(try desk.outbox().count == 1)
    }

    /// Evaluates from `from` to `to` every `step` (an hour; the timer's 10 minutes), as the job
    /// would, with the backfill horizon moving along (`backfill` before each run).
    static func evaluateHourly(_ desk: Desk, _ detector: SpikeDetector, from: Date, to: Date, backfill: TimeInterval,
                               step: TimeInterval = hour) throws {
        var now = from
        while now <= to {
            _ = try desk.store.write { try detector.evaluate(in: $0, now: now, alertsFrom: now - backfill) }
            now += step
        }
    }

    @Test func aSpikeThatOutlastsTheBackfillIsStillToldWhenItEnds() throws {
        let desk = try Desk()
        let detector = SpikeDetector(channels: ["desk"])
        let (t0, hour, day) = (Self.t0, Self.hour, Self.day)
        // 80 quiet hours, then 50 hours of ten an hour (longer than a 2-day backfill), then quiet again.
        let burst: Date = t0 + 80 * hour
        try desk.storeNegatives(at: (0 ..< 80).map { (i: Int) -> Date in t0 + Double(i) * hour + 30 })
        var loud: [Date] = []
        for h in 0 ..< 50 { for k in 0 ..< 10 { loud.append(burst + Double(h) * hour + Double(k * 300 + 30)) } }
        try desk.storeNegatives(at: loud)
        try desk.storeNegatives(at: (0 ..< 10).map { (i: Int) -> Date in burst + Double(50 + i) * hour + 30 })
        try Self.evaluateHourly(desk, detector, from: t0 + 81 * hour - 1, to: burst + 60 * hour + 300, backfill: 2 * day)
        let keys = try desk.outbox().map(\.idempotencyKey)
        #expect(keys.filter { $0.hasSuffix("-started") }.count == 1)
        #expect(keys.filter { $0.hasSuffix("-ended") }.count == 1, "the end of a told spike is told: \(keys)")
    }

    @Test func aLiveSpikeIsToldEvenWithABackfillShorterThanAnHour() throws {
        let desk = try Desk()
        let detector = SpikeDetector(channels: ["desk"])
        let (t0, hour) = (Self.t0, Self.hour)
        let burst: Date = t0 + 80 * hour
        try desk.storeNegatives(at: (0 ..< 80).map { (i: Int) -> Date in t0 + Double(i) * hour + 30 })
        var loud: [Date] = []
        for h in 0 ..< 3 { for k in 0 ..< 10 { loud.append(burst + Double(h) * hour + Double(k * 300 + 30)) } }
        try desk.storeNegatives(at: loud)
        // Runs every 10 minutes: an hour is evaluated within 10 minutes of its end, inside a 30-minute backfill.
        try Self.evaluateHourly(desk, detector, from: t0 + 80 * hour + 300, to: burst + 4 * hour + 300, backfill: 30 * 60, step: 600)
        #expect(try desk.events(named: "spike started").count == 1)
    }

    // MARK: - Problems never show fewer customers than min_customers

    /// The customers of each problem case, as `customerCount(ofProblem:)` and as the digest's
    /// problem items count them.
    static func problemCustomers(_ desk: Desk, digestEnd: Date) throws -> [(problem: CaseRecord, count: Int, digest: Int?)] {
        let period = DateInterval(start: t0 - day, end: digestEnd)
        return try desk.store.read { tx in
            let items = try tx.digestReport(period: period, periodName: "test", brand: "Earshot", now: digestEnd).problems
            return try tx.cases(CaseFilter(kind: "problem")).map { problem in
                (problem, try tx.customerCount(ofProblem: problem.id), items.first { $0.caseID == problem.id }?.customers)
            }
        }
    }

    @Test func aProblemBuiltPartlyFromAnIncidentOfAnotherProblemStillShowsMinCustomers() throws {
        let desk = try Desk()
        // Alice's complaint is about support and quality; Bob's and Carol's make a support problem,
        // which takes Alice's incident.
        let alice = try desk.mention("Alice", at: Self.t0, aspects: ["support", "quality"])
        let aliceCase = try #require(try desk.apply(alice).openedCase)
        try desk.complaint("Bob", on: "reviews", at: Self.t0 + Self.hour, aspects: ["support"])
        let support = try #require(try desk.complaint("Carol", at: Self.t0 + 2 * Self.hour, aspects: ["support"]).openedProblem)
        #expect(try desk.record(aliceCase).problemID == support)

        // Dave and Erin complain about quality: with Alice, three customers.
        #expect(try desk.complaint("Dave", at: Self.t0 + 3 * Self.hour, aspects: ["quality"]).openedProblem == nil)
        let opened = try desk.complaint("Erin", on: "news", at: Self.t0 + 4 * Self.hour, aspects: ["quality"])
        let quality = try #require(opened.openedProblem)
        #expect(try desk.record(quality).aspect == "quality")
        #expect(try desk.store.read { try $0.customerCount(ofProblem: quality) } >= 3)
        #expect(try desk.store.read { try $0.customerCount(ofProblem: quality) } == 3, "Alice, Dave and Erin")
        #expect(try desk.mentions(quality).contains(alice.mentionID), "Alice's mention is one of the three counted")
        #expect(try desk.record(quality).firstPublishedAt == Self.t0)
        let counts = try Self.problemCustomers(desk, digestEnd: Self.t0 + Self.day)
        #expect(counts.count == 2)
        for c in counts {
            #expect(c.count >= 3, "problem #\(c.problem.id) (\(c.problem.aspect ?? "")) shows \(c.count) customers")
            #expect(c.digest == c.count, "the digest counts problem #\(c.problem.id) as \(c.digest.map(String.init) ?? "missing")")
        }
        // Alice's incident stays with the support problem; the quality problem only holds her mention.
        #expect(try desk.record(aliceCase).problemID == support)

        // Alice again, about quality: the same customer, still three.
        let back = try desk.complaint("Alice", at: Self.t0 + 5 * Self.hour, aspects: ["quality"])
        #expect(back.joinedCase == aliceCase)
        #expect(try desk.store.read { try $0.customerCount(ofProblem: quality) } == 3)
        #expect(try Self.problemCustomers(desk, digestEnd: Self.t0 + Self.day).allSatisfy { $0.count >= 3 && $0.digest == $0.count })
    }

    @Test func anonymousMentionsAreEachOneCustomerInBothCounts() throws {
        let desk = try Desk()
        let shared = "https://example.com/forum/broken-zip"
        try desk.complaint("Alice", at: Self.t0, aspects: ["delivery"])
        try desk.complaint(nil, url: shared, at: Self.t0 + Self.hour, aspects: ["delivery"])
        let opened = try desk.complaint(nil, on: "reviews", at: Self.t0 + 2 * Self.hour, aspects: ["delivery"])
        let problem = try #require(opened.openedProblem, "Alice and two anonymous customers are three")
        /// [customerCount(ofProblem:), the digest's count].
        func counts() throws -> [Int?] {
            let c = try #require(try Self.problemCustomers(desk, digestEnd: Self.t0 + Self.day).first { $0.problem.id == problem })
            return [c.count, c.digest]
        }
        #expect(try counts() == [3, 3])

        // A second anonymous mention about the same page joins that page's case, and is one more
        // customer (nothing says it is the same person); triaging it again counts nothing twice.
        let another = try desk.mention(nil, on: "news", url: shared, at: Self.t0 + 3 * Self.hour, aspects: ["delivery"])
        let joined = try desk.apply(another)
        #expect(joined.joinedCase != nil && joined.openedCase == nil)
        #expect(try counts() == [4, 4])
        _ = try desk.apply(another)
        #expect(try counts() == [4, 4])
        // A named customer writing again is still one customer.
        try desk.complaint("Alice", at: Self.t0 + 4 * Self.hour, aspects: ["delivery"])
        #expect(try counts() == [4, 4])
    }

    /// A deterministic generator (SplitMix64), so every seed gives the same order on every run.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// Fisher–Yates, written out so the order does not depend on the standard library's shuffle.
        mutating func shuffled<T>(_ items: [T]) -> [T] {
            var a = items
            for i in stride(from: a.count - 1, to: 0, by: -1) {
                let j = Int(next() % UInt64(i + 1))
                a.swapAt(i, j)
            }
            return a
        }
    }

    /// Seed 0 is the order of publication (the order that showed two customers before issue 15);
    /// the others are shuffles of it.
    @Test(arguments: [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144] as [UInt64])
    func everyProblemShowsAtLeastMinCustomersWhateverTheOrderOfArrival(seed: UInt64) throws {
        let desk = try Desk()
        // (author, source, hours after t0, aspects)
        let wave: [(String?, String, Double, [String])] = [
            ("Alice", "forum", 0, ["support", "quality"]),
            ("Bob", "reviews", 1, ["support"]),
            ("Carol", "forum", 2, ["support"]),
            ("Dave", "forum", 3, ["quality"]),
            ("Erin", "news", 4, ["quality"]),
            ("Alice", "forum", 5, ["quality"]),
            (nil, "reviews", 6, ["quality"]),
            (nil, "forum", 7, ["support", "billing"]),
            ("Frank", "reviews", 8, ["billing"]),
            ("Grace", "news", 9, ["billing", "quality"]),
            ("Heidi", "forum", 10, ["billing", "support"]),
        ]
        var rng = SplitMix64(state: seed)
        let order = seed == 0 ? Array(wave.indices) : rng.shuffled(Array(wave.indices))
        // Each mention is stored and triaged as it arrives, a minute apart, a day after the wave.
        for (arrival, i) in order.enumerated() {
            let (author, source, after, aspects) = wave[i]
            let m = try desk.mention(author, on: source, at: Self.t0 + after * Self.hour, aspects: aspects)
            _ = try desk.apply(m, now: Self.t0 + Self.day + Double(arrival) * 60)
        }
        let counts = try Self.problemCustomers(desk, digestEnd: Self.t0 + 2 * Self.day)
        #expect(Set(counts.compactMap(\.problem.aspect)) == ["support", "quality", "billing"], "order \(order)")
        #expect(counts.count == 3, "one problem per aspect; order \(order)")
        for c in counts {
            #expect(c.count >= 3, "problem \(c.problem.aspect ?? "") shows \(c.count) customers; order \(order)")
            #expect(c.digest == c.count, "problem \(c.problem.aspect ?? ""): digest \(c.digest.map(String.init) ?? "missing"), count \(c.count); order \(order)")
        }
    }

    // MARK: - History (backfill) mentions

    @Test func aHistoryMentionWithNoOpenCaseOpensNothingAndSendsNothing() throws {
        let desk = try Desk()
        let old = try desk.mention("Alice", at: Self.t0 - 10 * Self.day, compound: -0.9, aspects: ["billing"])
        let outcome = try desk.history(old, now: Self.t0)
        #expect(outcome.keptAsHistory)
        #expect(outcome.openedCase == nil && outcome.joinedCase == nil && outcome.reopenedCase == nil && outcome.openedProblem == nil)
        #expect(outcome.alertsQueued == 0)
        #expect(try desk.cases(kind: "incident").isEmpty)
        #expect(try desk.outbox().isEmpty)
        // A mention no rule matches is not "kept as history": nothing was held back.
        let happy = try desk.history(desk.mention("Bob", at: Self.t0 - 9 * Self.day, compound: 0.8, complaint: false), now: Self.t0)
        #expect(happy == TriageOutcome())
        // The same customer's live complaint opens a case as usual.
        let live = try desk.complaint("Alice", at: Self.t0 + Self.hour)
        #expect(live.openedCase != nil)
        #expect(live.keptAsHistory == false)
    }

    @Test func aHistoryMentionJoinsTheCustomersOpenCaseQuietly() throws {
        let desk = try Desk()
        let caseID = try #require(try desk.complaint("Alice", at: Self.t0).openedCase)
        #expect(try desk.outbox().count == 1)

        let old = try desk.mention("Alice", at: Self.t0 - 3 * Self.day)
        let outcome = try desk.history(old, now: Self.t0 + Self.hour)
        #expect(outcome.joinedCase == caseID)
        #expect(outcome.keptAsHistory == false)
        #expect(outcome.alertsQueued == 0)
        #expect(try desk.mentions(caseID).contains(old.mentionID))
        let last = try #require(try desk.store.read { try $0.events(ofCase: caseID) }.last)
        #expect(last.kind == "mention added")
        #expect(last.detail?.hasSuffix("(history)") == true, "detail: \(last.detail ?? "nil")")
        #expect(last.detail?.contains("mention \(old.mentionID)") == true)
        #expect(try desk.outbox().count == 1, "only the live complaint's 'opened' alert")
        #expect(try desk.record(caseID).status == "open")

        // A live mention still announces itself in the case's thread.
        let live = try desk.complaint("Alice", at: Self.t0 + 2 * Self.hour)
        #expect(live.joinedCase == caseID && live.alertsQueued == 1)
        let detail = try desk.store.read { try $0.events(ofCase: caseID) }.last?.detail
        #expect(detail?.hasSuffix("(history)") == false)
    }

    @Test func aHistoryMentionNeverReopensARecentlyResolvedCase() throws {
        let desk = try Desk()
        let caseID = try #require(try desk.complaint("Alice", at: Self.t0).openedCase)
        _ = try desk.act(.resolve(note: "refunded"), on: caseID, at: Self.t0 + Self.day)
        let alertsBefore = try desk.outbox().count

        // Well inside the 14-day reopen window, whether published before or after the resolution.
        for published in [Self.t0 - 2 * Self.day, Self.t0 + 2 * Self.day] {
            let outcome = try desk.history(desk.mention("Alice", at: published), now: Self.t0 + 3 * Self.day)
            #expect(outcome.reopenedCase == nil && outcome.openedCase == nil && outcome.joinedCase == nil)
            #expect(outcome.keptAsHistory)
            #expect(outcome.alertsQueued == 0)
        }
        #expect(try desk.record(caseID).status == "resolved")
        #expect(try desk.events(caseID).contains("reopened") == false)
        #expect(try desk.cases(kind: "incident").count == 1)
        #expect(try desk.outbox().count == alertsBefore)

        // A live complaint in the window does reopen it.
        #expect(try desk.complaint("Alice", at: Self.t0 + 4 * Self.day).reopenedCase == caseID)
    }

    @Test func aHistoryMentionAttachesToAnOpenProblemWithoutAnUpdateAlert() throws {
        let desk = try Desk()
        try desk.complaint("Alice", at: Self.t0, aspects: ["billing"])
        try desk.complaint("Bob", on: "reviews", at: Self.t0 + Self.hour, aspects: ["billing"])
        let problem = try #require(try desk.complaint("Carol", on: "news", at: Self.t0 + 2 * Self.hour, aspects: ["billing"]).openedProblem)
        // Dave has an open case about something else.
        let dave = try #require(try desk.complaint("Dave", at: Self.t0 + 3 * Self.hour).openedCase)
        #expect(try desk.record(dave).problemID == nil)
        let alertsBefore = try desk.outbox().count

        // Backfill brings Dave's older billing complaint.
        let old = try desk.mention("Dave", at: Self.t0 - Self.day, aspects: ["billing"])
        let outcome = try desk.history(old, now: Self.t0 + 4 * Self.hour)
        #expect(outcome.joinedCase == dave)
        #expect(outcome.openedProblem == nil)
        #expect(outcome.alertsQueued == 0)
        #expect(try desk.mentions(problem).contains(old.mentionID), "the history mention is part of the problem")
        #expect(try desk.record(dave).problemID == problem)
        #expect(try desk.store.read { try $0.customerCount(ofProblem: problem) } == 4, "and Dave is counted")
        #expect(try desk.events(named: "problem update").isEmpty)
        #expect(try desk.outbox().count == alertsBefore)
        #expect(try desk.cases(kind: "problem").count == 1)
    }

    @Test func historyMentionsNeverOpenAProblemEvenAtMinCustomers() throws {
        let desk = try Desk()
        // Three customers with open cases about something else.
        let cases = try ["Alice", "Bob", "Carol"].enumerated().map { i, name in
            try #require(try desk.complaint(name, on: ["forum", "reviews", "news"][i], at: Self.t0 + Double(i) * Self.hour).openedCase)
        }
        let alertsBefore = try desk.outbox().count
        // Backfill brings each one's older delivery complaint: three customers in the window.
        for (i, name) in ["Alice", "Bob", "Carol"].enumerated() {
            let old = try desk.mention(name, on: ["forum", "reviews", "news"][i], at: Self.t0 - 2 * Self.day + Double(i) * Self.hour,
                                       aspects: ["delivery"])
            let outcome = try desk.history(old, now: Self.t0 + 4 * Self.hour)
            #expect(outcome.joinedCase == cases[i])
            #expect(outcome.openedProblem == nil)
            #expect(outcome.alertsQueued == 0)
        }
        // And a fourth customer with no open case: kept as history, not a fourth customer of anything.
        #expect(try desk.history(desk.mention("Dave", at: Self.t0 - Self.day, aspects: ["delivery"]), now: Self.t0 + 4 * Self.hour).keptAsHistory)
        #expect(try desk.cases(kind: "problem").isEmpty)
        #expect(try desk.events(named: "problem opened").isEmpty)
        #expect(try desk.outbox().count == alertsBefore)
    }
}

extension TriageScenarioTests.Desk {
    /// Triages a history mention (published before the backfill horizon) at `now`.
    func history(_ m: TriageMention, now: Date) throws -> TriageOutcome {
        try store.write { try triage.apply(m, in: $0, now: now, isHistory: true) }
    }

    /// Stores one negative mention (no aspects, no case) at each time, in one transaction.
    func storeNegatives(at times: [Date]) throws {
        try store.write { tx in
            for at in times {
                serial += 1
                let id = try tx.upsertMention(NewMention(sourceID: sources["forum"]!, itemKey: "negative-\(serial)", fingerprint: "fp-\(serial)",
                                                         url: nil, title: nil, author: "user \(serial)", body: "bad", publishedAt: at,
                                                         fetchedAt: at, rating: nil, bestRating: nil, worstRating: nil)).mentionID
                try tx.saveScore(mentionID: id, publishedAt: at, ScoreRecord(compound: -0.5, pos: 0, neu: 0.5, neg: 0.5, label: "negative",
                                                                             isComplaint: false, aspects: [], reasons: [], decidedBy: "text"))
            }
        }
    }
}
