import Foundation
import GRDB
import Logging
import Testing
@testable import EarshotApp
import EarshotDigest
@testable import EarshotParse
import EarshotServe
@testable import EarshotStore
@testable import EarshotWeb

/// A date keeps the offset its source wrote it in, so a mention is shown on its writer's day: a review written at
/// 18:03 on 19 November in California is the instant 01:03 on 20 November UTC, and the page says the 19th.
@Suite struct WrittenDateTests {
    static let california = -7 * 3600

    @Test func theParserKeepsTheOffsetTheTextNamed() throws {
        func offset(_ text: String) -> Int?? { DateParser.parseWritten(text).map(\.offset) }
        #expect(offset("2020-07-16T18:03:36-07:00") == .some(-25_200))
        #expect(offset("2020-07-16T18:03:36+0530") == .some(19_800))
        #expect(offset("2020-07-16T18:03:36Z") == .some(0))
        #expect(offset("Thu, 16 Jul 2020 18:03:36 -0700") == .some(-25_200), "the byte reader's common form")
        #expect(offset("Thu, 16 Jul 2020 18:03:36 PDT") == .some(-25_200))
        #expect(offset("Thu, 16 Jul 2020 18:03:36 GMT") == .some(0))
        #expect(offset("16 Jul 2020 18:03 EST") == .some(-18_000), "the general reader")
        // No zone named: the instant is read as UTC and the writer's day is not known.
        #expect(offset("2020-07-16") == .some(nil))
        #expect(offset("2020-07-16T18:03:36") == .some(nil))
        #expect(offset("Thu, 16 Jul 2020 18:03:36 XYZ") == .some(nil), "a zone this reader does not know")
        #expect(offset("not a date") == nil)
        #expect(offset("Thu, 16 Jul 2020 18:03:36 GMT+2") == .some(7_200))
        #expect(offset("Thu, 16 Jul 2020 18:03:36 +0545") == .some(20_700), "Nepal")
        #expect(offset("2020-07-16T18:03:36+05:45") == .some(20_700))
        #expect(offset("2020-07-16T18:03:36-00:30") == .some(-1_800))
        // RFC 822's military letters set the instant as ever but name no clock (their signs are unreliable).
        #expect(offset("Thu, 16 Jul 2020 18:03:36 A") == .some(nil))
        #expect(offset("16 Jul 2020 18:03:36 Y") == .some(nil))
        #expect(DateParser.parse("Thu, 16 Jul 2020 18:03:36 A") == DateParser.parse("2020-07-16T19:03:36Z"))
        // No real zone: no clock; a run of digits is no zone at all, and must not overflow.
        #expect(offset("Thu, 16 Jul 2020 18:03:36 +9900") == .some(nil), "99 hours")
        #expect(offset("Thu, 16 Jul 2020 18:03:36 +999999999999999999") == .some(nil))
        #expect(DateParser.parse("16 Jul 2020 18:03:36 -999999999999999999") == DateParser.parse("2020-07-16T18:03:36Z"))
        // The instant is the same either way.
        let written = try #require(DateParser.parseWritten("2020-07-16T18:03:36-07:00"))
        #expect(written.date == DateParser.parse("2020-07-17T01:03:36Z"))
        #expect(DateParser.parse("Thu, 16 Jul 2020 18:03:36 XYZ") == DateParser.parse("2020-07-16T18:03:36Z"))
    }

