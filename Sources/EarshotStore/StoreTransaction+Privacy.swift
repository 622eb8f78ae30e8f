import Foundation
import GRDB

/// How long customers' words are kept (`retention:`): older mentions and closed cases lose their
/// text, author, links and identities; their numbers (scores, ratings, counts) stay, so digests
/// and trends of those days still draw.
public struct RetentionPolicy: Sendable, Equatable {
    public var mentions: TimeInterval?
    public var closedCases: TimeInterval?
    public init(mentions: TimeInterval? = nil, closedCases: TimeInterval? = nil) {
        self.mentions = mentions
        self.closedCases = closedCases
    }
    public var isEmpty: Bool { mentions == nil && closedCases == nil }
}

/// What a purge or an erasure took away (or, dry, would take).
public struct ErasureCounts: Sendable, Equatable, Codable {
    public var mentions = 0
    public var cases = 0
    public var identities = 0
    public var alerts = 0
    public var sightings = 0
    public init() {}
    public var isEmpty: Bool { mentions + cases + identities + alerts + sightings == 0 }
    public var summary: String {
        "\(mentions) mention\(mentions == 1 ? "" : "s"), \(cases) case\(cases == 1 ? "" : "s"), "
            + "\(identities) identit\(identities == 1 ? "y" : "ies"), \(alerts) sent alert\(alerts == 1 ? "" : "s"), "
            + "\(sightings) cop\(sightings == 1 ? "y" : "ies")"
    }
}

extension StoreTransaction {
    /// Blanks what `policy` says is too old (never twice: rows already blank are not counted), or
    /// with `dryRun` only counts it.
    public func purge(_ policy: RetentionPolicy, now: Date, dryRun: Bool) throws -> ErasureCounts {
        var counts = ErasureCounts()
        // Closed cases first: their mentions go with them.
        if let keep = policy.closedCases {
            let cutoff = now.timeIntervalSince1970 - keep
            let ids = try Int64.fetchAll(db, sql: """
                SELECT id FROM cases WHERE status = 'closed' AND COALESCE(closed_at, updated_at) < ?
                  AND (customer IS NOT NULL OR url IS NOT NULL OR title != 'Erased case')
                """, arguments: [cutoff])
            counts = try erase(cases: ids, mentions: [], dryRun: dryRun)
        }
        if let keep = policy.mentions {
            let cutoff = now.timeIntervalSince1970 - keep
            let ids = try Int64.fetchAll(db, sql: """
                SELECT id FROM mentions WHERE published_at < ? AND (body != '' OR author IS NOT NULL OR title IS NOT NULL OR url IS NOT NULL)
                """, arguments: [cutoff])
            let more = try erase(cases: [], mentions: ids, dryRun: dryRun)
            counts.mentions += more.mentions
            counts.sightings += more.sightings
            // Sent or dead alerts of that age carried excerpts; pending ones are still to go.
            let alerts = "FROM outbox WHERE created_at < ? AND state != 'pending'"
            counts.alerts += try Int.fetchOne(db, sql: "SELECT COUNT(*) \(alerts)", arguments: [cutoff]) ?? 0
            if !dryRun { try db.execute(sql: "DELETE \(alerts)", arguments: [cutoff]) }
        }
        if !dryRun && !counts.isEmpty { try audit(action: "purge", detail: counts.summary, at: now, actor: "retention") }
        return counts
    }

    /// Erases one person everywhere: their mentions (by author) and every case that is theirs (by
    /// customer name or identity key), with those cases' mentions, identities and history notes,
    /// and every alert that named them. Recorded in the audit log without who it was.
    public func forget(author: String, identityKeys: [String], now: Date, actor: String, dryRun: Bool) throws -> ErasureCounts {
        let name = author.trimmingCharacters(in: .whitespaces)
        var cases = Set(try Int64.fetchAll(db, sql: "SELECT id FROM cases WHERE customer = ? COLLATE NOCASE", arguments: [name]))
        for key in identityKeys {
            cases.formUnion(try Int64.fetchAll(db, sql: "SELECT case_id FROM case_identities WHERE identity = ?", arguments: [key]))
        }
        var mentions = Set(try Int64.fetchAll(db, sql: "SELECT id FROM mentions WHERE author = ? COLLATE NOCASE", arguments: [name]))
        for key in identityKeys {
            mentions.formUnion(try Int64.fetchAll(db, sql: """
                SELECT id FROM mentions WHERE identity IS NOT NULL AND instr(char(10) || identity || char(10), char(10) || ? || char(10)) > 0
                """, arguments: [key]))
        }
        var counts = try erase(cases: cases.sorted(), mentions: mentions.sorted(), dryRun: dryRun)
        // Alerts naming them, whatever their state (a pending one would send their words later).
        let alertFilter = "FROM outbox WHERE instr(lower(payload), lower(?)) > 0 OR instr(lower(subject), lower(?)) > 0"
        counts.alerts += try Int.fetchOne(db, sql: "SELECT COUNT(*) \(alertFilter)", arguments: [name, name]) ?? 0
        if !dryRun {
            try db.execute(sql: "DELETE \(alertFilter)", arguments: [name, name])
            if !counts.isEmpty { try audit(action: "forget", detail: counts.summary, at: now, actor: actor) }
        }
        return counts
    }

