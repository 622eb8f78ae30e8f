import Foundation
import GRDB

/// One `earshot run` as the store recorded it, for a replay.
public struct RunRecord: Sendable {
    public var id: Int64
    public var startedAt: Date
    public var finishedAt: Date?
    /// The backfill horizon the run read history by (nil before it was recorded, or for a fetch-only run).
    public var horizon: Date?
    /// Whether the run processed documents and did its clock work (false for `earshot fetch`).
    public var processed: Bool
}

/// Counts of what triage did, per day and kind (`cases opened`, `alerts to CHANNEL`, …).
public struct TriageFigures: Sendable, Equatable, Codable {
    /// Day (YYYY-MM-DD, UTC) → kind → count.
    public var days: [String: [String: Int]] = [:]
    public init() {}

    public var totals: [String: Int] {
        var out: [String: Int] = [:]
        for (_, kinds) in days { for (kind, n) in kinds { out[kind, default: 0] += n } }
        return out
    }
}

extension Store {
    /// Copies the store at `path` into a new file at `target` without writing to it: the store is
    /// opened read-only and read through SQLite's online backup, a snapshot that runs going on
    /// meanwhile do not disturb. The copy is brought up to the current schema.
    public static func snapshot(of path: String, to target: String) throws -> Store {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.open, "store: no store at \(path); run `earshot run` first, or pass --store PATH")
        }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(10)
            let live = try DatabaseQueue(path: path, configuration: configuration)
            let copy = try DatabaseQueue(path: target)
            try live.backup(to: copy)
            try copy.close()
            try live.close()
        } catch let error as DatabaseError {
            throw StoreError(.open, "store: cannot read \(path) (\(error.message ?? "\(error.resultCode)")); check the path and its permissions")
        }
        return try Store(path: target)
    }

    /// Makes this store (a copy: never the live one) ready to replay its mentions: every case,
    /// case event, alert, spike and copy goes, and the mentions and their scores move aside, to
    /// come back run by run (``StoreTransaction/releaseMentions(through:)``) as they first came.
    public func prepareReplay() throws {
        problemMemo.clear()
        try pool.write { db in
            try db.execute(sql: """
                DELETE FROM case_mentions; DELETE FROM case_events; DELETE FROM case_identities;
                UPDATE cases SET problem_id = NULL, merged_into = NULL; DELETE FROM cases;
                DELETE FROM outbox; DELETE FROM spikes; DELETE FROM settings WHERE key LIKE 'spikes.%';
                DELETE FROM mention_sightings; DELETE FROM fetched_documents;
                CREATE TABLE replay_mentions AS SELECT * FROM mentions;
                CREATE INDEX replay_mentions_by_fetch ON replay_mentions(fetched_at);
                CREATE TABLE replay_scores AS SELECT * FROM scores;
                CREATE UNIQUE INDEX replay_scores_by_mention ON replay_scores(mention_id);
                DELETE FROM scores; DELETE FROM mentions;
                """)
        }
    }

    /// The runs the store recorded, oldest first.
    public func runs() throws -> [RunRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, started_at, finished_at, horizon, summary FROM runs ORDER BY id").map { row in
                let summary: String? = row["summary"]
                let horizon = Store.date(row["horizon"])
                return RunRecord(id: row["id"], startedAt: Date(timeIntervalSince1970: row["started_at"]),
                                 finishedAt: Store.date(row["finished_at"]), horizon: horizon,
                                 processed: horizon != nil || !(summary ?? "").contains("\"processed\":false"))
            }
        }
    }
}

extension StoreTransaction {
    /// Brings back the set-aside mentions fetched after `after` (those up to it were brought back
    /// already) and up to `through` (all that remain when nil) with their scores, under their own
    /// ids; returns them in the order they were first stored.
    public func releaseMentions(after: Date?, through: Date?) throws -> [MentionRecord] {
        var clauses: [String] = [], args: StatementArguments = []
        if let after { clauses.append("fetched_at > ?"); args += [after.timeIntervalSince1970] }
        if let through { clauses.append("fetched_at <= ?"); args += [through.timeIntervalSince1970] }
        let filter = clauses.isEmpty ? "1" : clauses.joined(separator: " AND ")
        let ids = try Int64.fetchAll(db, sql: "SELECT id FROM replay_mentions WHERE \(filter) ORDER BY id", arguments: args)
        var out: [MentionRecord] = []
        out.reserveCapacity(ids.count)
        for start in stride(from: 0, to: ids.count, by: 500) {
            let list = ids[start..<min(start + 500, ids.count)].map(String.init).joined(separator: ",")
            try db.execute(sql: "INSERT INTO mentions SELECT * FROM replay_mentions WHERE id IN (\(list))")
            try db.execute(sql: "INSERT INTO scores SELECT * FROM replay_scores WHERE mention_id IN (\(list))")
            out += try Row.fetchAll(db, sql: Self.mentionSelect + " WHERE m.id IN (\(list)) ORDER BY m.id").map(MentionRecord.init(row:))
        }
        return out
    }

