import Foundation

/// What a handler answers. The server adds `Content-Length`, `Date` and `Connection` itself
/// unless the handler set them.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header fields in order; names are sent as given.
    public var headers: [(String, String)]
    public var body: Data
    /// Seconds to wait before sending anything (a slow server).
    public var delay: TimeInterval
    /// When set, the body is sent `chunkSize` bytes at a time with this pause between writes
    /// (a server that trickles, for low-speed limits).
    public var chunkDelay: TimeInterval?
    /// Bytes per write when trickling.
    public var chunkSize: Int
    /// Close the connection after this response even if the client asked for keep-alive.
    public var closeConnection: Bool

    public init(status: Int = 200, headers: [(String, String)] = [], body: Data = Data(),
                delay: TimeInterval = 0, chunkDelay: TimeInterval? = nil, chunkSize: Int = 64,
                closeConnection: Bool = false) {
        self.status = status; self.headers = headers; self.body = body; self.delay = delay
        self.chunkDelay = chunkDelay; self.chunkSize = max(1, chunkSize); self.closeConnection = closeConnection
    }

    /// A text body, UTF-8.
    public static func text(_ text: String, status: Int = 200,
                            contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: Data(text.utf8))
    }

    /// Raw bytes with a content type.
    public static func data(_ data: Data, contentType: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: data)
    }

    /// A file's bytes with the content type its extension implies; 404 when unreadable.
    public static func file(_ url: URL, contentType: String? = nil) -> HTTPResponse {
        guard let data = try? Data(contentsOf: url) else { return .notFound() }
        return .data(data, contentType: contentType ?? MIMEType.forExtension(url.pathExtension))
    }

    /// A redirect to `location` (301, 302, 307 or 308).
    public static func redirect(to location: String, status: Int = 302) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Location", location), ("Content-Type", "text/plain; charset=utf-8")],
                     body: Data("moved to \(location)\n".utf8))
    }

    /// An empty-ish 404.
    public static func notFound(_ message: String = "not found\n") -> HTTPResponse {
        .text(message, status: 404)
    }

    /// The body gzip-compressed, with `Content-Encoding: gzip`.
    public func gzipped() -> HTTPResponse {
        var copy = self
        copy.body = GzipEncoder.gzip(body)
        copy.setHeader("Content-Encoding", "gzip")
        return copy
    }

    /// This response, sent after `seconds`.
    public func delayed(by seconds: TimeInterval) -> HTTPResponse {
        var copy = self; copy.delay = seconds; return copy
    }

    /// This response, its body trickled `chunkSize` bytes every `interval` seconds.
    public func trickled(every interval: TimeInterval, chunkSize: Int = 64) -> HTTPResponse {
        var copy = self; copy.chunkDelay = interval; copy.chunkSize = max(1, chunkSize); return copy
    }

    /// The first value of a header, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    /// Replaces every field of that name with one.
    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.0.caseInsensitiveCompare(name) == .orderedSame }
        headers.append((name, value))
    }

    /// The standard reason phrase for a status code.
    static func reason(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 206: return "Partial Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 303: return "See Other"
        case 304: return "Not Modified"
        case 307: return "Temporary Redirect"
        case 308: return "Permanent Redirect"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 410: return "Gone"
        case 413: return "Content Too Large"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "Status \(status)"
        }
    }
}
