import Foundation

/// A real HTTP/1.1 server on 127.0.0.1 at a free port: a thread per connection, keep-alive,
/// programmable by a handler. `earshot demo` serves a folder with it; tests script responses
/// with it and read back what arrived.
///
/// It stops when `stop()` is called or when the object is released.
public final class LoopbackHTTPServer: @unchecked Sendable {
    private let core: ServerCore
    /// The TCP port it listens on (chosen by the system).
    public let port: Int

    /// Binds 127.0.0.1:0 and starts accepting; every request goes to `handler`.
    public init(handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws {
        let (fd, port) = try LoopbackSocket.listen()
        self.port = port
        core = ServerCore(listener: fd, handler: handler)
        core.start()
    }

    deinit { core.stop() }

    /// A server for the static files under `directory` (see ``StaticFileHandler``).
    public static func serving(directory: URL) throws -> LoopbackHTTPServer {
        let handler = try StaticFileHandler(root: directory)
        return try LoopbackHTTPServer { handler.respond(to: $0) }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// `baseURL` + `path` (which should start with `/`).
    public func url(_ path: String) -> String { baseURL + path }

    /// Stops accepting and closes every connection. Idempotent.
    public func stop() { core.stop() }

    /// Every request received so far, in arrival order.
    public var requestLog: [HTTPRequest] { core.requestLog }
    /// The most requests that were being handled at the same moment.
    public var maxConcurrentRequests: Int { core.maxConcurrent }
    /// Requests being handled right now.
    public var activeRequests: Int { core.current }
    /// Requests received per path.
    public var pathCounts: [String: Int] { core.counts }
    /// How many requests for `path` have arrived.
    public func requestCount(path: String) -> Int { core.counts[path] ?? 0 }
    /// TCP connections accepted (fewer than requests when clients reuse connections).
    public var connectionsAccepted: Int { core.accepted }
    /// Clears the log and counters (the concurrency maximum restarts from the current load).
    public func resetStatistics() { core.resetStatistics() }
}
