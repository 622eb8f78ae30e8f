import EarshotFetch
import EarshotServe
import Foundation
import Testing

/// Redirects: permanent hops update the URL, loops and escapes to file:// are refused.
@Suite struct FetchRedirectTests {
    static func server() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            switch request.path {
            case "/old": return .redirect(to: "/newer", status: 301)
            case "/newer": return .redirect(to: "/newest", status: 308)
            case "/newest": return .redirect(to: "/today", status: 302)
            case "/today": return .text("<rss/>", contentType: "application/rss+xml")
            case "/a": return .redirect(to: "/b", status: 302)
            case "/b": return .redirect(to: "/a", status: 301)
            case "/escape": return .redirect(to: "file:///etc/passwd", status: 302)
            case let p where p.hasPrefix("/hop"):
                let n = Int(p.dropFirst(4)) ?? 0
                return .redirect(to: "/hop\(n + 1)", status: 302)
            default: return .notFound()
            }
        }
    }

    @Test func permanentHopsBecomeTheNewURL() throws {
        let server = try Self.server()
        defer { server.stop() }
        let result = FetchTestSupport.fetchOne(server.url("/old"))
        let response = try #require(result.outcome.response)
        #expect(response.status == 200)
        #expect(response.finalURL == server.url("/today"))
        // 301 then 308 are permanent; the 302 after them is not, so the stored URL becomes /newest.
        #expect(response.permanentRedirect == server.url("/newest"))

        let temporary = FetchTestSupport.fetchOne(server.url("/newest"))
        #expect(temporary.outcome.response?.permanentRedirect == nil)
    }

    @Test func loopIsAClearError() throws {
        let server = try Self.server()
        defer { server.stop() }
        let result = FetchTestSupport.fetchOne(server.url("/a"))
        let error = try #require(result.outcome.error)
        #expect(error.kind == .redirectLoop)
        #expect(!error.isRetryable)
        #expect(error.description.contains("loop"))
    }

    @Test func tooManyHops() throws {
        let server = try Self.server()
        defer { server.stop() }
        let result = FetchTestSupport.fetchOne(server.url("/hop0"))
        #expect(result.outcome.error?.kind == .tooManyRedirects)
        #expect(server.requestLog.count == 6, "the first request and 5 hops")
    }

    @Test func redirectCannotReachLocalFiles() throws {
        let server = try Self.server()
        defer { server.stop() }
        let result = FetchTestSupport.fetchOne(server.url("/escape"))
        #expect(result.outcome.error?.kind == .badURL)
    }
}
