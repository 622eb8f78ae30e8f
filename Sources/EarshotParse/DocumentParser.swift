import Foundation

/// The entry point of the parse stage: bytes in, a ``ParsedDocument`` out.
public enum DocumentParser {
    /// Sets libxml2 up for the process (once; later calls do nothing). Parses may then run on
    /// several threads at once, each on its own document.
    public static func prepareForThreads() {
        _ = HTMLDocument.libraryInitialized
    }

    /// Parses a fetched document.
    ///
    /// - Parameters:
    ///   - data: the body as fetched (any encoding; the BOM, XML declaration, `charset` and a fallback decide).
    ///   - url: the document's URL, the base for relative links.
    ///   - charset: the charset from the HTTP Content-Type, if any.
    ///   - options: per-source settings (review-page selectors, limits).
    /// - Throws: ``ParseError`` when the input is not a feed or a page at all.
    public static func parse(_ data: Data, url: String? = nil, charset: String? = nil,
                             options: ParseOptions = ParseOptions()) throws -> ParsedDocument {
        if looksLikeHTML(data) {
            return try ReviewPageParser.parse(data, url: url, charset: charset, options: options)
        }
        return try FeedParser.parse(data, url: url, charset: charset, options: options)
    }

    /// HTML when the first markup is a doctype html or an `<html>`/`<head>`/`<body>` tag, or the document is a page's
    /// fragment (``htmlOnlyElements``); feeds otherwise.
    static func looksLikeHTML(_ data: Data) -> Bool {
        let head = data.prefix(2048)
        guard let text = String(data: head, encoding: .utf8) ?? String(data: head, encoding: .isoLatin1) else { return false }
        let lower = text.lowercased()
        if lower.contains("<rss") || lower.contains("<feed") || lower.contains("<rdf:rdf") || lower.contains("<?xml") && !lower.contains("<html") {
            return false
        }
        if lower.contains("<!doctype html") || lower.contains("<html") || lower.contains("<head") || lower.contains("<body") { return true }
        // A fragment of a page (the review list a product page loads, OpenCart's `<table>` per review): its first
        // element, after any comments, is one only HTML has. JSON (a body that starts with { or [) is none.
        var rest = Substring(lower).drop { $0.isWhitespace }
        if rest.first == "{" || rest.first == "[" { return false }
        while rest.hasPrefix("<!--"), let end = rest.firstRange(of: "-->") { rest = rest[end.upperBound...].drop { $0.isWhitespace } }
        guard rest.first == "<" else { return false }
        let name = rest.dropFirst().prefix { $0.isASCII && ($0.isLetter || $0.isNumber) }
        return htmlOnlyElements.contains(String(name))
    }

    /// Elements that open an HTML fragment and no feed.
    static let htmlOnlyElements: Set<String> = ["div", "table", "ul", "ol", "dl", "li", "tr", "dd", "dt", "section", "article", "main", "p", "span", "form",
                                                "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "header", "footer", "aside", "nav"]
}

/// Per-source settings for the parse stage.
public struct ParseOptions: Sendable {
    /// Selectors for review pages without schema.org markup.
    public var selectors: ReviewSelectors?
    /// Bytes above which the parser refuses a document.
    public var maximumBytes: Int = 64 << 20
    /// Element nesting depth above which the parser stops (hostile documents).
    public var maximumDepth: Int = 256
    public init(selectors: ReviewSelectors? = nil) { self.selectors = selectors }
}

/// Where reviews sit on a page that has no schema.org markup (XPath, or a small CSS subset).
public struct ReviewSelectors: Sendable, Equatable, Codable {
    public var review: String
    public var author: String?
    public var date: String?
    public var dateFormat: String?
    public var rating: String?
    public var ratingAttribute: String?
    public var bestRating: Double?
    public var body: String?
    public var title: String?
    public var link: String?
    public var nextPage: String?
    /// The business's answer to a review ("Response from the owner"), inside the review container: each
    /// match is one ``ParsedResponse``, whose text is the match's text less what `responseAuthor` and
    /// `responseDate` match in it. Optional: most reviews have no answer, so matching nothing is no warning.
    public var response: String?
    /// Who answered, inside each `response` match.
    public var responseAuthor: String?
    /// When they answered, inside each `response` match (parsed like `date`, with `dateFormat`).
    public var responseDate: String?
    public init(review: String, author: String? = nil, date: String? = nil, dateFormat: String? = nil,
                rating: String? = nil, ratingAttribute: String? = nil, bestRating: Double? = nil,
                body: String? = nil, title: String? = nil, link: String? = nil, nextPage: String? = nil,
                response: String? = nil, responseAuthor: String? = nil, responseDate: String? = nil) {
        self.review = review; self.author = author; self.date = date; self.dateFormat = dateFormat
        self.rating = rating; self.ratingAttribute = ratingAttribute; self.bestRating = bestRating
        self.body = body; self.title = title; self.link = link; self.nextPage = nextPage
        self.response = response; self.responseAuthor = responseAuthor; self.responseDate = responseDate
    }
}
