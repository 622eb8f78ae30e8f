import EarshotFetch
import EarshotServe
import Foundation
import Testing

/// robots.txt: parsed per RFC 9309, fetched once per host, honoured for review pages only.
@Suite struct FetchRobotsTests {
    static let robots = """
    User-agent: *
    Disallow: /reviews
    Allow: /reviews/public

    User-agent: OtherBot
    Disallow: /
    """

    @Test func disallowedPageIsNotFetched() throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/robots.txt" ? .text(Self.robots) : .text("<html>page</html>", contentType: "text/html; charset=utf-8")
        }
        defer { server.stop() }
        let fetcher = Fetcher(options: FetchTestSupport.options())
        let results = fetcher.fetch([
            FetchRequest(key: "private", url: server.url("/reviews/acme"), obeysRobots: true),
            FetchRequest(key: "public", url: server.url("/reviews/public/acme"), obeysRobots: true),
            FetchRequest(key: "feed", url: server.url("/reviews/feed.rss"), obeysRobots: false),
        ])
        let error = try #require(results[0].outcome.error)
        #expect(error.kind == .robotsDisallowed)
        #expect(!error.isRetryable)
        #expect(results[1].outcome.response?.status == 200, "the longer Allow wins")
        #expect(results[2].outcome.response?.status == 200, "feeds do not obey robots.txt")
        #expect(server.requestCount(path: "/reviews/acme") == 0)
        _ = fetcher.fetch([FetchRequest(key: "again", url: server.url("/reviews/other"), obeysRobots: true)])
        #expect(server.requestCount(path: "/robots.txt") == 1, "cached per host for the fetcher's life")
    }

    @Test func crawlDelaySpacesTheRequestsToItsHost() throws {
        final class Times: @unchecked Sendable {
            private let lock = NSLock()
            private var times: [Date] = []
            func add() { lock.lock(); times.append(Date()); lock.unlock() }
            var all: [Date] { lock.lock(); defer { lock.unlock() }; return times }
        }
        let pages = Times()
        let server = try LoopbackHTTPServer { request in
            if request.path == "/robots.txt" { return .text("User-agent: *\nCrawl-delay: 0.6\nDisallow: /private\n") }
            pages.add()
            return .text("<html>page</html>", contentType: "text/html; charset=utf-8")
        }
        defer { server.stop() }
        var options = FetchTestSupport.options()
        options.perHostLimit = 4
        let fetcher = Fetcher(options: options)
        let results = fetcher.fetch((0 ..< 3).map { FetchRequest(key: "p\($0)", url: server.url("/reviews/\($0)"), obeysRobots: true) })
        #expect(results.allSatisfy { $0.outcome.response?.status == 200 })
        let times = pages.all.sorted()
        #expect(times.count == 3)
        for (a, b) in zip(times, times.dropFirst()) {
            #expect(b.timeIntervalSince(a) >= 0.55, "Crawl-delay 0.6 s between starts, got \(b.timeIntervalSince(a))")
        }
        // The delay is remembered with the host's rules for the fetcher's next run.
        let start = Date()
        _ = fetcher.fetch((3 ..< 5).map { FetchRequest(key: "p\($0)", url: server.url("/reviews/\($0)"), obeysRobots: true) })
        #expect(Date().timeIntervalSince(start) >= 0.55)
    }

    @Test func missingRobotsAllowsEverything() throws {
        let server = try LoopbackHTTPServer { request in request.path == "/robots.txt" ? .notFound() : .text("ok") }
        defer { server.stop() }
        let result = FetchTestSupport.fetchOne(server.url("/reviews/acme"), obeysRobots: true)
        #expect(result.outcome.response?.status == 200)
    }

    @Test func rulesParse() {
        let rules = RobotsRules(parsing: """
        User-agent: Googlebot
        Disallow: /

        User-agent: Earshot/1.0
        User-agent: SomethingElse
        Disallow: /private
        Allow: /private/shared$
        Disallow: /*.pdf$

        User-agent: *
        Disallow: /everything
        """)
        #expect(!rules.allows(path: "/private/x"))
        #expect(rules.allows(path: "/private/shared"))
        #expect(rules.crawlDelay == nil)
        #expect(RobotsRules(parsing: "User-agent: *\nCrawl-delay: 2.5\n").crawlDelay == 2.5)
        #expect(RobotsRules(parsing: "User-agent: *\nCrawl-delay: 86400\n").crawlDelay == RobotsRules.maximumCrawlDelay)
        #expect(RobotsRules(parsing: "User-agent: *\nCrawl-delay: soon\n").crawlDelay == nil)
        #expect(RobotsRules(parsing: "User-agent: other\nCrawl-delay: 5\n").crawlDelay == nil, "another agent's delay")
        #expect(!rules.allows(path: "/private/shared/more"))
        #expect(!rules.allows(path: "/docs/report.pdf"))
        #expect(rules.allows(path: "/docs/report.pdf?download=1"))
        #expect(rules.allows(path: "/everything"), "the Earshot group replaces the * group")
        #expect(rules.allows(path: "/robots.txt"))
        #expect(RobotsRules(parsing: "User-agent: *\nDisallow:\n").allows(path: "/anything"))
    }
}
