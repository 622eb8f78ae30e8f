import Foundation
import Testing
@testable import EarshotParse

/// Who is speaking (issue 16), in feeds: the author's e-mail and profile link beside the display name, and
/// what an entry answers (RFC 4685 `thr:in-reply-to`). Fixtures: Tests/EarshotTests/Fixtures/feeds.
@Suite struct ParseIdentityTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/feeds")

    func parse(_ name: String, url: String? = nil) throws -> ParsedDocument {
        try DocumentParser.parse(Data(contentsOf: Self.fixtures.appendingPathComponent(name)), url: url)
    }

    func parse(xml: String, url: String? = nil) throws -> ParsedDocument {
        try FeedParser.parse(Data(xml.utf8), url: url, charset: nil, options: ParseOptions())
    }

    func date(_ iso: String) -> Date? { ISO8601DateFormatter().date(from: iso) }

    /// The entry keys of the contract JSON: the new fields must never show up there (tools/feed_compare.py
    /// rejects any key the contract does not name).
    static let contractEntryKeys: Set<String> = ["id", "title", "link", "author", "published", "updated", "summary",
                                                 "content", "rating", "best_rating", "worst_rating"]

    func contractEntryKeys(_ doc: ParsedDocument) throws -> [Set<String>] {
        let object = try #require(JSONSerialization.jsonObject(with: Data(doc.contractJSON().utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["kind", "title", "link", "subtitle", "language", "updated", "entries", "warnings"])
        let entries = try #require(object["entries"] as? [[String: Any]])
        return entries.map { Set($0.keys) }
    }

    @Test func atomAuthorDetailAndThreading() throws {
        let doc = try parse("atom-thread.xml")
        #expect(doc.kind == .atom)
        #expect(doc.warnings.isEmpty)
        #expect(doc.link == "https://forum.acme.example/threads/refunds")
        #expect(doc.entries.count == 3)

        let question = doc.entries[0]
        #expect(question.id == "tag:forum.acme.example,2024:post-1")
        #expect(question.author == "Jane Roe")
        #expect(question.authorEmail == nil)
        #expect(question.authorURI == "https://forum.acme.example/users/jane")   // resolved against xml:base
        #expect(question.inReplyTo == nil)
        #expect(question.inReplyToLink == nil)
        #expect(question.responses.isEmpty)

        let answer = doc.entries[1]
        #expect(answer.id == "tag:forum.acme.example,2024:post-2")
        #expect(answer.title == "Re: Still no refund after three weeks")
        #expect(answer.link == "https://forum.acme.example/threads/refunds/#post-2")
        #expect(answer.author == "Acme Support")   // the display name, as before
        #expect(answer.authorEmail == "support@acme.example")
        #expect(answer.authorURI == "https://forum.acme.example/team/support")
        #expect(answer.published == date("2024-05-01T11:30:00Z"))
        #expect(answer.content == "Sorry, Jane: your refund was sent today.")
        // The first in-reply-to counts; ref as written, href against the entry's own xml:base.
        #expect(answer.inReplyTo == "tag:forum.acme.example,2024:post-1")
        #expect(answer.inReplyToLink == "https://forum.acme.example/threads/refunds/#post-1")

        // Another prefix for the same namespace, declared on the element; ref without href.
        let thanks = doc.entries[2]
        #expect(thanks.author == "Jane Roe")
        #expect(thanks.authorEmail == "jane@example.com")
        #expect(thanks.authorURI == nil)
        #expect(thanks.inReplyTo == "tag:forum.acme.example,2024:post-2")
        #expect(thanks.inReplyToLink == nil)
        #expect(thanks.content == "Got it, thanks!")

        #expect(try contractEntryKeys(doc).allSatisfy { $0 == Self.contractEntryKeys })
    }

    @Test func rssAuthorAsEmailAndNameAndThreading() throws {
        let doc = try parse("rss-thread.xml", url: "https://status.acme.example/feed")
        #expect(doc.kind == .rss)
        #expect(doc.warnings.isEmpty)
        #expect(doc.entries.count == 3)

        let complaint = doc.entries[0]   // dc:creator "email (Name)"
        #expect(complaint.id == "notice-41")
        #expect(complaint.author == "Jane Roe")
        #expect(complaint.authorEmail == "jane@example.com")
        #expect(complaint.authorURI == nil)
        #expect(complaint.inReplyTo == nil)

        let answer = doc.entries[1]   // <author>support@acme.example (Acme Support)</author>
        #expect(answer.id == "notice-42")
        #expect(answer.link == "https://status.acme.example/notices/42")
        // `author` as before: feedparser's rule splits off addresses whose top-level domain has 2 to 4 letters
        // (as "jane@example.com (Jane Roe)" above), so this one stays whole; the address is read all the same.
        #expect(answer.author == "support@acme.example (Acme Support)")
        #expect(answer.authorEmail == "support@acme.example")
        #expect(answer.inReplyTo == "notice-41")
        #expect(answer.inReplyToLink == "https://status.acme.example/notices/41")
        #expect(answer.published == date("2024-05-01T12:00:00Z"))
        #expect(answer.summary == "We are sorry: the depot reopens tomorrow.")

        let plain = doc.entries[2]
        #expect(plain.author == "Sam K.")
        #expect(plain == ParsedEntry(title: "Plain item", link: "https://status.acme.example/notices/43", author: "Sam K.",
                                     summary: "Nothing special."))

        #expect(try contractEntryKeys(doc).allSatisfy { $0 == Self.contractEntryKeys })
    }

    /// A feed without these elements: nothing new appears, and the existing fields are what they were.
    @Test func existingFixturesGainNothingUnexpected() throws {
        let rss = try parse("rss2-basic.xml", url: "https://acme.example/feed")
        let item = try #require(rss.entries.first)
        #expect(item.author == "Jane Roe")
        #expect(item.authorEmail == nil && item.authorURI == nil)
        #expect(item.inReplyTo == nil && item.inReplyToLink == nil && item.responses.isEmpty)

        let atom = try parse("atom-base.xml")
        let entry = try #require(atom.entries.first)
        #expect(entry.author == "Ana")   // the first author's name, not "Ana (ana@example.org)"
        #expect(entry.authorEmail == "ana@example.org")
        #expect(entry.authorURI == nil)
    }

    @Test func inReplyToEdgeCases() throws {
        // The prefix never declared: libxml2 recovers the tag without a namespace; "thr:" is taken at its word.
        let undeclared = try parse(xml: """
            <rss version="2.0"><channel><title>t</title>
            <item><title>a</title><thr:in-reply-to ref="urn:x:1" href="https://a.example/1"/></item>
            </channel></rss>
            """)
        #expect(undeclared.entries.first?.inReplyTo == "urn:x:1")
        #expect(undeclared.entries.first?.inReplyToLink == "https://a.example/1")

        // Outside an entry, in an Atom <source>, or in another namespace: not this entry's parent.
        let elsewhere = try parse(xml: """
            <feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0"
                  xmlns:x="http://example.com/not-thread">
              <title>t</title>
              <thr:in-reply-to ref="urn:feed-level"/>
              <entry><id>urn:e:1</id><title>one</title>
                <source><id>urn:src</id><thr:in-reply-to ref="urn:in-source"/></source>
                <x:in-reply-to ref="urn:other-namespace"/>
              </entry>
              <entry><id>urn:e:2</id><title>two</title><thr:in-reply-to ref="  urn:e:1  "/></entry>
            </feed>
            """)
        #expect(elsewhere.entries.map(\.inReplyTo) == [nil, "urn:e:1"])
        #expect(elsewhere.entries.map(\.id) == ["urn:e:1", "urn:e:2"])
        #expect(elsewhere.entries.map(\.title) == ["one", "two"])

        // One entry's reply does not leak into the next (entry contexts are reused).
        let twoItems = try parse(xml: """
            <rss version="2.0" xmlns:thr="http://purl.org/syndication/thread/1.0"><channel><title>t</title>
            <item><title>a</title><author>A (mailto:a@b.example?subject=Hi)</author><thr:in-reply-to ref="r1"/></item>
            <item><title>b</title></item>
            </channel></rss>
            """)
        #expect(twoItems.entries.map(\.inReplyTo) == ["r1", nil])
        #expect(twoItems.entries.map(\.authorEmail) == ["a@b.example", nil])   // a bare address
        #expect(twoItems.entries.map(\.author) == ["A (mailto:a@b.example?subject=Hi)", nil])
    }

    /// Streaming delivery (what `earshot parse` uses) carries the same fields.
    @Test func streamingCarriesTheNewFields() throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("atom-thread.xml"))
        var streamed: [ParsedEntry] = []
        _ = try DocumentParser.parse(data, url: nil) { streamed.append($0) }
        #expect(streamed == (try parse("atom-thread.xml")).entries)
        #expect(streamed.map(\.inReplyTo) == [nil, "tag:forum.acme.example,2024:post-1", "tag:forum.acme.example,2024:post-2"])
    }
}
