import Foundation
import GRDB
import Logging
import Testing
@testable import EarshotApp
import EarshotScore
import EarshotServe
@testable import EarshotStore

/// Fetched bodies wait in pack files beside the store (one per write transaction), not in SQLite.
@Suite(.serialized)
struct DocumentSpoolTests {
    static let now = ISO8601DateFormatter().date(from: "2026-11-21T07:00:00Z")!

    func setUp(sources count: Int) throws -> SourcesSetup {
        try SourcesSetup(count: count, folder: "earshot-spool", now: Self.now, lexicon: { Lexicon() })
    }

    func packs(_ store: Store) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: store.spoolFolder)) ?? []).filter { $0.hasSuffix(".pack") }.sorted()
    }

    @Test func bodiesWaitInOnePackPerBatchAndThePacksGoWhenProcessed() throws {
        let count = Pipeline.batchCount * 2 + 7
        let s = try setUp(sources: count)
        defer { s.feeds.server.stop() }
        let fetched = try s.pipeline.run(.all, process: false)
        #expect(fetched.sourcesFetched == count)
        #expect(packs(s.store).count == 3, "one pack per written batch")

        // The rows hold no bytes; each names its place in a pack, and reading it gives the body served.
        let inline = try s.store.read { tx in try Int.fetchOne(tx.db, sql: "SELECT sum(length(body)) FROM fetched_documents") }
        #expect(inline == 0)
        let ids = try s.store.read { try $0.fetchedDocumentIDs() }
        #expect(ids.count == count)
        for id in ids {
            let document = try #require(try s.store.read { try $0.fetchedDocument(id: id) })
            let name = String(document.url.split(separator: "/").last ?? "")
            #expect(document.body == Data(ManyFeeds.feed(name).utf8), "the body of \(name)")
        }

        // A 304 writes no pack; processing takes every document and the packs go with the last of each.
        _ = try s.pipeline.run(.all, process: false)
        #expect(packs(s.store).count == 3)
        let run = try s.pipeline.run(.due)
        #expect(run.mentionsStored == count)
        #expect(try s.store.read { try $0.fetchedDocumentCount() } == 0)
        #expect(packs(s.store).isEmpty)
    }

    @Test func aPackStaysUntilItsLastDocumentIsDeletedAndCommitted() throws {
        let s = try setUp(sources: 3)
        defer { s.feeds.server.stop() }
        _ = try s.pipeline.run(.all, process: false)
        let ids = try s.store.read { try $0.fetchedDocumentIDs() }
        #expect(ids.count == 3)
        #expect(packs(s.store).count == 1)

        try s.store.write { tx in try tx.deleteFetchedDocument(id: ids[0]) }
        #expect(packs(s.store).count == 1, "two documents still wait in it")
        struct Undo: Error {}
        #expect(throws: Undo.self) {
            try s.store.write { tx in
                try tx.deleteFetchedDocument(id: ids[1])
                try tx.deleteFetchedDocument(id: ids[2])
                throw Undo()
            }
        }
        #expect(packs(s.store).count == 1, "a rolled-back delete keeps the pack")
        let document = try s.store.read { try $0.fetchedDocument(id: ids[2]) }
        #expect(document?.body.isEmpty == false)
        try s.store.write { tx in
            try tx.deleteFetchedDocument(id: ids[1])
            try tx.deleteFetchedDocument(id: ids[2])
        }
        #expect(packs(s.store).isEmpty)
    }

    @Test func aRolledBackAddLeavesNoPack() throws {
        let s = try setUp(sources: 1)
        defer { s.feeds.server.stop() }
        let source = try #require(try s.store.read { try $0.source(named: "s0") })
        struct Undo: Error {}
        #expect(throws: Undo.self) {
            try s.store.write { tx in
                try tx.addFetchedDocument(sourceID: source.id, url: "http://127.0.0.1/s0", charset: nil, body: Data("x".utf8), at: Self.now)
                throw Undo()
            }
        }
        #expect(packs(s.store).isEmpty)
        #expect(try s.store.read { try $0.fetchedDocumentCount() } == 0)
        // The next transaction starts a pack of its own and keeps it.
        try s.store.write { tx in
            try tx.addFetchedDocument(sourceID: source.id, url: "http://127.0.0.1/s0", charset: nil, body: Data("y".utf8), at: Self.now)
        }
        #expect(packs(s.store).count == 1)
        let id = try #require(try s.store.read { try $0.fetchedDocumentIDs() }.first)
        #expect(try s.store.read { try $0.fetchedDocument(id: id)?.body } == Data("y".utf8))
    }

    @Test func theFetchStageSweepsPacksNoDocumentNames() throws {
        let s = try setUp(sources: 2)
        defer { s.feeds.server.stop() }
        _ = try s.pipeline.run(.all, process: false)
        let kept = packs(s.store)
        #expect(kept.count == 1)
        // What a process killed between writing a pack and committing it leaves behind.
        let orphan = s.store.spoolFolder + "/0badc0de.pack"
        let other = s.store.spoolFolder + "/notes.txt"
        #expect(FileManager.default.createFile(atPath: orphan, contents: Data("half a batch".utf8)))
        #expect(FileManager.default.createFile(atPath: other, contents: Data("a user's file".utf8)))
        let again = try s.pipeline.run(.all, process: false)
        #expect(again.sourcesNotModified == 2)
        #expect(!FileManager.default.fileExists(atPath: orphan), "the orphan pack is removed")
        #expect(FileManager.default.fileExists(atPath: other), "only .pack files are touched")
        #expect(packs(s.store) == kept, "the pack the waiting documents name stays")
        #expect(try s.store.read { try $0.fetchedDocumentCount() } == 2)
    }

    /// A power cut can lose bytes a committed row names: the run says so, and the source is due at
    /// once without its validators, so the next run fetches it whole (and stores its mention once).
    @Test func aLostPackMakesItsSourcesFetchWholeAgain() throws {
        let s = try setUp(sources: 2)
        defer { s.feeds.server.stop() }
        _ = try s.pipeline.run(.all, process: false)
        #expect(s.feeds.wholeFetches(of: "s0") == 1)
        for pack in packs(s.store) { try FileManager.default.removeItem(atPath: s.store.spoolFolder + "/" + pack) }

        let run = try s.pipeline.run(.due)
        #expect(run.mentionsStored == 0)
        #expect(run.warnings.count == 2)
        #expect(run.warnings.first?.contains("is gone") == true, "\(run.warnings)")
        #expect(try s.store.read { try $0.fetchedDocumentCount() } == 0)
        let source = try #require(try s.store.read { try $0.source(named: "s0") })
        #expect(source.etag == nil)

        let next = try s.pipeline.run(.due)
        #expect(next.sourcesFetched == 2, "due at once, and fetched whole")
        #expect(next.mentionsStored == 2)
        #expect(s.feeds.wholeFetches(of: "s0") == 2)
    }

    @Test func aPackCutShortIsReportedAsLost() throws {
        let s = try setUp(sources: 1)
        defer { s.feeds.server.stop() }
        _ = try s.pipeline.run(.all, process: false)
        let pack = try #require(packs(s.store).first)
        #expect(truncate(s.store.spoolFolder + "/" + pack, 10) == 0)
        let id = try #require(try s.store.read { try $0.fetchedDocumentIDs() }.first)
        #expect {
            _ = try s.store.read { try $0.fetchedDocument(id: id) }
        } throws: { error in
            (error as? StoreError)?.kind == .lost && "\(error)".contains("cut short")
        }
    }

    /// A row written by a version before packs keeps its body inline, and is processed as before.
    @Test func aDocumentOfAnOlderVersionIsReadFromItsRow() throws {
        let s = try setUp(sources: 1)
        defer { s.feeds.server.stop() }
        let source = try #require(try s.store.read { try $0.source(named: "s0") })
        try s.store.write { tx in
            try tx.db.execute(sql: "INSERT INTO fetched_documents (source_id, fetched_at, url, charset, body) VALUES (?, ?, ?, NULL, ?)",
                              arguments: [source.id, Self.now.timeIntervalSince1970, "http://127.0.0.1/s0", Data(ManyFeeds.feed("s0").utf8)])
        }
        let id = try #require(try s.store.read { try $0.fetchedDocumentIDs() }.first)
        #expect(try s.store.read { try $0.fetchedDocument(id: id)?.body } == Data(ManyFeeds.feed("s0").utf8))
        let run = try s.pipeline.run(.named([]), process: true)  // no fetch: only what waits
        #expect(run.mentionsStored == 1)
        #expect(try s.store.read { try $0.fetchedDocumentCount() } == 0)
    }
}

