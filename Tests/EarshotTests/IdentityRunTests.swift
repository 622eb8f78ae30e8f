import Foundation
import Testing
import EarshotServe
import EarshotStore

/// Issue 16 end to end: the built `earshot` over feeds and a review page served on 127.0.0.1.
/// The brand's reply threads onto the customer's case and sets its first response time; a
/// syndicated copy is one mention with two sources; the same customer on two sources has one
/// case; a re-rated review resolves its case, and rated down again reopens it.
@Suite(.serialized)
struct IdentityRunTests {
    static var canRun: Bool { TriageCrashTests.canRun }

    /// Serves named documents that a test can replace between runs.
    final class Site: @unchecked Sendable {
        let folder = TestPaths.temporaryFolder("earshot-identity")
        let server: LoopbackHTTPServer
        private let lock = NSLock()
        private var documents: [String: (String, String)] = [:]

        init() throws {
            let box = Box()
            server = try LoopbackHTTPServer { request in
                guard let site = box.site, let (type, text) = site.document(request.path) else { return HTTPResponse(status: 404) }
                return HTTPResponse.text(text, contentType: type)
            }
            box.site = self
        }
        private final class Box: @unchecked Sendable { weak var site: Site? }
        deinit { server.stop(); try? FileManager.default.removeItem(at: folder) }

        func document(_ path: String) -> (String, String)? { lock.lock(); defer { lock.unlock() }; return documents[path] }
        func serve(_ path: String, _ text: String, type: String) { lock.lock(); documents[path] = (type, text); lock.unlock() }

        var store: String { folder.appendingPathComponent("earshot.sqlite").path }

        func config() throws -> String {
            let path = folder.appendingPathComponent("earshot.yaml").path
            try """
            brand: Acme
            query: acme
            store: \(store)
            brand_accounts: ["@acmehelp", "Acme Support", "acme.example"]
            backfill: 3650d
            sources:
              - name: social
                url: \(server.url("/social.atom"))
              - name: forum
                url: \(server.url("/forum.rss"))
              - name: news
                url: \(server.url("/news.rss"))
              - name: reviews
                url: \(server.url("/reviews.html"))
                kind: reviews
                robots: false
            channels:
              - name: desk
                type: jsonl
                path: \(folder.appendingPathComponent("desk.jsonl").path)
            problems:
              min_customers: 50
            """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    static func date(_ hoursAfterStart: Double) -> String {
        ISO8601DateFormatter().string(from: start.addingTimeInterval(hoursAfterStart * 3600))
    }
    static func rfc822(_ hoursAfterStart: Double) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return f.string(from: start.addingTimeInterval(hoursAfterStart * 3600))
    }
    static let start = Date().addingTimeInterval(-20 * 3600)

