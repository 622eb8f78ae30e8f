import EarshotFetch
import EarshotServe
import Foundation
import Testing

/// Shared helpers for the fetch tests: short limits so failures come fast, and a one-request
/// fetch.
enum FetchTestSupport {
    /// Limits small enough for tests: 2 s connect, 5 s total, no retries unless asked.
    static func options(retryAttempts: Int = 0, totalTimeout: TimeInterval = 5, lowSpeedTime: TimeInterval = 5,
                        maximumBodyBytes: Int = 1 << 20, perHostLimit: Int = 2, globalLimit: Int = 16) -> FetchOptions {
        FetchOptions(globalLimit: globalLimit, perHostLimit: perHostLimit, connectTimeout: 2, totalTimeout: totalTimeout,
                     lowSpeedLimit: 100, lowSpeedTime: lowSpeedTime, maximumBodyBytes: maximumBodyBytes,
                     retryAttempts: retryAttempts, retryBaseDelay: 0.05, retryAfterCap: 5)
    }

    static func fetchOne(_ url: String, options: FetchOptions = options(), etag: String? = nil,
                         lastModified: String? = nil, obeysRobots: Bool = false) -> FetchResult {
        Fetcher(options: options).fetch([FetchRequest(key: "test", url: url, etag: etag, lastModified: lastModified,
                                                      obeysRobots: obeysRobots)])[0]
    }
}
