import Foundation
import GRDB

/// What a new case is opened with.
public struct NewCase: Sendable {
    public var kind: String
    public var severity: String
    public var title: String
    public var customer: String?
    public var sourceID: Int64?
    public var url: String?
    public var aspect: String?
    public var rule: String?
    public var firstPublishedAt: Date
    public var ackDueAt: Date?
    public init(kind: String, severity: String, title: String, customer: String?, sourceID: Int64?, url: String?,
                aspect: String?, rule: String?, firstPublishedAt: Date, ackDueAt: Date?) {
        self.kind = kind; self.severity = severity; self.title = title; self.customer = customer
        self.sourceID = sourceID; self.url = url; self.aspect = aspect; self.rule = rule
        self.firstPublishedAt = firstPublishedAt; self.ackDueAt = ackDueAt
    }
}

/// Filters for listing cases.
public struct CaseFilter: Sendable {
    public var status: String?
    public var severity: String?
    public var aspect: String?
    public var assignee: String?
    public var kind: String?
    /// The source the case began on (by name).
    public var source: String?
    /// Incidents linked to this problem case.
    public var problem: Int64?
    /// Words found in the title, the customer's name or any of the case's mentions.
    public var search: String?
    public init(status: String? = nil, severity: String? = nil, aspect: String? = nil, assignee: String? = nil, kind: String? = nil,
                source: String? = nil, problem: Int64? = nil, search: String? = nil) {
        self.status = status; self.severity = severity; self.aspect = aspect; self.assignee = assignee; self.kind = kind
        self.source = source; self.problem = problem; self.search = search
    }
}

extension StoreTransaction {
    public static let openStatuses = ["open", "acknowledged"]

