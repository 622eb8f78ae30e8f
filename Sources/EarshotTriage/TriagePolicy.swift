import Foundation
import EarshotScore

/// One rule: conditions on a scored mention → open a case with a severity, tell these channels.
/// Every condition that is set must hold (an empty list holds for anything).
public struct TriageRule: Sendable {
    public var name: String
    public var label: SentimentLabel?
    public var compoundBelow: Double?
    public var complaint: Bool?
    public var aspects: [String]
    public var ratingAtMost: Double?
    public var sources: [String]
    public var authors: [String]
    public var query: BrandQuery?
    public var severity: String
    public var channels: [String]

    public init(name: String, label: SentimentLabel? = nil, compoundBelow: Double? = nil, complaint: Bool? = nil,
                aspects: [String] = [], ratingAtMost: Double? = nil, sources: [String] = [], authors: [String] = [],
                query: BrandQuery? = nil, severity: String, channels: [String]) {
        self.name = name; self.label = label; self.compoundBelow = compoundBelow; self.complaint = complaint
        self.aspects = aspects; self.ratingAtMost = ratingAtMost; self.sources = sources; self.authors = authors
        self.query = query; self.severity = severity; self.channels = channels
    }

    /// Whether this rule fires for the mention.
    public func matches(_ m: TriageMention) -> Bool {
        if let label, m.score.label != label { return false }
        if let compoundBelow, !(m.score.compound < compoundBelow) { return false }
        if let complaint, m.score.isComplaint != complaint { return false }
        if !aspects.isEmpty, Set(aspects).isDisjoint(with: m.score.aspects) { return false }
        if let ratingAtMost {
            guard let rating = m.normalizedRating, rating <= ratingAtMost else { return false }
        }
        if !sources.isEmpty, !sources.contains(m.sourceName) { return false }
        if !authors.isEmpty, !authors.contains(where: { $0.caseInsensitiveCompare(m.author ?? "") == .orderedSame }) { return false }
        if let query, !query.matches([m.title ?? "", m.body].joined(separator: " ")) { return false }
        return true
    }
}

/// How triage behaves: the rules and the customer-service clock.
public struct TriagePolicy: Sendable {
    public var rules: [TriageRule]
    /// Acknowledgement deadline per severity, counted from the mention's publication.
    public var sla: [String: TimeInterval]
    public var escalationChannels: [String]
    public var followUpAfter: TimeInterval
    /// A customer's new complaint within this time after resolution reopens their case.
    public var reopenWithin: TimeInterval
    public var problemMinimumCustomers: Int
    public var problemWindow: TimeInterval
    public var problemChannels: [String]
    /// Who triage's own events are recorded as.
    public var actor: String

    public init(rules: [TriageRule], sla: [String: TimeInterval], escalationChannels: [String], followUpAfter: TimeInterval,
                reopenWithin: TimeInterval, problemMinimumCustomers: Int, problemWindow: TimeInterval,
                problemChannels: [String], actor: String = "earshot") {
        self.rules = rules; self.sla = sla; self.escalationChannels = escalationChannels; self.followUpAfter = followUpAfter
        self.reopenWithin = reopenWithin; self.problemMinimumCustomers = problemMinimumCustomers
        self.problemWindow = problemWindow; self.problemChannels = problemChannels; self.actor = actor
    }
}

/// A stored, scored mention as triage sees it.
public struct TriageMention: Sendable {
    public var mentionID: Int64
    public var sourceID: Int64
    public var sourceName: String
    public var author: String?
    public var url: String?
    public var title: String?
    public var body: String
    public var publishedAt: Date
    public var rating: Double?
    public var bestRating: Double?
    public var worstRating: Double?
    public var score: Score
    /// Who wrote it, as keys that recognise them on other sources.
    public var identity: CustomerIdentity
    /// The entry id (Atom `thr:in-reply-to ref`) and link this mention answers, when it says.
    public var inReplyTo: String?
    public var inReplyToLink: String?
    /// The offset east of UTC its date was written in (alerts show the writer's day); nil when not named.
    public var publishedOffset: Int?

    public init(mentionID: Int64, sourceID: Int64, sourceName: String, author: String?, url: String?, title: String?,
                body: String, publishedAt: Date, rating: Double?, bestRating: Double?, worstRating: Double?, score: Score,
                identity: CustomerIdentity? = nil, inReplyTo: String? = nil, inReplyToLink: String? = nil) {
        self.mentionID = mentionID; self.sourceID = sourceID; self.sourceName = sourceName; self.author = author
        self.url = url; self.title = title; self.body = body; self.publishedAt = publishedAt; self.rating = rating
        self.bestRating = bestRating; self.worstRating = worstRating; self.score = score
        self.identity = identity ?? CustomerIdentity(author: author)
        self.inReplyTo = inReplyTo; self.inReplyToLink = inReplyToLink
    }

    /// The page of the conversation: the link without its fragment (the posts of one forum topic
    /// share it).
    public var thread: String? { url.map { String($0.prefix { $0 != "#" }) } }

    /// The rating on a 1–5 scale, whatever scale the page used.
    public var normalizedRating: Double? {
        guard let rating else { return nil }
        let best = bestRating ?? 5, worst = worstRating ?? 1
        guard best > worst else { return nil }
        return 1 + 4 * (rating - worst) / (best - worst)
    }
}
