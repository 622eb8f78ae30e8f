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
    /// The feeds an HTML page announces (`<link rel="alternate" type="application/rss+xml" href>`).
    public var feedLinks: [String] = []

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
    /// The offset east of UTC, in seconds, that ``published`` was written in ("-07:00"); nil when the document
    /// named no zone. Shows a mention on its writer's day; ``published`` stays the instant.
    public var publishedOffset: Int?
    public var updated: Date?
    /// The offset ``updated`` was written in (see ``publishedOffset``): a mention dated only by it is shown so.
    public var updatedOffset: Int?
    public var summary: String?
    public var content: String?
    public var rating: Double?
    public var bestRating: Double?
    public var worstRating: Double?
    /// The author's e-mail address, when the document gives one (Atom `<email>`, RSS `<author>` and
    /// `dc:creator` in "email (Name)" form, schema.org `author.email`). ``author`` stays the display name;
    /// the address tells one customer apart from another of the same name, and the brand's own voice.
    public var authorEmail: String?
    /// The author's profile link, resolved against the document URL (Atom `<uri>`, schema.org `author.url`,
    /// else its first `sameAs`).
    public var authorURI: String?
    /// The `ref` of an RFC 4685 `<thr:in-reply-to>`: the id of the entry this one answers, as written (an id
    /// is compared, never resolved). See https://www.rfc-editor.org/rfc/rfc4685#section-3.
    public var inReplyTo: String?
    /// The `href` of that `<thr:in-reply-to>`: where the answered entry can be read, resolved.
    public var inReplyToLink: String?
    /// The business's published answers to this review ("Response from the owner"), in page order (review
    /// pages only).
    public var responses: [ParsedResponse]

    public init(id: String? = nil, title: String? = nil, link: String? = nil, author: String? = nil,
                published: Date? = nil, updated: Date? = nil, summary: String? = nil, content: String? = nil,
                rating: Double? = nil, bestRating: Double? = nil, worstRating: Double? = nil,
                authorEmail: String? = nil, authorURI: String? = nil, inReplyTo: String? = nil,
                inReplyToLink: String? = nil, responses: [ParsedResponse] = []) {
        self.id = id; self.title = title; self.link = link; self.author = author
        self.published = published; self.updated = updated; self.summary = summary; self.content = content
        self.rating = rating; self.bestRating = bestRating; self.worstRating = worstRating
        self.authorEmail = authorEmail; self.authorURI = authorURI
        self.inReplyTo = inReplyTo; self.inReplyToLink = inReplyToLink; self.responses = responses
    }
}

/// A business's published answer to a review ("Response from the owner").
///
/// schema.org has no property for it: sites nest it in the Review as a `comment` (a
/// https://schema.org/Comment by the reviewed Organization) or under a name of their own; see
/// ``JSONLDReviewReader``, ``MicrodataReviewReader`` and ``ReviewSelectors/response``.
public struct ParsedResponse: Sendable, Equatable {
    /// Who answered, as the page names them (the business, or a person speaking for it).
    public var author: String?
    /// The answer, as plain text.
    public var text: String
    public var published: Date?
    /// The offset ``published`` was written in (see ``ParsedEntry/publishedOffset``).
    public var publishedOffset: Int?

    public init(author: String? = nil, text: String, published: Date? = nil, publishedOffset: Int? = nil) {
        self.author = author; self.text = text; self.published = published; self.publishedOffset = publishedOffset
    }

    /// An answer dated as written.
    public init(author: String?, text: String, written: WrittenDate?) {
        self.init(author: author, text: text, published: written?.date, publishedOffset: written?.offset)
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
