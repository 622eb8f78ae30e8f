import Foundation
import GRDB
import Logging
import Testing
@testable import EarshotApp
import EarshotDigest
import EarshotServe
import EarshotStore

/// The whole path, feed to case to digest, against a real HTTP server on 127.0.0.1 serving the demo data.
@Suite(.serialized)
struct PipelineTests {
    static let now = ISO8601DateFormatter().date(from: "2026-11-21T07:00:00Z")!

    struct Harness {
        let server: LoopbackHTTPServer
        let folder: URL
        let config: Config
        let store: Store

        init() throws {
            server = try LoopbackHTTPServer.serving(directory: TestPaths.demoFeeds)
            folder = TestPaths.temporaryFolder("earshot-pipeline")
            let template = try String(contentsOf: TestPaths.demoFeeds.appendingPathComponent("earshot-demo.yaml"), encoding: .utf8)
            config = try Config.parse(template.replacingOccurrences(of: "{BASE}", with: server.baseURL),
                                      file: folder.appendingPathComponent("earshot.yaml").path)
            store = try Store(path: config.storePath)
        }

        func makePipeline(at date: Date = PipelineTests.now) throws -> Pipeline {
            let lexicon = try LexiconLocator.load(explicit: TestPaths.lexicon.path)
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            return try Pipeline(config: config, store: store, lexicon: lexicon, clock: .fixed(date), logger: logger)
        }