    @Test func writtenTimeShowsTheWritersClock() {
        let instant = DateParser.parse("2020-07-17T01:03:36Z")!
        #expect(WrittenTime.iso(instant, offset: Self.california) == "2020-07-16T18:03:36-07:00")
        #expect(WrittenTime.iso(instant, offset: 19_800) == "2020-07-17T06:33:36+05:30")
        #expect(WrittenTime.iso(instant, offset: -1_800) == "2020-07-17T00:33:36-00:30", "the sign of a zone under an hour")
        #expect(WrittenTime.iso(instant, offset: 0) == "2020-07-17T01:03:36Z")
        #expect(WrittenTime.iso(instant, offset: nil) == "2020-07-17T01:03:36Z")
        #expect(WrittenTime.iso(instant, offset: 30 * 3600) == "2020-07-17T01:03:36Z", "no real zone: shown in UTC")
        #expect(Pages.writtenTime(instant, offset: Self.california)
                == "<time datetime=\"2020-07-16T18:03:36-07:00\">2020-07-16 18:03 -07:00</time>")
        #expect(Pages.writtenTime(instant, offset: nil) == "<time datetime=\"2020-07-17T01:03:36Z\">2020-07-17 01:03 UTC</time>")
    }

    static func page(date: String) -> String {
        """
        <!DOCTYPE html><html lang="en"><head><title>Acme reviews</title>
        <script type="application/ld+json">
        {"@context": "https://schema.org", "@type": "Organization", "name": "Acme",
         "review": [{"@type": "Review", "url": "https://reviews.example/acme/r/1",
                     "author": {"@type": "Person", "name": "Dana Wells"}, "datePublished": "\(date)",
                     "reviewBody": "Charged twice for November and nobody at Acme answers the phone. Terrible.",
                     "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1},
                     "comment": {"@type": "Comment", "author": {"@type": "Organization", "name": "Acme"},
                                 "datePublished": "2026-11-19T21:30:00-07:00", "text": "Sorry Dana, we have refunded the second charge."}},
                    {"@type": "Review", "url": "https://reviews.example/acme/r/2",
                     "author": {"@type": "Person", "name": "Lee Park"}, "dateModified": "2026-11-18T20:00:00-05:00",
                     "reviewBody": "Lovely staff at Acme, quick and friendly. Would recommend.",
                     "reviewRating": {"@type": "Rating", "ratingValue": 5, "bestRating": 5, "worstRating": 1}}]}
        </script></head><body><h1>Acme</h1></body></html>
        """
    }

    @Test func parseWrittenDatesPrintsTheOffsetAndTheContractStaysUTC() throws {
        let document = try DocumentParser.parse(Data(Self.page(date: "2026-11-19T18:03:36-07:00").utf8), url: "https://reviews.example/acme")
        #expect(document.entries.first?.publishedOffset == Self.california)
        #expect(document.entries.first?.responses.first?.publishedOffset == Self.california, "the owner's answer too")
        #expect(document.entries.last?.publishedOffset == nil)
        #expect(document.entries.last?.updatedOffset == -5 * 3600, "dateModified keeps its offset too")
        func json(written: Bool) -> String {
            var bytes: [UInt8] = []
            var writer = ContractJSONWriter(writtenDates: written) { bytes.append(contentsOf: $0) }
            for entry in document.entries { writer.append(entry) }
            writer.finish(document)
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(json(written: false).contains("\"published\":\"2026-11-20T01:03:36Z\""))
        #expect(json(written: false) == document.contractJSON(), "the contract's form is unchanged")
        #expect(json(written: true).contains("\"published\":\"2026-11-19T18:03:36-07:00\""))
    }

    /// A store made before the offsets (v16) opens, migrates, and shows its mentions in UTC; a new one keeps its offset.
    @Test func aStoreFromBeforeTheOffsetsIsUpgraded() throws {
        let path = TestPaths.temporaryFolder("earshot-v16").appendingPathComponent("earshot.sqlite").path
        do {
            let old = try DatabaseQueue(path: path)
            try Migrations.makeMigrator().migrate(old, upTo: "v16: pending alerts read in queue order a chunk at a time")
            try old.write { db in
                try db.execute(sql: """
                    INSERT INTO sources (name, url, kind, interval_s, created_at) VALUES ('reviews', 'https://example.org/r', 'reviews', 3600, 0);
                    INSERT INTO mentions (source_id, item_key, fingerprint, body, published_at, fetched_at)
                    VALUES (1, 'old', 'f-old', 'Acme lost my parcel.', 1795568616, 1795568616);
                    """)
            }
            try old.close()
        }
        let store = try Store(path: path)
        let instant = Date(timeIntervalSince1970: 1_795_568_616)
        _ = try store.write { tx in
            try tx.upsertMention(NewMention(sourceID: 1, itemKey: "new", fingerprint: "f-new", url: nil, title: nil, author: nil,
                                            body: "Acme found it.", publishedAt: instant, fetchedAt: instant, rating: nil,
                                            bestRating: nil, worstRating: nil, publishedOffset: Self.california))
        }
        try store.read { tx in
            var shown: [String: ExportValue] = [:]
            try tx.export(.mentions, since: nil, until: nil) { row in
                if case .text(let body) = row[5], let local = row.last { shown[body] = local }
            }
            #expect(shown["Acme lost my parcel."] == .text(WrittenTime.iso(instant, offset: nil)), "stored before: UTC")
            #expect(shown["Acme found it."] == .text(WrittenTime.iso(instant, offset: Self.california)))
            #expect(try tx.mentions(from: .distantPast, to: .distantFuture).map(\.publishedOffset).sorted { ($0 ?? 0) < ($1 ?? 0) }
                    == [Self.california, nil])
        }
    }

    @Test func selectorsKeepAZoneTheirDateFormatNames() throws {
        let page = """
            <html><body>
            <div class="r"><span class="who">Ann</span><time>2026-11-19T18:03:36-07:00</time><p>Acme lost my parcel twice.</p></div>
            <div class="r"><span class="who">Bo</span><time>November 19, 2026</time><p>Acme was quick and kind.</p></div>
            </body></html>
            """
        func offsets(_ format: String?) throws -> [Int?] {
            let selectors = ReviewSelectors(review: "div.r", author: ".who", date: "time", dateFormat: format, body: "p")
            return try DocumentParser.parse(Data(page.utf8), url: "https://example.org/r", options: ParseOptions(selectors: selectors))
                .entries.map(\.publishedOffset)
        }
        #expect(try offsets("yyyy-MM-dd'T'HH:mm:ssZZZZZ") == [Self.california, nil], "the format's zone; the other date fails it")
        #expect(try offsets("MMMM d, yyyy") == [Self.california, nil], "the general reader, then a day without a zone")
    }

    @Test func aFeedEntryDatedOnlyByUpdatedKeepsItsOffset() throws {
        let atom = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
            <entry><id>urn:1</id><title>One</title><updated>2026-11-19T18:03:36-07:00</updated></entry>
            <entry><id>urn:2</id><title>Two</title><published>2026-11-19T09:00:00+0100</published><updated>2026-11-19T18:03:36-07:00</updated></entry>
            <entry><id>urn:3</id><title>Three</title><updated>Thu, 19 Nov 2026 18:03:36 GMT</updated></entry>
            </feed>
            """
        let document = try DocumentParser.parse(Data(atom.utf8), url: "https://example.org/feed")
        let entries = document.entries
        #expect(entries.map(\.publishedOffset) == [nil, 3_600, nil])
        #expect(entries.map(\.updatedOffset) == [Self.california, Self.california, 0])
        var bytes: [UInt8] = []
        var writer = ContractJSONWriter(writtenDates: true) { bytes.append(contentsOf: $0) }
        for entry in entries { writer.append(entry) }
        writer.finish(document)
        let json = String(decoding: bytes, as: UTF8.self)
        #expect(json.contains("\"published\":\"2026-11-19T09:00:00+01:00\""))
        let zero = ParsedEntry(published: DateParser.parse("2026-11-19T18:03:36Z"))
        var utc = zero
        utc.publishedOffset = 0
        var out: [UInt8] = []
        JSONBytes.entry(utc, writtenDates: true, into: &out)
        #expect(String(decoding: out, as: UTF8.self).contains("\"published\":\"2026-11-19T18:03:36Z\""), "zero is written Z")
    }

    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func aStoredReviewIsShownOnItsWritersDay() throws {
        let site = TestPaths.temporaryFolder("earshot-written-site")
        try Self.page(date: "2026-11-19T18:03:36-07:00").write(to: site.appendingPathComponent("acme.html"), atomically: true, encoding: .utf8)
        let server = try LoopbackHTTPServer.serving(directory: site)
        defer { server.stop() }
        let config = try EditedReviewTests.reviewsConfig(url: "\(server.baseURL)/acme.html", folder: TestPaths.temporaryFolder("earshot-written"))
        let store = try Store(path: config.storePath)
        let now = ISO8601DateFormatter().date(from: "2026-11-20T07:00:00Z")!
        let pipeline = try Pipeline(config: config, store: store, lexicon: try LexiconLocator.load(explicit: TestPaths.lexicon.path),
                                    clock: .fixed(now), logger: EditedReviewTests.quietLogger)
        try pipeline.syncSources()
        let summary = try pipeline.run(.due)
        #expect(summary.mentionsStored == 2)
        #expect(summary.brandMentions == 1, "the owner's answer")
        #expect(summary.casesOpened == 1)
        try store.read { tx in
            let stored = try tx.mentions(from: .distantPast, to: .distantFuture)
            let mention = try #require(stored.first { $0.author == "Dana Wells" })
            #expect(stored.first { $0.author == "Acme" }?.publishedOffset == Self.california, "the owner's answer")
            // Dated only by dateModified: that date's offset.
            #expect(stored.first { $0.author == "Lee Park" }?.publishedOffset == -5 * 3600)
            #expect(mention.publishedAt == ISO8601DateFormatter().date(from: "2026-11-20T01:03:36Z"), "the instant, in UTC")
            #expect(mention.publishedOffset == Self.california)
            var exported: [String: ExportValue] = [:]
            try tx.export(.mentions, since: nil, until: nil) { row in
                let values = Dictionary(uniqueKeysWithValues: zip(StoreTransaction.exportColumns(.mentions), row))
                if values["author"] == .text("Dana Wells") { exported = values }
            }
            #expect(exported["published_local"] == .text("2026-11-19T18:03:36-07:00"))
            #expect(exported["published"] == .time(mention.publishedAt))
            let opened = try #require(try tx.alerts().first { $0.idempotencyKey.hasSuffix("-opened") })
            let payload = try JSONSerialization.jsonObject(with: Data(opened.payload.utf8)) as? [String: Any]
            let fields = payload?["fields"] as? [String: String]
            #expect(fields?["published_local"] == "2026-11-19T18:03:36-07:00", "\(opened.payload.prefix(300))")
            #expect(fields?["published"] == "2026-11-20T01:03:36Z")
        }
        // The command line shows the writer's day.
        let shown = try runEarshot(["cases", "show", "1", "--store", config.storePath])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("2026-11-19T18:03:36-07:00"), "\(shown.stdout)")
    }
}
