import EarshotFetch
import EarshotServe
import Foundation
import Testing

/// Retries within a run (429, 5xx) and the scheduler's backoff policy.
@Suite struct FetchRetryTests {
    @Test func tooManyRequestsHonoursRetryAfter() throws {
        let server = try LoopbackHTTPServer { request in
            request.pathHit == 1 ? HTTPResponse(status: 429, headers: [("Retry-After", "1")]) : .text("ok")
        }
        defer { server.stop() }
        let result = FetchTestSupport.fetchOne(server.url("/limited"), options: FetchTestSupport.options(retryAttempts: 3))
        #expect(result.outcome.response?.status == 200)
        #expect(result.attempts == 2)
        #expect(result.elapsed >= 0.95, "waited the second the server asked for")
    }

    @Test func retryAfterBeyondTheCapIsReportedNotWaited() throws {
        let server = try LoopbackHTTPServer { _ in HTTPResponse(status: 429, headers: [("Retry-After", "3600")]) }
        defer { server.stop() }
        let result = FetchTestSupport.fetchOne(server.url("/limited"), options: FetchTestSupport.options(retryAttempts: 3))
        let error = try #require(result.outcome.error)
        #expect(error.kind == .http(429))
        #expect(error.retryAfter == 3600)
        #expect(result.attempts == 1)
        #expect(result.elapsed < 1)
    }

    @Test func serviceUnavailableThenSuccess() throws {
        let server = try LoopbackHTTPServer { request in
            request.pathHit <= 2 ? .text("down", status: 503) : .text("up")
        }
        defer { server.stop() }
        let result = FetchTestSupport.fetchOne(server.url("/flaky"), options: FetchTestSupport.options(retryAttempts: 3))
        #expect(result.outcome.response?.body == Data("up".utf8))
        #expect(result.attempts == 3)
    }

    @Test func notFoundIsNotRetried() throws {
        let server = try LoopbackHTTPServer { _ in .notFound() }
        defer { server.stop() }
        let result = FetchTestSupport.fetchOne(server.url("/gone"), options: FetchTestSupport.options(retryAttempts: 3))
        #expect(result.outcome.error?.kind == .http(404))
        #expect(result.outcome.error?.isRetryable == false)
        #expect(result.attempts == 1)
    }

    @Test func policyBacksOffPausesAndGivesUp() {
        let policy = RetryPolicy()
        let now = Date(timeIntervalSince1970: 1_000_000)
        let hour: TimeInterval = 3600
        let ok = policy.decide(now: now, interval: hour, consecutiveFailures: 0, maxAge: 2 * hour, jitter: 0)
        #expect(ok.nextDue == now.addingTimeInterval(2 * hour))
        let third = policy.decide(now: now, interval: hour, consecutiveFailures: 3, jitter: 0)
        #expect(third.nextDue == now.addingTimeInterval(4 * hour))
        let jittered = policy.decide(now: now, interval: hour, consecutiveFailures: 3, jitter: 1)
        #expect(jittered.nextDue == now.addingTimeInterval(3 * hour), "jitter takes up to 25 % off")
        let limited = FetchError(kind: .http(429), url: "u", detail: "", retryAfter: 10 * hour)
        #expect(policy.decide(now: now, interval: hour, consecutiveFailures: 1, lastError: limited, jitter: 0).nextDue
                == now.addingTimeInterval(10 * hour))
        #expect(policy.decide(now: now, interval: hour, consecutiveFailures: 10, jitter: 0).paused)
        #expect(!policy.decide(now: now, interval: hour, consecutiveFailures: 9, jitter: 0).paused)
        let gone = FetchError(kind: .http(410), url: "u", detail: "")
        #expect(policy.decide(now: now, interval: hour, consecutiveFailures: 5, lastError: gone,
                              failingSince: now.addingTimeInterval(-8 * 86_400), jitter: 0).gone)
        #expect(!policy.decide(now: now, interval: hour, consecutiveFailures: 5, lastError: gone,
                               failingSince: now.addingTimeInterval(-86_400), jitter: 0).gone)
        #expect(RetryPolicy.inRunDelay(retry: 3, base: 1, jitter: 1) == 4)
        #expect(RetryPolicy.inRunDelay(retry: 3, base: 1, jitter: 0) == 2)
    }
}