    public func openCase(_ c: NewCase, actor: String, now: Date) throws -> Int64 {
        let t = now.timeIntervalSince1970
        try db.cachedStatement(sql: """
            INSERT INTO cases (kind, status, severity, title, customer, source_id, url, aspect, rule, opened_at,
                               first_published_at, ack_due_at, updated_at)
            VALUES (?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [c.kind, c.severity, c.title, c.customer, c.sourceID, c.url, c.aspect, c.rule, t,
                             c.firstPublishedAt.timeIntervalSince1970, c.ackDueAt?.timeIntervalSince1970, t])
        let id = db.lastInsertedRowID
        if c.kind == "problem" { memo?.dropOpenProblems() }
        try appendEvent(caseID: id, kind: "opened", actor: actor, detail: c.title, at: now)
        return id
    }

    public func caseRecord(id: Int64) throws -> CaseRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM cases WHERE id = ?"), arguments: [id]).map(CaseRecord.init(row:))
    }

    public func cases(_ filter: CaseFilter = CaseFilter()) throws -> [CaseRecord] {
        var clauses: [String] = []
        var args: StatementArguments = []
        if let s = filter.status {
            if s == "active" { clauses.append("status IN ('open', 'acknowledged')") } else { clauses.append("status = ?"); args += [s] }
        }
        if let s = filter.severity { clauses.append("severity = ?"); args += [s] }
        if let s = filter.aspect { clauses.append("aspect = ?"); args += [s] }
        if let s = filter.assignee { clauses.append("assignee = ?"); args += [s] }
        if let s = filter.kind { clauses.append("kind = ?"); args += [s] }
        if let s = filter.source { clauses.append("source_id = (SELECT id FROM sources WHERE name = ?)"); args += [s] }
        if let p = filter.problem { clauses.append("problem_id = ?"); args += [p] }
        if let q = filter.search?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
            // instr() on lower-cased text: the words as typed, no LIKE wildcards to escape.
            clauses.append("""
                (instr(lower(title), lower(?)) > 0 OR instr(lower(COALESCE(customer, '')), lower(?)) > 0 OR EXISTS (
                  SELECT 1 FROM case_mentions cm JOIN mentions m ON m.id = cm.mention_id
                  WHERE cm.case_id = cases.id AND instr(lower(m.body), lower(?)) > 0))
                """)
            args += [q, q, q]
        }
        let whereSQL = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM cases\(whereSQL) ORDER BY id"), arguments: args).map(CaseRecord.init(row:))
    }

    /// The open incident of this customer on this source, or about this URL.
    ///
    /// Two lookups rather than one `OR`, so that each uses its index (this runs once per mention).
    public func openIncident(sourceID: Int64, customer: String?, url: String?) throws -> CaseRecord? {
        if let customer, let found = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT * FROM cases WHERE source_id = ? AND customer = ? AND kind = 'incident' AND status IN ('open', 'acknowledged')
            ORDER BY id LIMIT 1
            """), arguments: [sourceID, customer]) {
            return CaseRecord(row: found)
        }
        guard let url else { return nil }
        return try Row.fetchOne(db.cachedStatement(sql: """
            SELECT * FROM cases WHERE url = ? AND kind = 'incident' AND status IN ('open', 'acknowledged') ORDER BY id LIMIT 1
            """), arguments: [url]).map(CaseRecord.init(row:))
    }

    /// The incident of this customer resolved at or after `since` (to reopen instead of opening anew).
    public func recentlyResolvedIncident(sourceID: Int64, customer: String?, url: String?, since: Date) throws -> CaseRecord? {
        var found: [CaseRecord] = []
        if let customer {
            found += try Row.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM cases WHERE source_id = ? AND customer = ? AND kind = 'incident' AND status IN ('resolved', 'closed')
                  AND resolved_at >= ?
                """), arguments: [sourceID, customer, since.timeIntervalSince1970]).map(CaseRecord.init(row:))
        }
        if let url {
            found += try Row.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM cases WHERE url = ? AND kind = 'incident' AND status IN ('resolved', 'closed') AND resolved_at >= ?
                """), arguments: [url, since.timeIntervalSince1970]).map(CaseRecord.init(row:))
        }
        return found.max { ($0.resolvedAt ?? .distantPast) < ($1.resolvedAt ?? .distantPast) }
    }

    /// How many distinct customers a problem case has, as ``customerKeySQL`` tells them apart (the
    /// brand's replies are nobody's). The digest counts the same way.
    public func customerCount(ofProblem problemID: Int64) throws -> Int {
        guard let memo else {
            return try Int.fetchOne(db.cachedStatement(sql: "SELECT (\(Self.problemCustomersSQL)) FROM cases c WHERE c.id = ?"),
                                    arguments: [problemID]) ?? 0
        }
        if let count = memo.count(problemID) { return count }
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT m.id, \(Self.customerKeySQL) FROM case_mentions cm
            JOIN mentions m ON m.id = cm.mention_id AND m.is_brand = 0
            JOIN case_mentions ci ON ci.mention_id = m.id JOIN cases i ON i.id = ci.case_id AND i.kind = 'incident'
            WHERE cm.case_id = ?
            """), arguments: [problemID]).map { (row: Row) -> (Int64, String) in (row[0], row[1]) }
        memo.build(problemID, rows: rows)
        return memo.count(problemID) ?? 0
    }

    /// Who a mention `m` of incident `i` is, as a customer: the incident's own customer is the
    /// incident (one customer, one case: their posts on two sources count once, a merged incident
    /// is its survivor); another named author on the same page is themselves; an anonymous mention
    /// is a customer of its own (nothing says two anonymous posts about one page are one person).
    static let customerKeySQL = """
        CASE WHEN m.author IS NULL THEN 'mention ' || m.id
             WHEN lower(m.author) = lower(i.customer) OR EXISTS (SELECT 1 FROM case_identities ci
                  WHERE ci.case_id = i.id AND ci.identity = 'name:' || lower(m.author)) THEN 'case ' || COALESCE(i.merged_into, i.id)
             ELSE 'author ' || lower(m.author) END
        """

    /// The distinct customers of the mentions of case `c.id` (a correlated subquery).
    static let problemCustomersSQL = """
        SELECT COUNT(DISTINCT \(customerKeySQL)) FROM case_mentions cm
        JOIN mentions m ON m.id = cm.mention_id AND m.is_brand = 0
        JOIN case_mentions ci ON ci.mention_id = m.id JOIN cases i ON i.id = ci.case_id AND i.kind = 'incident'
        WHERE cm.case_id = c.id
        """

    /// The negative mentions of `aspect` published in [from, to) that belong to an incident (the
    /// customers a problem would be made of: a mention that opened no case is not one), oldest
    /// first: publication time, the customer (as ``customerKeySQL`` tells them apart), a name to
    /// show, mention and case.
    public func negativeIncidentMentions(aspect: String, from: Date, to: Date) throws
        -> [(at: Date, customer: String, name: String, mentionID: Int64, caseID: Int64)] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT sc.published_at AS at, \(Self.customerKeySQL) AS customer,
                   COALESCE(m.author, 'an anonymous customer') AS name, m.id AS mention_id, i.id AS case_id
            FROM scores sc JOIN mentions m ON m.id = sc.mention_id
                 JOIN case_mentions cm ON cm.mention_id = m.id JOIN cases i ON i.id = cm.case_id AND i.kind = 'incident'
            WHERE sc.label = 'negative' AND sc.published_at >= ? AND sc.published_at < ? AND (',' || sc.aspects || ',') LIKE ?
            ORDER BY sc.published_at, m.id
            """), arguments: [from.timeIntervalSince1970, to.timeIntervalSince1970, "%," + aspect + ",%"]).map {
            (Date(timeIntervalSince1970: $0["at"]), $0["customer"], $0["name"], $0["mention_id"], $0["case_id"])
        }
    }

    /// The open problem case of an aspect.
    public func openProblem(aspect: String) throws -> CaseRecord? {
        // Known from an earlier call: the memo forgets it when a problem opens or any case's columns are set, and
        // keeps its `updated_at` in step with the events appended (ProblemCustomerMemoTests holds it to the table).
        if let known = memo?.openProblem(aspect) { return known }
        let record = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM cases WHERE kind = 'problem' AND aspect = ? AND status IN ('open', 'acknowledged') ORDER BY id LIMIT 1"),
                                      arguments: [aspect]).map(CaseRecord.init(row:))
        memo?.setOpenProblem(aspect, record)
        return record
    }

    /// Links a mention to a case; false when it was already linked.
    @discardableResult
    public func attachMention(caseID: Int64, mentionID: Int64, now: Date) throws -> Bool {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO case_mentions (case_id, mention_id, added_at) VALUES (?, ?, ?)").execute(
                       arguments: [caseID, mentionID, now.timeIntervalSince1970])
        guard db.changesCount > 0 else { return false }
        try memoAttached(caseID: caseID, mentionID: mentionID)
        return true
    }

    /// Whether the case holds the mention.
    public func caseHolds(_ caseID: Int64, mention mentionID: Int64) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM case_mentions WHERE case_id = ? AND mention_id = ?)"),
                          arguments: [caseID, mentionID]) ?? false
    }

    /// When the case's newest customer mention (not the brand's) was published; nil when it has none.
    public func latestCustomerMention(ofCase caseID: Int64) throws -> Date? {
        try Double.fetchOne(db.cachedStatement(sql: """
            SELECT MAX(m.published_at) FROM case_mentions cm JOIN mentions m ON m.id = cm.mention_id
            WHERE cm.case_id = ? AND m.is_brand = 0
            """), arguments: [caseID]).map(Date.init(timeIntervalSince1970:))
    }

    public func casesOfMention(_ mentionID: Int64) throws -> [Int64] {
        try Int64.fetchAll(db.cachedStatement(sql: "SELECT case_id FROM case_mentions WHERE mention_id = ?"), arguments: [mentionID])
    }

    public func mentionIDs(ofCase caseID: Int64) throws -> [Int64] {
        try Int64.fetchAll(db.cachedStatement(sql: "SELECT mention_id FROM case_mentions WHERE case_id = ? ORDER BY added_at, mention_id"), arguments: [caseID])
    }

    public func linkIncident(_ incidentID: Int64, toProblem problemID: Int64) throws {
        // Once linked, an incident stays linked (the statement would change nothing): most joins of a big problem
        // come from incidents already in it.
        if memo?.isLinked(incidentID) == true { return }
        try db.cachedStatement(sql: "UPDATE cases SET problem_id = ? WHERE id = ? AND problem_id IS NULL").execute(arguments: [problemID, incidentID])
        memo?.setLinked(incidentID)
    }

    public func incidents(ofProblem problemID: Int64) throws -> [CaseRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM cases WHERE problem_id = ? ORDER BY id"), arguments: [problemID]).map(CaseRecord.init(row:))
    }

    /// Appends to a case's history. Events are never updated or deleted.
    public func appendEvent(caseID: Int64, kind: String, actor: String, detail: String?, at: Date) throws {
        try db.cachedStatement(sql: "INSERT INTO case_events (case_id, at, actor, kind, detail) VALUES (?, ?, ?, ?, ?)").execute(
                       arguments: [caseID, at.timeIntervalSince1970, actor, kind, detail])
        // The same time again (several events of one case in one batch) changes nothing.
        if memo?.wasUpdated(caseID, at: at.timeIntervalSince1970) == true { return }
        try db.cachedStatement(sql: "UPDATE cases SET updated_at = ? WHERE id = ?").execute(arguments: [at.timeIntervalSince1970, caseID])
        memo?.caseUpdated(caseID, at: at)
    }

    public func events(ofCase caseID: Int64) throws -> [CaseEvent] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM case_events WHERE case_id = ? ORDER BY at, id"), arguments: [caseID]).map(CaseEvent.init(row:))
    }

    /// Sets named columns of a case (the lifecycle commands and the triage rules use it with an event).
    public func updateCase(_ id: Int64, set assignments: [String: DatabaseValueConvertible?]) throws {
        let allowed: Set<String> = ["status", "severity", "assignee", "acknowledged_at", "escalated_at", "resolved_at",
                                    "follow_up_due_at", "followed_up_at", "satisfied", "closed_at", "ack_due_at", "title",
                                    "first_response_at", "merged_into", "first_published_at"]
        let keys = assignments.keys.sorted()
        for key in keys where !allowed.contains(key) {
            throw StoreError(.invalid, "store: case column \(key) cannot be set; this is a bug in earshot")
        }
        let sets = keys.map { "\($0) = ?" }.joined(separator: ", ")
        var args = StatementArguments(keys.map { assignments[$0]! })
        args += [id]
        try db.cachedStatement(sql: "UPDATE cases SET \(sets) WHERE id = ?").execute(arguments: args)
        if keys.contains("merged_into") {
            memo?.clear()   // a merge: problems count anew (and the open problems are forgotten with the rest)
        } else if keys.contains("status") || memo?.knowsProblem(id) == true {
            memo?.dropOpenProblems()   // a case's status may make another problem the open one, or a known one changed
        }
    }

    /// Open cases whose acknowledgement deadline has passed and that were not escalated yet.
    public func overdueUnescalatedCases(at now: Date) throws -> [CaseRecord] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT * FROM cases WHERE status = 'open' AND escalated_at IS NULL AND ack_due_at IS NOT NULL AND ack_due_at <= ?
            ORDER BY id
            """), arguments: [now.timeIntervalSince1970]).map(CaseRecord.init(row:))
    }

    /// Resolved cases whose follow-up is due and not yet announced.
    public func dueFollowUps(at now: Date) throws -> [CaseRecord] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT * FROM cases WHERE status = 'resolved' AND followed_up_at IS NULL AND follow_up_due_at IS NOT NULL
              AND follow_up_due_at <= ? ORDER BY id
            """), arguments: [now.timeIntervalSince1970]).map(CaseRecord.init(row:))
    }
}
