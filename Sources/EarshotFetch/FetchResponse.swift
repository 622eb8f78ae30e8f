import Foundation

/// What came back for a successful (200-class) or not-modified (304) fetch.
public struct FetchResponse: Sendable {
    /// The HTTP status of the last hop (200 for a `file://` read).
    public var status: Int
    /// The body after content decoding (gzip, deflate, br, zstd); empty for a 304.
    public var body: Data
    /// The media type without parameters, lowercased, e.g. `application/rss+xml`.
    public var contentType: String?
    /// The `charset` parameter of `Content-Type`, lowercased, e.g. `utf-8`.
    public var charset: String?
    /// The validators to save for the next conditional GET (a 304 keeps the request's when it sends none).
    public var etag: String?
    public var lastModified: String?
    /// The URL the body came from, after redirects.
    public var finalURL: String
    /// When the chain started with permanent redirects (301/308), the URL they lead to: store it
    /// as the source's new URL.
    public var permanentRedirect: String?
    /// `Cache-Control: max-age` (or `s-maxage`), in seconds.
    public var maxAge: TimeInterval?

    public init(status: Int, body: Data = Data(), contentType: String? = nil, charset: String? = nil,
                etag: String? = nil, lastModified: String? = nil, finalURL: String,
                permanentRedirect: String? = nil, maxAge: TimeInterval? = nil) {
        self.status = status; self.body = body; self.contentType = contentType; self.charset = charset
        self.etag = etag; self.lastModified = lastModified; self.finalURL = finalURL
        self.permanentRedirect = permanentRedirect; self.maxAge = maxAge
    }
}
