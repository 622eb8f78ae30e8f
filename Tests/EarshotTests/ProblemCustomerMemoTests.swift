import Foundation
import Testing
import EarshotStore

/// Issue 22: a problem's customer count, kept in step by the write transactions (ProblemCustomerMemo),
/// must always equal the full count a reader computes from the tables, through every write that
/// changes who counts as whom: mentions joining, name keys added to an incident, merges, erasure,
/// a rolled-back transaction, another connection's commit.
@Suite
struct ProblemCustomerMemoTests {
    let folder = TestPaths.temporaryFolder("earshot-memo")
    let store: Store
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    var source: Int64 = 0

    init() throws {
        store = try Store(path: folder.appendingPathComponent("earshot.sqlite").path)
        let t0 = self.t0
        source = try store.write { try $0.upsertSource(SourceSpec(name: "forum", url: "https://forum.example/rss", kind: "feed", interval: 3600),
                                                       origin: "test", now: t0) }
    }

    /// Adds a customer's mention (author may be nil), returns its id.
    func mention(_ tx: StoreTransaction, _ key: String, author: String?) throws -> Int64 {
        try tx.upsertMention(NewMention(sourceID: source, itemKey: key, fingerprint: key, url: nil, title: nil, author: author,
                                        body: "outage again", publishedAt: t0, fetchedAt: t0, rating: nil, bestRating: nil,
                                        worstRating: nil)).mentionID
    }

    func incident(_ tx: StoreTransaction, customer: String?) throws -> Int64 {
        try tx.openCase(NewCase(kind: "incident", severity: "normal", title: "t", customer: customer, sourceID: source, url: nil,
                                aspect: "quality", rule: "r", firstPublishedAt: t0, ackDueAt: nil), actor: "test", now: t0)
    }

    /// The memo's count (in a write) must be the readers' full count.
    func check(_ problem: Int64, _ note: String) throws {
        let kept = try store.write { try $0.customerCount(ofProblem: problem) }
        let full = try store.read { try $0.customerCount(ofProblem: problem) }
        #expect(kept == full, "\(note): kept \(kept), full \(full)")
    }

    @Test func theKeptCountIsAlwaysTheFullCount() throws {
        let t0 = self.t0
        var ids: [String: Int64] = [:]
        let problem = try store.write { tx -> Int64 in
            let ann = try incident(tx, customer: "Ann Lee"), bob = try incident(tx, customer: "Bob Stone")
            ids["ann"] = ann; ids["bob"] = bob
            let p = try tx.openCase(NewCase(kind: "problem", severity: "high", title: "p", customer: nil, sourceID: nil, url: nil,
                                            aspect: "quality", rule: "recurring problem", firstPublishedAt: t0, ackDueAt: nil), actor: "test", now: t0)
            for (key, author, incident) in [("m1", "Ann Lee", ann), ("m2", "ann lee", ann), ("m3", "Cat Wu", ann), ("m4", nil, bob), ("m5", "Bob Stone", bob)] {
                let m = try mention(tx, key, author: author)
                ids[key] = m
                _ = try tx.attachMention(caseID: incident, mentionID: m, now: t0)
                _ = try tx.attachMention(caseID: p, mentionID: m, now: t0)
            }
            return p
        }
        try check(problem, "built")
        // A new mention joins an incident and the problem.
        try store.write { tx in
            _ = try tx.customerCount(ofProblem: problem)
            let m = try mention(tx, "m6", author: "Dan Poe")
            _ = try tx.attachMention(caseID: ids["bob"]!, mentionID: m, now: t0)
            _ = try tx.attachMention(caseID: problem, mentionID: m, now: t0)
        }
        try check(problem, "joined")
        // Cat Wu turns out to be Ann's other name: her mention now counts as Ann's case.
        try store.write { tx in
            _ = try tx.customerCount(ofProblem: problem)
            try tx.addIdentities(["name:cat wu"], toCase: ids["ann"]!)
        }
        try check(problem, "name key added")
        // A mention already in the problem joins a second incident.
        try store.write { tx in
            _ = try tx.customerCount(ofProblem: problem)
            let eve = try incident(tx, customer: "Eve Park")
            _ = try tx.attachMention(caseID: eve, mentionID: ids["m4"]!, now: t0)
        }
        try check(problem, "second incident")
        // A merge: Bob's case into Ann's.
        try store.write { tx in
            _ = try tx.customerCount(ofProblem: problem)
            try tx.updateCase(ids["bob"]!, set: ["status": "merged", "merged_into": ids["ann"]!])
        }
        try check(problem, "merged")
        // A transaction that fails after adding a mention: nothing of it counts.
        struct Boom: Error {}
        _ = try? store.write { tx in
            _ = try tx.customerCount(ofProblem: problem)
            let m = try mention(tx, "m7", author: "Gil Ray")
            _ = try tx.attachMention(caseID: ids["ann"]!, mentionID: m, now: t0)
            _ = try tx.attachMention(caseID: problem, mentionID: m, now: t0)
            throw Boom()
        }
        try check(problem, "rolled back")
        // Another connection (another process: earshot forget) erases an author.
        let other = try Store(path: store.path)
        _ = try other.erasing { try $0.forget(author: "Dan Poe", identityKeys: [], now: t0, actor: "test", dryRun: false) }
        try check(problem, "erased elsewhere")
        #expect(try store.read { try $0.customerCount(ofProblem: problem) } >= 2)
    }

