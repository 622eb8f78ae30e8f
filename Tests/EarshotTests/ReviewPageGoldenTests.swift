import Foundation
import Testing
@testable import EarshotParse

/// Each review-page fixture beside its expected output (`<name>.expected.json`): the `earshot parse` JSON plus
/// the aggregate rating and the next page, pretty-printed with sorted keys so a diff reads well.
///
/// To re-record after an intended change: `EARSHOT_RECORD=1 swift test --filter ReviewPageGoldenTests`.
/// A recording run still fails, so a re-record is never mistaken for a pass.
@Suite struct ReviewPageGoldenTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/reviews")

    static let greenway = ReviewSelectors(
        review: "div.review-card", author: ".reviewer-name", date: ".review-date", dateFormat: "MMMM d, yyyy",
        rating: ".stars", ratingAttribute: "data-rating", body: ".review-text", title: "h4.review-title",
        link: "a.permalink", nextPage: "nav.pager a.pager-next")
    static let parkside = ReviewSelectors(review: "li.review", author: "b.who", date: "time", rating: ".rating", body: "p")

    /// Fixture, the URL it is parsed as, and the selectors its source would have configured.
    static let cases: [(String, String, ReviewSelectors?)] = [
        ("jsonld-single.html", "https://tideandtable.example/reviews/harbour-lights-cafe?ref=home", nil),
        ("jsonld-array.html", "https://brightline.example/reviews", nil),
        ("jsonld-graph.html", "https://shop.example.de/k2/bewertungen", nil),
        ("jsonld-product.html", "https://outfitters.example.com/p/trailpro-40", nil),
        ("jsonld-localbusiness.html", "https://smilegroup.example/practices/northgate", nil),
        ("jsonld-string-ratings.html", "https://hotel-du-port.example/avis", nil),
        ("microdata.html", "https://homegoods.example/kettles/aurora-x2", nil),
        ("selectors.html", "https://localvoice.example/greenway-movers/reviews", greenway),
        ("redesign.html", "https://localvoice.example/greenway-movers/reviews", greenway),
        ("broken.html", "https://quickfix.example/reviews", nil),
        ("page1.html", "https://parkside.example/pizza/reviews", parkside),
        ("page2.html", "https://parkside.example/pizza/reviews?page=2", parkside),
    ]

    @Test(arguments: cases)
    func golden(name: String, url: String, selectors: ReviewSelectors?) throws {
        let input = Self.fixtures.appendingPathComponent(name)
        let doc = try ReviewPageParser.parse(Data(contentsOf: input), url: url, charset: nil,
                                             options: ParseOptions(selectors: selectors))
        let actual = try Self.render(doc)
        let expectedURL = Self.fixtures.appendingPathComponent(name + ".expected.json")
        if ProcessInfo.processInfo.environment["EARSHOT_RECORD"] == "1" {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
            Issue.record("recorded \(expectedURL.lastPathComponent); run again without EARSHOT_RECORD")
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(actual == expected, "\(name): output differs from \(expectedURL.lastPathComponent)")
    }

    /// The contract JSON with `aggregate_rating` and `next_page` added, pretty-printed with sorted keys.
    static func render(_ doc: ParsedDocument) throws -> String {
        var object = try #require(JSONSerialization.jsonObject(with: Data(doc.contractJSON().utf8)) as? [String: Any])
        if let aggregate = doc.aggregateRating {
            var rating: [String: Any] = ["value": aggregate.value]
            rating["best"] = aggregate.best ?? NSNull()
            rating["worst"] = aggregate.worst ?? NSNull()
            rating["count"] = aggregate.count ?? NSNull()
            object["aggregate_rating"] = rating
        } else {
            object["aggregate_rating"] = NSNull()
        }
        object["next_page"] = doc.nextPageURL ?? NSNull()
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