    static let social = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
          <id>tag:social.example,2026:search</id><title>Search: acme</title><updated>\(date(3))</updated>
          <entry>
            <id>tag:social.example,2026:status/1</id>
            <title>Acme charged me twice</title>
            <link rel="alternate" href="https://social.example/@janedoe/status/1"/>
            <author><name>Jane Doe</name><uri>https://social.example/@janedoe</uri></author>
            <published>\(date(0))</published><updated>\(date(0))</updated>
            <content type="text">Acme charged me twice this month and nobody answers my emails. Terrible, I want a refund.</content>
          </entry>
          <entry>
            <id>tag:social.example,2026:status/2</id>
            <title>Reply</title>
            <link rel="alternate" href="https://social.example/@acmehelp/status/2"/>
            <author><name>Acme Support</name><uri>https://social.example/@acmehelp</uri></author>
            <thr:in-reply-to ref="tag:social.example,2026:status/1" href="https://social.example/@janedoe/status/1"/>
            <published>\(date(3))</published><updated>\(date(3))</updated>
            <content type="text">Sorry Jane, we have refunded the second payment today. Billing complaint noted.</content>
          </entry>
        </feed>
        """

    static let article = (title: "Acme outage leaves thousands offline",
                          text: "An Acme outage left thousands of homes offline for a whole evening, and customers say support was useless and slow.",
                          link: "https://news.example/acme-outage")

    static let news = """
        <?xml version="1.0"?><rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
        <item><guid isPermaLink="false">news-1</guid><title>\(article.title)</title><link>\(article.link)</link>
        <author>Kim Reporter</author><description>\(article.text)</description><pubDate>\(rfc822(1))</pubDate></item>
        </channel></rss>
        """

    static let forum = """
        <?xml version="1.0"?><rss version="2.0"><channel><title>Forum</title><link>https://forum.example/</link>
        <item><guid isPermaLink="false">forum-77</guid><title>\(article.title)</title><link>\(article.link)</link>
        <author>Kim Reporter</author><description>\(article.text)</description><pubDate>\(rfc822(2))</pubDate></item>
        <item><guid isPermaLink="false">forum-78</guid><title>Still no refund from Acme</title>
        <link>https://forum.example/t/78</link><author>jane doe</author>
        <description>Still no refund from Acme for the double charge, this is awful.</description><pubDate>\(rfc822(5))</pubDate></item>
        </channel></rss>
        """

    static func reviews(stars: Int, text: String, response: Bool = true) -> String {
        """
        <!DOCTYPE html><html><head><title>Acme reviews</title>
        <script type="application/ld+json">
        {"@context": "https://schema.org", "@type": "Organization", "name": "Acme",
         "review": [{"@type": "Review", "@id": "https://reviews.example/acme#r1", "author": {"@type": "Person", "name": "Rita Moreno"},
                     "datePublished": "\(date(4))", "reviewBody": "\(text)",
                     "reviewRating": {"@type": "Rating", "ratingValue": \(stars), "bestRating": 5, "worstRating": 1}\(response ? """
                     , "comment": {"@type": "Comment", "author": {"@type": "Organization", "name": "Acme"},
                                 "text": "We are sorry, Rita: an engineer will call you tomorrow.", "dateCreated": "\(date(6))"}
                     """ : "")}]}
        </script></head><body><h1>Acme</h1></body></html>
        """
    }

    static func json(_ text: String) -> Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test(.enabled(if: IdentityRunTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func whoIsSpeakingEndToEnd() throws {
        let site = try Site()
        site.serve("/social.atom", Self.social, type: "application/atom+xml")
        site.serve("/news.rss", Self.news, type: "application/rss+xml")
        site.serve("/forum.rss", Self.forum, type: "application/rss+xml")
        site.serve("/reviews.html", Self.reviews(stars: 1, text: "Acme broke my line and the engineer never came. Awful."), type: "text/html")
        let config = try site.config()
        let run = try runEarshot(["run", "--config", config, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = Self.json(run.stdout) as? [String: Any] ?? [:]
        #expect(summary["copies"] as? Int == 1, "\(run.stdout)")
        #expect(summary["brandMentions"] as? Int == 2)
        #expect(summary["brandReplies"] as? Int == 2)

        let list = Self.json(try runEarshot(["cases", "list", "--config", config, "--json"]).stdout) as? [[String: Any]] ?? []
        // Jane (social + forum, one case), the outage article (news, copied on the forum), Rita's review.
        #expect(list.count == 3, "\(list.map { $0["title"] ?? "" })")
        #expect(!list.contains { ($0["customer"] as? String)?.hasPrefix("Acme") == true }, "the brand is never a customer")
        // Named as her first stored mention wrote it ("Jane Doe" or "jane doe": sources are processed in any order).
        let jane = try #require(list.first { ($0["customer"] as? String)?.lowercased() == "jane doe" }, "\(list)")
        #expect(jane["first_response_at"] as? String == Self.date(3))
        let rita = try #require(list.first { ($0["customer"] as? String) == "Rita Moreno" })
        #expect(rita["first_response_at"] as? String == Self.date(6), "the owner's response answers the review")
        let janeID = try #require(jane["id"] as? Int)
        let shown = Self.json(try runEarshot(["cases", "show", "\(janeID)", "--config", config, "--json"]).stdout) as? [String: Any] ?? [:]
        let janeMentions = shown["mentions"] as? [[String: Any]] ?? []
        #expect(janeMentions.filter { $0["by_brand"] as? Bool == false }.compactMap { $0["source"] as? String }.sorted() == ["forum", "social"])
        #expect(janeMentions.contains { $0["by_brand"] as? Bool == true })
        #expect((shown["events"] as? [[String: Any]] ?? []).contains { $0["kind"] as? String == "brand replied" })

        let outage = try #require(list.first { ($0["customer"] as? String) == "Kim Reporter" })
        let outageShown = Self.json(try runEarshot(["cases", "show", "\(outage["id"] as? Int ?? 0)", "--config", config, "--json"]).stdout) as? [String: Any] ?? [:]
        let copies = outageShown["mentions"] as? [[String: Any]] ?? []
        #expect(copies.count == 1, "the copy is one mention")
        #expect(Set(copies.first?["sources"] as? [String] ?? []) == ["news", "forum"], "the first stored is the original")

        // The digest counts the copy once and reports the median time to first response.
        let day = { (d: Date) in String(ISO8601DateFormatter().string(from: d).prefix(10)) }
        let period = day(Self.start.addingTimeInterval(-86_400)) + ".." + day(Date().addingTimeInterval(86_400))
        let digest = Self.json(try runEarshot(["digest", "--config", config, "--period", period, "--format", "json"]).stdout) as? [String: Any] ?? [:]
        let cases = digest["cases"] as? [String: Any] ?? [:]
        #expect(cases["answered"] as? Int == 2)
        #expect((cases["medianFirstResponse"] as? Double).map { abs($0 - 2.5 * 3600) < 1 } == true, "median of 3 h and 2 h")
        #expect((digest["headline"] as? [String: Any])?["mentions"] as? Int == 4, "Jane twice, the article once, Rita; never the brand")

        // Rita re-rates her review to 4 stars: her case is resolved; down to 1 again: reopened.
        site.serve("/reviews.html", Self.reviews(stars: 4, text: "Update: Acme sent an engineer next day, all fixed. Good service in the end."), type: "text/html")
        #expect(try runEarshot(["fetch", "--source", "reviews", "--process", "--config", config]).status == 0)
        let ritaID = try #require(rita["id"] as? Int)
        func ritaCase() throws -> [String: Any] {
            Self.json(try runEarshot(["cases", "show", "\(ritaID)", "--config", config, "--json"]).stdout) as? [String: Any] ?? [:]
        }
        var c = try ritaCase()
        #expect(c["status"] as? String == "resolved")
        #expect((c["events"] as? [[String: Any]] ?? []).last?["detail"] as? String == "customer updated their rating")
        site.serve("/reviews.html", Self.reviews(stars: 1, text: "It broke again. Acme is hopeless."), type: "text/html")
        #expect(try runEarshot(["fetch", "--source", "reviews", "--process", "--config", config]).status == 0)
        c = try ritaCase()
        #expect(c["status"] as? String == "open")

        // Merge by hand: the outage case joins Jane's.
        let merge = try runEarshot(["cases", "merge", "\(janeID)", "\(outage["id"] as? Int ?? 0)", "--as", "dana", "--config", config])
        #expect(merge.status == 0, "\(merge.stderr)")
        let after = Self.json(try runEarshot(["cases", "show", "\(outage["id"] as? Int ?? 0)", "--config", config, "--json"]).stdout) as? [String: Any] ?? [:]
        #expect(after["status"] as? String == "merged")
        #expect(after["merged_into"] as? Int == janeID)
        #expect(try runEarshot(["cases", "merge", "\(janeID)", "\(janeID)", "--config", config]).status == 64)
    }

    @Test(.enabled(if: IdentityRunTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func anOwnersAnswerPostedDaysAfterTheReviewIsStillTheBrandsReply() throws {
        let site = try Site()
        for path in ["/social.atom", "/news.rss", "/forum.rss"] {
            site.serve(path, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>x</title></channel></rss>", type: "application/rss+xml")
        }
        let text = "Acme broke my line and the engineer never came. Awful."
        site.serve("/reviews.html", Self.reviews(stars: 1, text: text, response: false), type: "text/html")
        let config = try site.config()
        #expect(try runEarshot(["run", "--config", config]).status == 0)
        func rita() throws -> [String: Any]? {
            (Self.json(try runEarshot(["cases", "list", "--config", config, "--json"]).stdout) as? [[String: Any]])?.first
        }
        #expect(try rita()?["first_response_at"] is NSNull)
        // The review unchanged, the owner's answer added: it is read, once.
        site.serve("/reviews.html", Self.reviews(stars: 1, text: text), type: "text/html")
        #expect(try runEarshot(["fetch", "--source", "reviews", "--process", "--config", config]).status == 0)
        #expect(try rita()?["first_response_at"] as? String == Self.date(6))
        let again = try runEarshot(["fetch", "--source", "reviews", "--process", "--config", config, "--json"])
        #expect((Self.json(again.stdout) as? [String: Any])?["brandMentions"] as? Int == 0)
    }
}
