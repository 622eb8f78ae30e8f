import Foundation
import Testing
@testable import EarshotParse

/// Hand-written fixtures (Tests/EarshotTests/Fixtures/feeds) and hostile inputs for the feed parser.
@Suite struct ParseFeedTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/feeds")

    func parse(_ name: String, url: String? = nil, options: ParseOptions = ParseOptions()) throws -> ParsedDocument {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent(name))
        return try DocumentParser.parse(data, url: url, options: options)
    }

    func parse(xml: String, url: String? = nil, options: ParseOptions = ParseOptions()) throws -> ParsedDocument {
        try FeedParser.parse(Data(xml.utf8), url: url, charset: nil, options: options)
    }

    /// The byte-level month switch is a copy of the month table made for speed: they must agree.
    @Test func packedMonthsAgreeWithTheMonthTable() {
        for (name, month) in DateParser.months {
            let packed = name.utf8.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(DateParser.month(packed: packed) == month, "\(name)")
        }
        #expect(DateParser.month(packed: 0x6D6F6E) == nil, "mon is a weekday")
    }

    @Test func rss2() throws {
        let doc = try parse("rss2-basic.xml", url: "https://acme.example/feed")
        #expect(doc.kind == .rss)
        #expect(doc.title == "Acme & Co news")
        #expect(doc.subtitle == "All about Acme")
        #expect(doc.language == "en-us")
        #expect(doc.minimumRefreshInterval == TimeInterval(5400))
        let e = try #require(doc.entries.first)
        #expect(e.id == "post-1")
        #expect(e.title == "Refund delayed")
        #expect(e.link == "https://acme.example/posts/1")
        #expect(e.author == "Jane Roe")
        #expect(e.published.map(ContractDate.format) == "2003-06-10T04:00:00Z")
        #expect(e.summary == "The refund took weeks.")   // <br> is a space, the script is dropped
        #expect(e.content == "Full text é")
        #expect(doc.warnings.isEmpty)
    }

    @Test func atomWithBaseAndLang() throws {
        let doc = try parse("atom-base.xml")
        #expect(doc.kind == .atom)
        #expect(doc.title == "Le blog")
        #expect(doc.link == "https://example.org/blog/index.html")
        #expect(doc.language == "fr")
        #expect(doc.updated.map(ContractDate.format) == "2024-03-01T00:30:00Z")
        let e = try #require(doc.entries.first)
        #expect(e.title == "Café fermé")
        #expect(e.link == "https://example.org/blog/2024/post.html")
        #expect(e.author == "Ana")   // the first author
        #expect(e.updated.map(ContractDate.format) == "2024-02-29T08:00:00Z")
        #expect(e.summary == "Short")
        #expect(e.content == "Long text")
    }

    @Test func rdfAndSyndicationHints() throws {
        let doc = try parse("rdf-sy.xml")
        #expect(doc.kind == .rdf)
        #expect(doc.entries.count == 1)
        #expect(doc.entries[0].id == "http://example.com/1")
        #expect(doc.entries[0].updated.map(ContractDate.format) == "2002-10-02T15:00:00Z")
        #expect(doc.minimumRefreshInterval == 43200)   // daily, twice
    }

    @Test func illFormedFeedIsRecoveredWithWarnings() throws {
        let doc = try parse("illformed-recover.xml")
        #expect(doc.title == "Café é &bogus; AT&T")
        #expect(doc.entries.map(\.title) == ["one", "two"])
        #expect(doc.warnings.contains { $0.contains("windows-1252") })
        #expect(doc.warnings.contains { $0.contains("not well-formed") })
    }

    @Test func notAFeed() throws {
        for input in ["", "   \n", "hello world", "{\"a\": 1}", "[1,2]"] {
            #expect(throws: ParseError.self) { try parse(xml: input) }
        }
        do {
            _ = try parse("not-a-feed.json")
            Issue.record("expected a ParseError")
        } catch let error as ParseError {
            #expect(error.description.contains("is not an RSS, Atom or RDF feed"))
            #expect(error.description.hasSuffix("check the URL"))
            #expect(!error.description.contains("\n"))
        }
    }

    // MARK: - Hostile input

    @Test func externalEntityIsNeverRead() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("earshot-xxe-\(getpid()).txt")
        try "TOP-SECRET".write(to: secret, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secret) }
        let xml = """
        <?xml version="1.0"?>
        <!DOCTYPE rss [<!ENTITY xxe SYSTEM "\(secret.absoluteString)">]>
        <rss version="2.0"><channel><title>x &xxe; y</title><item><title>&xxe;</title></item></channel></rss>
        """
        let doc = try parse(xml: xml)
        #expect(doc.title?.contains("TOP-SECRET") == false)
        #expect(doc.entries.first?.title?.contains("TOP-SECRET") == false)
        #expect(!doc.warnings.isEmpty)
        let fixture = try parse("hostile-xxe.xml")
        #expect(fixture.title?.contains("root:") == false)
    }

    @Test func billionLaughsIsNotExpanded() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let doc = try parse("hostile-billion-laughs.xml")
        #expect(clock.now - start < .seconds(5))
        #expect((doc.title ?? "").utf8.count < 1000)
        #expect(doc.warnings.contains { $0.contains("entity") })
    }

    @Test func deepNestingStopsAtTheLimit() throws {
        let depth = 50_000
        let xml = "<rss version=\"2.0\"><channel><title>t</title>" + String(repeating: "<x>", count: depth)
            + String(repeating: "</x>", count: depth) + "</channel></rss>"
        var options = ParseOptions()
        options.maximumDepth = 64
        let doc = try parse(xml: xml, options: options)
        #expect(doc.title == "t")
        #expect(doc.warnings.contains { $0.contains("deeper than 64") })
    }

    @Test func oversizeIsRefused() throws {
        var options = ParseOptions()
        options.maximumBytes = 1024
        let xml = "<rss version=\"2.0\"><channel><title>" + String(repeating: "a", count: 4096) + "</title></channel></rss>"
        #expect(throws: ParseError.self) { try parse(xml: xml, options: options) }
    }

    @Test func badBytesAndTruncationNeverCrash() throws {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss><channel><title>ok</title><item><title>a\u{0}b".utf8)
        bytes += [0xFF, 0xFE, 0xC3, 0x28, 0x80]
        let doc = try FeedParser.parse(Data(bytes), url: nil, charset: nil, options: ParseOptions())
        #expect(doc.title == "ok")
        #expect(doc.entries.count == 1)
    }

    // MARK: - Pieces

    @Test func textCleaning() {
        #expect(TextCleaner.clean(html: "<p>a</p><p>b</p>") == "a b")
        #expect(TextCleaner.clean(html: "x<br/>y") == "x y")
        #expect(TextCleaner.clean(html: "<style>p{}</style>t&eacute;&nbsp;&#8217;&#x41;") == "té \u{2019}A")   // &nbsp; is U+00A0, whitespace: collapsed like feedparser
        #expect(TextCleaner.clean(html: "  \n ") == nil)
        #expect(TextCleaner.clean(text: " a  <b>  c ") == "a <b> c")
        #expect(TextCleaner.looksLikeHTML("a <b>bold</b>"))
        #expect(!TextCleaner.looksLikeHTML("AT&T"))
    }

    @Test func dates() {
        func f(_ s: String) -> String? { DateParser.parse(s).map(ContractDate.format) }
        #expect(f("Tue, 10 Jun 2003 04:00:00 GMT") == "2003-06-10T04:00:00Z")
        #expect(f("Tue, 10 Jun 2003 04:00:00 -0500") == "2003-06-10T09:00:00Z")
        #expect(f("10 Jun 03 04:00 EDT") == "2003-06-10T08:00:00Z")
        #expect(f("2003-12-31T10:14:55Z") == "2003-12-31T10:14:55Z")
        #expect(f("2003-12-31T10:14:55.123+01:00") == "2003-12-31T09:14:55Z")
        #expect(f("2003-12-31") == "2003-12-31T00:00:00Z")
        #expect(f("Sun Jan  4 16:29:06 2004") == "2004-01-04T16:29:06Z")
        #expect(f("not a date") == nil)
    }

    @Test func urlResolution() {
        #expect(URLResolver.resolve("http://a/b/c/d;p?q", "../g") == "http://a/b/g")
        #expect(URLResolver.resolve("http://example.com/x/", "/y") == "http://example.com/y")
        #expect(URLResolver.resolve("http://example.com/x/", "https:///z") == "https://z")
        #expect(URLResolver.safeAbsolute("http://example.com/", "javascript:alert(1)") == "")
    }
}
