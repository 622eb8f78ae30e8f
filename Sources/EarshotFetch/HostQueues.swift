import Foundation

/// The fetcher's own scheduler: a FIFO queue per host, at most `perHostLimit` transfers in
/// flight per host and `globalLimit` overall, and at least `perHostDelay` between two starts
/// to one host. libcurl's connection limits are a backstop; this decides what starts.
struct HostQueues {
    /// A class, so a job is taken from `waiting` in place: a struct copied out of `hosts` shared
    /// its array, and each removal copied the whole queue (quadratic on a 1,000-source host).
    private final class Host {
        var waiting: [FetchJob] = []
        var inFlight = 0
        var lastStart = Date.distantPast
    }

    let globalLimit: Int
    let perHostLimit: Int
    let perHostDelay: TimeInterval
    private var hosts: [String: Host] = [:]
    /// Longer delays some hosts ask for (robots.txt Crawl-delay).
    private var hostDelays: [String: TimeInterval] = [:]
    /// Host keys in first-seen order, visited round-robin so one big host cannot starve others.
    private var order: [String] = []
    private var cursor = 0
    private(set) var inFlight = 0

    init(globalLimit: Int, perHostLimit: Int, perHostDelay: TimeInterval) {
        self.globalLimit = globalLimit; self.perHostLimit = perHostLimit; self.perHostDelay = perHostDelay
    }

    mutating func enqueue(_ job: FetchJob, host: String) {
        if let known = hosts[host] { return known.waiting.append(job) }
        let fresh = Host()
        fresh.waiting.append(job)
        hosts[host] = fresh
        order.append(host)
    }

    /// Local files are not a remote host to be polite to: only the global limit applies.
    private func limit(for host: String) -> Int { host == "file://" ? globalLimit : perHostLimit }
    private func delay(for host: String) -> TimeInterval {
        host == "file://" ? 0 : max(perHostDelay, hostDelays[host] ?? 0)
    }

    /// At least `seconds` between two starts to `host` from now on (a site's Crawl-delay).
    mutating func requireDelay(_ seconds: TimeInterval, host: String) {
        hostDelays[host] = max(seconds, hostDelays[host] ?? 0)
    }

    /// The next job allowed to start now, marked as in flight; nil when none may.
    mutating func next(now: Date) -> (FetchJob, String)? {
        guard inFlight < globalLimit, !order.isEmpty else { return nil }
        for step in 0..<order.count {
            let key = order[(cursor + step) % order.count]
            guard let host = hosts[key], host.inFlight < limit(for: key),
                  now.timeIntervalSince(host.lastStart) >= delay(for: key),
                  let i = host.waiting.firstIndex(where: { $0.notBefore <= now }) else { continue }
            let job = host.waiting.remove(at: i)
            host.inFlight += 1
            host.lastStart = now
            inFlight += 1
            cursor = (cursor + step + 1) % order.count
            return (job, key)
        }
        return nil
    }

    mutating func finished(host: String) {
        hosts[host]?.inFlight -= 1
        inFlight -= 1
    }

    /// The earliest moment a waiting job could become startable by the clock alone (backoff
    /// or per-host delay); nil when nothing waits on time, or when the global limit is
    /// reached (then only a finishing transfer, which wakes the loop anyway, frees a slot).
    func nextWake(now: Date) -> Date? {
        guard inFlight < globalLimit else { return nil }
        var best: Date?
        for (key, host) in hosts where !host.waiting.isEmpty && host.inFlight < limit(for: key) {
            let earliestJob = host.waiting.lazy.map(\.notBefore).min()!
            let t = max(earliestJob, host.lastStart.addingTimeInterval(delay(for: key)))
            if best == nil || t < best! { best = t }
        }
        return best
    }
}
