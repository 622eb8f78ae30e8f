import Foundation
import GRDB

/// A burst of negative mentions, as the spike detector recorded it.
public struct SpikeRecord: Sendable, Equatable {
    public var id: Int64
    public var startedAt: Date
    public var endedAt: Date?
    public var negatives: Int
    public var peak: Int
    public var baseline: Double
    init(row: Row) {
        id = row["id"]; startedAt = Date(timeIntervalSince1970: row["started_at"]); endedAt = Store.date(row["ended_at"])
        negatives = row["negatives"]; peak = row["peak"]; baseline = row["baseline"]
    }
}

extension StoreTransaction {
    /// Negative mentions per hour (index = hours since 1970) for hours in [fromHour, toHour).
    public func negativesPerHour(fromHour: Int, toHour: Int) throws -> [Int: Int] {
        var out: [Int: Int] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT CAST(published_at / 3600 AS INTEGER) AS hour, COUNT(*) AS n FROM scores
            WHERE label = 'negative' AND published_at >= ? AND published_at < ? GROUP BY hour
            """), arguments: [Double(fromHour) * 3600, Double(toHour) * 3600]) {
            out[row["hour"]] = row["n"]
        }
        return out
    }

    /// The hours (since 1970) in [fromHour, throughHour] holding a negative mention stored after
    /// mention `afterMention` (late data for hours already evaluated), in order.
    public func negativeHours(afterMention: Int64, fromHour: Int, throughHour: Int) throws -> [Int] {
        guard fromHour <= throughHour else { return [] }
        return try Int.fetchAll(db.cachedStatement(sql: """
            SELECT DISTINCT CAST(published_at / 3600 AS INTEGER) AS hour FROM scores
            WHERE mention_id > ? AND label = 'negative' AND published_at >= ? AND published_at < ? ORDER BY hour
            """), arguments: [afterMention, Double(fromHour) * 3600, Double(throughHour + 1) * 3600])
    }

    /// The id of the newest stored mention.
    public func newestMentionID() throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(id) FROM mentions"))
    }

    /// A spike that covers this instant (open, or ended after it).
    public func spike(covering at: Date) throws -> SpikeRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM spikes WHERE started_at <= ? AND (ended_at IS NULL OR ended_at > ?) LIMIT 1"),
                         arguments: [at.timeIntervalSince1970, at.timeIntervalSince1970]).map(SpikeRecord.init(row:))
    }

    /// The publication time of the first stored mention (the detector's warm-up starts there).
    public func firstMentionTime() throws -> Date? {
        try Double.fetchOne(db.cachedStatement(sql: "SELECT MIN(published_at) FROM mentions")).map(Date.init(timeIntervalSince1970:))
    }

    public func setting(_ key: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM settings WHERE key = ?"), arguments: [key])
    }

    public func setSetting(_ key: String, _ value: String) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)").execute(arguments: [key, value])
    }

    public func openSpike() throws -> SpikeRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM spikes WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1")).map(SpikeRecord.init(row:))
    }

    public func startSpike(at: Date, negatives: Int, baseline: Double) throws -> Int64 {
        try db.cachedStatement(sql: "INSERT INTO spikes (started_at, negatives, peak, baseline) VALUES (?, ?, ?, ?)").execute(
                       arguments: [at.timeIntervalSince1970, negatives, negatives, baseline])
        return db.lastInsertedRowID
    }

    public func extendSpike(_ id: Int64, negatives: Int) throws {
        try db.cachedStatement(sql: "UPDATE spikes SET negatives = negatives + ?, peak = MAX(peak, ?) WHERE id = ?").execute(
                       arguments: [negatives, negatives, id])
    }

    public func endSpike(_ id: Int64, at: Date) throws {
        try db.cachedStatement(sql: "UPDATE spikes SET ended_at = ? WHERE id = ?").execute(arguments: [at.timeIntervalSince1970, id])
    }

    /// Spikes that overlap [from, to).
    public func spikes(from: Date, to: Date) throws -> [SpikeRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM spikes WHERE started_at < ? AND (ended_at IS NULL OR ended_at > ?) ORDER BY started_at"),
                         arguments: [to.timeIntervalSince1970, from.timeIntervalSince1970]).map(SpikeRecord.init(row:))
    }
}