    /// What triage did in [from, to), per day (UTC) and kind: incidents opened and reopened,
    /// problems opened, escalations, follow-ups announced, and alerts queued per channel.
    public func triageFigures(from: Date, to: Date) throws -> TriageFigures {
        var figures = TriageFigures()
        let range: StatementArguments = [from.timeIntervalSince1970, to.timeIntervalSince1970]
        func day(_ column: String) -> String { "strftime('%Y-%m-%d', \(column), 'unixepoch')" }
        func add(_ sql: String) throws {
            for row in try Row.fetchAll(db, sql: sql, arguments: range) {
                let d: String = row[0], kind: String = row[1], n: Int = row[2]
                figures.days[d, default: [:]][kind, default: 0] += n
            }
        }
        try add("""
            SELECT \(day("opened_at")), CASE kind WHEN 'incident' THEN 'cases opened' ELSE 'problems opened' END, COUNT(*)
            FROM cases WHERE opened_at >= ? AND opened_at < ? GROUP BY 1, 2
            """)
        try add("""
            SELECT \(day("at")), CASE kind WHEN 'reopened' THEN 'cases reopened' WHEN 'escalated' THEN 'escalations' ELSE 'follow-ups due' END,
                   COUNT(*)
            FROM case_events WHERE at >= ? AND at < ? AND kind IN ('reopened', 'escalated', 'follow-up due') GROUP BY 1, 2
            """)
        try add("""
            SELECT \(day("created_at")), 'alerts to ' || channel, COUNT(*)
            FROM outbox WHERE created_at >= ? AND created_at < ? GROUP BY 1, 2
            """)
        return figures
    }
}

/// What a person did to a case (acknowledged, assigned, resolved, …), as a replay repeats it: on
/// whichever case holds the same customer's first mention then.
public struct PersonAction: Sendable {
    public var at: Date
    public var actor: String
    /// The event's kind as the case history records it (`acknowledged`, `resolved`, …).
    public var kind: String
    public var detail: String?
    public var caseKind: String
    /// The case's first mention of a customer (nil when it had none: nothing to find it by).
    public var mentionID: Int64?
}

extension Store {
    /// The actions people took on cases (every event not recorded by `system`), oldest first.
    public func personActions(system: String) throws -> [PersonAction] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT e.at, e.actor, e.kind, e.detail, c.kind AS case_kind,
                       (SELECT MIN(cm.mention_id) FROM case_mentions cm JOIN mentions m ON m.id = cm.mention_id
                        WHERE cm.case_id = e.case_id AND m.is_brand = 0) AS mention_id
                FROM case_events e JOIN cases c ON c.id = e.case_id
                WHERE e.actor != ? AND e.kind IN ('acknowledged', 'assigned', 'resolved', 'follow-up: satisfied',
                                                 'follow-up: not satisfied', 'reopened', 'closed')
                ORDER BY e.at, e.id
                """, arguments: [system]).map { row in
                PersonAction(at: Date(timeIntervalSince1970: row["at"]), actor: row["actor"], kind: row["kind"], detail: row["detail"],
                             caseKind: row["case_kind"], mentionID: row["mention_id"])
            }
        }
    }
}

extension StoreTransaction {
    /// The live (not merged) case of this kind that holds the mention, the newest when several do.
    public func caseHolding(mentionID: Int64, kind: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: """
            SELECT c.id FROM case_mentions cm JOIN cases c ON c.id = cm.case_id
            WHERE cm.mention_id = ? AND c.kind = ? AND c.merged_into IS NULL ORDER BY c.id DESC LIMIT 1
            """, arguments: [mentionID, kind])
    }
}