/// What the fetch stage writes for a source, one UPDATE per answer.
@Suite struct FetchAnswerRecordTests {
    @Test func a304EndsTheRunOfFailuresAndA200LeavesItToProcessing() throws {
        let folder = TestPaths.temporaryFolder("earshot-answers")
        let store = try Store(path: folder.appendingPathComponent("earshot.sqlite").path)
        let now = DocumentSpoolTests.now
        let ids = try store.write { tx in
            try ["a", "b"].map { name in
                try tx.upsertSource(SourceSpec(name: name, url: "http://127.0.0.1/\(name)", kind: "feed", interval: 3600), origin: "cli", now: now)
                let id = try #require(try tx.source(named: name)).id
                for _ in 0 ..< 3 {
                    try tx.recordFetchFailure(sourceID: id, error: "404", nextDue: now, pause: false, gone: true, now: now)
                }
                return id
            }
        }
        let later = now.addingTimeInterval(60)
        try store.write { tx in
            try tx.recordNotModified(sourceID: ids[0], etag: "\"v2\"", lastModified: nil, nextDue: later.addingTimeInterval(3600),
                                     movedTo: nil, now: later)
            try tx.recordFetched(sourceID: ids[1], etag: "\"w1\"", lastModified: "Sat, 21 Nov 2026 07:00:00 GMT",
                                 nextDue: later.addingTimeInterval(3600), movedTo: "http://127.0.0.1/b2", now: later)
        }
        let a = try #require(try store.read { try $0.source(named: "a") })
        #expect(a.failures == 0)
        #expect(a.goneSince == nil)
        #expect(a.etag == "\"v2\"")
        #expect(a.url == "http://127.0.0.1/a")
        let b = try #require(try store.read { try $0.source(named: "b") })
        #expect(b.failures == 3, "a body ends the run of failures only once it is processed")
        #expect(b.goneSince != nil)
        #expect(b.etag == "\"w1\"")
        #expect(b.lastModified == "Sat, 21 Nov 2026 07:00:00 GMT")
        #expect(b.url == "http://127.0.0.1/b2", "a permanent redirect moves the source")
    }
}
