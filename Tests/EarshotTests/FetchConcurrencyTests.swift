import EarshotFetch
import EarshotServe
import Foundation
import Testing

/// The scheduler: per-host limits seen from the server, and many hosts fetched at once.
/// Timing bounds are loose: the machine is shared.
@Suite(.serialized) struct FetchConcurrencyTests {
    @Test func perHostLimitHolds() throws {
        let server = try LoopbackHTTPServer { _ in HTTPResponse.text("<rss/>").delayed(by: 0.1) }
        defer { server.stop() }
        let fetcher = Fetcher(options: FetchTestSupport.options(perHostLimit: 2, globalLimit: 16))
        var reported = 0
        let results = fetcher.fetch((0..<12).map { FetchRequest(key: "s\($0)", url: server.url("/feed\($0)")) }) { _ in
            reported += 1
        }
        #expect(results.count == 12 && reported == 12)
        #expect(results.allSatisfy { $0.outcome.response?.status == 200 })
        #expect(results.map(\.request.key) == (0..<12).map { "s\($0)" }, "results come back in request order")
        #expect(server.maxConcurrentRequests == 2)
        #expect(server.connectionsAccepted <= 2, "connections are reused")
    }

    @Test func manyTransfersRunAtOnce() throws {
        // 16 requests of 0.3 s each: 4.8 s one after another, about 0.3 s all at once.
        let server = try LoopbackHTTPServer { _ in HTTPResponse.text("<rss/>").delayed(by: 0.3) }
        defer { server.stop() }
        let fetcher = Fetcher(options: FetchTestSupport.options(perHostLimit: 16, globalLimit: 16))
        let started = Date()
        let results = fetcher.fetch((0..<16).map { FetchRequest(key: "g\($0)", url: server.url("/g\($0)")) })
        let elapsed = Date().timeIntervalSince(started)
        #expect(results.allSatisfy { $0.outcome.response != nil })
        #expect(server.maxConcurrentRequests >= 8)
        #expect(elapsed < 2.4, "at least twice as fast as sequential (took \(elapsed) s)")
    }

    @Test func globalLimitHolds() throws {
        let servers = try (0..<3).map { _ in try LoopbackHTTPServer { _ in HTTPResponse.text("x").delayed(by: 0.1) } }
        defer { servers.forEach { $0.stop() } }
        let fetcher = Fetcher(options: FetchTestSupport.options(perHostLimit: 4, globalLimit: 5))
        let requests = servers.flatMap { s in (0..<6).map { FetchRequest(key: "\(s.port)-\($0)", url: s.url("/\($0)")) } }
        let results = fetcher.fetch(requests)
        #expect(results.allSatisfy { $0.outcome.response != nil })
        #expect(servers.map(\.maxConcurrentRequests).reduce(0, +) <= 12)
        #expect(servers.allSatisfy { $0.maxConcurrentRequests <= 4 })
    }

    @Test func perHostDelaySpacesStarts() throws {
        let server = try LoopbackHTTPServer { _ in .text("x") }
        defer { server.stop() }
        var options = FetchTestSupport.options()
        options.perHostDelay = 0.2
        let started = Date()
        _ = Fetcher(options: options).fetch((0..<4).map { FetchRequest(key: "\($0)", url: server.url("/\($0)")) })
        #expect(Date().timeIntervalSince(started) >= 0.55, "three gaps of 0.2 s")
    }
}
