import Foundation

/// Limits and identity for a ``Fetcher``. The defaults suit polling feeds politely.
public struct FetchOptions: Sendable {
    /// The version sent in the default User-Agent.
    public static let version = "0.1.0"
    public static let defaultUserAgent = "Earshot/\(version) (+https://github.com/earshot/earshot)"

    /// Transfers in flight at once, over all hosts.
    public var globalLimit = 16
    /// Transfers in flight at once to one host (scheme, host and port).
    public var perHostLimit = 2
    /// Least time between starting two transfers to the same host.
    public var perHostDelay: TimeInterval = 0
    /// Seconds allowed to establish a connection (TCP + TLS).
    public var connectTimeout: TimeInterval = 10
    /// Seconds allowed for a whole transfer.
    public var totalTimeout: TimeInterval = 30
    /// A transfer slower than this many bytes per second ...
    public var lowSpeedLimit = 100
    /// ... for this many seconds is abandoned as timed out.
    public var lowSpeedTime: TimeInterval = 15
    /// The largest body accepted, counted after decompression (20 MiB).
    public var maximumBodyBytes = 20 << 20
    /// Redirect hops followed before giving up.
    public var maximumRedirects = 5
    /// How many times a retryable failure (429, 5xx, timeout, network) is tried again within
    /// one `fetch`, so at most `1 + retryAttempts` transfers per request.
    public var retryAttempts = 3
    /// The first retry waits about this long; each further one doubles it (with jitter).
    public var retryBaseDelay: TimeInterval = 1
    /// The longest wait inside one run. A `Retry-After` beyond it is not waited for: the
    /// request fails at once with `retryAfter` set, for the scheduler to honour.
    public var retryAfterCap: TimeInterval = 60
    public var userAgent = FetchOptions.defaultUserAgent
    /// A PEM file of trusted CAs, instead of the system store. TLS verification is always on.
    public var caBundle: String?
    /// The largest robots.txt read (RFC 9309 asks crawlers to read at least 500 KiB).
    public var robotsMaximumBytes = 500 << 10

    public init(globalLimit: Int = 16, perHostLimit: Int = 2, perHostDelay: TimeInterval = 0,
                connectTimeout: TimeInterval = 10, totalTimeout: TimeInterval = 30,
                lowSpeedLimit: Int = 100, lowSpeedTime: TimeInterval = 15,
                maximumBodyBytes: Int = 20 << 20, maximumRedirects: Int = 5,
                retryAttempts: Int = 3, retryBaseDelay: TimeInterval = 1, retryAfterCap: TimeInterval = 60,
                userAgent: String = FetchOptions.defaultUserAgent, caBundle: String? = nil) {
        self.globalLimit = max(1, globalLimit); self.perHostLimit = max(1, perHostLimit); self.perHostDelay = perHostDelay
        self.connectTimeout = connectTimeout; self.totalTimeout = totalTimeout
        self.lowSpeedLimit = lowSpeedLimit; self.lowSpeedTime = lowSpeedTime
        self.maximumBodyBytes = maximumBodyBytes; self.maximumRedirects = maximumRedirects
        self.retryAttempts = max(0, retryAttempts); self.retryBaseDelay = retryBaseDelay; self.retryAfterCap = retryAfterCap
        self.userAgent = userAgent; self.caBundle = caBundle
    }
}
