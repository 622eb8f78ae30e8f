import Foundation
import GRDB

/// The customers of each recurring problem, kept up to date as mentions join, so that telling how
/// many customers a problem has (every time another joins: its alert says "N customers so far")
/// costs the new mention's keys rather than a pass over all the problem's mentions, which made a
/// run's cost grow with the square of a big problem's size.
///
/// A problem's entry is built by the same query as ``StoreTransaction/customerCount(ofProblem:)``
/// (each mention's customer key, as ``StoreTransaction/customerKeySQL`` says) and then changed in
/// step with the writes that change keys: a mention joining the problem or another incident, name
/// keys added to an incident. Anything rarer (a merge, an erasure, a rolled-back transaction, a
/// commit by another connection) drops every entry, to be built again when next asked.
final class ProblemCustomerMemo: @unchecked Sendable {
    private struct Entry {
        var keysOfMention: [Int64: [String]] = [:]
        var uses: [String: Int] = [:]
        var count: Int { uses.count }
        mutating func set(_ mention: Int64, _ keys: [String]) {
            for key in keysOfMention[mention] ?? [] {
                uses[key]! -= 1
                if uses[key] == 0 { uses[key] = nil }
            }
            keysOfMention[mention] = keys
            for key in keys { uses[key, default: 0] += 1 }
        }
    }
    private let lock = NSLock()
    private var entries: [Int64: Entry] = [:]
    /// The open problem of each aspect asked about, as stored (`.some(nil)`: none), so that a negative mention's
    /// aspects do not each cost a query while no problem opens or changes. Dropped by anything that opens a problem
    /// or sets a case's columns, and with the entries; an event's time is kept in step.
    private var openProblems: [String: CaseRecord?] = [:]
    /// Incidents known to be linked to a problem (`problem_id` set: only a replay sets it back, and it clears this).
    private var linked: Set<Int64> = []
    /// The `updated_at` each case was last given here: appending another event at the same time writes nothing.
    private var updatedAt: [Int64: Double] = [:]
    /// SQLite's `data_version` when the entries were last known good: another connection's commit changes it.
    private var dataVersion: Int?

    func clear() { lock.lock(); forgetAll(); lock.unlock() }
    private func forgetAll() { entries = [:]; openProblems = [:]; linked = []; updatedAt = [:] }

    /// Called at the start of each write transaction: a commit by anyone else voids what is known.
    func check(_ db: Database) throws {
        let version = try Int.fetchOne(db, sql: "PRAGMA data_version")
        lock.lock(); defer { lock.unlock() }
        if version != dataVersion { forgetAll(); dataVersion = version }
    }

    /// The open problem known for the aspect: nil when not known, `.some(nil)` when known to be none.
    func openProblem(_ aspect: String) -> CaseRecord?? { lock.lock(); defer { lock.unlock() }; return openProblems[aspect] }
    func setOpenProblem(_ aspect: String, _ record: CaseRecord?) { lock.lock(); openProblems[aspect] = .some(record); lock.unlock() }
    func dropOpenProblems() { lock.lock(); if !openProblems.isEmpty { openProblems = [:] }; lock.unlock() }
    /// Whether the case is an open problem the memo holds.
    func knowsProblem(_ id: Int64) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return openProblems.values.contains { $0?.id == id }
    }
    func isLinked(_ incident: Int64) -> Bool { lock.lock(); defer { lock.unlock() }; return linked.contains(incident) }
    func setLinked(_ incident: Int64) {
        lock.lock(); defer { lock.unlock() }
        if linked.count >= Self.cap { linked = [] }   // a long-lived process keeps no more than this: forgetting costs a statement
        linked.insert(incident)
    }
    static let cap = 200_000
    func wasUpdated(_ id: Int64, at: Double) -> Bool { lock.lock(); defer { lock.unlock() }; return updatedAt[id] == at }

    /// A case's `updated_at` was set (an event was appended to it).
    func caseUpdated(_ id: Int64, at: Date) {
        lock.lock(); defer { lock.unlock() }
        if updatedAt.count >= Self.cap { updatedAt = [:] }
        updatedAt[id] = at.timeIntervalSince1970
        for (aspect, record) in openProblems where record?.id == id { openProblems[aspect] = .some(record.map { r in
            var r = r
            r.updatedAt = Date(timeIntervalSince1970: at.timeIntervalSince1970)   // as read back from the column
            return r
        }) }
    }

    func count(_ problem: Int64) -> Int? { lock.lock(); defer { lock.unlock() }; return entries[problem]?.count }

    func build(_ problem: Int64, rows: [(Int64, String)]) {
        var entry = Entry()
        var grouped: [Int64: [String]] = [:]
        for (mention, key) in rows { grouped[mention, default: []].append(key) }
        for (mention, keys) in grouped { entry.set(mention, keys) }
        lock.lock(); entries[problem] = entry; lock.unlock()
    }

    var problems: [Int64] { lock.lock(); defer { lock.unlock() }; return Array(entries.keys) }
    /// No problem counted yet (checked on every attach: no array made).
    var isEmpty: Bool { lock.lock(); defer { lock.unlock() }; return entries.isEmpty }
    func has(_ problem: Int64) -> Bool { lock.lock(); defer { lock.unlock() }; return entries[problem] != nil }
    func contains(_ problem: Int64, mention: Int64) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return entries[problem]?.keysOfMention[mention] != nil
    }
    func mentions(of problem: Int64) -> Set<Int64> {
        lock.lock(); defer { lock.unlock() }
        return Set(entries[problem]?.keysOfMention.keys.map { $0 } ?? [])
    }
    func set(_ problem: Int64, mention: Int64, keys: [String]) {
        lock.lock(); defer { lock.unlock() }
        entries[problem]?.set(mention, keys)
    }
}

extension StoreTransaction {
    /// One mention's customer keys as a problem counts them (none for the brand's own posts).
    func customerKeys(ofMention id: Int64) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: """
            SELECT \(Self.customerKeySQL) FROM mentions m
            JOIN case_mentions ci ON ci.mention_id = m.id JOIN cases i ON i.id = ci.case_id AND i.kind = 'incident'
            WHERE m.id = ? AND m.is_brand = 0
            """), arguments: [id])
    }

    /// Keeps the memo in step when a mention joins a case: a problem it knows gains the mention's
    /// keys; an incident's new mention may count differently in the problems that hold it.
    func memoAttached(caseID: Int64, mentionID: Int64) throws {
        guard let memo, !memo.isEmpty else { return }
        if memo.has(caseID) {
            memo.set(caseID, mention: mentionID, keys: try customerKeys(ofMention: mentionID))
            return
        }
        for problem in memo.problems where memo.contains(problem, mention: mentionID) {
            memo.set(problem, mention: mentionID, keys: try customerKeys(ofMention: mentionID))
        }
    }

    /// Name keys added to an incident change how its mentions in a problem count.
    func memoIdentitiesAdded(toCase caseID: Int64) throws {
        guard let memo, !memo.isEmpty else { return }
        let own = Set(try Int64.fetchAll(db.cachedStatement(sql: "SELECT mention_id FROM case_mentions WHERE case_id = ?"), arguments: [caseID]))
        for problem in memo.problems {
            for mention in own.intersection(memo.mentions(of: problem)) {
                memo.set(problem, mention: mention, keys: try customerKeys(ofMention: mention))
            }
        }
    }
}
