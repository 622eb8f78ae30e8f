import EarshotFetch
import EarshotServe
import Foundation
import Testing

/// The loopback HTTP server itself: static files, validators, safety, keep-alive, scripting.
@Suite struct ServeHTTPServerTests {
    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("earshot-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        let body = String(repeating: "<item><title>Acme</title></item>\n", count: 100)
        for name in ["a.rss", "a.atom", "a.rdf", "a.xml", "a.opml", "sub/index.html"] {
            try Data(body.utf8).write(to: dir.appendingPathComponent(name))
        }
        return dir
    }

    @Test func servesFilesWithTypesAndValidators() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try LoopbackHTTPServer.serving(directory: dir)
        defer { server.stop() }
        #expect(server.baseURL == "http://127.0.0.1:\(server.port)" && server.port > 0)
        let types = ["/a.rss": "application/rss+xml", "/a.atom": "application/atom+xml", "/a.rdf": "application/rdf+xml",
                     "/a.xml": "application/xml", "/sub/": "text/html"]
        let fetcher = Fetcher(options: FetchTestSupport.options())
        let results = fetcher.fetch(types.keys.sorted().map { FetchRequest(key: $0, url: server.url($0)) })
        for result in results {
            #expect(result.outcome.response?.contentType == types[result.request.key], "\(result.request.key)")
            #expect(result.outcome.response?.etag != nil && result.outcome.response?.lastModified != nil)
        }
        #expect(results.first { $0.request.key == "/sub/" }?.outcome.response?.charset == "utf-8")
        let first = try #require(results.first?.outcome.response)
        let byDate = fetcher.fetch([FetchRequest(key: "d", url: first.finalURL, lastModified: first.lastModified)])[0]
        guard case .notModified = byDate.outcome else { Issue.record("If-Modified-Since should give 304"); return }
    }

    @Test func refusesTraversalAndMissingFiles() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let handler = try StaticFileHandler(root: dir)
        for path in ["/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/sub/../../x", "/missing.rss", "/a.rss%00.txt"] {
            #expect(handler.respond(to: HTTPRequest(method: "GET", path: path)).status == 404, "\(path)")
        }
        #expect(handler.respond(to: HTTPRequest(method: "POST", path: "/a.rss")).status == 405)
        #expect(handler.respond(to: HTTPRequest(method: "GET", path: "/a.rss")).status == 200)
    }

    @Test func scriptedHandlerSeesRequestsInOrder() throws {
        let server = try LoopbackHTTPServer { request in
            .text("\(request.method) \(request.path) \(request.query ?? "-") hit \(request.pathHit)")
        }
        defer { server.stop() }
        let fetcher = Fetcher(options: FetchTestSupport.options())
        let first = fetcher.fetch([FetchRequest(key: "1", url: server.url("/p?x=1"))])[0]
        let second = fetcher.fetch([FetchRequest(key: "2", url: server.url("/p"))])[0]
        #expect(first.outcome.response?.body == Data("GET /p x=1 hit 1".utf8))
        #expect(second.outcome.response?.body == Data("GET /p - hit 2".utf8))
        #expect(server.requestCount(path: "/p") == 2)
        #expect(server.requestLog.map(\.query) == ["x=1", nil])
        #expect(server.connectionsAccepted == 1, "keep-alive: the fetcher reused its connection")
    }

    @Test func gzipEncoderRoundTripsThroughLibcurl() throws {
        let text = (0..<500).map { "line \($0 % 37) of a feed with repeats\n" }.joined()
        let server = try LoopbackHTTPServer { _ in HTTPResponse.text(text).gzipped() }
        defer { server.stop() }
        let response = try #require(FetchTestSupport.fetchOne(server.url("/t")).outcome.response)
        #expect(response.body == Data(text.utf8))
        #expect(GzipEncoder.gzip(Data(text.utf8)).count < text.utf8.count / 4)
    }

    @Test func httpDatesRoundTrip() {
        let date = Date(timeIntervalSince1970: 784_111_777)
        #expect(HTTPDate.format(date) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == date)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == date)
    }
}
