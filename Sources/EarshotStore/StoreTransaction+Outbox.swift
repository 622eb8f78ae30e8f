import Foundation
import GRDB

extension StoreTransaction {
    /// Queues an alert in the same transaction as the change that causes it.
    /// The (key, channel) pair is unique: the same alert is never queued twice.
    @discardableResult
    public func enqueueAlert(key: String, channel: String, subject: String, payload: String, now: Date) throws -> Bool {
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO outbox (idempotency_key, channel, subject, payload, next_attempt_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [key, channel, subject, payload, now.timeIntervalSince1970, now.timeIntervalSince1970])
        return db.changesCount > 0
    }

    /// Whether an alert with this key was ever queued on this channel (the pair `enqueueAlert` would ignore).
    public func alertQueued(key: String, channel: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM outbox WHERE idempotency_key = ? AND channel = ?)"),
                          arguments: [key, channel]) ?? false
    }

    /// Whether an alert with this key was ever queued (on any channel).
    public func alertQueued(key: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM outbox WHERE idempotency_key = ?)"), arguments: [key]) ?? false
    }

    /// Pending alerts whose attempt time has come, in the order they were queued. All of them: a
    /// run delivers its whole backlog (many of one kind become one summary on people's channels).
    public func dueAlerts(at now: Date) throws -> [OutboxRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id"),
                         arguments: [now.timeIntervalSince1970]).map(OutboxRecord.init(row:))
    }

    /// The due alerts of the channels in `channels` (or, with `included` false, of every other channel) after
    /// the id `after`, in queue order, at most `limit`: delivery reads a first run's thousands a chunk at a time
    /// (walking `outbox_pending_in_order` from `after`: no chunk sorts what is left).
    public func dueAlerts(at now: Date, channels: Set<String>, included: Bool, after: Int64, limit: Int?) throws -> [OutboxRecord] {
        let names = channels.sorted()
        let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
        // `channel NOT IN ()` is not SQL: with no channels named, "every other channel" is every channel.
        let which = names.isEmpty ? (included ? "AND 0" : "") : "AND channel \(included ? "" : "NOT ")IN (\(marks))"
        var values: [any DatabaseValueConvertible] = [now.timeIntervalSince1970, after]
        values += names
        let args = StatementArguments(values)
        return try Row.fetchAll(db.makeStatement(sql: """
            SELECT * FROM outbox WHERE state = 'pending' AND +next_attempt_at <= ? AND id > ? \(which)
            ORDER BY id\(limit.map { " LIMIT \($0)" } ?? "")
            """), arguments: args).map(OutboxRecord.init(row:))
    }

    public func alerts(state: String? = nil) throws -> [OutboxRecord] {
        if let state {
            return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM outbox WHERE state = ? ORDER BY id"), arguments: [state]).map(OutboxRecord.init(row:))
        }
        return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM outbox ORDER BY id")).map(OutboxRecord.init(row:))
    }

    /// Marks a due alert as being sent, just before the network call, in a transaction of its own
    /// that commits first. False when another deliverer claimed, sent or buried it since `alert`
    /// was read (the claim it carried is the one compared). A pending row that still carries a
    /// claim when the next delivery reads it was cut off mid-send: it may have arrived.
    public func claimAlert(_ alert: OutboxRecord, at: Date) throws -> Bool {
        try db.cachedStatement(sql: "UPDATE outbox SET claimed_at = ? WHERE id = ? AND state = 'pending' AND claimed_at IS ?").execute(
                       arguments: [at.timeIntervalSince1970, alert.id, alert.claimedAt?.timeIntervalSince1970])
        return db.changesCount > 0
    }

    /// The same for many alerts, in one statement per few hundred (a delivery to a file marks thousands).
    public func markAlertsSent(ids: [Int64], now: Date) throws {
        for list in Self.idLists(ids) {
            try db.cachedStatement(sql: """
                UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL
                WHERE id IN (SELECT value FROM json_each(?))
                """).execute(arguments: [now.timeIntervalSince1970, list])
        }
    }

    /// Ids as JSON arrays of at most 500 (for `json_each`: one statement changes a few hundred rows).
    static func idLists(_ ids: [Int64]) -> [String] {
        stride(from: 0, to: ids.count, by: 500).map { start in
            "[" + ids[start ..< min(start + 500, ids.count)].map(String.init).joined(separator: ",") + "]"
        }
    }

    /// Claims many alerts (``claimAlert(_:at:)`` for each, the same rows changed): those never claimed in one statement per
    /// few hundred (two statements each), the rest one by one; returns the ids claimed.
    public func claimAlerts(_ alerts: [OutboxRecord], at: Date) throws -> Set<Int64> {
        var claimed = Set<Int64>()
        for list in Self.idLists(alerts.filter { $0.claimedAt == nil }.map(\.id)) {
            // The ids, then the update with the same condition, in this transaction (RETURNING needs SQLite 3.35).
            let ids = try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT id FROM outbox WHERE id IN (SELECT value FROM json_each(?)) AND state = 'pending' AND claimed_at IS NULL
                """), arguments: [list])
            try db.cachedStatement(sql: """
                UPDATE outbox SET claimed_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND state = 'pending' AND claimed_at IS NULL
                """).execute(arguments: [at.timeIntervalSince1970, list])
            claimed.formUnion(ids)
        }
        for alert in alerts where alert.claimedAt != nil {
            if try claimAlert(alert, at: at) { claimed.insert(alert.id) }
        }
        return claimed
    }

    public func markAlertSent(id: Int64, now: Date) throws {
        try db.cachedStatement(sql: "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?").execute(
                       arguments: [now.timeIntervalSince1970, id])
    }

    /// Records a failed attempt; after `maxAttempts` the alert is dead.
    public func markAlertFailed(id: Int64, error: String, nextAttempt: Date, maxAttempts: Int) throws {
        try db.cachedStatement(sql: """
            UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, claimed_at = NULL,
                state = CASE WHEN attempts + 1 >= ? THEN 'dead' ELSE 'pending' END
            WHERE id = ?
            """).execute(arguments: [error, nextAttempt.timeIntervalSince1970, maxAttempts, id])
    }

    /// Makes dead alerts pending again (all, or one id); returns how many.
    public func retryDeadAlerts(id: Int64?, now: Date) throws -> Int {
        if let id {
            try db.cachedStatement(sql: "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ? AND state = 'dead'").execute(
                           arguments: [now.timeIntervalSince1970, id])
        } else {
            try db.cachedStatement(sql: "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE state = 'dead'").execute(
                           arguments: [now.timeIntervalSince1970])
        }
        return db.changesCount
    }

    /// Makes pending alerts that wait for their next attempt (after a failure) due now (all, or
    /// one id); returns how many.
    public func retryWaitingAlerts(id: Int64?, now: Date) throws -> Int {
        try db.cachedStatement(sql: """
            UPDATE outbox SET next_attempt_at = ? WHERE state = 'pending' AND next_attempt_at > ? AND (? IS NULL OR id = ?)
            """).execute(arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970, id, id])
        return db.changesCount
    }

    /// Whether a digest for this period key was already sent; marks it when `mark` is true.
    public func digestSent(periodKey: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM digests_sent WHERE period_key = ?)"), arguments: [periodKey]) ?? false
    }

    public func markDigestSent(periodKey: String, now: Date) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO digests_sent (period_key, sent_at) VALUES (?, ?)").execute(
                       arguments: [periodKey, now.timeIntervalSince1970])
    }

    /// Starts a run's record. Runs still marked running were killed: the caller holds the run
    /// lock, so no other run is going on.
    /// Records a run's start, and the backfill horizon it reads history by (nil for a fetch-only run).
    public func startRun(now: Date, horizon: Date? = nil) throws -> Int64 {
        try db.cachedStatement(sql: "UPDATE runs SET status = 'interrupted' WHERE status = 'running'").execute()
        try db.cachedStatement(sql: "INSERT INTO runs (started_at, status, horizon) VALUES (?, 'running', ?)")
            .execute(arguments: [now.timeIntervalSince1970, horizon?.timeIntervalSince1970])
        return db.lastInsertedRowID
    }

    public func finishRun(_ id: Int64, status: String, summary: String, now: Date) throws {
        try db.cachedStatement(sql: "UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?").execute(
                       arguments: [now.timeIntervalSince1970, status, summary, id])
    }
}
