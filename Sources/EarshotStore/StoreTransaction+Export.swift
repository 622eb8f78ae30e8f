import Foundation
import EarshotDigest
import GRDB

/// What `earshot export` writes: mentions, cases or problems, one row each, columns in a fixed order.
public enum ExportTable: String, Sendable, CaseIterable {
    case mentions, cases, problems
}

/// One exported value: text, a number, a yes/no, a time, or nothing.
public enum ExportValue: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case time(Date)
    /// A list (aspects): one cell joined with ";" in CSV, an array in JSON.
    case list([String])
    case null
}

extension StoreTransaction {
    /// The columns of `table`, in the order every row gives its values.
    public static func exportColumns(_ table: ExportTable) -> [String] {
        switch table {
        case .mentions:
            return ["id", "published", "source", "author", "title", "text", "url", "label", "compound", "complaint",
                    "aspects", "rating", "best_rating", "brand", "case_id", "case_state", "published_local"]
        case .cases:
            return ["id", "status", "severity", "title", "customer", "source", "aspect", "assignee", "rule", "opened",
                    "first_published", "acknowledged", "first_response", "escalated", "resolved", "followed_up",
                    "satisfied", "closed", "problem_id", "merged_into", "mentions", "url"]
        case .problems:
            return ["id", "status", "severity", "aspect", "title", "opened", "resolved", "closed", "customers",
                    "cases", "mentions"]
        }
    }

    /// Calls `row` with each row of `table` whose time (a mention's publication, a case's opening)
    /// is in `since ..< until`, oldest first, read with a cursor: memory stays flat however many rows.
    public func export(_ table: ExportTable, since: Date?, until: Date?, row: ([ExportValue]) throws -> Void) throws {
        let from = since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude
        let to = until?.timeIntervalSince1970 ?? Double.greatestFiniteMagnitude
        let sql: String
        switch table {
        case .mentions:
            sql = """
                SELECT m.id, m.published_at, s.name, m.author, m.title, m.body, m.url, sc.label, sc.compound, sc.complaint,
                       sc.aspects, m.rating, m.best_rating, m.is_brand, c.id, c.status, m.published_offset
                FROM mentions m
                JOIN sources s ON s.id = m.source_id
                LEFT JOIN scores sc ON sc.mention_id = m.id
                LEFT JOIN (SELECT cm.mention_id, MAX(cm.case_id) AS case_id FROM case_mentions cm
                           JOIN cases k ON k.id = cm.case_id AND k.kind = 'incident' GROUP BY cm.mention_id) x ON x.mention_id = m.id
                LEFT JOIN cases c ON c.id = x.case_id
                WHERE m.published_at >= ? AND m.published_at < ?
                ORDER BY m.published_at, m.id
                """
        case .cases:
            sql = """
                SELECT c.id, c.status, c.severity, c.title, c.customer, s.name, c.aspect, c.assignee, c.rule, c.opened_at,
                       c.first_published_at, c.acknowledged_at, c.first_response_at, c.escalated_at, c.resolved_at,
                       c.followed_up_at, c.satisfied, c.closed_at, c.problem_id, c.merged_into,
                       (SELECT COUNT(*) FROM case_mentions cm WHERE cm.case_id = c.id), c.url
                FROM cases c LEFT JOIN sources s ON s.id = c.source_id
                WHERE c.kind = 'incident' AND c.opened_at >= ? AND c.opened_at < ?
                ORDER BY c.opened_at, c.id
                """
        case .problems:
            sql = """
                SELECT p.id, p.status, p.severity, p.aspect, p.title, p.opened_at, p.resolved_at, p.closed_at,
                       (SELECT COUNT(DISTINCT COALESCE(i.customer, 'case ' || i.id)) FROM cases i WHERE i.problem_id = p.id),
                       (SELECT COUNT(*) FROM cases i WHERE i.problem_id = p.id),
                       (SELECT COUNT(*) FROM case_mentions cm WHERE cm.case_id = p.id)
                FROM cases p
                WHERE p.kind = 'problem' AND p.opened_at >= ? AND p.opened_at < ?
                ORDER BY p.opened_at, p.id
                """
        }
        let kinds = Self.exportKinds(table)
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: [from, to])
        var values: [ExportValue] = []
        values.reserveCapacity(kinds.count)
        while let r = try cursor.next() {
            values.removeAll(keepingCapacity: true)
            for (i, kind) in kinds.enumerated() {
                let dbValue: DatabaseValue = r[i]
                if kind == .writtenPublication {
                    // The publication (column 1) on its writer's clock; in UTC when the source named no zone.
                    guard case .time(let published) = values[1] else { values.append(.null); continue }
                    values.append(.text(WrittenTime.iso(published, offset: Int.fromDatabaseValue(dbValue))))
                    continue
                }
                if dbValue.isNull { values.append(.null); continue }
                switch kind {
                case .text: values.append(.text(String.fromDatabaseValue(dbValue) ?? ""))
                case .integer: values.append(.integer(Int64.fromDatabaseValue(dbValue) ?? 0))
                case .number: values.append(.number(Double.fromDatabaseValue(dbValue) ?? 0))
                case .bool: values.append(.bool((Int64.fromDatabaseValue(dbValue) ?? 0) != 0))
                case .time: values.append(.time(Date(timeIntervalSince1970: Double.fromDatabaseValue(dbValue) ?? 0)))
                case .list: values.append(.list((String.fromDatabaseValue(dbValue) ?? "").split(separator: ",").map(String.init)))
                case .writtenPublication: break
                }
            }
            try row(values)
        }
    }

    /// `writtenPublication`: a mention's offset column, exported as its publication in that offset.
    private enum Kind { case text, integer, number, bool, time, list, writtenPublication }

    private static func exportKinds(_ table: ExportTable) -> [Kind] {
        switch table {
        case .mentions:
            return [.integer, .time, .text, .text, .text, .text, .text, .text, .number, .bool, .list, .number, .number, .bool, .integer, .text, .writtenPublication]
        case .cases:
            return [.integer, .text, .text, .text, .text, .text, .text, .text, .text, .time, .time, .time, .time, .time, .time,
                    .time, .bool, .time, .integer, .integer, .integer, .text]
        case .problems:
            return [.integer, .text, .text, .text, .text, .time, .time, .time, .integer, .integer, .integer]
        }
    }
}
