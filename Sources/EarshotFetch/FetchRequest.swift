import Foundation

/// One document to fetch, with the validators saved from the last fetch.
public struct FetchRequest: Sendable, Equatable {
    /// The source's name; results are reported under it.
    public var key: String
    /// `http://`, `https://` or `file://`.
    public var url: String
    /// The `ETag` from the last 200, sent as `If-None-Match`.
    public var etag: String?
    /// The `Last-Modified` from the last 200, sent as `If-Modified-Since`.
    public var lastModified: String?
    /// Whether robots.txt must allow this URL (true for review pages; feeds are meant to be polled).
    public var obeysRobots: Bool

    public init(key: String, url: String, etag: String? = nil, lastModified: String? = nil, obeysRobots: Bool = false) {
        self.key = key; self.url = url; self.etag = etag; self.lastModified = lastModified; self.obeysRobots = obeysRobots
    }
}
