import Foundation

/// The one error type of EarshotFetch. `description` is a single line: the stage, what failed,
/// the URL, and what happens or what to do.
public struct FetchError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Connect, total or low-speed timeout.
        case timeout
        /// The body (after decompression) exceeded `maximumBodyBytes`.
        case tooLarge
        /// The server answered with this status (4xx, 5xx, or a 3xx without `Location`).
        case http(Int)
        /// DNS, connect, TLS, reset, malformed response.
        case network
        /// A redirect led back to a URL already visited.
        case redirectLoop
        /// More than `maximumRedirects` hops.
        case tooManyRedirects
        /// robots.txt forbids the URL for Earshot.
        case robotsDisallowed
        /// The URL cannot be parsed or uses a scheme other than http, https or file.
        case badURL
        /// A `file://` URL could not be read.
        case file
    }

    public var kind: Kind
    public var url: String
    /// What libcurl or the server said, or how the limit was reached.
    public var detail: String
    /// The server's `Retry-After`, in seconds, when it sent one.
    public var retryAfter: TimeInterval?
    /// Whether trying again later may succeed (429, 5xx, timeouts, network trouble).
    public var isRetryable: Bool
    /// Which stage failed, for the message: `fetch`, `webhook` or `mail`.
    public var stage: String

    public init(kind: Kind, url: String, detail: String, retryAfter: TimeInterval? = nil, isRetryable: Bool? = nil,
                stage: String = "fetch") {
        self.kind = kind; self.url = url; self.detail = detail; self.retryAfter = retryAfter
        self.isRetryable = isRetryable ?? FetchError.defaultRetryable(kind)
        self.stage = stage
    }

    /// 408, 425, 429 and 5xx other than 501 are worth retrying; other statuses are not.
    public static func isRetryableStatus(_ status: Int) -> Bool {
        status == 408 || status == 425 || status == 429 || (status >= 500 && status != 501 && status <= 599)
    }

    static func defaultRetryable(_ kind: Kind) -> Bool {
        switch kind {
        case .timeout, .network: return true
        case .http(let s): return isRetryableStatus(s)
        default: return false
        }
    }

    public var description: String {
        let next = isRetryable ? "it will be retried later" : "it will not be retried until the configuration changes"
        var what: String
        switch kind {
        case .timeout:
            what = "timed out (\(detail)); the server is slow or down"
        case .tooLarge:
            what = "is too large (\(detail)); raise maximumBodyBytes if the source is really this big"
        case .http(let status):
            what = "answered HTTP \(status)" + (detail.isEmpty ? "" : " (\(detail))")
            if status == 404 || status == 410 { what += "; check the URL, the document may be gone" }
            if status == 401 || status == 403 { what += "; the site refuses Earshot, check access or remove the source" }
            if let r = retryAfter { what += "; the server asked to wait \(Int(r.rounded())) s" }
        case .network where detail.hasPrefix("SMTP "):
            what = "refused the message (\(detail))"
        case .network:
            what = "could not be reached (\(detail))"
        case .redirectLoop:
            what = "redirects in a loop (\(detail)); fix the source URL"
        case .tooManyRedirects:
            what = "redirects too many times (\(detail)); use the final URL in the configuration"
        case .robotsDisallowed:
            what = "is disallowed by the site's robots.txt (\(detail)); remove the source or ask the site"
        case .badURL:
            what = "is not a usable URL (\(detail)); use an http, https or file URL"
        case .file:
            what = "could not be read (\(detail)); check the path exists and is readable"
        }
        return "\(stage): \(url) \(what), \(next)"
    }
}
