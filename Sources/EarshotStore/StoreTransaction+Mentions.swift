import Foundation
import GRDB

extension StoreTransaction {
    /// What the store holds of an item of a source, for ``upsertMention(_:known:)``: nil when it holds nothing.
    public struct StoredItem: Sendable {
        public let id: Int64
        let body: String
        let rating: Double?
        let title: String?
    }

    /// The source's stored mention of an item (by its key), if any.
    public func storedItem(sourceID: Int64, itemKey: String) throws -> StoredItem? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT id, body, rating, title FROM mentions WHERE source_id = ? AND item_key = ?"),
                         arguments: [sourceID, itemKey]).map { row in
            StoredItem(id: row[0], body: row[1], rating: row[2], title: row[3])
        }
    }

    /// Stores an item once: a known key with the same text and rating changes nothing; an edited
    /// text or rating updates the row in place and remembers the previous rating.
    public func upsertMention(_ m: NewMention) throws -> MentionUpsert {
        try upsertMention(m, known: storedItem(sourceID: m.sourceID, itemKey: m.itemKey))
    }

    /// ``upsertMention(_:)`` when the caller has read ``storedItem(sourceID:itemKey:)`` in this transaction (and
    /// written no mention of that key since).
    public func upsertMention(_ m: NewMention, known: StoredItem?) throws -> MentionUpsert {
        if let known {
            let id = known.id
            let oldRating = known.rating
            if known.body == m.body && oldRating == m.rating && known.title == m.title { return .unchanged(id) }
            try db.cachedStatement(sql: """
                UPDATE mentions SET body = ?, title = ?, rating = ?, best_rating = ?, worst_rating = ?, edited_at = ?,
                    previous_rating = CASE WHEN rating IS NOT ? THEN rating ELSE previous_rating END
                WHERE id = ?
                """).execute(arguments: [m.body, m.title, m.rating, m.bestRating, m.worstRating, m.fetchedAt.timeIntervalSince1970,
                                 m.rating, id])
            return .updated(id, previousRating: oldRating == m.rating ? nil : oldRating)
        }
        try db.cachedStatement(sql: """
            INSERT INTO mentions (source_id, item_key, fingerprint, url, title, author, body, published_at, fetched_at,
                                  rating, best_rating, worst_rating, identity, in_reply_to, reply_to_link, history, published_offset)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [m.sourceID, m.itemKey, m.fingerprint, m.url, m.title, m.author, m.body,
                             m.publishedAt.timeIntervalSince1970, m.fetchedAt.timeIntervalSince1970,
                             m.rating, m.bestRating, m.worstRating, m.identityKeys.joined(separator: "\n"),
                             m.inReplyTo, m.inReplyToLink, m.isHistory, m.publishedOffset])
        return .inserted(db.lastInsertedRowID)
    }

    /// Stores (or replaces) the score of a mention.
    public func saveScore(mentionID: Int64, publishedAt: Date, _ s: ScoreRecord) throws {
        // An upsert, not INSERT OR REPLACE: the same row either way, and replacing (a delete, foreign keys checked, and an
        // insert) cost a score twice the time of the insert that nearly every score is.
        try db.cachedStatement(sql: """
            INSERT INTO scores (mention_id, compound, pos, neu, neg, label, complaint, aspects, reasons, decided_by, published_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (mention_id) DO UPDATE SET compound = excluded.compound, pos = excluded.pos, neu = excluded.neu,
                neg = excluded.neg, label = excluded.label, complaint = excluded.complaint, aspects = excluded.aspects,
                reasons = excluded.reasons, decided_by = excluded.decided_by, published_at = excluded.published_at
            """).execute(arguments: [mentionID, s.compound, s.pos, s.neu, s.neg, s.label, s.isComplaint,
                             s.aspects.joined(separator: ","), Store.encodeList(s.reasons), s.decidedBy,
                             publishedAt.timeIntervalSince1970])
    }

    /// The label a mention's text was scored with (before it is scored again after an edit).
    public func scoreLabel(mentionID: Int64) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT label FROM scores WHERE mention_id = ?"), arguments: [mentionID])
    }

    static let mentionSelect = """
        SELECT m.*, s.name AS source_name, sc.compound, sc.pos, sc.neu, sc.neg, sc.label, sc.complaint, sc.aspects,
               sc.reasons, sc.decided_by
        FROM mentions m JOIN sources s ON s.id = m.source_id LEFT JOIN scores sc ON sc.mention_id = m.id
        """

    public func mention(id: Int64) throws -> MentionRecord? {
        try Row.fetchOne(db.cachedStatement(sql: Self.mentionSelect + " WHERE m.id = ?"), arguments: [id]).map(MentionRecord.init(row:))
    }

    /// Mentions published in [from, to), newest first, optionally of one label.
    public func mentions(from: Date, to: Date, label: String? = nil, limit: Int = 1000) throws -> [MentionRecord] {
        var sql = Self.mentionSelect + " WHERE m.published_at >= ? AND m.published_at < ?"
        var args: StatementArguments = [from.timeIntervalSince1970, to.timeIntervalSince1970]
        if let label { sql += " AND sc.label = ?"; args += [label] }
        sql += " ORDER BY m.published_at DESC LIMIT ?"
        args += [limit]
        return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: args).map(MentionRecord.init(row:))
    }

    /// Customers' mentions stored (the brand's own posts are not counted; a copy is part of its original).
    public func mentionCount() throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM mentions WHERE is_brand = 0")) ?? 0
    }

    /// Negative mentions published in [from, to).
    public func negativeCount(from: Date, to: Date) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM scores WHERE label = 'negative' AND published_at >= ? AND published_at < ?"),
                         arguments: [from.timeIntervalSince1970, to.timeIntervalSince1970]) ?? 0
    }
}

extension StoreTransaction {
    /// Whether anything of this source was ever stored.
    public func hasMentions(sourceID: Int64) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM mentions WHERE source_id = ?)"), arguments: [sourceID]) ?? false
    }

    /// Whether an item of this source is already stored.
    public func isKnown(sourceID: Int64, itemKey: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM mentions WHERE source_id = ? AND item_key = ?)"),
                          arguments: [sourceID, itemKey]) ?? false
    }
}
