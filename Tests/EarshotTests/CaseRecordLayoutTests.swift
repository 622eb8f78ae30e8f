import Foundation
import GRDB
import Testing
@testable import EarshotStore

/// Issue 22: a case row of the whole table is decoded by position. The positions must be the
/// table's, and a case read by position must equal the same case read by name.
@Suite
struct CaseRecordLayoutTests {
    let folder = TestPaths.temporaryFolder("earshot-case-layout")

    @Test func positionsAreTheTablesAndBothReadingsAgree() throws {
        let store = try Store(path: folder.appendingPathComponent("earshot.sqlite").path)
        let names = try store.read { tx in try String.fetchAll(tx.db, sql: "SELECT name FROM pragma_table_info('cases') ORDER BY cid") }
        #expect(names == CaseRecord.columns, "CaseRecord.columns must list the cases table's columns in table order")

        let t0 = Date(timeIntervalSince1970: 1_795_000_000)
        let id = try store.write { tx -> Int64 in
            let source = try tx.upsertSource(SourceSpec(name: "forum", url: "https://forum.example/rss", kind: "feed", interval: 3600),
                                             origin: "test", now: t0)
            let id = try tx.openCase(NewCase(kind: "incident", severity: "high", title: "Billing complaint from Ann", customer: "Ann Lee",
                                             sourceID: source, url: "https://forum.example/t/1", aspect: "billing", rule: "negative",
                                             firstPublishedAt: t0, ackDueAt: t0.addingTimeInterval(3600)), actor: "test", now: t0)
            try tx.db.execute(sql: "UPDATE cases SET assignee = 'bo', acknowledged_at = ?, satisfied = 1, first_response_at = ? WHERE id = ?",
                              arguments: [t0.timeIntervalSince1970 + 60, t0.timeIntervalSince1970 + 90, id])
            return id
        }
        let byPosition = try #require(try store.read { try $0.caseRecord(id: id) })
        // Columns in another order (and one more): decoded by name.
        let row = try #require(try store.read { tx in try Row.fetchOne(tx.db, sql: "SELECT title AS extra, merged_into, * FROM cases WHERE id = ?", arguments: [id]) })
        let byName = CaseRecord(row: row)
        #expect(byPosition == byName)
        #expect(byPosition.assignee == "bo" && byPosition.satisfied == true && byPosition.customer == "Ann Lee")
        #expect(byPosition.firstResponseAt == t0.addingTimeInterval(90) && byPosition.ackDueAt == t0.addingTimeInterval(3600))
    }
}
