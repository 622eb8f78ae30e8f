import Foundation
import Testing
@testable import EarshotParse

/// Who is speaking on review pages (issue 16): the reviewer's e-mail and profile link, and the business's
/// published answer to a review, from JSON-LD, microdata and selectors. Fixtures: Fixtures/reviews.
@Suite struct ParseResponseTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/reviews")

    func parse(_ name: String, url: String? = "https://reviews.example.com/dir/page.html",
               selectors: ReviewSelectors? = nil) throws -> ParsedDocument {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent(name))
        return try ReviewPageParser.parse(data, url: url, charset: nil, options: ParseOptions(selectors: selectors))
    }

    func date(_ iso: String) -> Date? { ISO8601DateFormatter().date(from: iso) }

    static let greenway = ReviewSelectors(
        review: "div.review-card", author: ".reviewer-name", date: ".review-date", dateFormat: "MMMM d, yyyy",
        body: ".review-text", response: ".owner-response", responseAuthor: ".reviewer-name", responseDate: "time")

    // MARK: - JSON-LD

    @Test func jsonLDAuthorContact() throws {
        let doc = try parse("jsonld-owner-response.html")
        let maya = try #require(doc.entries.first)
        #expect(maya.author == "Maya O'Connell")
        #expect(maya.authorEmail == "maya@example.com")   // mailto: dropped
        #expect(maya.authorURI == "https://reviews.example.com/guests/maya")   // url, resolved, before sameAs
        #expect(doc.entries[1].author == "Dev Patel")
        #expect(doc.entries[1].authorURI == "https://social.example/@dev")   // no url: sameAs
        #expect(doc.entries[1].authorEmail == nil)
        #expect(doc.entries[2].author == "Lee")   // a plain-string author has no contact
        #expect(doc.entries[2].authorEmail == nil && doc.entries[2].authorURI == nil)
    }

    @Test func jsonLDResponses() throws {
        let doc = try parse("jsonld-owner-response.html")
        #expect(doc.warnings.isEmpty)
        // Each review once, answers inside their review: the Comments are not reviews of their own.
        #expect(doc.entries.map(\.content) == ["We waited 25 minutes for two coffees.", "Best croissants in town.",
                                               "Cold soup.", "Nice view.", "Fine.", "Too loud."])
        #expect(doc.entries.map(\.id) == ["https://reviews.example.com/dir/page.html#r1",
                                          "https://reviews.example.com/dir/page.html#r2", nil, nil, nil, nil])
        #expect(doc.entries[0].rating == 2 && doc.entries[0].bestRating == 5)
        #expect(doc.entries[0].published == date("2024-03-02T09:15:00Z"))

        // A Comment whose author is a LocalBusiness.
        #expect(doc.entries[0].responses == [ParsedResponse(
            author: "Harbour Lights Café",
            text: "Sorry, Maya: we were two staff short that morning. Your next coffee is on us.",
            published: date("2024-03-03T08:00:00Z"), publishedOffset: 0)])
        // Another customer's comment is no answer; the business by @id reference is.
        #expect(doc.entries[1].responses == [ParsedResponse(author: "Harbour Lights Café", text: "Thank you, Dev!",
                                                            published: date("2024-03-05T00:00:00Z"))])
        // A site's own key says who speaks, whoever signs.
        #expect(doc.entries[2].responses == [ParsedResponse(author: "Maria, owner", text: "We have fixed the soup warmer, Lee.")])
        // A bare Comment (no author) nested in a review.
        #expect(doc.entries[3].responses == [ParsedResponse(text: "Thanks for visiting!")])
        #expect(doc.entries[4].responses.isEmpty)
        // A top-level Review: its itemReviewed is the subject, matched by name whatever the case.
        #expect(doc.entries[5].responses == [ParsedResponse(author: "harbour lights café",
                                                            text: "We now have a quiet room upstairs.")])
        // The contract JSON keeps its keys: answers are no entries and add no fields.
        let json = try #require(JSONSerialization.jsonObject(with: Data(doc.contractJSON().utf8)) as? [String: Any])
        let entries = try #require(json["entries"] as? [[String: Any]])
        #expect(entries.count == 6)
        #expect(entries.allSatisfy { Set($0.keys) == ParseIdentityTests.contractEntryKeys })
    }

    // MARK: - Microdata

    @Test func microdataAuthorContactAndResponses() throws {
        let doc = try parse("microdata-owner-response.html", url: "https://homegoods.example/kettles/aurora-x2")
        #expect(doc.entries.count == 2)
        let tom = doc.entries[0]
        #expect(tom.author == "Tom Baker")
        #expect(tom.authorEmail == "tom@example.com")
        #expect(tom.authorURI == "https://homegoods.example/u/tom")
        #expect(tom.content == "Leaks from the base.")
        #expect(tom.rating == 1)
        // Sam's comment (a Person) is left out; the Organization's answer is taken.
        #expect(tom.responses == [ParsedResponse(author: "HomeGoods Direct", text: "Sorry, Tom: a replacement is on its way.",
                                                 published: date("2024-02-12T00:00:00Z"))])

        let ana = doc.entries[1]
        #expect(ana.author == "Ana Lima")
        #expect(ana.authorURI == "https://social.example/@ana")   // sameAs
        #expect(ana.authorEmail == nil)
        #expect(ana.content == "Boils fast.")
        // Page order: the reviewResponse property, then a comment signed with the reviewed product's name.
        #expect(ana.responses == [ParsedResponse(text: "Thanks, Ana!"),
                                  ParsedResponse(author: "aurora x2 electric kettle", text: "(The kettle thanks you too.)")])
    }

    /// The existing microdata fixture: its author's `url` is now read; everything else is as it was.
    @Test func existingMicrodataFixtureGainsTheProfileLinkOnly() throws {
        let doc = try parse("microdata.html", url: "https://homegoods.example/kettles/aurora-x2")
        #expect(doc.entries.map(\.author) == ["Tom Baker", "Ana Lima", "R. Okafor"])
        #expect(doc.entries.map(\.authorURI) == ["https://homegoods.example/u/tom", nil, nil])
        #expect(doc.entries.allSatisfy { $0.authorEmail == nil && $0.responses.isEmpty && $0.inReplyTo == nil })
    }

    // MARK: - Selectors

    @Test func selectorResponses() throws {
        let doc = try parse("selectors-owner-response.html", url: "https://localvoice.example/greenway-movers/reviews",
                            selectors: Self.greenway)
        #expect(doc.warnings.isEmpty)
        #expect(doc.entries.count == 3)
        let priya = doc.entries[0]
        #expect(priya.author == "Priya")
        #expect(priya.published == date("2024-03-03T00:00:00Z"))
        #expect(priya.content == "They broke a lamp and never called back.")
        #expect(priya.responses == [ParsedResponse(author: "Greenway Movers",
                                                   text: "Priya, we are sorry: our claims team will call you today.",
                                                   published: date("2024-03-05T10:00:00Z"), publishedOffset: 0)])
        #expect(doc.entries[1].author == "Carl")
        #expect(doc.entries[1].responses.isEmpty)
        // The answer comes first in this container: the review's own fields still come from outside it.
        let dana = doc.entries[2]
        #expect(dana.author == "Dana")
        #expect(dana.content == "Great crew.")
        #expect(dana.responses == [ParsedResponse(author: "Greenway Movers", text: "Thank you!")])
    }

    @Test func selectorResponseWithoutParts() throws {
        // Only the container and the response: the review is the container's text less the answer.
        let doc = try parse("selectors-owner-response.html",
                            selectors: ReviewSelectors(review: "div.review-card", response: ".owner-response"))
        #expect(doc.entries.first?.content == "Priya March 3, 2024 They broke a lamp and never called back.")
        #expect(doc.entries.first?.responses.first?.text
            == "Greenway Movers 2 days later Priya, we are sorry: our claims team will call you today.")
        #expect(doc.entries.first?.responses.first?.author == nil)
        #expect(doc.warnings.isEmpty)
    }

    @Test func selectorResponseWarnings() throws {
        // Answers found, but their author selector never matches: the selectors no longer fit.
        var stale = Self.greenway
        stale.responseAuthor = ".signed-by"
        let doc = try parse("selectors-owner-response.html", selectors: stale)
        #expect(doc.warnings
            == ["selectors: response_author \".signed-by\" matched nothing in any of the 2 responses (a redesign?)"])
        #expect(doc.entries[0].responses.first?.author == nil)

        // No review has an answer: no warning (most reviews have none).
        let none = try parse("selectors-owner-response.html",
                             selectors: ReviewSelectors(review: "div.review-card", body: ".review-text",
                                                        response: ".reply-by-owner"))
        #expect(none.warnings.isEmpty)
        #expect(none.entries.allSatisfy { $0.responses.isEmpty })

        // A response selector that does not compile is reported like the other fields.
        let broken = try parse("selectors-owner-response.html",
                               selectors: ReviewSelectors(review: "div.review-card", body: ".review-text", response: "div:hover"))
        #expect(broken.warnings.contains { $0.hasPrefix("selectors: response \"div:hover\" is neither valid XPath") })
    }

    /// Selectors decoded from JSON written before these fields existed still decode.
    @Test func selectorsDecodeWithoutResponseFields() throws {
        let old = try JSONDecoder().decode(ReviewSelectors.self, from: Data(#"{"review": "li.review", "body": "p"}"#.utf8))
        #expect(old == ReviewSelectors(review: "li.review", body: "p"))
        #expect(old.response == nil && old.responseAuthor == nil && old.responseDate == nil)
    }
}
