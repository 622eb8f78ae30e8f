import Foundation
import Testing
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
}


extension TriageScenarioTests.Desk {
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
