import Foundation

/// What the parser makes of one fetched document: a feed (RSS, Atom, RDF) or a review page (HTML).
///
/// This is the shared model of the parse stage. `earshot parse` prints it through
/// ``ParsedDocument/contractJSON()``; `earshot run` stores its entries as mentions.
public struct ParsedDocument: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable { case rss, atom, rdf, html }

    public var kind: Kind
    public var title: String?
    public var link: String?
    public var subtitle: String?
    public var language: String?
    public var updated: Date?
    public var entries: [ParsedEntry]
    public var warnings: [String]
    /// The page subject's schema.org AggregateRating (review pages only), for the rating trend.
    public var aggregateRating: AggregateRating?
    /// Feed hints for the scheduler: RSS `<ttl>` (minutes) and `sy:updatePeriod`/`sy:updateFrequency`, in seconds.
    public var minimumRefreshInterval: TimeInterval?
    /// The next page of reviews, when the page links one (review pages only).
    public var nextPageURL: String?

    public init(kind: Kind, title: String? = nil, link: String? = nil, subtitle: String? = nil,
                language: String? = nil, updated: Date? = nil, entries: [ParsedEntry] = [],
                warnings: [String] = [], aggregateRating: AggregateRating? = nil,
                minimumRefreshInterval: TimeInterval? = nil, nextPageURL: String? = nil) {
        self.kind = kind; self.title = title; self.link = link; self.subtitle = subtitle
        self.language = language; self.updated = updated; self.entries = entries; self.warnings = warnings
        self.aggregateRating = aggregateRating; self.minimumRefreshInterval = minimumRefreshInterval
        self.nextPageURL = nextPageURL
    }
}

/// One item of a feed or one review of a page.
public struct ParsedEntry: Sendable, Equatable {
    public var id: String?
    public var title: String?
    public var link: String?
    public var author: String?
    public var published: Date?
    public var updated: Date?
    public var summary: String?
    public var content: String?
    public var rating: Double?
    public var bestRating: Double?
    public var worstRating: Double?

    public init(id: String? = nil, title: String? = nil, link: String? = nil, author: String? = nil,
                published: Date? = nil, updated: Date? = nil, summary: String? = nil, content: String? = nil,
                rating: Double? = nil, bestRating: Double? = nil, worstRating: Double? = nil) {
        self.id = id; self.title = title; self.link = link; self.author = author
        self.published = published; self.updated = updated; self.summary = summary; self.content = content
        self.rating = rating; self.bestRating = bestRating; self.worstRating = worstRating
    }
}

/// A schema.org AggregateRating: the page subject's average over all its reviews.
public struct AggregateRating: Sendable, Equatable {
    public var value: Double
    public var best: Double?
    public var worst: Double?
    public var count: Int?
    public init(value: Double, best: Double? = nil, worst: Double? = nil, count: Int? = nil) {
        self.value = value; self.best = best; self.worst = worst; self.count = count
    }
}

/// The one error of the parse stage: the input is not a feed or a page at all.
public struct ParseError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
