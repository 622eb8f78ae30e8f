import Foundation
import GRDB

/// Typed access to the store inside one transaction. Nothing here commits on its own.
public struct StoreTransaction {
    public let db: Database
    /// Where fetched bodies wait (see ``DocumentSpool``).
    let spool: DocumentSpool
    /// Problems' customers, kept in step by this write transaction (nil when reading).
    let memo: ProblemCustomerMemo?

    init(db: Database, spool: DocumentSpool, memo: ProblemCustomerMemo? = nil) {
        self.db = db; self.spool = spool; self.memo = memo
    }
}

extension StoreTransaction {
    /// All sources not removed, by name. (Decoded from the cursor's live row: copying each row
    /// first, as `fetchAll` does, doubled the cost of reading a thousand sources every run.)
    public func sources(includingRemoved: Bool = false) throws -> [SourceRecord] {
        let filter = includingRemoved ? "" : "WHERE removed_at IS NULL"
        return try Array(Row.fetchCursor(db.cachedStatement(sql: "SELECT \(SourceRecord.columns) FROM sources \(filter) ORDER BY name")).map(SourceRecord.init(row:)))
    }

    public func source(named name: String) throws -> SourceRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(SourceRecord.columns) FROM sources WHERE name = ?"), arguments: [name]).map(SourceRecord.init(row:))
    }

    public func source(id: Int64) throws -> SourceRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(SourceRecord.columns) FROM sources WHERE id = ?"), arguments: [id]).map(SourceRecord.init(row:))
    }

    /// Sources whose next fetch time has come, not paused, not removed.
    public func dueSources(at now: Date) throws -> [SourceRecord] {
        try Array(Row.fetchCursor(db.cachedStatement(sql: """
            SELECT \(SourceRecord.columns) FROM sources WHERE removed_at IS NULL AND paused_at IS NULL AND next_due <= ? ORDER BY next_due, name
            """), arguments: [now.timeIntervalSince1970]).map(SourceRecord.init(row:)))
    }

    /// Adds a source or updates what its origin says of it; keeps its fetch history.
    ///
    /// A URL that changed in the config is taken as the new truth (the validators are dropped);
    /// a URL the fetcher moved (301/308) is kept when the config still names the old one.
    @discardableResult
    public func upsertSource(_ spec: SourceSpec, origin: String, now: Date) throws -> Int64 {
        try upsertSource(spec, existing: try source(named: spec.name), origin: origin, now: now)
    }

    /// Brings the sources of `origin` in line with `specs` (one read of the table, writes only
    /// for what changed): each is added or updated, and those no longer named are marked removed.
    public func syncSources(_ specs: [SourceSpec], origin: String, now: Date) throws {
        let known = Dictionary(try sources(includingRemoved: true).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for spec in specs { try upsertSource(spec, existing: known[spec.name], origin: origin, now: now) }
        let named = Set(specs.map(\.name))
        for source in known.values where source.origin == origin && source.removedAt == nil && !named.contains(source.name) {
            _ = try removeSource(named: source.name, now: now)
        }
    }

    @discardableResult
    private func upsertSource(_ spec: SourceSpec, existing: SourceRecord?, origin: String, now: Date) throws -> Int64 {
        if let existing {
            let urlChanged = existing.url != spec.url && existing.movedFrom != spec.url
            if !urlChanged, existing.removedAt == nil, existing.kind == spec.kind, existing.query == spec.query,
               existing.isAboutUs == spec.isAboutUs, existing.interval == spec.interval, existing.settings == spec.settings,
               existing.origin == origin {
                return existing.id  // as it was: no write (a config of thousands of sources is synced every run)
            }
            try db.cachedStatement(sql: """
                UPDATE sources SET kind = ?, query = ?, about_us = ?, interval_s = ?, settings = ?, origin = ?,
                    removed_at = NULL,
                    url = CASE WHEN ? THEN ? ELSE url END,
                    etag = CASE WHEN ? THEN NULL ELSE etag END,
                    last_modified = CASE WHEN ? THEN NULL ELSE last_modified END,
                    moved_from = CASE WHEN ? THEN NULL ELSE moved_from END,
                    next_due = CASE WHEN ? THEN 0 ELSE next_due END
                WHERE id = ?
                """).execute(arguments: [spec.kind, spec.query, spec.isAboutUs, spec.interval, spec.settings, origin,
                                 urlChanged, spec.url, urlChanged, urlChanged, urlChanged,
                                 urlChanged || existing.removedAt != nil, existing.id])
            return existing.id
        }
        try db.cachedStatement(sql: """
            INSERT INTO sources (name, url, kind, origin, query, about_us, interval_s, settings, next_due, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
            """).execute(arguments: [spec.name, spec.url, spec.kind, origin, spec.query, spec.isAboutUs, spec.interval,
                             spec.settings, now.timeIntervalSince1970])
        return db.lastInsertedRowID
    }

    /// Marks a source removed. Its mentions and cases stay: nothing is ever deleted.
    public func removeSource(named name: String, now: Date) throws -> Bool {
        try db.cachedStatement(sql: "UPDATE sources SET removed_at = ? WHERE name = ? AND removed_at IS NULL").execute(
                       arguments: [now.timeIntervalSince1970, name])
        return db.changesCount > 0
    }

    /// Records a 304: the validators (the server's, or the ones sent) and the schedule; the
    /// document known is still good, so the source's run of failures ends.
    public func recordNotModified(sourceID: Int64, etag: String?, lastModified: String?, nextDue: Date,
                                  movedTo: String?, now: Date) throws {
        try recordAnswer(sourceID: sourceID, etag: etag, lastModified: lastModified, nextDue: nextDue, movedTo: movedTo,
                         endsFailures: true, now: now)
    }

    /// Records a fetch that brought a document now waiting in `fetched_documents`: the validators
    /// and the schedule. The run of failures ends (or not) when the document is processed.
    public func recordFetched(sourceID: Int64, etag: String?, lastModified: String?, nextDue: Date,
                              movedTo: String?, now: Date) throws {
        try recordAnswer(sourceID: sourceID, etag: etag, lastModified: lastModified, nextDue: nextDue, movedTo: movedTo,
                         endsFailures: false, now: now)
    }

    /// One UPDATE per answer (a 304 run makes a thousand of them).
    private func recordAnswer(sourceID: Int64, etag: String?, lastModified: String?, nextDue: Date,
                              movedTo: String?, endsFailures: Bool, now: Date) throws {
        let t = now.timeIntervalSince1970
        let statement = try db.cachedStatement(sql: """
            UPDATE sources SET etag = ?, last_modified = ?, next_due = ?, last_fetch_at = ?, last_success_at = ?,
                moved_from = CASE WHEN ? IS NOT NULL THEN url ELSE moved_from END,
                moved_at = CASE WHEN ? IS NOT NULL THEN ? ELSE moved_at END,
                url = COALESCE(?, url),
                failures = CASE WHEN ? THEN 0 ELSE failures END,
                gone_since = CASE WHEN ? THEN NULL ELSE gone_since END
            WHERE id = ?
            """)
        try statement.execute(arguments: [etag, lastModified, nextDue.timeIntervalSince1970, t, t, movedTo, movedTo, t, movedTo,
                                          endsFailures, endsFailures, sourceID])
    }

    /// Records a failed fetch; the caller has decided the next due time and whether to pause.
    public func recordFetchFailure(sourceID: Int64, error: String, nextDue: Date, pause: Bool, gone: Bool, now: Date) throws {
        let t = now.timeIntervalSince1970
        try db.cachedStatement(sql: """
            UPDATE sources SET failures = failures + 1, last_error = ?, last_error_at = ?, last_fetch_at = ?,
                next_due = ?, paused_at = CASE WHEN ? THEN ? ELSE paused_at END,
                gone_since = CASE WHEN ? THEN COALESCE(gone_since, ?) ELSE NULL END
            WHERE id = ?
            """).execute(arguments: [error, t, t, nextDue.timeIntervalSince1970, pause, t, gone, t, sourceID])
    }

    /// Makes a paused source due again (after the operator fixed it).
    public func resumeSource(named name: String) throws -> Bool {
        try db.cachedStatement(sql: "UPDATE sources SET paused_at = NULL, failures = 0, next_due = 0 WHERE name = ?").execute(arguments: [name])
        return db.changesCount > 0
    }

    /// Stores a review page's aggregate rating as seen at this fetch.
    public func recordAggregateRating(sourceID: Int64, value: Double, best: Double?, worst: Double?, count: Int?, at: Date) throws {
        try db.cachedStatement(sql: "INSERT INTO aggregate_ratings (source_id, at, value, best, worst, count) VALUES (?, ?, ?, ?, ?, ?)").execute(
                       arguments: [sourceID, at.timeIntervalSince1970, value, best, worst, count])
    }

    /// Marks a source stale (`since` a time) or recovered (nil).
    public func setStale(sourceID: Int64, since: Date?) throws {
        try db.cachedStatement(sql: "UPDATE sources SET stale_since = ? WHERE id = ?").execute(
                       arguments: [since?.timeIntervalSince1970, sourceID])
    }
}
