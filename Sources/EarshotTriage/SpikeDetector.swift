import Foundation
import EarshotStore

/// Finds bursts of negative mentions: hours far above the usual rate.
///
/// Each complete hour since the last run is compared with a baseline: the median and the
/// median absolute deviation (MAD) of the negatives in the same hour of the week over the
/// previous weeks when there are at least two of them, else of every hour of the previous
/// seven days. An hour is a spike when it exceeds median + 4·1.4826·MAD (1.4826 makes the
/// MAD comparable with a standard deviation; four of them is rare by chance) and reaches an
/// absolute floor, so that two negatives on a quiet night are not a storm. One alert when a
/// spike starts, one note when it ends; hours inside a spike only extend it.
///
/// Data arrive late (a feed fetched hours after its posts, a source that was failing): an hour
/// evaluated by an earlier run that received new negative mentions since is evaluated again,
/// once per hour, and a burst found then is reported as a spike of its own. Hours before
/// `alertsFrom` (the backfill horizon) are recorded for the digest but announce nothing.
public struct SpikeDetector: Sendable {
    /// No spike is called before this much history exists.
    public var warmUp: TimeInterval = 3 * 86_400
    /// The fewest negatives in one hour that can ever be a spike.
    public var minimumNegatives = 4
    public var sensitivity = 4.0
    /// How far back a first evaluation reaches.
    public var lookBack = 7 * 86_400
    public var channels: [String]
    public var actor = "earshot"

    public init(channels: [String]) { self.channels = channels }

    public struct Change: Sendable, Equatable { public var started: [Int64] = []; public var ended: [Int64] = [] }

    public func evaluate(in tx: StoreTransaction, now: Date, alertsFrom: Date = .distantPast) throws -> Change {
        var change = Change()
        let currentHour = Int(now.timeIntervalSince1970 / 3600)
        guard let first = try tx.firstMentionTime() else { return change }
        let previousBookmark = try tx.setting("spikes.evaluated_through").flatMap(Int.init)
        let bookmark = previousBookmark ?? (currentHour - lookBack / 3600 - 1)
        let seenMention = try tx.setting("spikes.seen_mention").flatMap(Int64.init)
        var hour = max(bookmark + 1, currentHour - lookBack / 3600)
        let history = 5 * 7 * 24   // five weeks of hourly counts cover every baseline below
        let counts = try tx.negativesPerHour(fromHour: min(hour, currentHour - lookBack / 3600) - history, toHour: currentHour)
        // An hour is announced when any of it is after the horizon (it holds live mentions).
        let announce = { (start: Date) in start.addingTimeInterval(3600) > alertsFrom }
        // Late data first: hours an earlier run evaluated that have received negatives since. (A
        // store from before this bookmark existed starts it now rather than call a week "late".)
        if let previousBookmark, let seenMention {
            let late = try tx.negativeHours(afterMention: seenMention, fromHour: currentHour - lookBack / 3600,
                                            throughHour: previousBookmark)
            for lateHour in late {
                let start = Date(timeIntervalSince1970: Double(lateHour) * 3600)
                guard start.timeIntervalSince(first) >= warmUp, try tx.spike(covering: start) == nil else { continue }
                let n = counts[lateHour] ?? 0
                let (median, mad) = baseline(hour: lateHour, counts: counts, first: first)
                guard Double(n) >= max(Double(minimumNegatives), median + sensitivity * 1.4826 * mad) else { continue }
                let id = try tx.startSpike(at: start, negatives: n, baseline: median)
                try tx.endSpike(id, at: start.addingTimeInterval(3600))
                change.started.append(id)
                if announce(start) {
                    try queue(Alert(key: "spike-hour-\(lateHour)-up", event: "spike started",
                                    subject: "Spike (late data): \(n) negative mentions in one hour",
                                    text: "\(n) negative mentions in the hour from \(Self.time(start)), against a usual \(Self.number(median)); they arrived late, after that hour was first looked at. Look at `earshot cases list` and the mentions of that hour.",
                                    fields: ["spike_id": String(id), "negatives": String(n), "late": "true"], thread: "spike-\(id)"), tx, now)
                }
            }
        }
        if let newest = try tx.newestMentionID() { try tx.setSetting("spikes.seen_mention", String(newest)) }
        while hour < currentHour {
            defer { hour += 1 }
            let start = Date(timeIntervalSince1970: Double(hour) * 3600)
            guard start.timeIntervalSince(first) >= warmUp else { continue }
            let n = counts[hour] ?? 0
            let (median, mad) = baseline(hour: hour, counts: counts, first: first)
            let threshold = max(Double(minimumNegatives), median + sensitivity * 1.4826 * mad)
            if let open = try tx.openSpike() {
                if Double(n) >= max(median + 1, Double(minimumNegatives) / 2) {
                    try tx.extendSpike(open.id, negatives: n)
                } else {
                    try tx.endSpike(open.id, at: start)
                    change.ended.append(open.id)
                    // The end is told wherever the start was (a spike may outlast the backfill horizon).
                    if try announce(open.startedAt) || tx.alertQueued(key: "spike-\(open.id)-started") { try queue(Alert(key: "spike-\(open.id)-ended", event: "spike ended",
                                    subject: "Spike over: negative mentions back to normal",
                                    text: "The spike of negative mentions that began \(Self.time(open.startedAt)) ended \(Self.time(start)): \(open.negatives) negatives, at most \(open.peak) in one hour (usually \(Self.number(open.baseline))).",
                                    fields: ["spike_id": String(open.id)], thread: "spike-\(open.id)"), tx, now) }
                }
            } else if Double(n) >= threshold {
                let id = try tx.startSpike(at: start, negatives: n, baseline: median)
                change.started.append(id)
                guard announce(start) else { continue }
                try queue(Alert(key: "spike-\(id)-started", event: "spike started",
                                subject: "Spike: \(n) negative mentions in one hour",
                                text: "\(n) negative mentions in the hour from \(Self.time(start)), against a usual \(Self.number(median)). Look at `earshot cases list` and the newest mentions.",
                                fields: ["spike_id": String(id), "negatives": String(n)], thread: "spike-\(id)"), tx, now)
            }
        }
        try tx.setSetting("spikes.evaluated_through", String(currentHour - 1))
        return change
    }

    /// Median and MAD of the comparable hours before `hour`.
    func baseline(hour: Int, counts: [Int: Int], first: Date) -> (Double, Double) {
        let firstHour = Int(first.timeIntervalSince1970 / 3600)
        let sameHourOfWeek = (1...4).map { hour - $0 * 168 }.filter { $0 >= firstHour }
        let sample = sameHourOfWeek.count >= 2
            ? sameHourOfWeek.map { counts[$0] ?? 0 }
            : (max(firstHour, hour - 168)..<hour).map { counts[$0] ?? 0 }
        guard !sample.isEmpty else { return (0, 0) }
        let median = Self.median(sample.map(Double.init))
        let mad = Self.median(sample.map { abs(Double($0) - median) })
        return (median, mad)
    }

    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    func queue(_ alert: Alert, _ tx: StoreTransaction, _ now: Date) throws {
        for channel in channels {
            try tx.enqueueAlert(key: alert.key, channel: channel, subject: alert.subject, payload: alert.payloadJSON(), now: now)
        }
    }

    static func time(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC"); f.dateFormat = "EEE d MMM HH:mm 'UTC'"
        return f.string(from: d)
    }

    static func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v) }
}
