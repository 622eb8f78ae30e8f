import Foundation
import GRDB

/// A fetched body waiting for the process stage (parse, match, score, store, triage).
public struct FetchedDocument: Sendable {
    public var id: Int64
    public var sourceID: Int64
    public var fetchedAt: Date
    /// The URL the body came from, after redirects (the base for relative links).
    public var url: String
    /// The charset the server named, handed to the parser.
    public var charset: String?
    public var body: Data
}

extension StoreTransaction {
    /// Keeps a fetched body until the process stage takes it: the bytes are appended to this
    /// transaction's pack file (``DocumentSpool``), the row says where.
    @discardableResult
    public func addFetchedDocument(sourceID: Int64, url: String, charset: String?, body: Data, at: Date) throws -> Int64 {
        let place = try spool.append(body, in: db)
        let statement = try db.cachedStatement(sql: """
            INSERT INTO fetched_documents (source_id, fetched_at, url, charset, body, pack, pack_offset, pack_length)
            VALUES (?, ?, ?, ?, X'', ?, ?, ?)
            """)
        try statement.execute(arguments: [sourceID, at.timeIntervalSince1970, url, charset, place.pack, place.offset, place.length])
        return db.lastInsertedRowID
    }

    /// The waiting documents' ids: by fetch time, then by source name, whatever order the
    /// transfers finished in, so that a run killed and run again numbers its cases as a clean
    /// run would (a source fetched twice is processed in order).
    public func fetchedDocumentIDs() throws -> [Int64] {
        try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT d.id FROM fetched_documents d JOIN sources s ON s.id = d.source_id ORDER BY d.fetched_at, s.name, d.id
            """))
    }

    /// The document, its body read from its pack (or from the row, for a row of a version before
    /// packs). Throws ``StoreError/Kind/lost`` when the pack is gone or cut short (a power cut
    /// after the commit): ``dropLostDocument(id:now:)`` then makes its source fetch it whole again.
    public func fetchedDocument(id: Int64) throws -> FetchedDocument? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, source_id, fetched_at, url, charset, body, pack, pack_offset, pack_length FROM fetched_documents WHERE id = ?
            """), arguments: [id]) else { return nil }
        let body: Data
        if let pack: String = row["pack"] {
            body = try spool.read(pack: pack, offset: row["pack_offset"], length: row["pack_length"])
        } else {
            body = row["body"]
        }
        return FetchedDocument(id: row["id"], sourceID: row["source_id"], fetchedAt: Date(timeIntervalSince1970: row["fetched_at"]),
                               url: row["url"], charset: row["charset"], body: body)
    }

    public func fetchedDocumentCount() throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM fetched_documents")) ?? 0
    }

    /// Documents waiting to be processed, by source id (sources with none are absent).
    public func fetchedDocumentCountsBySource() throws -> [Int64: Int] {
        var counts: [Int64: Int] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT source_id, count(*) FROM fetched_documents GROUP BY source_id")) {
            counts[row[0]] = row[1]
        }
        return counts
    }

    /// Done with a document: its mentions are stored (or it could not be parsed). Its pack goes
    /// when this transaction commits, if no other waiting document is in it.
    public func deleteFetchedDocument(id: Int64) throws {
        let pack = try String.fetchOne(db.cachedStatement(sql: "SELECT pack FROM fetched_documents WHERE id = ?"), arguments: [id])
        try db.cachedStatement(sql: "DELETE FROM fetched_documents WHERE id = ?").execute(arguments: [id])
        if let pack, try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM fetched_documents WHERE pack = ?)"),
                                       arguments: [pack]) == false {
            spool.removeAfterCommit(pack, in: db)
        }
    }

    /// A document whose body was lost (see ``fetchedDocument(id:)``): the row goes, and its source
    /// forgets its validators and is due now, so that the next run fetches the document whole.
    /// Returns the source's id.
    @discardableResult
    public func dropLostDocument(id: Int64, now: Date) throws -> Int64? {
        guard let sourceID = try Int64.fetchOne(db.cachedStatement(sql: "SELECT source_id FROM fetched_documents WHERE id = ?"),
                                                arguments: [id]) else { return nil }
        try deleteFetchedDocument(id: id)
        try forgetValidators(sourceID: sourceID)
        try db.cachedStatement(sql: "UPDATE sources SET next_due = min(next_due, ?) WHERE id = ?")
            .execute(arguments: [now.timeIntervalSince1970, sourceID])
        return sourceID
    }

    /// What processing a source's document found out: whether the source is unhealthy, and a
    /// lower bound on its next fetch that only the document knows (RSS `<ttl>`, `sy:updatePeriod`).
    /// A document that parsed ends the source's run of failures.
    public func recordProcessed(sourceID: Int64, unhealthy: String?, notBefore: Date?, newestItem: Date? = nil) throws {
        try db.cachedStatement(sql: """
            UPDATE sources SET unhealthy = ?, failures = 0, gone_since = NULL, next_due = max(next_due, ?),
                newest_item_at = CASE WHEN ? IS NULL THEN newest_item_at ELSE max(COALESCE(newest_item_at, 0), ?) END
            WHERE id = ?
            """).execute(arguments: [unhealthy, notBefore?.timeIntervalSince1970 ?? 0, newestItem?.timeIntervalSince1970,
                                     newestItem?.timeIntervalSince1970, sourceID])
    }

    /// Drops a source's validators, so that its next fetch brings the whole document again rather
    /// than a 304 (after a document that could not be parsed or stored).
    public func forgetValidators(sourceID: Int64) throws {
        try db.cachedStatement(sql: "UPDATE sources SET etag = NULL, last_modified = NULL WHERE id = ?").execute(arguments: [sourceID])
    }
}
