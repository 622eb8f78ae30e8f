import Foundation
import Testing
@testable import EarshotParse

/// Issue 21: review lists as the common shop platforms print them (the pages in Fixtures/reviews-platforms are
/// judged whole by RatedCommentTests; these pin the rules they rest on).
@Suite
struct ShopPlatformReviewTests {
    func parse(_ html: String) throws -> ParsedDocument {
        try DocumentParser.parse(Data(html.utf8), url: "https://shop.example/p/1")
    }

    func day(_ date: Date?) -> String? {
        date.map { String(ISO8601DateFormatter().string(from: $0).prefix(10)) }
    }

    /// "6/2/24" is 2 June on a US page, 6 February on a British one; a page's own unambiguous dates decide first.
    @Test func slashedDaysReadInThePagesOrder() throws {
        func page(lang: String, dates: [String]) -> String {
            "<html lang=\"\(lang)\"><body><ol class=\"review-items\">" + dates.enumerated().map { i, d in
                "<li class=\"review-item\"><span class=\"rating\" data-rating=\"4\"></span><p class=\"review-author\">Review by Ann \(i)</p>"
                    + "<time datetime=\"\(d)\">\(d)</time><div class=\"review-content\">Solid pack, carried it up the hill twice.</div></li>"
            }.joined() + "</ol></body></html>"
        }
        #expect(try parse(page(lang: "en-US", dates: ["6/2/24", "6/3/24"])).entries.map { day($0.published) } == ["2024-06-02", "2024-06-03"])
        #expect(try parse(page(lang: "en-GB", dates: ["6/2/24", "6/3/24"])).entries.map { day($0.published) } == ["2024-02-06", "2024-03-06"])
        // The page's own 21/02/2017 says day first, whatever the language.
        #expect(try parse(page(lang: "en-US", dates: ["09/04/2016", "21/02/2017"])).entries.map { day($0.published) } == ["2016-04-09", "2017-02-21"])
        // Disagreeing dates and no language: the ambiguous one stays unread.
        #expect(try parse(page(lang: "", dates: ["09/04/2016", "02/21/2017", "21/02/2017"])).entries.map { day($0.published) }
                == [nil, "2017-02-21", "2017-02-21"])
        // Bare "en" names no country: "6/2/24" stays unread rather than maybe wrong.
        #expect(try parse(page(lang: "en", dates: ["6/2/24", "6/3/24"])).entries.map { day($0.published) } == [nil, nil])
        #expect(VisibleDate.parse("6/2/24") == nil)
        #expect(VisibleDate.parse("06/06/2024") != nil)
    }

    /// A review list a product page loads (no <html>, its first element a table) is a page, not a broken feed.
    @Test func aPageFragmentIsReadAsAPage() throws {
        let fragment = """
            <table class="table"><tr><td><strong>Bev</strong></td><td class="text-right">19/04/2024</td></tr>
            <tr><td colspan="2"><p>Good torch, nice warm light setting and a strong magnet.</p>
            <span class="fa fa-stack"><i class="fa fa-star fa-stack-2x"></i><i class="fa fa-star-o fa-stack-2x"></i></span>
            <span class="fa fa-stack"><i class="fa fa-star fa-stack-2x"></i><i class="fa fa-star-o fa-stack-2x"></i></span>
            <span class="fa fa-stack"><i class="fa fa-star-o fa-stack-2x"></i></span></td></tr></table>
            <table class="table"><tr><td><strong>Sam</strong></td><td class="text-right">28/02/2024</td></tr>
            <tr><td colspan="2"><p>Does exactly what it says on the box, and then some.</p>
            <span class="fa fa-stack"><i class="fa fa-star fa-stack-2x"></i><i class="fa fa-star-o fa-stack-2x"></i></span>
            <span class="fa fa-stack"><i class="fa fa-star fa-stack-2x"></i><i class="fa fa-star-o fa-stack-2x"></i></span>
            <span class="fa fa-stack"><i class="fa fa-star fa-stack-2x"></i><i class="fa fa-star-o fa-stack-2x"></i></span></td></tr></table>
            """
        #expect(DocumentParser.looksLikeHTML(Data(fragment.utf8)))
        #expect(!DocumentParser.looksLikeHTML(Data("<rss version=\"2.0\"><channel><title>x</title></channel></rss>".utf8)))
        #expect(!DocumentParser.looksLikeHTML(Data("<channel><item><title>x</title></item></channel>".utf8)))
        #expect(DocumentParser.looksLikeHTML(Data("\n<!-- Block productcomments -->\n<div id=\"product_comments_block_tab\"></div>".utf8)))
        #expect(!DocumentParser.looksLikeHTML(Data("{\"content_html\": \"<p>Hello</p>\"}".utf8)))
        let entries = try parse(fragment).entries
        #expect(entries.map(\.author) == ["Bev", "Sam"])
        #expect(entries.map(\.rating) == [2, 3])
        #expect(entries.map { day($0.published) } == ["2024-04-19", "2024-02-28"])
        #expect(entries.map(\.content) == ["Good torch, nice warm light setting and a strong magnet.", "Does exactly what it says on the box, and then some."])
    }

    /// Stars given as a percentage in microdata (Magento's "80%" of 100) are the stars shown, out of five; a score
    /// out of 100 without the sign stays as it is.
    @Test func percentStarsAreStarsOutOfFive() throws {
        func page(_ value: String) -> String {
            """
            <html><body><div itemscope itemtype="http://schema.org/Review"><span itemprop="author">Ann</span>
            <div itemprop="reviewRating" itemscope itemtype="http://schema.org/Rating"><meta itemprop="bestRating" content="100">
            <span itemprop="ratingValue">\(value)</span></div><div itemprop="description">Took it up the mountain and back.</div></div></body></html>
            """
        }
        let stars = try #require(try parse(page("80%")).entries.first)
        #expect(stars.rating == 4 && stars.bestRating == 5)
        let score = try #require(try parse(page("92")).entries.first)
        #expect(score.rating == 92 && score.bestRating == 100)
    }

    /// A review app's namespaced classes name one review; its shop answer is the review's response, not its words;
    /// "NAME on DATE" is the name.
    @Test func reviewAppListsWithAnswers() throws {
        let review = { (id: Int, name: String, answer: String) in
            """
            <div class='spr-review' id='spr-review-\(id)'><div class='spr-review-header'>
            <span class='spr-starratings' aria-label='4 of 5 stars' role='img'></span><h3 class='spr-review-header-title'>Nice</h3>
            <span class='spr-review-header-byline'><strong>\(name)</strong> on <strong>Jun 14, 2023</strong></span></div>
            <div class='spr-review-content'><p class='spr-review-content-body'>Lovely smell when you stand next to it.</p></div>
            \(answer.isEmpty ? "" : "<div class='spr-review-reply'><p class='spr-review-reply-body'>\(answer)</p><p class='spr-review-reply-shop'>Saltmarsh</p></div>")
            <div class='spr-review-footer'><a class='spr-review-reportreview'>Report as Inappropriate</a></div></div>
            """
        }
        let entries = try parse("<html><body><div class='spr-reviews'>" + review(1, "Luis", "Thanks Luis, try a longer burn.") + review(2, "Meredith K.", "")
                                + "</div></body></html>").entries
        #expect(entries.map(\.author) == ["Luis", "Meredith K."])
        #expect(entries.map(\.content) == ["Lovely smell when you stand next to it.", "Lovely smell when you stand next to it."])
        #expect(entries[0].responses.map(\.text) == ["Thanks Luis, try a longer burn."])
        #expect(entries[0].responses.map(\.author) == ["Saltmarsh"])
        #expect(entries[1].responses.isEmpty)
        #expect(entries.map(\.rating) == [4, 4])
    }

    /// Cards that show stars and a date but link their heading to another page (a recipe archive, a blog's post list) are
    /// teasers, not reviews; nor is a starred, dated item without anyone's name.
    @Test func starredDatedTeasersAreNoReviews() throws {
        let star = "<span class=\"star full\"></span>"
        let cards = (1...4).map { i in
            "<article class=\"recipe-card\"><h3><a href=\"/recipes/\(i)\">Cookies \(i)</a></h3><div class=\"rating\">\(String(repeating: star, count: 5))</div>"
                + "<p>Soft chewy cookies with brown butter and sea salt.</p><span class=\"entry-date\">March \(i), 2024</span></article>"
        }.joined()
        #expect(try parse("<html lang=\"en-US\"><body><main>\(cards)</main></body></html>").entries.isEmpty)
        let nameless = (1...3).map { i in
            "<div class=\"item\"><div class=\"rating\">\(String(repeating: star, count: 4))</div><p>Fixture list entry number \(i) of the season.</p>"
                + "<span class=\"date\">March \(i), 2024</span></div>"
        }.joined()
        #expect(try parse("<html lang=\"en-US\"><body>\(nameless)</body></html>").entries.isEmpty)
    }

    /// A rated comment whose only byline is "— Name on Date" in its meta block: the name, and the date the byline
    /// gives (a name that is a month's, "Jan", is no date: a month counts beside a number).
    @Test func aBylineInTheCommentMetaNamesTheAuthor() throws {
        func comment(_ id: Int, _ words: String, _ byline: String) -> String {
            """
            <li class="comment-li"><div id="comment-\(id)" class="comment even depth-1 comdiv"><div class="comdiv-a">
            <div class="rating-stars"><div class="rating-stars-a"><span class="star star-on"></span><span class="star star-on"></span>
            <span class="star star-on"></span><span class="star star-on"></span><span class="star"></span></div></div>
            <div class="comcontent"><p>\(words)</p></div>
            <div class="comment-meta"><ul><li>&mdash; \(byline)</li><li><a rel="nofollow" class="comment-reply-link" href="#comment-\(id)">Reply</a></li></ul></div>
            </div></div></li>
            """
        }
        let page = "<html lang=\"en-US\"><body><ul class=\"commentlist\">"
            + comment(11, "Short and sweet.", "Debbie on July 3, 2023")
            + comment(12, "How long do the peppers keep in the fridge?<br/>Thanks!<br/>Jan", "Jan on April 29, 2023")
            + comment(13, "Made it twice this week, the dressing is the star.", "Michelle E. posted on May 2, 2023")
            + "</ul></body></html>"
        let entries = try parse(page).entries
        #expect(entries.map(\.author) == ["Debbie", "Jan", "Michelle E."])
        #expect(entries.map { day($0.published) } == ["2023-07-03", "2023-04-29", "2023-05-02"])
        #expect(entries.map(\.rating) == [4, 4, 4])
        #expect(entries.first?.content == "Short and sweet.")
        #expect(VisibleDate.parse("Jan on April 29, 2023").map { day($0) } == "2023-04-29")
        #expect(VisibleDate.parse("14 de mayo de 2023").map { day($0) } == "2023-05-14")
        #expect(VisibleDate.parse("I may come back in 2023") == nil)
        #expect(RatedCommentReader.bylineName("Posted on June 3, 2023") == nil)
        #expect(RatedCommentReader.bylineName("— Kimberly Maxey on July 27, 2023") == "Kimberly Maxey")
        #expect(RatedCommentReader.bylineName("Posted by Jane on August 31, 2023") == "Jane")
        #expect(RatedCommentReader.bylineName("Last updated on August 31, 2023") == nil)
        #expect(RatedCommentReader.bylineName("Reviewed in the United States on August 31, 2023") == nil)
        #expect(RatedCommentReader.bylineName("Visited on March 3, 2023") == nil)
        #expect(RatedCommentReader.bylineName("4hmom on 7.26.2017") == "4hmom")
        #expect(RatedCommentReader.bylineName("Anna 2 on 7.26.2017") == nil)
    }

    /// A list with hashed classes: a name beside its avatar of initials, five drawn icons and "4/5" written beside
    /// them, a date. Without the written score (icons alone say nothing), or without stars and a date, no review.
    @Test func aScoreBesideDrawnIconsAndANameBesideItsInitials() throws {
        func item(_ initial: String, _ name: String, _ score: String, _ words: String, _ date: String) -> String {
            let icon = "<svg class=\"a1x\" viewBox=\"0 0 32 32\"><path d=\"M1 1h30v30H1z\"></path></svg>"
            return """
                <div class="sc-9f2 kQx"><div class="sc-1b3"><span class="sc-77a">\(initial)</span><div class="sc-5d0"><p class="sc-e41">\(name)</p>
                <div class="sc-c02"><div class="sc-c03">\(String(repeating: icon, count: 5))</div><div class="sc-c04"><span class="sc-c05">\(score)</span></div></div>
                </div></div><div class="sc-2aa"><p class="sc-2ab">\(words)</p></div><div class="sc-3ff"><p class="sc-3fe">\(date)</p></div></div>
                """
        }
        func page(_ items: [String]) -> String { "<html lang=\"fr\"><body><div class=\"sc-list\">" + items.joined() + "</div></body></html>" }
        let entries = try parse(page([item("j", "jipysn", "5<!-- -->/<!-- -->5", "Top recette", "29/08/2023 12:31"),
                                      item("F", "Fred Dumas", "4/5", "Très bonne, un peu trop d’huile à mon goût.", "23/08/2023 05:13")])).entries
        #expect(entries.map(\.author) == ["jipysn", "Fred Dumas"])
        #expect(entries.map(\.rating) == [5, 4])
        #expect(entries.map(\.bestRating) == [5, 5])
        #expect(entries.map { day($0.published) } == ["2023-08-29", "2023-08-23"])
        #expect(entries.map(\.content) == ["Top recette", "Très bonne, un peu trop d’huile à mon goût."])
        // The same cards with a written score but no icons beside it, or initials that are not the name's: no review.
        let noIcons = page([item("j", "jipysn", "5/5", "Top recette", "29/08/2023 12:31"),
                            item("F", "Fred2003", "4/5", "Très bonne cette ratatouille", "23/08/2023 05:13")])
            .replacingOccurrences(of: "<svg", with: "<b").replacingOccurrences(of: "</svg>", with: "</b>")
        #expect(try parse(noIcons).entries.isEmpty)
        let otherInitials = page([item("Q", "jipysn", "5/5", "Top recette", "29/08/2023 12:31"),
                                  item("Z", "Fred2003", "4/5", "Très bonne cette ratatouille", "23/08/2023 05:13")])
        #expect(try parse(otherInitials).entries.isEmpty)
        // Two letters before words they are the initials of ("US", "United States") are a name only in an avatar.
        let codes = page([item("US", "United States", "5/5", "Top recette", "29/08/2023 12:31"),
                          item("UK", "United Kingdom", "4/5", "Très bonne cette ratatouille", "23/08/2023 05:13")])
        #expect(try parse(codes).entries.isEmpty)
        #expect(try parse(codes.replacingOccurrences(of: "class=\"sc-77a\"", with: "class=\"sc-77a avatar\"")).entries.map(\.author)
                == ["United States", "United Kingdom"])
    }

    /// A review list in a comment list, each review numbered `review-NNN`: picture stars whose files say their state
    /// (WP-PostRatings' `rating_on.gif`), a byline heading "handle on 7.26.2017" (a US day written with dots).
    @Test func numberedReviewsInACommentListWithPictureStarsAndABylineHeading() throws {
        func review(_ id: Int, _ handle: String, _ day: String, on: Int, _ words: String) -> String {
            let star = { (state: String) in "<img src=\"/wp-content/plugins/wp-postratings/images/mitts/rating_\(state).gif\" alt=\"\" class=\"post-ratings-image\" />" }
            return """
                <div class="review byuser comment-author-\(handle.lowercased()) even thread-even depth-1" id="review-\(id)"><div class="comment-text">
                <h4><a href="https://kitchen.example/members/\(handle.lowercased())/">\(handle)</a> <span>on \(day)</span></h4>
                <span class="review-post-ratings">\(String(repeating: star("on"), count: on) + String(repeating: star("off"), count: 5 - on))</span>
                <p>\(words)</p></div></div>
                """
        }
        let page = "<html lang=\"en-US\"><body><div class=\"comments js-comments\">"
            + review(117304, "4hmom", "7.26.2017", on: 5, "Printed it long ago and finally made it today, wonderful.")
            + review(116147, "K-Dub", "8.28.2016", on: 3, "Good, though a little sweet for us; less sugar next time.")
            + "</div></body></html>"
        let entries = try parse(page).entries
        #expect(entries.map(\.author) == ["4hmom", "K-Dub"])
        #expect(entries.map(\.rating) == [5, 3])
        #expect(entries.map { day($0.published) } == ["2017-07-26", "2016-08-28"])
        #expect(entries.first?.content == "Printed it long ago and finally made it today, wonderful.")
        // Dots read day first, unless the middle number can only be the day.
        #expect(VisibleDate.parse("17.10.2022").map { day($0) } == "2022-10-17")
        #expect(VisibleDate.parse("04.05.2020").map { day($0) } == "2020-05-04")
        #expect(VisibleDate.parse("7.26.2017").map { day($0) } == "2017-07-26")
    }

    /// A comment list whose theme numbers no comment (`ol.comments-list > li.comment`): a rated comment still, its
    /// name in a span styled as a heading (Bootstrap's `h6`), Font Awesome's solid stars beside outline ones.
    @Test func anUnnumberedCommentListWithFontAwesomeStars() throws {
        let page = """
            <html lang="en"><body><section id="comments"><ol class="comments-list clearfix">
            <li class="comment clearfix"><div class="comment-wrap"><div class="comment-body"><header><div class="pull-left">
            <span class="h6 s14">Guest Foodie</span> <span class="stars-active" style="width:88%">
            <i class="fa fa-star"></i><i class="fa fa-star"></i><i class="fa fa-star"></i><i class="fa fa-star"></i><i class="fa fa-star-o"></i></span>
            <span class="entry-date">January 31, 2007</span></div></header>
            <p>Easy and a lot of fun; my son and I made it for our cooking night.</p></div></div></li>
            <li class="comment clearfix"><div class="comment-wrap"><div class="comment-body"><header><div class="pull-left">
            <span class="h6 s14">Pat</span><span class="entry-date">February 2, 2007</span></div></header>
            <p>Can I use beef stock instead?</p></div></div></li></ol></section></body></html>
            """
        let entries = try parse(page).entries
        #expect(entries.map(\.author) == ["Guest Foodie"])
        #expect(entries.map(\.rating) == [4])
        #expect(entries.map { day($0.published) } == ["2007-01-31"])
        #expect(entries.first?.content == "Easy and a lot of fun; my son and I made it for our cooking night.")
    }
}
