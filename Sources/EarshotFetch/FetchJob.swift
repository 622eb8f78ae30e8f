import Foundation

/// The scheduler's record of one request as it moves through robots checks, redirect hops
/// and retries. Internal robots.txt fetches are jobs too (`robotsFor` set, `index` -1).
final class FetchJob {
    /// Position in the caller's request list; -1 for a robots.txt job.
    let index: Int
    let request: FetchRequest
    /// For a robots.txt job: the host key whose rules it fetches.
    let robotsFor: String?
    /// The URL of the hop to make next.
    var url: String
    /// URLs of every hop so far, to detect loops; filled at the first redirect (most requests
    /// have none, and normalising a URL costs more than the rest of starting a transfer).
    var visited: Set<String> = []
    var redirects = 0
    /// While every hop so far was 301/308: the URL they led to.
    var permanentTarget: String?
    var chainIsPermanent = true
    /// Transfers made (retries included).
    var attempts = 0
    /// Retries used on the current hop.
    var retries = 0
    /// Not to be started before this time (retry backoff).
    var notBefore = Date.distantPast
    var firstStart: Date?

    init(index: Int, request: FetchRequest, robotsFor: String? = nil) {
        self.index = index
        self.request = request
        self.robotsFor = robotsFor
        self.url = request.url
    }

    /// Loop detection compares URLs without the fragment and with the scheme and host lowercased.
    static func normalize(_ url: String) -> String {
        var u = url
        if let hash = u.firstIndex(of: "#") { u = String(u[..<hash]) }
        guard var c = URLComponents(string: u) else { return u }
        c.scheme = c.scheme?.lowercased(); c.host = c.host?.lowercased()
        if c.path.isEmpty { c.path = "/" }
        return c.string ?? u
    }
}
