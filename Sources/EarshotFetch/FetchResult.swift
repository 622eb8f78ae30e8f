import Foundation

/// One request's outcome, with how many transfers it took and how long.
public struct FetchResult: Sendable {
    public var request: FetchRequest
    public var outcome: FetchOutcome
    /// Transfers made for the request's own URL chain, retries included (robots.txt not counted).
    public var attempts: Int
    /// Seconds from the first transfer's start to the outcome (waits between retries included).
    public var elapsed: TimeInterval

    public init(request: FetchRequest, outcome: FetchOutcome, attempts: Int, elapsed: TimeInterval) {
        self.request = request; self.outcome = outcome; self.attempts = attempts; self.elapsed = elapsed
    }
}