        func counts() throws -> (mentions: Int, cases: Int, events: Int, outbox: Int) {
            try store.read { tx in
                (try tx.mentionCount(), try tx.cases(CaseFilter()).count,
                 try Int.fetchOne(tx.db, sql: "SELECT COUNT(*) FROM case_events") ?? 0, try tx.alerts().count)
            }
        }
    }

    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func demoDataFlowsFromFeedsToCasesAndDigest() throws {
        let h = try Harness()
        defer { h.server.stop() }
        let pipeline = try h.makePipeline()
        try pipeline.syncSources()
        let summary = try pipeline.run(.due)

        #expect(summary.sourcesDue == 5)
        #expect(summary.sourcesFetched == 5, "failures: \(summary.failures)")
        #expect(summary.sourcesFailed == 0)
        // Feeds/demo/MENTIONS.md: 83 on-topic customer items, one of them a copy of another (82
        // mentions); the 9 off-topic ones fail the brand query; 4 posts are the brand's own.
        #expect(summary.mentionsStored == 82)
        #expect(summary.copies == 1)
        #expect(summary.brandMentions == 4)
        #expect(summary.brandReplies == 4)
        #expect(summary.pagesFetched == 6, "the TrustVoice page links a second page")
        #expect(summary.negatives >= 30)
        #expect(summary.casesOpened >= 15)

        try h.store.read { tx in
            // One customer, one case: Priya's two complaints share a case.
            let priya = try tx.cases(CaseFilter(kind: "incident")).filter { $0.customer == "Priya Natarajan" }
            #expect(priya.count == 1)
            if let c = priya.first {
                // Her two complaints, the brand's reply in her thread, and her own "sorted", which resolved it.
                #expect(try tx.mentionIDs(ofCase: c.id).count == 4)
                #expect(c.status == "resolved")
                #expect(c.firstResponseAt == ISO8601DateFormatter().date(from: "2026-11-12T11:20:00Z"))
            }
            // The brand's replies thread onto their customers' cases and are never a customer.
            let answered = try tx.cases(CaseFilter(kind: "incident")).filter { $0.firstResponseAt != nil }
            #expect(Set(answered.compactMap(\.customer)) == ["Priya Natarajan", "Kelly Birch", "Hannah Oduya", "Kevin Rigby"])
            #expect(!(try tx.cases(CaseFilter()).contains { $0.customer?.hasPrefix("Brightwave") == true }))
            // Danny Crossley on social and then on the forum: one case, begun at his first post.
            let danny = try tx.cases(CaseFilter(kind: "incident")).filter { $0.customer == "Danny Crossley" }
            #expect(danny.count == 1)
            if let c = danny.first { #expect(try tx.mentionIDs(ofCase: c.id).count == 2) }
            // The billing problem that several customers hit is one problem case.
            let problems = try tx.cases(CaseFilter(kind: "problem"))
            let billing = problems.filter { $0.aspect == "billing" }
            #expect(billing.count == 1)
            if let b = billing.first { #expect(try tx.incidents(ofProblem: b.id).count >= 3) }
            // Every alert was delivered to the demo's JSON-lines channel.
            #expect(try tx.alerts(state: "pending").isEmpty)
            #expect(try tx.alerts(state: "sent").count > 0)
            // Scores keep their reasons.
            let negative = try tx.mentions(from: .distantPast, to: .distantFuture, label: "negative", limit: 1)
            #expect(negative.first?.score?.reasons.isEmpty == false)
        }
        let alerts = try String(contentsOf: h.folder.appendingPathComponent("alerts.jsonl"), encoding: .utf8)
        #expect(alerts.split(separator: "\n").count == (try h.store.read { try $0.alerts(state: "sent").count }))

        let week = try Period.parse("week", now: Self.now)
        let report = try h.store.read { try $0.digestReport(period: week.interval, periodName: week.name, brand: "Brightwave", now: Self.now) }
        #expect(report.headline.mentions > 20)
        #expect(report.problems.contains { $0.aspect == "billing" })
        #expect(report.dailyVolume.count == 30)
        #expect(report.dailyVolume.reduce(0) { $0 + $1.total } == 82, "the copy counts once, the brand never")
        #expect(report.cases.answered > 0 && report.cases.medianFirstResponse != nil)
        #expect(report.ratingTrend.isEmpty == false)
        let html = DigestRenderer.html(report)
        #expect(html.contains("Brightwave"))
        #expect(!html.contains("<script"))
    }

    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func runningAgainAddsNothing() throws {
        let h = try Harness()
        defer { h.server.stop() }
        let first = try h.makePipeline()
        try first.syncSources()
        _ = try first.run(.due)
        let before = try h.counts()

        // The same clock: nothing is due, nothing happens.
        let again = try h.makePipeline()
        try again.syncSources()
        let idle = try again.run(.due)
        #expect(idle.sourcesDue == 0)
        // Forcing every source through the pipeline again still stores nothing twice.
        let forced = try again.run(.all)
        #expect(forced.sourcesFetched + forced.sourcesNotModified == 5)
        #expect(forced.mentionsStored == 0)
        #expect(forced.casesOpened == 0)
        let after = try h.counts()
        #expect(after.mentions == before.mentions)
        #expect(after.cases == before.cases)
        #expect(after.events == before.events)
        #expect(after.outbox == before.outbox)
    }

    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func fetchedDocumentsWaitForTheProcessStageAndA304LosesNone() throws {
        let h = try Harness()
        defer { h.server.stop() }
        let pipeline = try h.makePipeline()
        try pipeline.syncSources()
        // `earshot fetch`: the bodies wait in the store; nothing is parsed, stored or sent.
        let fetched = try pipeline.run(.all, process: false)
        #expect(fetched.sourcesFetched == 5)
        #expect(fetched.documentsWaiting == 5)
        #expect(fetched.processed == false)
        #expect(fetched.line.contains("5 documents waiting"))
        #expect(try h.counts().mentions == 0)
        let validators = try h.store.read { try $0.sources().filter { $0.etag != nil }.count }
        #expect(validators == 5, "the validators are saved with the waiting documents")

        // Fetched again before any processing: every answer is a 304 and nothing waiting is lost.
        let again = try pipeline.run(.all, process: false)
        #expect(again.sourcesNotModified == 5)
        #expect(again.documentsWaiting == 5)

        // The next run processes what waits: the same 82 mentions a one-step run stores, once.
        let run = try pipeline.run(.due)
        #expect(run.sourcesDue == 0)
        #expect(run.mentionsStored == 82)
        #expect(run.pagesFetched == 6, "pagination still follows the TrustVoice page's next link")
        #expect(try h.store.read { try $0.fetchedDocumentCount() } == 0)
        let after = try pipeline.run(.due)
        #expect(after.mentionsStored == 0)
        #expect(try h.counts().mentions == 82)
    }

    /// More sources than one write batch holds: batches are written on the writer thread while
    /// transfers go on, and every body and validator arrives, once, in the store.
    @Test func aFetchOfManyBatchesKeepsEveryDocumentOnce() throws {
        let count = Pipeline.batchCount * 2 + 7
        let setup = try SourcesSetup(count: count, folder: "earshot-batches", now: Self.now, lexicon: { throw CancellationError() })
        defer { setup.feeds.server.stop() }
        let (store, pipeline) = (setup.store, setup.pipeline)

        let first = try pipeline.run(.all, process: false)
        #expect(first.sourcesFetched == count)
        #expect(first.sourcesFailed == 0, "\(first.failures)")
        #expect(try store.read { try $0.fetchedDocumentCount() } == count)
        let sources = try store.read { try $0.sources() }
        #expect(sources.filter { $0.etag == "\"\($0.name)\"" }.count == count, "each source keeps its own validator")

        let again = try pipeline.run(.all, process: false)
        #expect(again.sourcesNotModified == count)
        #expect(try store.read { try $0.fetchedDocumentCount() } == count, "a 304 adds and loses nothing")
    }

    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func aDocumentThatIsNotAFeedFailsItsSourceAndIsFetchedWholeNextTime() throws {
        let h = try Harness()
        defer { h.server.stop() }
        let junk = try LoopbackHTTPServer { _ in
            HTTPResponse(status: 200, headers: [("Content-Type", "application/octet-stream"), ("ETag", "\"v1\"")],
                         body: Data([0x00, 0x01, 0x02, 0xFF, 0xFE]))
        }
        defer { junk.stop() }
        let pipeline = try h.makePipeline()
        _ = try h.store.write { tx in
            try tx.upsertSource(SourceSpec(name: "junk", url: junk.url("/feed"), kind: "feed", interval: 3600), origin: "cli", now: Self.now)
        }
        let summary = try pipeline.run(.due)
        #expect(summary.sourcesFailed == 1)
        #expect(summary.failures.first?.hasPrefix("junk:") == true)
        let source = try h.store.read { try $0.source(named: "junk") }
        #expect(source?.failures == 1)
        #expect(source?.etag == nil, "a document that could not be parsed is not validated against next time")
        #expect(try h.store.read { try $0.fetchedDocumentCount() } == 0)
    }

    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func aFailingSourceIsRecordedAndTheOthersAreStored() throws {
        let h = try Harness()
        defer { h.server.stop() }
        let pipeline = try h.makePipeline()
        try pipeline.syncSources()
        _ = try h.store.write { tx in
            try tx.upsertSource(SourceSpec(name: "missing", url: h.server.baseURL + "/no-such-feed.rss", kind: "feed", interval: 3600),
                                origin: "cli", now: Self.now)
        }
        let summary = try pipeline.run(.due)
        #expect(summary.sourcesFailed == 1)
        #expect(summary.sourcesFetched == 5)
        #expect(summary.mentionsStored == 82)
        #expect(summary.exitStatus == .sourcesFailed)
        let missing = try h.store.read { try $0.source(named: "missing") }
        #expect(missing?.failures == 1)
        #expect(missing?.lastError?.contains("404") == true)
        #expect((missing?.nextDue ?? .distantPast) > Self.now)
    }
}

/// Review sources whose page changed: never silently empty.
@Suite(.serialized)
struct ReviewSourceHealthTests {
    static let now = ISO8601DateFormatter().date(from: "2026-11-21T07:00:00Z")!

    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func aRedesignedPageIsReportedUnhealthy() throws {
        let server = try LoopbackHTTPServer.serving(directory: TestPaths.fixtures.appendingPathComponent("reviews"))
        defer { server.stop() }
        let folder = TestPaths.temporaryFolder("earshot-redesign")
        let selectors = [
            "    selectors:", "      review: div.review-card", "      author: .reviewer-name", "      date: .review-date",
            "      date_format: MMMM d, yyyy", "      rating: .stars", "      rating_attribute: data-rating", "      body: .review-text",
        ].joined(separator: "\n")
        let yaml = """
        brand: Greenway
        sources:
          - name: before
            url: \(server.baseURL)/selectors.html
            kind: reviews
            robots: false
            stale_after: 3650d     # its reviews are old; the page is healthy all the same
        \(selectors)
          - name: after
            url: \(server.baseURL)/redesign.html
            kind: reviews
            robots: false
        \(selectors)
        channels:
          - name: log
            type: jsonl
            path: alerts.jsonl
        """
        let config = try Config.parse(yaml, file: folder.appendingPathComponent("earshot.yaml").path)
        let store = try Store(path: config.storePath)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let pipeline = try Pipeline(config: config, store: store, lexicon: try LexiconLocator.load(explicit: TestPaths.lexicon.path),
                                    clock: .fixed(Self.now), logger: logger)
        try pipeline.syncSources()
        let summary = try pipeline.run(.due)
        #expect(summary.sourcesFetched == 2)
        #expect(summary.warnings.contains { $0.hasPrefix("after: selectors:") }, "\(summary.warnings)")
        let (before, after) = try store.read { (try $0.source(named: "before"), try $0.source(named: "after")) }
        #expect(before?.unhealthy == nil)
        #expect(after?.unhealthy?.contains("matched nothing") == true)
        let report = try store.read {
            try $0.digestReport(period: try Period.parse("day", now: Self.now).interval, periodName: "day", brand: "Greenway", now: Self.now)
        }
        #expect(report.sourceHealth.contains { $0.name == "after" && $0.state == "unhealthy" })
        #expect(!report.sourceHealth.contains { $0.name == "before" })
    }
}

/// An edited review updates its mention, and a changed rating reaches the support lead.
@Suite(.serialized)
struct EditedReviewTests {
    static func page(rating: Int, body: String) -> String {
        """
        <!DOCTYPE html><html lang="en"><head><title>Acme reviews</title>
        <script type="application/ld+json">
        {"@context": "https://schema.org", "@type": "Organization", "name": "Acme",
         "review": [{"@type": "Review", "url": "https://reviews.example/acme/r/1",
                     "author": {"@type": "Person", "name": "Dana Wells"}, "datePublished": "2026-11-19T10:00:00Z",
                     "reviewBody": "\(body)",
                     "reviewRating": {"@type": "Rating", "ratingValue": \(rating), "bestRating": 5, "worstRating": 1}}]}
        </script></head><body><h1>Acme</h1></body></html>
        """
    }

    /// Acme with one review page as its only source and a JSON-lines alert channel, its store in `folder`.
    static func reviewsConfig(url: String, folder: URL) throws -> Config {
        try Config.parse("""
            brand: Acme
            sources:
              - name: reviews
                url: \(url)
                kind: reviews
                robots: false
            channels:
              - name: log
                type: jsonl
                path: alerts.jsonl
            """, file: folder.appendingPathComponent("earshot.yaml").path)
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func aRaisedRatingIsRecordedOnTheMentionAndItsCase() throws {
        let site = TestPaths.temporaryFolder("earshot-edit-site")
        let file = site.appendingPathComponent("acme.html")
        try Self.page(rating: 1, body: "Charged twice for November and nobody answers the phone.").write(to: file, atomically: true, encoding: .utf8)
        let server = try LoopbackHTTPServer.serving(directory: site)
        defer { server.stop() }
        let config = try Self.reviewsConfig(url: "\(server.baseURL)/acme.html", folder: TestPaths.temporaryFolder("earshot-edit"))
        let store = try Store(path: config.storePath)
        let logger = Self.quietLogger
        let lexicon = try LexiconLocator.load(explicit: TestPaths.lexicon.path)
        let now = ISO8601DateFormatter().date(from: "2026-11-20T07:00:00Z")!
        let first = try Pipeline(config: config, store: store, lexicon: lexicon, clock: .fixed(now), logger: logger)
        try first.syncSources()
        let one = try first.run(.due)
        #expect(one.mentionsStored == 1)
        #expect(one.casesOpened == 1)

        // The customer edits the review: the problem is sorted, four stars now.
        try Self.page(rating: 4, body: "Charged twice, but Acme refunded it within a day. Thanks.").write(to: file, atomically: true, encoding: .utf8)
        let later = try Pipeline(config: config, store: store, lexicon: lexicon, clock: .fixed(now.addingTimeInterval(86_400)), logger: logger)
        let two = try later.run(.all)
        #expect(two.mentionsStored == 0)
        #expect(two.mentionsUpdated == 1)
        try store.read { tx in
            #expect(try tx.mentionCount() == 1)
            let mention = try tx.mentions(from: .distantPast, to: .distantFuture).first
            #expect(mention?.rating == 4)
            #expect(mention?.previousRating == 1)
            let cases = try tx.cases(CaseFilter())
            #expect(cases.count == 1)
            if let c = cases.first {
                let events = try tx.events(ofCase: c.id)
                #expect(events.contains { $0.kind == "rating changed" && ($0.detail ?? "").contains("raised their rating from 1 to 4") })
            }
            #expect(try tx.alerts().contains { $0.idempotencyKey.contains("-rating-") })
        }
    }
}

@Suite
struct StorePageSizeTests {
    /// Parsed feeds taken ahead share one commit (counted by a transaction observer on the writer), and the
    /// group stores what one commit per document would: every demo mention once.
    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func parsedFeedsShareACommit() throws {
        let h = try PipelineTests.Harness()
        defer { h.server.stop() }
        let pipeline = try h.makePipeline()
        try pipeline.syncSources()
        _ = try pipeline.run(.due, process: false)
        let scorer = try pipeline.scorer()
        let ids = try h.store.read { try $0.fetchedDocumentIDs() }
        let feeds = ids.compactMap { Pipeline.grouped(pipeline.readAhead($0, scorer: scorer)) }
        #expect(feeds.count >= 3, "the demo's feeds, parsed ahead")
        let commits = CommitCounter()
        try h.store.write { tx in tx.db.add(transactionObserver: commits, extent: .observerLifetime) }
        commits.count = 0
        var summary = RunSummary()
        let taken = try pipeline.processGroup(feeds[0], next: { $0 < feeds.count ? feeds[$0] : nil },
                                              horizon: PipelineTests.now.addingTimeInterval(-h.config.backfill), into: &summary)
        #expect(taken == feeds.count)
        #expect(commits.count == 1, "\(feeds.count) documents, \(commits.count) commits")
        let stored = try h.store.read { try $0.mentionCount() }
        #expect(summary.mentionsStored > 40 && summary.mentionsStored == stored)
        #expect(try h.store.read { try $0.fetchedDocumentIDs() }.count == ids.count - feeds.count, "each stored feed's document gone with it")
    }

    /// Counts the commits of the connection it is added to (the store's one writer).
    final class CommitCounter: TransactionObserver, @unchecked Sendable {
        var count = 0
        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { eventKind.tableName == "mentions" }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) { count += 1 }
        func databaseDidRollback(_ db: Database) {}
    }

    /// Parsed feeds are stored several to a commit; a document that cannot be stored (here SQLite itself refuses
    /// its mentions, through a trigger) costs only itself: the others of its group are stored, it waits with its
    /// failure said, and the next run stores it once the cause is gone, nothing twice.
    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func aDocumentThatCannotBeStoredCostsOnlyItself() throws {
        let h = try PipelineTests.Harness()
        defer { h.server.stop() }
        let pipeline = try h.makePipeline()
        try pipeline.syncSources()
        try h.store.write { tx in
            try tx.db.execute(sql: """
                CREATE TRIGGER poisoned BEFORE INSERT ON mentions
                WHEN NEW.source_id = (SELECT id FROM sources WHERE name = 'social-search')
                BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
                """)
        }
        let first = try pipeline.run(.due)
        #expect(first.sourcesFailed == 1)
        #expect(first.failures.count == 1 && first.failures.first?.hasPrefix("social-search: store:") == true, "\(first.failures)")
        let (stored, waiting, social) = try h.store.read { tx in
            (try tx.mentionCount(), try tx.fetchedDocumentIDs().count,
             try Int.fetchOne(tx.db, sql: "SELECT COUNT(*) FROM mentions WHERE source_id = (SELECT id FROM sources WHERE name = 'social-search')") ?? -1)
        }
        #expect(stored == first.mentionsStored && stored > 40, "the other feeds of the group are stored")
        #expect(social == 0 && waiting == 1, "the refused document waits, whole")

        try h.store.write { tx in try tx.db.execute(sql: "DROP TRIGGER poisoned") }
        let second = try pipeline.run(.due)
        #expect(second.sourcesFailed == 0)
        let total = try h.store.read { try $0.mentionCount() }
        #expect(total == 82, "every demo mention once (Feeds/demo/MENTIONS.md)")
        #expect(try h.store.read { try $0.fetchedDocumentIDs().isEmpty })
    }

    @Test func aNewStoreUsesLargePages() throws {
        let folder = TestPaths.temporaryFolder("earshot-pages")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try Store(path: folder.appendingPathComponent("earshot.sqlite").path)
        #expect(try store.pageSizeInUse() == Store.pageSize)
    }

    /// A store made before (SQLite's 4 KiB pages, WAL) opens as it is: its rows stay, its page
    /// size stays (changing it would need a full rewrite), and it takes new writes.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "python3 is missing: it makes the old-style file"))
    func anOlderStoreKeepsItsPagesAndItsRows() throws {
        let folder = TestPaths.temporaryFolder("earshot-pages")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("earshot.sqlite").path
        #expect(try Self.sqlite(path, """
            c.execute('PRAGMA page_size=4096'); c.execute('PRAGMA journal_mode=WAL')
            c.execute('CREATE TABLE notes (x TEXT)'); c.execute("INSERT INTO notes VALUES ('kept')"); c.commit()
            """) == "")

        let store = try Store(path: path)
        #expect(try store.pageSizeInUse() == 4096)
        try store.write { tx in
            try tx.upsertSource(SourceSpec(name: "a", url: "http://127.0.0.1:1/a", kind: "feed", interval: 3600), origin: "config", now: Date())
        }
        #expect(try store.read { try $0.sources() }.map(\.name) == ["a"])
        #expect(try Self.sqlite(path, "print(c.execute('SELECT x FROM notes').fetchone()[0], end='')") == "kept")
    }

    /// Runs Python code with `c`, a sqlite3 connection to `path`; returns what it prints.
    static func sqlite(_ path: String, _ code: String) throws -> String {
        try runTool("/usr/bin/python3", ["-c", "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nexec(sys.argv[2])\nc.close()",
                                         path, code])
    }
}
