import EarshotFetch
import EarshotServe
import Foundation
import Testing

/// Conditional GET, content decoding and response metadata.
@Suite struct FetchConditionalTests {
    static let feed = String(repeating: "<item><title>Acme support never answers</title></item>\n", count: 100)

    @Test func etagGivesNotModified() throws {
        let server = try LoopbackHTTPServer { request in
            if request.header("if-none-match") == "\"v1\"" { return HTTPResponse(status: 304, headers: [("ETag", "\"v1\"")]) }
            return HTTPResponse(status: 200, headers: [("ETag", "\"v1\""), ("Content-Type", "application/rss+xml; charset=ISO-8859-1"),
                                                       ("Cache-Control", "public, max-age=300")], body: Data(Self.feed.utf8))
        }
        defer { server.stop() }
        let first = FetchTestSupport.fetchOne(server.url("/feed"))
        guard case .fetched(let response) = first.outcome else { Issue.record("expected 200: \(first.outcome)"); return }
        #expect(response.etag == "\"v1\"")
        #expect(response.contentType == "application/rss+xml")
        #expect(response.charset == "iso-8859-1")
        #expect(response.maxAge == 300)
        #expect(response.body == Data(Self.feed.utf8))

        let second = FetchTestSupport.fetchOne(server.url("/feed"), etag: response.etag)
        guard case .notModified(let unchanged) = second.outcome else { Issue.record("expected 304: \(second.outcome)"); return }
        #expect(unchanged.status == 304 && unchanged.body.isEmpty && unchanged.etag == "\"v1\"")
        #expect(server.requestLog.last?.header("if-none-match") == "\"v1\"")
    }

    @Test func lastModifiedGivesNotModified() throws {
        let stamp = "Sun, 22 Nov 2026 10:00:00 GMT"
        let server = try LoopbackHTTPServer { request in
            if request.header("if-modified-since") == stamp { return HTTPResponse(status: 304) }
            return HTTPResponse(status: 200, headers: [("Last-Modified", stamp)], body: Data("<feed/>".utf8))
        }
        defer { server.stop() }
        let first = FetchTestSupport.fetchOne(server.url("/atom"))
        #expect(first.outcome.response?.lastModified == stamp)
        let second = FetchTestSupport.fetchOne(server.url("/atom"), lastModified: stamp)
        guard case .notModified(let response) = second.outcome else { Issue.record("expected 304: \(second.outcome)"); return }
        #expect(response.lastModified == stamp, "a 304 without validators keeps the request's")
    }

    @Test func gzipIsDecodedTransparently() throws {
        let server = try LoopbackHTTPServer { _ in HTTPResponse.text(Self.feed, contentType: "application/xml").gzipped() }
        defer { server.stop() }
        let result = FetchTestSupport.fetchOne(server.url("/gz"))
        #expect(result.outcome.response?.body == Data(Self.feed.utf8))
        let offered = server.requestLog.first?.header("accept-encoding") ?? ""
        #expect(offered.contains("gzip") && offered.contains("br"))
        #expect(server.requestLog.first?.header("user-agent")?.hasPrefix("Earshot/") == true)
    }

    @Test func staticServerValidatorsRoundTrip() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("earshot-fetch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(Self.feed.utf8).write(to: folder.appendingPathComponent("news.rss"))
        let server = try LoopbackHTTPServer.serving(directory: folder)
        defer { server.stop() }
        let first = FetchTestSupport.fetchOne(server.url("/news.rss"))
        let response = try #require(first.outcome.response)
        #expect(response.contentType == "application/rss+xml" && response.body == Data(Self.feed.utf8))
        let again = FetchTestSupport.fetchOne(server.url("/news.rss"), etag: response.etag, lastModified: response.lastModified)
        guard case .notModified = again.outcome else { Issue.record("expected 304: \(again.outcome)"); return }
    }

    @Test func fileURLsAreRead() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("earshot-\(UUID().uuidString).xml")
        try Data("<rss/>".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = FetchTestSupport.fetchOne(file.absoluteString)
        #expect(result.outcome.response?.body == Data("<rss/>".utf8))
        let missing = FetchTestSupport.fetchOne(file.absoluteString + ".missing")
        #expect(missing.outcome.error?.kind == .file)
    }
}
