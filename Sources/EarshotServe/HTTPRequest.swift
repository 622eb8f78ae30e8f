import Foundation

/// One request as the loopback server received it.
public struct HTTPRequest: Sendable {
    /// The method as sent, e.g. `GET`.
    public var method: String
    /// The request target's path, still percent-encoded, without the query.
    public var path: String
    /// The query string after `?`, if any, without the `?`.
    public var query: String?
    /// Header fields by lowercased name; repeated fields are joined with ", ".
    public var headers: [String: String]
    /// The request body (de-chunked when it was sent chunked).
    public var body: Data
    /// How many requests for this path the server had seen, this one included (1 for the first).
    /// Lets a handler script a sequence such as "503 first, then 200" without its own state.
    public var pathHit: Int

    public init(method: String, path: String, query: String? = nil, headers: [String: String] = [:],
                body: Data = Data(), pathHit: Int = 1) {
        self.method = method; self.path = path; self.query = query
        self.headers = headers; self.body = body; self.pathHit = pathHit
    }

    /// A header field by name, case-insensitively.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body decoded as UTF-8 (lossy).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
