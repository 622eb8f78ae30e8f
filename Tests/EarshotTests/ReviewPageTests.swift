import Foundation
import Testing
@testable import EarshotParse

/// Review pages: schema.org JSON-LD, microdata, per-source selectors, and what goes wrong on real pages.
@Suite struct ReviewPageTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/reviews")

    func parse(_ name: String, url: String? = "https://reviews.example.com/dir/page.html",
               charset: String? = nil, selectors: ReviewSelectors? = nil) throws -> ParsedDocument {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent(name))
        return try ReviewPageParser.parse(data, url: url, charset: charset, options: ParseOptions(selectors: selectors))
    }

    func date(_ iso: String) -> Date? { ISO8601DateFormatter().date(from: iso) }

    // MARK: - JSON-LD

    @Test func singleReview() throws {
        let doc = try parse("jsonld-single.html")
        #expect(doc.kind == .html)
        #expect(doc.title == "Review: Harbour Lights Café & Bakery — Tide & Table")
        #expect(doc.link == "https://reviews.example.com/reviews/harbour-lights-cafe")  // canonical, resolved
        #expect(doc.subtitle == "Our verdict on the new harbour-front café.")
        #expect(doc.language == "en-GB")
        #expect(doc.updated == nil)
        #expect(doc.warnings.isEmpty)
        #expect(doc.entries.count == 1)
        let review = try #require(doc.entries.first)
        #expect(review.id == "https://reviews.example.com/reviews/harbour-lights-cafe#review")  // against canonical
        #expect(review.link == nil)  // the review's url is the page itself: not a key for one review
        #expect(review.title == "Lovely pastries, painfully slow service")
        #expect(review.author == "Maya O'Connell")
        #expect(review.published == date("2024-03-02T09:15:00Z"))
        #expect(review.updated == date("2024-03-04T00:00:00Z"))
        #expect(review.content == "The almond croissants are the best in town. But we waited 25 minutes for two coffees, and nobody apologised.")
        #expect(review.summary == nil)
        #expect(review.rating == 3)
        #expect(review.bestRating == 5)
        #expect(review.worstRating == 1)
        #expect(doc.aggregateRating == AggregateRating(value: 3.8, count: 41))  // from itemReviewed
    }

    @Test func arrayWithCommentWrapperAndTrailingCommas() throws {
        let doc = try parse("jsonld-array.html")
        #expect(doc.warnings.isEmpty)
        #expect(doc.entries.map(\.author) == ["Dev Patel", "Sam K."])
        #expect(doc.entries[0].content == "Outage every evening this week. Support closed my ticket without fixing anything.")
        #expect(doc.entries[1].content == "Install was quick & the engineer was friendly.")
        #expect(doc.entries.map(\.rating) == [1, 5])
        #expect(doc.entries.map(\.worstRating) == [nil, nil])  // absent on the page: not invented
        #expect(doc.entries.allSatisfy { $0.id == nil && $0.link == nil })
        #expect(doc.link == "https://reviews.example.com/dir/page.html")  // no canonical: the URL
        #expect(doc.aggregateRating == nil)
    }

    @Test func graphWithReferences() throws {
        let doc = try parse("jsonld-graph.html")
        #expect(doc.entries.count == 2)  // each review once, though the Product references both
        let first = doc.entries[0]
        #expect(first.id == "https://reviews.example.com/dir/page.html#r-1001")
        #expect(first.author == "Jonas Berger")  // {"@id": "#p-77"} followed
        #expect(first.title == "Mahlwerk nach drei Monaten defekt")
        #expect(first.published == date("2024-01-20T17:02:11Z"))
        #expect(first.rating == 2)
        #expect(doc.entries[1].author == "Lea M.")  // "@type": ["Review", "UserReview"]
        #expect(doc.aggregateRating == AggregateRating(value: 4.1, best: 5, count: 212))  // strings, by reference
        #expect(doc.subtitle == "Was Käufer über die Nordwind K2 sagen.")  // og:description
        #expect(doc.language == "de")
        #expect(doc.nextPageURL == "https://reviews.example.com/dir/page.html?page=2")
    }

    @Test func productWithReviewsAndAggregate() throws {
        let doc = try parse("jsonld-product.html", url: "https://outfitters.example.com/p/trailpro-40?utm_source=x")
        #expect(doc.link == "https://outfitters.example.com/p/trailpro-40")
        #expect(doc.subtitle == "Lightweight 40-litre hiking pack with rain cover.")  // <meta name="Description">
        #expect(doc.entries.count == 2)  // the empty {"@type": "Review"} stub is no review
        let zip = doc.entries[0]
        #expect(zip.id == "https://outfitters.example.com/p/trailpro-40/reviews/5521")
        #expect(zip.link == zip.id)
        #expect(zip.title == "Zip broke on day two")  // headline
        #expect(zip.summary == "Good pack, bad zip.")  // description, distinct from reviewBody
        #expect(zip.content?.hasPrefix("Comfortable straps") == true)
        #expect(doc.entries[1].author == "Hill Walkers Club")  // an Organization
        #expect(doc.aggregateRating == AggregateRating(value: 4.4, best: 5, worst: 1, count: 87))
    }

    @Test func localBusinessNestedInOrganization() throws {
        let doc = try parse("jsonld-localbusiness.html")
        #expect(doc.entries.count == 1)  // an untyped object inside "review" is a review
        let review = try #require(doc.entries.first)
        #expect(review.author == "Helen Ward")
        #expect(review.content == "Receptionist was rude and my appointment was cancelled twice without notice.")
        #expect(review.summary == nil)
        #expect(review.rating == 1)
        #expect(review.bestRating == nil)
        #expect(review.published == date("2024-04-03T11:20:00Z"))
        #expect(doc.aggregateRating == AggregateRating(value: 2.9, best: 5, count: 64))
    }

    @Test func stringRatings() throws {
        let doc = try parse("jsonld-string-ratings.html")
        #expect(doc.warnings.isEmpty)  // the //<![CDATA[ wrapper is tolerated
        #expect(doc.entries.map(\.rating) == [4.5, 2, 9])
        #expect(doc.entries.map(\.bestRating) == [5, 5, nil])
        #expect(doc.entries.map(\.worstRating) == [1, nil, nil])
        #expect(doc.entries.map(\.author) == ["Claire", "Marc", "Inès"])
    }

    // MARK: - Microdata

    @Test func microdata() throws {
        let doc = try parse("microdata.html", url: "https://homegoods.example/kettles/aurora-x2")
        #expect(doc.warnings.isEmpty)
        #expect(doc.entries.count == 3)
        let leak = doc.entries[0]
        #expect(leak.id == "https://homegoods.example/reviews/88121")  // itemid
        #expect(leak.title == "Leaks from the base")
        #expect(leak.author == "Tom Baker")  // nested Person's name, &nbsp; as a space
        #expect(leak.link == nil)  // the Person's url belongs to the Person
        #expect(leak.published == date("2024-02-10T00:00:00Z"))
        #expect(leak.content == "Water pools under it after every boil. Second one did the same. Avoid.")
        #expect(leak.rating == 1)
        #expect(leak.bestRating == 5)
        #expect(leak.worstRating == 1)
        let fast = doc.entries[1]
        #expect(fast.author == "Ana Lima")
        #expect(fast.published == date("2024-02-01T08:30:00Z"))
        #expect(fast.rating == 5)
        #expect(fast.bestRating == 5)
        #expect(fast.summary == "Boils a litre in two minutes.")
        #expect(fast.content == "Boils a litre in two minutes and the lid opens smoothly. Looks good too.")
        #expect(fast.link == "https://homegoods.example/kettles/reviews/88004")
        #expect(fast.id == fast.link)
        let third = doc.entries[2]
        #expect(third.author == "R. Okafor")
        #expect(third.rating == 4.5)
        #expect(third.content == "Good kettle. Handle gets warm.")  // script and style dropped
        #expect(third.id == nil)
        #expect(doc.aggregateRating == AggregateRating(value: 3.5, best: 5, count: 3))
    }

    // MARK: - Selectors

    static let greenway = ReviewSelectors(
        review: "div.review-card", author: ".reviewer-name", date: ".review-date", dateFormat: "MMMM d, yyyy",
        rating: ".stars", ratingAttribute: "data-rating", body: ".review-text", title: "h4.review-title",
        link: "a.permalink", nextPage: "nav.pager a.pager-next")

    @Test func cssSelectors() throws {
        let doc = try parse("selectors.html", url: "https://localvoice.example/greenway-movers/reviews",
                            selectors: Self.greenway)
        #expect(doc.warnings.isEmpty)
        #expect(doc.subtitle == "What customers say about Greenway Movers.")
        #expect(doc.entries.count == 3)
        let first = doc.entries[0]
        #expect(first.author == "Olivia Chen")
        #expect(first.published == date("2024-03-03T00:00:00Z"))
        #expect(first.title == "Broke my table and never called back")
        #expect(first.content == "The crew arrived three hours late. They scratched the floor and broke a table leg — the claim form is still unanswered.")
        #expect(first.link == "https://localvoice.example/greenway-movers/reviews/7731")
        #expect(first.id == nil)
        // data-rating="1"; aria-label "Rated 5 out of 5"; text "3/5"
        #expect(doc.entries.map(\.rating) == [1, 5, 3])
        #expect(doc.entries.map(\.bestRating) == [5, 5, 5])  // data-rating's scale from the aria-label beside it
        #expect(doc.entries[2].content == "Okay Bit pricey.")  // <br> is a space
        #expect(doc.nextPageURL == "https://localvoice.example/greenway-movers/reviews?page=2")
    }

    @Test func selectorBestRatingFillsTheScale() throws {
        var selectors = Self.greenway
        selectors.bestRating = 5
        let doc = try parse("selectors.html", selectors: selectors)
        #expect(doc.entries.map(\.bestRating) == [5, 5, 5])
    }

    @Test func ratingAttributeWithoutRatingSelector() throws {
        let selectors = ReviewSelectors(review: "#reviews > div[data-id]", author: ".review-head > span.reviewer-name",
                                        ratingAttribute: "data-rating", body: "[class=review-text]")
        let doc = try parse("selectors.html", selectors: selectors)
        #expect(doc.entries.count == 3)
        #expect(doc.entries.map(\.rating) == [1, nil, nil])
        #expect(doc.entries.map(\.author) == ["Olivia Chen", "Marcus Hill", "Anonymous"])
    }

    @Test func xpathSelectors() throws {
        let selectors = ReviewSelectors(
            review: "//div[contains(@class, 'review-card')]", author: "//span[@class='reviewer-name']",
            date: ".//span[@class='review-date']/text()", rating: ".//div[@class='stars']/@aria-label",
            body: "normalize-space(.//div[@class='review-text'])", link: ".//a/@href")
        let doc = try parse("selectors.html", url: "https://localvoice.example/greenway-movers/reviews", selectors: selectors)
        #expect(doc.warnings.isEmpty)
        // An absolute field XPath is searched inside each container, not over the page.
        #expect(doc.entries.map(\.author) == ["Olivia Chen", "Marcus Hill", "Anonymous"])
        #expect(doc.entries.map(\.rating) == [1, 5, nil])
        #expect(doc.entries[1].published == date("2024-02-27T00:00:00Z"))
        #expect(doc.entries[1].content == "Everything arrived in one piece. Would hire again.")
        #expect(doc.entries[2].link == "https://localvoice.example/greenway-movers/reviews/7688")
    }

    @Test func dateFormatOnText() throws {
        let selectors = ReviewSelectors(review: "li.review", author: "b.who", date: ".//time/text()",
                                        dateFormat: "dd/MM/yyyy", rating: ".rating", body: "p")
        let doc = try parse("page1.html", url: "https://parkside.example/pizza/reviews", selectors: selectors)
        #expect(doc.warnings.isEmpty)
        #expect(doc.entries.map(\.published) == [date("2024-08-30T00:00:00Z"), date("2024-08-28T00:00:00Z")])
    }

    @Test func unparsedDatesAreUnhealthy() throws {
        let selectors = ReviewSelectors(review: "li.review", date: ".//time/text()", dateFormat: "yyyy.MM.dd", body: "p")
        let doc = try parse("page1.html", selectors: selectors)
        #expect(doc.entries.count == 2)
        #expect(doc.warnings.contains { $0.hasPrefix("selectors: date \"30/08/2024\" does not parse") })
    }

    // MARK: - Bad pages

    @Test func redesignedPage() throws {
        let doc = try parse("redesign.html", selectors: Self.greenway)
        #expect(doc.entries.isEmpty)
        #expect(doc.warnings == ["selectors: review container \"div.review-card\" matched nothing on this page "
            + "(a redesign?); check this source's selectors in earshot.yaml"])
    }

    @Test func fieldThatMatchesNothing() throws {
        var selectors = Self.greenway
        selectors.author = ".author-name"
        let doc = try parse("selectors.html", selectors: selectors)
        #expect(doc.entries.count == 3)
        #expect(doc.warnings == ["selectors: author \".author-name\" matched nothing in any of the 3 reviews (a redesign?)"])
    }

    @Test func invalidSelector() throws {
        let selectors = ReviewSelectors(review: "div.review-card:first-child", body: ".review-text")
        let doc = try parse("selectors.html", selectors: selectors)
        #expect(doc.entries.isEmpty)
        #expect(doc.warnings.count == 1)
        #expect(doc.warnings.first?.hasPrefix("selectors: review \"div.review-card:first-child\" is neither") == true)
    }

    @Test func noMarkupAndNoSelectors() throws {
        let doc = try parse("redesign.html")
        #expect(doc.entries.isEmpty)
        #expect(doc.warnings == ["no schema.org Review (JSON-LD, microdata or RDFa) and no selectors for this source; "
            + "add selectors in earshot.yaml"])
    }

    @Test func markupWinsOverSelectors() throws {
        let doc = try parse("jsonld-array.html", selectors: ReviewSelectors(review: "div.gone"))
        #expect(doc.entries.count == 2)
        // Reviews still arrive: stale selectors are no reason to mark the source unhealthy.
        #expect(doc.warnings.isEmpty)
    }

    @Test func baseHrefAndCounts() throws {
        let html = """
        <html><head><base href="/shop/"><title>T</title><script type="application/ld+json">
        \u{FEFF}{&quot;@type&quot;: &quot;Product&quot;, &quot;aggregateRating&quot;: {&quot;ratingValue&quot;: &quot;4.2&quot;, &quot;reviewCount&quot;: &quot;1,234&quot;},
         &quot;review&quot;: {&quot;@type&quot;: &quot;Review&quot;, &quot;url&quot;: &quot;r/9&quot;, &quot;reviewBody&quot;: &quot;Fine&quot;}}
        </script></head><body><a rel="next" href="?p=2">next</a></body></html>
        """
        let doc = try ReviewPageParser.parse(Data(html.utf8), url: "https://x.example/a/b", charset: nil, options: ParseOptions())
        #expect(doc.warnings.isEmpty)
        #expect(doc.aggregateRating == AggregateRating(value: 4.2, count: 1234))
        #expect(doc.entries.first?.link == "https://x.example/shop/r/9")
        #expect(doc.nextPageURL == "https://x.example/shop/?p=2")
    }

    @Test func brokenHTML() throws {
        let doc = try parse("broken.html", url: "https://quickfix.example/reviews")
        #expect(doc.title == "Reviews for QuickFix Plumbing")
        #expect(doc.warnings == ["JSON-LD block 1 of 2 is not valid JSON; skipped it"])
        #expect(doc.entries.count == 1)
        // windows-1252 from <meta http-equiv>: á and the en dash (0x96)
        #expect(doc.entries.first?.author == "Gráinne")
        #expect(doc.entries.first?.content == "Fixed the leak in twenty minutes. Fair price – no call-out fee.")
        #expect(doc.entries.first?.rating == 5)
    }

    @Test func httpCharsetOverridesTheMetaTag() throws {
        let html = "<html><head><meta charset=\"utf-8\"><title>Caf\u{e9}</title></head><body></body></html>"
        let latin1 = try #require(html.data(using: .isoLatin1))
        let doc = try ReviewPageParser.parse(latin1, url: nil, charset: "ISO-8859-1", options: ParseOptions())
        #expect(doc.title == "Café")
        let utf8 = try ReviewPageParser.parse(Data(html.utf8), url: nil, charset: nil, options: ParseOptions())
        #expect(utf8.title == "Café")
    }

    // MARK: - Pagination

    @Test func paginationPair() throws {
        let selectors = ReviewSelectors(review: "li.review", author: "b.who", date: "time", rating: ".rating", body: "p")
        let first = try parse("page1.html", url: "https://parkside.example/pizza/reviews", selectors: selectors)
        #expect(first.nextPageURL == "https://parkside.example/pizza/reviews?page=2")
        #expect(first.entries.map(\.author) == ["Kate", "Ravi"])
        #expect(first.entries.map(\.published) == [date("2024-08-30T19:00:00Z"), date("2024-08-28T12:10:00Z")])
        #expect(first.entries.map(\.rating) == [2, 5])  // title="2 out of 5"; five filled stars
        #expect(first.entries.map(\.bestRating) == [5, nil])
        let second = try parse("page2.html", url: first.nextPageURL, selectors: selectors)
        #expect(second.nextPageURL == nil)  // rel=prev only
        #expect(second.entries.map(\.rating) == [3])
        #expect(second.entries.map(\.bestRating) == [5])  // ★★★☆☆
        // Different reviews, different keys; the key does not depend on which page a review is on.
        #expect(Set(first.entries.map(\.identity)).isDisjoint(with: second.entries.map(\.identity)))
    }

    // MARK: - Identity

    @Test func identityIsStableAcrossRuns() throws {
        let a = try parse("jsonld-array.html")
        let b = try parse("jsonld-array.html", url: "https://reviews.example.com/dir/page.html?page=1")
        #expect(a.entries.map(\.identity) == b.entries.map(\.identity))
        #expect(a.entries.allSatisfy { $0.identity.hasPrefix("hash:") })
        #expect(Set(a.entries.map(\.identity)).count == 2)
    }

    @Test func sharedLinksAreNotIdentities() throws {
        let html = """
        <html><head><script type="application/ld+json">
        {"@type": "Product", "url": "https://shop.example/p/1", "review": [
          {"@type": "Review", "url": "https://shop.example/p/1", "author": "A", "reviewBody": "Good"},
          {"@type": "Review", "url": "https://shop.example/p/1", "author": "B", "reviewBody": "Bad"},
          {"@type": "Review", "author": "A", "reviewBody": "Good", "url": "https://shop.example/p/1"}]}
        </script></head><body></body></html>
        """
        let doc = try ReviewPageParser.parse(Data(html.utf8), url: "https://shop.example/p/2", charset: nil,
                                             options: ParseOptions())
        #expect(doc.entries.count == 2)  // the exact repeat is dropped
        #expect(doc.entries.allSatisfy { $0.link == nil && $0.id == nil })
        #expect(Set(doc.entries.map(\.identity)).count == 2)
    }

    // MARK: - Hostile input

    @Test func deepNestingDoesNotCrash() throws {
        let html = "<html><body>" + String(repeating: "<div>", count: 100_000) + "<p>deep</p>"
            + String(repeating: "<b><i>", count: 50_000)
            + "<script type=\"application/ld+json\">" + String(repeating: "[", count: 100_000) + "</script>"
        var options = ParseOptions(selectors: ReviewSelectors(review: "div", body: "p"))
        options.maximumDepth = 64
        let doc = try ReviewPageParser.parse(Data(html.utf8), url: nil, charset: nil, options: options)
        #expect(doc.warnings.contains { $0.contains("deeper than 64") })
    }

    @Test func deeplyNestedJSONLD() throws {
        let html = "<html><head><script type=\"application/ld+json\">" + String(repeating: "{\"a\":", count: 20_000)
            + "1" + String(repeating: "}", count: 20_000) + "</script></head></html>"
        let doc = try ReviewPageParser.parse(Data(html.utf8), url: nil, charset: nil, options: ParseOptions())
        #expect(doc.entries.isEmpty)
    }

    @Test func maximumBytesIsRespected() throws {
        var options = ParseOptions()
        options.maximumBytes = 1000
        let data = Data(("<html><body>" + String(repeating: "x", count: 2000) + "</body></html>").utf8)
        #expect(throws: ParseError.self) { try ReviewPageParser.parse(data, url: nil, charset: nil, options: options) }
    }

    @Test func emptyAndBinaryInput() throws {
        #expect(throws: ParseError.self) { try ReviewPageParser.parse(Data(), url: nil, charset: nil, options: ParseOptions()) }
        var bytes = [UInt8]("<html>".utf8)
        var seed: UInt64 = 42
        for _ in 0..<20_000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407  // a fixed LCG: the same bytes every run
            bytes.append(UInt8(truncatingIfNeeded: seed >> 33))
        }
        let doc = try ReviewPageParser.parse(Data(bytes), url: "not a url", charset: "x-bogus",
                                             options: ParseOptions(selectors: ReviewSelectors(review: "//*")))
        #expect(doc.kind == .html)
    }

    // MARK: - Pieces

    @Test(arguments: [
        ("4", 4.0, nil), ("4.5", 4.5, nil), ("4,5", 4.5, nil), ("4/5", 4.0, 5.0), ("4.5 / 5", 4.5, 5.0),
        ("Rated 2 out of 5", 2.0, 5.0), ("Rated 4.0 out of 5 stars", 4.0, 5.0), ("8 of 10", 8.0, 10.0),
        ("4,5 von 5 Sternen", 4.5, 5.0), ("★★★☆☆", 3.0, 5.0), ("★★★★", 4.0, nil),
    ] as [(String, Double, Double?)])
    func ratingText(text: String, value: Double, best: Double?) {
        let rating = ReviewRating.parse(text)
        #expect(rating?.value == value)
        #expect(rating?.best == best)
    }

    @Test func ratingTextWithoutNumber() {
        #expect(ReviewRating.parse("no rating") == nil)
    }

    @Test(arguments: [
        ("div.review", "//div[contains(concat(' ',normalize-space(@class),' '),' review ')]"),
        ("#reviews > li", "//*[@id='reviews']/li"),
        ("[data-rating]", "//*[@data-rating]"),
        ("a[rel=next]", "//a[@rel='next']"),
        ("span[itemprop=\"name\"]", "//span[@itemprop='name']"),
        ("ul li, ol li", "//ul//li | //ol//li"),
        ("//div[@id='x']", "//div[@id='x']"),
    ])
    func cssToXPath(css: String, xpath: String) {
        #expect(SelectorQuery.xpath(css, relative: false) == xpath)
    }

    @Test func relativeSelectors() {
        #expect(SelectorQuery.xpath(".author", relative: true) == ".//*[contains(concat(' ',normalize-space(@class),' '),' author ')]")
        #expect(SelectorQuery.xpath("> p", relative: true) == "./p")
        #expect(SelectorQuery.xpath("//span", relative: true) == ".//span")
        #expect(SelectorQuery.xpath("./span", relative: true) == "./span")
        #expect(SelectorQuery.xpath("a:hover", relative: true) == nil)
        #expect(SelectorQuery.xpath("a + b", relative: true) == nil)
        #expect(SelectorQuery.literal("it's") == "\"it's\"")
    }

    @Test(arguments: [
        ("{\"a\": 1,}", true), ("<!-- {\"a\": [1, 2,]} -->", true), ("<![CDATA[{\"a\": 1}]]>", true),
        ("{\"a\": \"line\nbreak\"}", true), ("{\"a\": 1}{\"b\": 2}", true), ("{\"a\": 1};", true),
        ("{\"a\": ", false), ("not json", false),
    ])
    func lenientJSON(text: String, parses: Bool) {
        #expect(((try? LenientJSON.parse(text)) != nil) == parses)
    }

    @Test func textWalk() throws {
        let html = "<html><body><div id=t>One<br>two<p>three</p>four&nbsp;&nbsp;five <script>x()</script><style>p{}</style>"
            + "<span>six</span><span>seven</span>\n\t eight</div></body></html>"
        let document = try #require(HTMLDocument(data: Data(html.utf8), url: nil, encoding: nil))
        let node = try #require(document.elements("//div").first)
        #expect(HTMLText.text(of: node) == "One two three four five sixseven eight")
        #expect(HTMLText.plain("a &amp; b &lt;i&gt; <b>bold</b>") == "a & b <i> bold")
        #expect(HTMLText.plain("   ") == nil)
        #expect(HTMLText.plain("I <3 this") == "I <3 this")
    }
}