    /// The open problem of an aspect, remembered between writes, is always the one a reader finds: through a
    /// problem opening, closing, reopening, a second problem of the same aspect, a rolled-back transaction and
    /// another connection's commit.
    @Test func theRememberedOpenProblemIsAlwaysTheStoredOne() throws {
        let t0 = self.t0
        func check(_ aspect: String, _ note: String) throws {
            let kept = try store.write { try $0.openProblem(aspect: aspect) }
            let full = try store.read { try $0.openProblem(aspect: aspect) }
            #expect(kept == full, "\(note): kept \(String(describing: kept)), stored \(String(describing: full))")
        }
        func problem(_ tx: StoreTransaction, _ aspect: String) throws -> Int64 {
            try tx.openCase(NewCase(kind: "problem", severity: "high", title: "Recurring \(aspect) problem", customer: nil, sourceID: nil,
                                    url: nil, aspect: aspect, rule: "recurring problem", firstPublishedAt: t0, ackDueAt: nil),
                            actor: "test", now: t0)
        }
        try check("billing", "none yet")
        let first = try store.write { try problem($0, "billing") }
        try check("billing", "opened")
        try check("delivery", "another aspect")
        let second = try store.write { tx -> Int64 in
            #expect(try tx.openProblem(aspect: "billing")?.id == first)
            return try problem(tx, "billing")
        }
        try check("billing", "a second of the same aspect")
        try store.write { try $0.appendEvent(caseID: first, kind: "mention added", actor: "test", detail: nil, at: t0.addingTimeInterval(61.37)) }
        try check("billing", "an event appended")
        try store.write { try $0.updateCase(first, set: ["severity": "urgent", "title": "Billing, again"]) }
        try check("billing", "retitled")
        try store.write { try $0.updateCase(first, set: ["status": "resolved"]) }
        try check("billing", "the first resolved")
        #expect(try store.write { try $0.openProblem(aspect: "billing")?.id } == second)
        try store.write { try $0.updateCase(first, set: ["status": "open"]) }
        try check("billing", "the first reopened")
        struct Abort: Error {}
        _ = try? store.write { tx -> Void in
            try tx.updateCase(first, set: ["status": "closed"])
            _ = try tx.openProblem(aspect: "billing")
            throw Abort()
        }
        try check("billing", "a rolled-back close")
        let other = try Store(path: folder.appendingPathComponent("earshot.sqlite").path)
        try other.write { try $0.updateCase(first, set: ["status": "closed"]); try $0.updateCase(second, set: ["status": "closed"]) }
        try check("billing", "closed by another connection")
        #expect(try store.write { try $0.openProblem(aspect: "billing") } == nil)
        try store.write { _ = try problem($0, "delivery") }
        try check("delivery", "opened after a known none")
    }

    /// Links and update times the memo skips are the ones the table already holds, also after another connection
    /// changed them and after a rolled-back transaction.
    @Test func skippedLinksAndUpdateTimesAreTheStoredOnes() throws {
        let t0 = self.t0
        func stored(_ id: Int64) throws -> CaseRecord { try #require(try store.read { try $0.caseRecord(id: id) }) }
        let (incident, first, second) = try store.write { tx -> (Int64, Int64, Int64) in
            let incident = try self.incident(tx, customer: "Ann")
            let first = try tx.openCase(NewCase(kind: "problem", severity: "high", title: "p1", customer: nil, sourceID: nil, url: nil,
                                                aspect: "billing", rule: "r", firstPublishedAt: t0, ackDueAt: nil), actor: "test", now: t0)
            let second = try tx.openCase(NewCase(kind: "problem", severity: "high", title: "p2", customer: nil, sourceID: nil, url: nil,
                                                 aspect: "delivery", rule: "r", firstPublishedAt: t0, ackDueAt: nil), actor: "test", now: t0)
            try tx.linkIncident(incident, toProblem: first)
            return (incident, first, second)
        }
        try store.write { try $0.linkIncident(incident, toProblem: second) }
        #expect(try stored(incident).problemID == first)
        let t1 = t0.addingTimeInterval(90.125), t2 = t0.addingTimeInterval(3600.5)
        try store.write { tx in
            try tx.appendEvent(caseID: incident, kind: "note", actor: "test", detail: nil, at: t1)
            try tx.appendEvent(caseID: incident, kind: "note", actor: "test", detail: nil, at: t1)
        }
        #expect(try stored(incident).updatedAt == t1)
        #expect(try store.read { try $0.events(ofCase: incident) }.filter { $0.kind == "note" }.count == 2)
        // Another connection sets the time back; the same time again must then be written.
        let other = try Store(path: folder.appendingPathComponent("earshot.sqlite").path)
        try other.write { try $0.appendEvent(caseID: incident, kind: "note", actor: "other", detail: nil, at: t2) }
        try store.write { try $0.appendEvent(caseID: incident, kind: "note", actor: "test", detail: nil, at: t1) }
        #expect(try stored(incident).updatedAt == t1)
        struct Abort: Error {}
        _ = try? store.write { tx -> Void in
            try tx.appendEvent(caseID: incident, kind: "note", actor: "test", detail: nil, at: t2)
            throw Abort()
        }
        try store.write { try $0.appendEvent(caseID: incident, kind: "note", actor: "test", detail: nil, at: t2) }
        #expect(try stored(incident).updatedAt == t2)
    }
}
