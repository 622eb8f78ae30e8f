import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A folder served over HTTP on 127.0.0.1 by Hummingbird (`earshot demo`'s feeds): ETag and
/// Last-Modified validators and conditional GET from Hummingbird's file middleware, so a second
/// demo run gets 304s and stores nothing twice.
public final class FeedSite: @unchecked Sendable {
    public let baseURL: String
    private let group: ServiceGroup
    private let task: Task<Void, Error>

    private init(baseURL: String, group: ServiceGroup, task: Task<Void, Error>) {
        self.baseURL = baseURL
        self.group = group
        self.task = task
    }

    /// Starts serving `folder` on a free port of 127.0.0.1; returns once the server listens.
    public static func serving(_ folder: URL, logger: Logger = Logger(label: "earshot.feeds")) throws -> FeedSite {
        let router = Router()
        router.addMiddleware { FileMiddleware(folder.path, searchForIndexHtml: false, logger: logger) }
        final class Bound: @unchecked Sendable { var port: Int?; let ready = DispatchSemaphore(value: 0) }
        let bound = Bound()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in bound.port = channel.localAddress?.port; bound.ready.signal() },
                              logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        guard bound.ready.wait(timeout: .now() + 30) == .success, let port = bound.port else {
            task.cancel()
            throw FeedSiteError(description: "demo: cannot serve \(folder.path) on 127.0.0.1; is the loopback interface up?")
        }
        return FeedSite(baseURL: "http://127.0.0.1:\(port)", group: group, task: task)
    }

    /// Stops the server gracefully (open connections finish) and waits for it.
    public func stop() {
        let done = DispatchSemaphore(value: 0)
        let (group, task) = (self.group, self.task)
        Task {
            await group.triggerGracefulShutdown()
            _ = await task.result
            done.signal()
        }
        if done.wait(timeout: .now() + 10) == .timedOut { task.cancel() }
    }
}

public struct FeedSiteError: Error, CustomStringConvertible {
    public var description: String
}
