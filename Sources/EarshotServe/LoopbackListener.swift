import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The accepting side of a loopback server (HTTP or SMTP): the listening socket, a thread that
/// accepts, one thread per connection, and a stop that wakes them all. What a connection says
/// is the caller's `serve`.
final class LoopbackListener: @unchecked Sendable {
    let fd: Int32
    private let lock = NSLock()
    private var stopped = false
    private var openConnections = Set<Int32>()
    private var connectionsAccepted = 0
    private let acceptDone = DispatchSemaphore(value: 0)

    init(fd: Int32) { self.fd = fd }

    var isStopped: Bool { lock.withLock { stopped } }

    /// Connections accepted since the start or the last `resetAccepted()`.
    var accepted: Int { lock.withLock { connectionsAccepted } }
    func resetAccepted() { lock.withLock { connectionsAccepted = 0 } }

    /// Starts accepting on a thread named `name`; each connection is served by `serve` on a
    /// thread of its own and closed after it. The threads hold `serve` (and what it holds)
    /// until `stop()`.
    func start(name: String, serve: @escaping @Sendable (Int32) -> Void) {
        let thread = Thread { [self] in acceptLoop(serve) }
        thread.name = name
        thread.start()
    }

    private func acceptLoop(_ serve: @escaping @Sendable (Int32) -> Void) {
        defer { acceptDone.signal() }
        // Poll in short slices (100 ms) so `stop()` is noticed quickly without closing the
        // listening socket under a blocked `accept`.
        while !isStopped {
            guard let connection = LoopbackSocket.accept(fd, timeoutMilliseconds: 100) else { continue }
            let admitted: Bool = lock.withLock {
                if stopped { return false }
                openConnections.insert(connection); connectionsAccepted += 1; return true
            }
            guard admitted else { close(connection); break }
            let thread = Thread { [self] in
                serve(connection)
                lock.withLock { _ = openConnections.remove(connection) }
                close(connection)
            }
            thread.start()
        }
    }

    /// Stops accepting, wakes every connection thread, and closes the listener. Idempotent.
    func stop() {
        let first: Bool = lock.withLock {
            if stopped { return false }
            stopped = true
            for connection in openConnections { shutdown(connection, Int32(SHUT_RDWR)) }
            return true
        }
        guard first else { return }
        acceptDone.wait()
        close(fd)
    }
}
