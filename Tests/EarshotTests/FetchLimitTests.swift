import EarshotFetch
import EarshotServe
import Foundation
import Testing

/// Timeouts and size caps: a slow or hostile server cannot hold a run or fill memory.
@Suite struct FetchLimitTests {
    @Test func slowServerTimesOut() throws {
        let server = try LoopbackHTTPServer { _ in HTTPResponse.text("late").delayed(by: 3) }
        defer { server.stop() }
        let started = Date()
        let result = FetchTestSupport.fetchOne(server.url("/slow"), options: FetchTestSupport.options(totalTimeout: 0.5))
        let error = try #require(result.outcome.error)
        #expect(error.kind == .timeout)
        #expect(error.isRetryable)
        #expect(Date().timeIntervalSince(started) < 2.5)
    }

    @Test func tricklingServerHitsTheLowSpeedLimit() throws {
        // 10 bytes every 0.5 s = 20 bytes/s, under the 100 bytes/s floor.
        let server = try LoopbackHTTPServer { _ in
            HTTPResponse.text(String(repeating: "x", count: 2000)).trickled(every: 0.5, chunkSize: 10)
        }
        defer { server.stop() }
        let result = FetchTestSupport.fetchOne(server.url("/trickle"), options: FetchTestSupport.options(lowSpeedTime: 1))
        let error = try #require(result.outcome.error)
        #expect(error.kind == .timeout)
        #expect(error.detail.contains("bytes/s"))
    }

    @Test(arguments: ["/sized", "/chunked"])
    func oversizedBodyIsRefused(path: String) throws {
        let server = try LoopbackHTTPServer { request in
            var response = HTTPResponse.text(String(repeating: "y", count: 300_000))
            // Chunked: no Content-Length, so only the write callback's count can stop it.
            if request.path == "/chunked" { response.headers.append(("Transfer-Encoding", "chunked")) }
            return response
        }
        defer { server.stop() }
        let result = FetchTestSupport.fetchOne(server.url(path), options: FetchTestSupport.options(maximumBodyBytes: 64 << 10))
        let error = try #require(result.outcome.error)
        #expect(error.kind == .tooLarge)
        #expect(!error.isRetryable)
        #expect(result.outcome.response == nil, "nothing partial is returned")
    }

    @Test func gzipBombIsCaughtAfterDecompression() throws {
        // 8 MiB of zeros compress to about 52 KB: under the 256 KiB cap on the wire, far over it decoded.
        let bomb = GzipEncoder.gzipZeros(count: 8 << 20)
        #expect(bomb.count < 256 << 10)
        let server = try LoopbackHTTPServer { _ in
            HTTPResponse(status: 200, headers: [("Content-Encoding", "gzip"), ("Content-Type", "application/xml")], body: bomb)
        }
        defer { server.stop() }
        let result = FetchTestSupport.fetchOne(server.url("/bomb"), options: FetchTestSupport.options(maximumBodyBytes: 256 << 10))
        #expect(result.outcome.error?.kind == .tooLarge)
    }

    @Test func badURLs() {
        #expect(FetchTestSupport.fetchOne("ftp://example.com/feed").outcome.error?.kind == .badURL)
        #expect(FetchTestSupport.fetchOne("not a url").outcome.error?.kind == .badURL)
    }

    @Test func refusedConnectionIsANetworkError() {
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        let result = FetchTestSupport.fetchOne("http://127.0.0.1:1/feed")
        #expect(result.outcome.error?.kind == .network)
        #expect(result.outcome.error?.isRetryable == true)
    }
}
