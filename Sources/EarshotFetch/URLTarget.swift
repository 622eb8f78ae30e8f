import Foundation

/// Where a URL goes, for per-host limits and robots.txt: scheme, host, port.
struct URLTarget {
    let scheme: String
    /// `scheme://host:port`, lowercased; `file://` for local files.
    let hostKey: String
    /// Path and query, percent-encoded, as robots.txt rules see them.
    let pathAndQuery: String
    /// `scheme://host[:port]/robots.txt`.
    let robotsURL: String

    init?(_ url: String) {
        guard let c = URLComponents(string: url), let scheme = c.scheme?.lowercased() else { return nil }
        self.scheme = scheme
        switch scheme {
        case "file":
            hostKey = "file://"
            pathAndQuery = c.percentEncodedPath
            robotsURL = ""
        case "http", "https":
            guard let host = c.host?.lowercased(), !host.isEmpty else { return nil }
            let defaultPort = scheme == "https" ? 443 : 80
            let port = c.port ?? defaultPort
            hostKey = "\(scheme)://\(host):\(port)"
            let path = c.percentEncodedPath.isEmpty ? "/" : c.percentEncodedPath
            pathAndQuery = path + (c.percentEncodedQuery.map { "?" + $0 } ?? "")
            let hostPart = host.contains(":") ? "[\(host)]" : host  // IPv6 literal
            robotsURL = "\(scheme)://\(hostPart)\(port == defaultPort ? "" : ":\(port)")/robots.txt"
        default:
            return nil
        }
    }
}
