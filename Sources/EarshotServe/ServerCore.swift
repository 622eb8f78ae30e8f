import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The shared state of one loopback HTTP server: the handler, the open sockets and the
/// statistics tests read. Threads hold this, not the public server object, so dropping the
/// server stops it.
final class ServerCore: @unchecked Sendable {
    let handler: @Sendable (HTTPRequest) -> HTTPResponse
    let listener: LoopbackListener
    /// How long an idle keep-alive connection is kept before the server closes it.
    let idleTimeout: TimeInterval = 5

    private let lock = NSLock()
    private var log: [HTTPRequest] = []
    private var pathCounts: [String: Int] = [:]
    private var inFlight = 0
    private var maxInFlight = 0

    init(listener: Int32, handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        self.listener = LoopbackListener(fd: listener)
        self.handler = handler
    }

    var isStopped: Bool { listener.isStopped }

    /// Starts the accept loop on its own thread; a connection thread per client.
    func start() {
        listener.start(name: "earshot-serve-accept") { [self] fd in HTTPConnection(fd: fd, core: self).run() }
    }

    /// Stops accepting, wakes every connection thread, and closes the listener. Idempotent.
    func stop() { listener.stop() }

    /// Sleeps `seconds` in short slices, returning early (false) when the server stops.
    func sleep(_ seconds: TimeInterval) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while true {
            if isStopped { return false }
            let left = end.timeIntervalSinceNow
            if left <= 0 { return true }
            usleep(UInt32(min(left, 0.05) * 1_000_000))  // 50 ms slices
        }
    }

    // MARK: statistics

    /// Records a parsed request; returns how many times its path has now been asked for.
    func begin(_ request: HTTPRequest) -> Int {
        lock.withLock {
            pathCounts[request.path, default: 0] += 1
            var logged = request
            logged.pathHit = pathCounts[request.path]!
            log.append(logged)
            inFlight += 1
            maxInFlight = max(maxInFlight, inFlight)
            return logged.pathHit
        }
    }

    /// Records that a response has been written (or abandoned).
    func end() { lock.withLock { inFlight -= 1 } }

    var requestLog: [HTTPRequest] { lock.withLock { log } }
    var counts: [String: Int] { lock.withLock { pathCounts } }
    var maxConcurrent: Int { lock.withLock { maxInFlight } }
    var current: Int { lock.withLock { inFlight } }
    var accepted: Int { listener.accepted }

    func resetStatistics() {
        lock.withLock { log = []; pathCounts = [:]; maxInFlight = inFlight }
        listener.resetAccepted()
    }
}
