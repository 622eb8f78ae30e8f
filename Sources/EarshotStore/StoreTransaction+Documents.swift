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
    /// Keeps a fetched body until the process stage takes it.
    @discardableResult
    public func addFetchedDocument(sourceID: Int64, url: String, charset: String?, body: Data, at: Date) throws -> Int64 {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO fetched_documents (source_id, fetched_at, url, charset, body) VALUES (?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [sourceID, at.timeIntervalSince1970, url, charset, body])
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

    public func fetchedDocument(id: Int64) throws -> FetchedDocument? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM fetched_documents WHERE id = ?"), arguments: [id]).map { row in
            FetchedDocument(id: row["id"], sourceID: row["source_id"], fetchedAt: Date(timeIntervalSince1970: row["fetched_at"]),
                            url: row["url"], charset: row["charset"], body: row["body"])
        }
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

    /// Done with a document: its mentions are stored (or it could not be parsed).
    public func deleteFetchedDocument(id: Int64) throws {
        try db.cachedStatement(sql: "DELETE FROM fetched_documents WHERE id = ?").execute(arguments: [id])
    }

    /// What processing a source's document found out: whether the source is unhealthy, and a
    /// lower bound on its next fetch that only the document knows (RSS `<ttl>`, `sy:updatePeriod`).
    /// A document that parsed ends the source's run of failures.
    public func recordProcessed(sourceID: Int64, unhealthy: String?, notBefore: Date?) throws {
        try db.cachedStatement(sql: """
            UPDATE sources SET unhealthy = ?, failures = 0, gone_since = NULL, next_due = max(next_due, ?) WHERE id = ?
            """).execute(arguments: [unhealthy, notBefore?.timeIntervalSince1970 ?? 0, sourceID])
    }

    /// Drops a source's validators, so that its next fetch brings the whole document again rather
    /// than a 304 (after a document that could not be parsed or stored).
    public func forgetValidators(sourceID: Int64) throws {
        try db.cachedStatement(sql: "UPDATE sources SET etag = NULL, last_modified = NULL WHERE id = ?").execute(arguments: [sourceID])
    }
}
