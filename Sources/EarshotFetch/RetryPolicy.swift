import Foundation

/// When to fetch a source next, from its failure history. Pure: the caller supplies the clock
/// and the jitter, so the same inputs always give the same answer.
///
/// - Success: next due after the source's interval (or the server's `max-age`, if longer).
/// - Failure: the interval doubled per consecutive failure (capped), stretched by jitter,
///   never sooner than the server's `Retry-After`.
/// - After `pausedAfter` consecutive failures the source is paused (checked only at
///   `maximumBackoff`, and reported).
/// - A 404 or 410 that has lasted longer than `goneGrace` marks the source gone.
public struct RetryPolicy: Sendable {
    /// Consecutive failures after which a source is paused.
    public var pausedAfter = 10
    /// The longest a failing source waits between attempts (one day).
    public var maximumBackoff: TimeInterval = 86_400
    /// How long a 404/410 must persist before the source is considered gone (one week).
    public var goneGrace: TimeInterval = 7 * 86_400
    /// Jitter spreads retries over [1 - jitterFraction, 1] of the backoff, so sources that
    /// failed together do not retry together.
    public var jitterFraction = 0.25

    public init(pausedAfter: Int = 10, maximumBackoff: TimeInterval = 86_400, goneGrace: TimeInterval = 7 * 86_400,
                jitterFraction: Double = 0.25) {
        self.pausedAfter = pausedAfter; self.maximumBackoff = maximumBackoff
        self.goneGrace = goneGrace; self.jitterFraction = min(max(jitterFraction, 0), 1)
    }

    /// What the scheduler should do with a source.
    public struct Decision: Sendable, Equatable {
        public var nextDue: Date
        /// Too many consecutive failures: stop polling on schedule, tell the user.
        public var paused: Bool
        /// A 404/410 has lasted past the grace period.
        public var gone: Bool
    }

    /// - Parameters:
    ///   - now: the current time.
    ///   - interval: the source's normal polling interval.
    ///   - consecutiveFailures: failures in a row, counting the one just seen (0 after a success).
    ///   - lastError: the latest failure, for `Retry-After` and the 404/410 rule.
    ///   - failingSince: when the current run of failures began.
    ///   - maxAge: the server's `Cache-Control: max-age` on success.
    ///   - jitter: a number in 0...1 (e.g. `Double.random(in: 0...1)`).
    public func decide(now: Date, interval: TimeInterval, consecutiveFailures: Int, lastError: FetchError? = nil,
                       failingSince: Date? = nil, maxAge: TimeInterval? = nil, jitter: Double) -> Decision {
        if consecutiveFailures <= 0 {
            return Decision(nextDue: now.addingTimeInterval(max(interval, maxAge ?? 0)), paused: false, gone: false)
        }
        let doublings = Double(min(consecutiveFailures - 1, 30))  // 2^30 × any interval is past the cap
        var wait = min(maximumBackoff, max(interval, 1) * pow(2, doublings))
        wait *= 1 - jitterFraction * min(max(jitter, 0), 1)
        if let retryAfter = lastError?.retryAfter { wait = max(wait, retryAfter) }
        let paused = consecutiveFailures >= pausedAfter
        if paused { wait = max(wait, maximumBackoff) }
        var gone = false
        if case .http(let status)? = lastError?.kind, status == 404 || status == 410,
           let since = failingSince, now.timeIntervalSince(since) >= goneGrace {
            gone = true
        }
        return Decision(nextDue: now.addingTimeInterval(wait), paused: paused, gone: gone)
    }

    /// The wait before retry number `retry` (1-based) within one run: `base × 2^(retry-1)`,
    /// scaled into [0.5, 1] by `jitter` ("equal jitter").
    public static func inRunDelay(retry: Int, base: TimeInterval, jitter: Double) -> TimeInterval {
        let raw = base * pow(2, Double(max(0, min(retry - 1, 20))))
        return raw * (0.5 + 0.5 * min(max(jitter, 0), 1))
    }
}
