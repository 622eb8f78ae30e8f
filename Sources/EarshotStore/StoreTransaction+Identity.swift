import Foundation
import GRDB

/// Who is speaking: customer identities across sources, syndicated copies, the brand's replies.
extension StoreTransaction {
    // MARK: - Customers

    /// Records the identity keys of a case's customer (every key a mention of theirs carried).
    public func addIdentities(_ keys: [String], toCase caseID: Int64) throws {
        var addedName = false
        for key in keys {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO case_identities (identity, case_id) VALUES (?, ?)").execute(
                           arguments: [key, caseID])
            if db.changesCount > 0, key.hasPrefix("name:") { addedName = true }
        }
        if addedName { try memoIdentitiesAdded(toCase: caseID) }
    }

    /// Gives a case's identity keys to another (a merge).
    public func moveIdentities(from other: Int64, to survivor: Int64) throws {
        memo?.clear()   // a merge: counted anew when next asked
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO case_identities (identity, case_id) SELECT identity, ? FROM case_identities WHERE case_id = ?").execute(
                       arguments: [survivor, other])
    }

    /// What a merged case brings to its survivor: the earlier first mention, the earlier brand
    /// response, its problem link when the survivor has none.
    public func mergeCaseColumns(survivor: Int64, other: Int64) throws {
        memo?.dropOpenProblems()
        try db.cachedStatement(sql: """
            UPDATE cases SET
                first_published_at = min(first_published_at, (SELECT first_published_at FROM cases WHERE id = ?1)),
                first_response_at = CASE WHEN first_response_at IS NULL THEN (SELECT first_response_at FROM cases WHERE id = ?1)
                                         ELSE min(first_response_at, COALESCE((SELECT first_response_at FROM cases WHERE id = ?1), first_response_at)) END,
                problem_id = COALESCE(problem_id, (SELECT problem_id FROM cases WHERE id = ?1))
            WHERE id = ?2
            """).execute(arguments: [other, survivor])
    }

    /// Cases merged into `other` earlier now point to `survivor` (no chains to follow).
    public func repointMerged(from other: Int64, to survivor: Int64) throws {
        memo?.clear()
        try db.cachedStatement(sql: "UPDATE cases SET merged_into = ? WHERE merged_into = ?").execute(arguments: [survivor, other])
    }

    /// The open incidents whose customer carries this identity key, oldest first.
    public func openIncidents(identity key: String) throws -> [CaseRecord] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT c.* FROM case_identities ci JOIN cases c ON c.id = ci.case_id
            WHERE ci.identity = ? AND c.kind = 'incident' AND c.status IN ('open', 'acknowledged') ORDER BY c.id
            """), arguments: [key]).map(CaseRecord.init(row:))
    }

    /// The incidents with this identity key resolved at or after `since`, the latest first.
    public func resolvedIncidents(identity key: String, since: Date) throws -> [CaseRecord] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT c.* FROM case_identities ci JOIN cases c ON c.id = ci.case_id
            WHERE ci.identity = ? AND c.kind = 'incident' AND c.status IN ('resolved', 'closed') AND c.resolved_at >= ?
            ORDER BY c.resolved_at DESC
            """), arguments: [key, since.timeIntervalSince1970]).map(CaseRecord.init(row:))
    }

    /// Every identity key a case's customer was seen with.
    public func identities(ofCase id: Int64) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT identity FROM case_identities WHERE case_id = ?"), arguments: [id])
    }

    // MARK: - Copies

    /// A stored mention this item copies: the same text, or the same link, by the same author (or
    /// both without one), of the same voice (brand or customer), stored from another source within
    /// two days of it (a customer repeating themselves weeks later is saying it again). Nil when the
    /// item is new.
    public func original(sourceID: Int64, fingerprint: String?, author: String?, url: String?, around published: Date,
                         isBrand: Bool) throws -> Int64? {
        let from = published.addingTimeInterval(-Self.copyWindow).timeIntervalSince1970
        let to = published.addingTimeInterval(Self.copyWindow).timeIntervalSince1970
        if let fingerprint, let id = try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT id FROM mentions WHERE fingerprint = ? AND author IS ? AND source_id != ? AND is_brand = ?
              AND published_at BETWEEN ? AND ? ORDER BY id LIMIT 1
            """), arguments: [fingerprint, author, sourceID, isBrand, from, to]) {
            return id
        }
        guard let url else { return nil }
        return try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT id FROM mentions WHERE url = ? AND author IS ? AND source_id != ? AND is_brand = ?
              AND published_at BETWEEN ? AND ? ORDER BY id LIMIT 1
            """), arguments: [url, author, sourceID, isBrand, from, to])
    }

    /// How far apart a copy and its original may be published (syndication takes hours, not weeks).
    static let copyWindow: TimeInterval = 2 * 86_400

    /// Records that an item of a source is a copy of a stored mention; false when already recorded.
    @discardableResult
    public func recordSighting(mentionID: Int64, sourceID: Int64, itemKey: String, url: String?, at: Date) throws -> Bool {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO mention_sightings (source_id, item_key, mention_id, url, seen_at) VALUES (?, ?, ?, ?, ?)").execute(
                       arguments: [sourceID, itemKey, mentionID, url, at.timeIntervalSince1970])
        return db.changesCount > 0
    }

    /// The mention an item of a source was recorded as a copy of.
    public func sighting(sourceID: Int64, itemKey: String) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT mention_id FROM mention_sightings WHERE source_id = ? AND item_key = ?"),
                           arguments: [sourceID, itemKey])
    }

    /// The names of every source a mention was seen in: its own first, then its copies'.
    public func sourceNames(ofMention id: Int64) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: """
            SELECT s.name FROM mentions m JOIN sources s ON s.id = m.source_id WHERE m.id = ?
            UNION ALL
            SELECT s.name FROM mention_sightings ms JOIN sources s ON s.id = ms.source_id WHERE ms.mention_id = ?
            """), arguments: [id, id]).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    }

    // MARK: - The brand's voice

    /// Marks a stored mention as the brand's own, with what it answers.
    public func markBrand(mentionID: Int64, inReplyTo: String?) throws {
        try db.cachedStatement(sql: "UPDATE mentions SET is_brand = 1, in_reply_to = ? WHERE id = ?").execute(arguments: [inReplyTo, mentionID])
    }

    /// The stored (customer) mention with this entry id or link, on any source.
    public func mention(itemKey: String?, url: String?) throws -> Int64? {
        if let itemKey, let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM mentions WHERE item_key = ? AND is_brand = 0 ORDER BY id LIMIT 1"),
                                                    arguments: [itemKey]) {
            return id
        }
        if let itemKey, let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT mention_id FROM mention_sightings WHERE item_key = ? LIMIT 1"),
                                                    arguments: [itemKey]) {
            return id
        }
        guard let url else { return nil }
        return try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM mentions WHERE url = ? AND is_brand = 0 ORDER BY id LIMIT 1"),
                                  arguments: [url])
    }

    /// The brand's posts that answer this entry id (stored before the entry itself: sources are
    /// processed in any order).
    public func brandMentions(answering itemKey: String) throws -> [MentionRecord] {
        try Row.fetchAll(db.cachedStatement(sql: Self.mentionSelect + " WHERE m.is_brand = 1 AND m.in_reply_to = ? ORDER BY m.id"),
                         arguments: [itemKey]).map(MentionRecord.init(row:))
    }

    /// The incident a mention belongs to (a merged case's survivor, not the merged case).
    public func incident(ofMention id: Int64) throws -> CaseRecord? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT c.* FROM case_mentions cm JOIN cases c ON c.id = cm.case_id
            WHERE cm.mention_id = ? AND c.kind = 'incident' AND c.merged_into IS NULL ORDER BY c.id DESC LIMIT 1
            """), arguments: [id]).map(CaseRecord.init(row:))
    }

    /// The open incidents about a page of this thread (its link without the fragment: the posts of
    /// one forum topic). `url >= T# AND url < T$` is every URL that starts with `T#` ('$' follows '#').
    public func openIncidents(thread: String) throws -> [CaseRecord] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT * FROM cases WHERE kind = 'incident' AND status IN ('open', 'acknowledged')
              AND (url = ? OR (url >= ? AND url < ?)) ORDER BY id
            """), arguments: [thread, thread + "#", thread + "$"]).map(CaseRecord.init(row:))
    }

    /// Median time from a case's first mention to the brand's first response, over cases opened in
    /// [from, to) that have one; nil when none has.
    public func medianFirstResponse(from: Date, to: Date) throws -> (seconds: Double, cases: Int)? {
        let waits = try Double.fetchAll(db.cachedStatement(sql: """
            SELECT first_response_at - first_published_at AS wait FROM cases
            WHERE kind = 'incident' AND merged_into IS NULL AND first_response_at IS NOT NULL
              AND first_published_at >= ? AND first_published_at < ?
            ORDER BY wait
            """), arguments: [from.timeIntervalSince1970, to.timeIntervalSince1970])
        guard !waits.isEmpty else { return nil }
        let n = waits.count
        let median = n % 2 == 1 ? waits[n / 2] : (waits[n / 2 - 1] + waits[n / 2]) / 2
        return (max(0, median), n)
    }
}