    /// Blanks the given cases (title, customer, link, identities, notes) and mentions (text,
    /// title, author, link, copies' links), the cases' own mentions included.
    private func erase(cases: [Int64], mentions: [Int64], dryRun: Bool) throws -> ErasureCounts {
        var counts = ErasureCounts()
        var mentionIDs = Set(mentions)
        for id in cases {
            mentionIDs.formUnion(try Int64.fetchAll(db, sql: "SELECT mention_id FROM case_mentions WHERE case_id = ?", arguments: [id]))
            counts.identities += try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_identities WHERE case_id = ?", arguments: [id]) ?? 0
            if !dryRun {
                try db.execute(sql: "UPDATE cases SET title = 'Erased case', customer = NULL, url = NULL WHERE id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM case_identities WHERE case_id = ?", arguments: [id])
                try db.execute(sql: "UPDATE case_events SET detail = NULL WHERE case_id = ? AND detail IS NOT NULL", arguments: [id])
            }
        }
        counts.cases = cases.count
        for id in mentionIDs.sorted() {
            let blank = try Bool.fetchOne(db, sql: """
                SELECT body = '' AND author IS NULL AND title IS NULL AND url IS NULL AND COALESCE(identity, '') = ''
                FROM mentions WHERE id = ?
                """, arguments: [id]) ?? true
            if !blank { counts.mentions += 1 }
            counts.sightings += try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM mention_sightings WHERE mention_id = ? AND url IS NOT NULL", arguments: [id]) ?? 0
            if !dryRun {
                try db.execute(sql: "UPDATE mentions SET body = '', title = NULL, author = NULL, url = NULL, identity = NULL, reply_to_link = NULL WHERE id = ?",
                               arguments: [id])
                try db.execute(sql: "UPDATE mention_sightings SET url = NULL WHERE mention_id = ?", arguments: [id])
            }
        }
        return counts
    }

    func audit(action: String, detail: String, at: Date, actor: String) throws {
        try db.execute(sql: "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)",
                       arguments: [at.timeIntervalSince1970, actor, action, detail])
    }

    /// The audit log, newest first.
    public func auditLog(limit: Int = 100) throws -> [(at: Date, actor: String, action: String, detail: String)] {
        try Row.fetchAll(db, sql: "SELECT at, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
            (Date(timeIntervalSince1970: $0[0]), $0[1], $0[2], $0[3])
        }
    }
}

extension Store {
    /// Runs an erasure (purge, forget) so that it leaves no trace in the file: SQLite's
    /// secure_delete zeroes the space the old words held, and a truncating checkpoint empties the
    /// write-ahead log that still held the pages as they were.
    public func erasing<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        problemMemo.clear()   // authors erased: customers count otherwise
        defer { problemMemo.clear() }
        let result = try pool.writeWithoutTransaction { db -> T in
            try db.execute(sql: "PRAGMA secure_delete = ON")
            defer { try? db.execute(sql: "PRAGMA secure_delete = OFF") }
            var value: T?
            try db.inTransaction {
                value = try body(StoreTransaction(db: db, spool: spool))
                return .commit
            }
            return value!
        }
        try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        return result
    }

    /// Rewrites the file without its free pages (`earshot purge --vacuum`): smaller, and nothing
    /// erased survives in free space.
    public func vacuum() throws {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM")
            _ = try db.checkpoint(.truncate)
        }
    }
}
