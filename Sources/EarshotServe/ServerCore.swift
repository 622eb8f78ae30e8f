import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The shared state of one loopback HTTP server: the handler, the open sockets and the
/// statistics tests read. Threads hold this, not the public server object, so dropping the
/// server stops it.
final class ServerCore: @unchecked Sendable {
    let handler: @Sendable (HTTPRequest) -> HTTPResponse
    let listener: Int32
    /// How long an idle keep-alive connection is kept before the server closes it.
    let idleTimeout: TimeInterval = 5

    private let lock = NSLock()
    private var stopped = false
    private var openConnections = Set<Int32>()
    private var log: [HTTPRequest] = []
    private var pathCounts: [String: Int] = [:]
    private var inFlight = 0
    private var maxInFlight = 0
    private var connectionsAccepted = 0
    private let acceptDone = DispatchSemaphore(value: 0)

    init(listener: Int32, handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        self.listener = listener
        self.handler = handler
    }

    var isStopped: Bool { lock.withLock { stopped } }

    /// Starts the accept loop on its own thread.
    func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "earshot-serve-accept"
        thread.start()
    }

    private func acceptLoop() {
        defer { acceptDone.signal() }
        // Poll in short slices (100 ms) so `stop()` is noticed quickly without closing the
        // listening socket under a blocked `accept`.
        while !isStopped {
            guard let fd = LoopbackSocket.accept(listener, timeoutMilliseconds: 100) else { continue }
            let admitted: Bool = lock.withLock {
                if stopped { return false }
                openConnections.insert(fd); connectionsAccepted += 1; return true
            }
            guard admitted else { close(fd); break }
            let thread = Thread { [self] in
                HTTPConnection(fd: fd, core: self).run()
                lock.withLock { _ = openConnections.remove(fd) }
                close(fd)
            }
            thread.name = "earshot-serve-conn"
            thread.start()
        }
    }

    /// Stops accepting, wakes every connection thread, and closes the listener. Idempotent.
    func stop() {
        let first: Bool = lock.withLock {
            if stopped { return false }
            stopped = true
            for fd in openConnections { shutdown(fd, Int32(SHUT_RDWR)) }
            return true
        }
        guard first else { return }
        acceptDone.wait()
        close(listener)
    }

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
    var accepted: Int { lock.withLock { connectionsAccepted } }

    func resetStatistics() {
        lock.withLock { log = []; pathCounts = [:]; maxInFlight = inFlight; connectionsAccepted = 0 }
    }
}
