import Foundation
import Testing
import EarshotParse

/// Issue 21, review pages in the wild: rated blog comments (WordPress's comment list with a rating
/// plugin's stars) read as reviews when a page has no schema.org reviews; stubs dropped; and the real
/// pages of many sites (Fixtures/reviews-wild) each judged as before (GOLDEN.tsv).
@Suite
struct RatedCommentTests {
    func parse(_ html: String) throws -> ParsedDocument {
        try DocumentParser.parse(Data(html.utf8), url: "https://blog.example/lasagna/")
    }

    @Test func ratedCommentsAreReviewsAndTheOwnersAnswersTheirResponses() throws {
        let doc = try parse("""
            <html><head><title>Pumpkin lasagna</title><link rel="canonical" href="https://blog.example/lasagna/"></head><body>
            <ol class="comment-list">
              <li class="comment even thread-even depth-1 parent" id="comment-101">
                <div id="div-comment-101" class="comment-body">
                  <div class="comment-author vcard"><cite class="fn">Susie</cite> <span class="says">says:</span></div>
                  <div class="comment-meta commentmetadata"><a href="https://blog.example/lasagna/#comment-101">October 20, 2019 at 9:14 pm</a></div>
                  <div class="comment-content"><p><img class="wprm-comment-rating" src="stars-2.svg" alt="2 stars"><br>
                    The sauce was watery &#8211; and it took twice as long as it says.</p></div>
                  <div class="reply"><a class="comment-reply-link" href="#comment-101">Reply</a></div>
                </div>
                <ul class="children">
                  <li class="comment byuser bypostauthor odd alt depth-2" id="comment-102">
                    <div class="comment-body"><div class="comment-author vcard"><cite class="fn">Monique</cite> <span class="says">says:</span></div>
                    <div class="comment-meta commentmetadata"><a href="#comment-102">October 21, 2019</a></div>
                    <div class="comment-content"><p>Sorry Susie! Did you drain the ricotta?</p></div></div>
                  </li>
                  <li class="comment even depth-2" id="comment-103">
                    <div class="comment-body"><div class="comment-author vcard"><cite class="fn">Dan</cite></div>
                    <div class="comment-content"><p><img class="wprm-comment-rating" alt="5 stars"> Mine was perfect.</p></div></div>
                  </li>
                </ul>
              </li>
              <li class="comment odd depth-1" id="comment-104">
                <article class="comment-body"><header class="comment-header"><p class="comment-author"><span class="comment-author-name">M.D.</span> <span class="says">says</span></p>
                <p class="comment-meta"><time class="comment-time" datetime="2020-10-19T00:01:00+11:00">October 19, 2020</time></p></header>
                <div class="comment-content"><p><span class="tasty-rating" data-rating="4"></span>Good, not great.</p></div></article>
              </li>
              <li class="comment even depth-1" id="comment-105">
                <div class="comment-body"><div class="comment-author"><cite class="fn">Quiet Reader</cite></div>
                <div class="comment-content"><p>Can I freeze it?</p></div></div>
              </li>
              <li class="comment odd depth-1" id="comment-106">
                <div class="comment-body"><div class="comment-author"><cite class="fn">Stars Drawn</cite></div>
                <div class="comment-meta"><a href="#comment-106">3rd March 2021</a></div>
                <div class="comment-content"><div class="comment-rating"><span class="star full"></span><span class="star full"></span><span class="star full"></span><span class="star empty"></span><span class="star empty"></span></div>
                <p>Fine for a weeknight.</p></div></div>
              </li>
            </ol></body></html>
            """)
        let byAuthor = Dictionary(doc.entries.map { ($0.author ?? "?", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(byAuthor.keys) == ["Susie", "Dan", "M.D.", "Stars Drawn"], "unrated comments and the owner's answer are no reviews")
        let susie = try #require(byAuthor["Susie"])
        #expect(susie.rating == 2)
        #expect(susie.content == "The sauce was watery – and it took twice as long as it says.")
        #expect(susie.published == ISO8601DateFormatter().date(from: "2019-10-20T21:14:00Z"))
        #expect(susie.link == "https://blog.example/lasagna/#comment-101")
        #expect(susie.responses == [ParsedResponse(author: "Monique", text: "Sorry Susie! Did you drain the ricotta?",
                                                    published: ISO8601DateFormatter().date(from: "2019-10-21T00:00:00Z"))])
        #expect(byAuthor["Dan"]?.content == "Mine was perfect." && byAuthor["Dan"]?.rating == 5)
        #expect(byAuthor["M.D."]?.rating == 4 && byAuthor["M.D."]?.published == ISO8601DateFormatter().date(from: "2020-10-18T13:01:00Z"))
        #expect(byAuthor["Stars Drawn"]?.rating == 3 && byAuthor["Stars Drawn"]?.bestRating == 5)
        #expect(byAuthor["Stars Drawn"]?.published == ISO8601DateFormatter().date(from: "2021-03-03T00:00:00Z"))
        #expect(doc.warnings.isEmpty)
    }

    @Test func schemaOrgReviewsWinAndAStubIsNoReview() throws {
        let doc = try parse("""
            <html><body><script type="application/ld+json">{"@context":"https://schema.org","@type":"Recipe","name":"Soup",
              "review":[{"@type":"Review","author":{"@type":"Person","name":"Ann"},"reviewBody":"Lovely and quick.",
                         "reviewRating":{"@type":"Rating","ratingValue":5}},
                        {"@type":"UserReview","reviewBody":",,","datePublished":"2020-01-01"}]}</script>
            <ol><li class="comment" id="comment-9"><div class="comment-content"><img class="wprm-comment-rating" alt="1 stars"> Not the same as the markup</div></li></ol>
            </body></html>
            """)
        #expect(doc.entries.map(\.author) == ["Ann"])
    }

    /// Every real page (37 pages of 36 sites, truth written by reading them) is judged as GOLDEN.tsv
    /// says: a page that was right must stay right; one that changes (better or worse) updates the file.
    @Test func realPagesOfManySitesAreJudgedAsBefore() throws {
        let folder = TestPaths.fixtures.appendingPathComponent("reviews-wild")
        let script = TestPaths.repo.appendingPathComponent("Scripts/measure-reviews")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--pages", folder.path, "--bin", TestPaths.binary.path, "--verdicts", "--describe", "none"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let verdicts = String(decoding: data, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("verdict\t") }
            .map { $0.dropFirst("verdict\t".count) }.map(String.init)
        let golden = try String(contentsOf: folder.appendingPathComponent("GOLDEN.tsv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(verdicts.count == 37)
        #expect(verdicts == golden, "regenerate with: Scripts/measure-reviews --verdicts --describe none | grep ^verdict | cut -f2- > \(folder.path)/GOLDEN.tsv")
    }
}
