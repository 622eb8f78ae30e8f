import Foundation

/// Everything one digest shows, as plain values.
///
/// The store fills it in; `DigestRenderer` turns it into HTML, text, Markdown or JSON. Nothing here
/// touches the database or the network, so a report can be built by hand in a test and rendered to a
/// golden file. All mention text (excerpts, authors, source names, reasons, case titles, customer
/// names, URLs) is untrusted and is escaped by the renderer, never here.
public struct DigestReport: Codable, Equatable, Sendable {
    /// The period the digest covers.
    public var period: DateInterval
    /// The period of the same length just before `period`, for the deltas.
    public var previousPeriod: DateInterval
    /// How the period is named to a reader: "day", "week", or "2026-11-01..2026-11-07".
    public var periodName: String
    public var generatedAt: Date
    public var brand: String
    /// An IANA time zone name ("Europe/Berlin") for dates shown to people. Dates are rendered in UTC
    /// when it is "UTC" or not a known zone.
    public var timeZone: String

    public var headline: Headline
    public var previousHeadline: Headline
    /// Recurring problems, the first thing the digest shows after the numbers.
    public var problems: [ProblemItem]
    public var spikes: [SpikeItem]
    /// One entry per UTC day, oldest first, normally the last 30 days.
    public var dailyVolume: [DayVolume]
    public var ratingTrend: [RatingSeries]
    /// Aspects of the period's negative mentions, most frequent first.
    public var negativeAspects: [AspectCount]
    public var topNegative: [MentionItem]
    public var topPositive: [MentionItem]
    public var cases: CaseSummary
    /// Only sources with a problem; healthy sources are not listed.
    public var sourceHealth: [SourceHealthItem]

    public init(
        period: DateInterval,
        previousPeriod: DateInterval,
        periodName: String,
        generatedAt: Date,
        brand: String,
        timeZone: String = "UTC",
        headline: Headline,
        previousHeadline: Headline,
        problems: [ProblemItem] = [],
        spikes: [SpikeItem] = [],
        dailyVolume: [DayVolume] = [],
        ratingTrend: [RatingSeries] = [],
        negativeAspects: [AspectCount] = [],
        topNegative: [MentionItem] = [],
        topPositive: [MentionItem] = [],
        cases: CaseSummary = CaseSummary(),
        sourceHealth: [SourceHealthItem] = []
    ) {
        self.period = period
        self.previousPeriod = previousPeriod
        self.periodName = periodName
        self.generatedAt = generatedAt
        self.brand = brand
        self.timeZone = timeZone
        self.headline = headline
        self.previousHeadline = previousHeadline
        self.problems = problems
        self.spikes = spikes
        self.dailyVolume = dailyVolume
        self.ratingTrend = ratingTrend
        self.negativeAspects = negativeAspects
        self.topNegative = topNegative
        self.topPositive = topPositive
        self.cases = cases
        self.sourceHealth = sourceHealth
    }

    /// Nothing happened that needs a reader: the digest is one line (plus source health problems).
    public var isQuiet: Bool {
        headline.mentions == 0 && problems.isEmpty && spikes.isEmpty && cases.overdue.isEmpty
            && cases.followUpsDue.isEmpty && cases.opened == 0
    }
}

/// The period's numbers at a glance.
public struct Headline: Codable, Equatable, Sendable {
    public var mentions: Int
    public var negative: Int
    public var positive: Int
    public var neutral: Int
    /// negative / mentions, 0...1 (0 when there are no mentions).
    public var negativeShare: Double
    /// positive share − negative share, −1...1.
    public var netSentiment: Double
    /// Mean review rating normalised to a 5-star scale; nil when no rated reviews arrived.
    public var averageRating: Double?
    public var ratingCount: Int

    public init(
        mentions: Int = 0, negative: Int = 0, positive: Int = 0, neutral: Int = 0,
        negativeShare: Double = 0, netSentiment: Double = 0,
        averageRating: Double? = nil, ratingCount: Int = 0
    ) {
        self.mentions = mentions
        self.negative = negative
        self.positive = positive
        self.neutral = neutral
        self.negativeShare = negativeShare
        self.netSentiment = netSentiment
        self.averageRating = averageRating
        self.ratingCount = ratingCount
    }

    /// Shares computed from the counts, for callers that only have counts.
    public static func make(
        positive: Int, neutral: Int, negative: Int, averageRating: Double? = nil, ratingCount: Int = 0
    ) -> Headline {
        let total = positive + neutral + negative
        let n = Double(max(total, 1))
        return Headline(
            mentions: total, negative: negative, positive: positive, neutral: neutral,
            negativeShare: total == 0 ? 0 : Double(negative) / n,
            netSentiment: total == 0 ? 0 : Double(positive - negative) / n,
            averageRating: averageRating, ratingCount: ratingCount)
    }
}

/// A recurring problem: several customers complaining about the same aspect, tracked as one case.
public struct ProblemItem: Codable, Equatable, Sendable {
    public var caseID: Int64
    public var aspect: String
    public var customers: Int
    public var since: Date
    public var status: String
    public var title: String

    public init(caseID: Int64, aspect: String, customers: Int, since: Date, status: String, title: String) {
        self.caseID = caseID
        self.aspect = aspect
        self.customers = customers
        self.since = since
        self.status = status
        self.title = title
    }
}

/// A burst of negative mentions well above the usual rate.
public struct SpikeItem: Codable, Equatable, Sendable {
    public var start: Date
    /// nil while the spike is still going on.
    public var end: Date?
    public var negatives: Int
    /// The usual number of negatives in a window of the same length.
    public var baseline: Double

    public init(start: Date, end: Date? = nil, negatives: Int, baseline: Double) {
        self.start = start
        self.end = end
        self.negatives = negatives
        self.baseline = baseline
    }
}

/// Mentions of one UTC day by sentiment.
public struct DayVolume: Codable, Equatable, Sendable {
    /// UTC midnight.
    public var day: Date
    public var positive: Int
    public var neutral: Int
    public var negative: Int

    public init(day: Date, positive: Int, neutral: Int, negative: Int) {
        self.day = day
        self.positive = positive
        self.neutral = neutral
        self.negative = negative
    }

    public var total: Int { positive + neutral + negative }
}

/// Average rating over time for one review source.
public struct RatingSeries: Codable, Equatable, Sendable {
    public var source: String
    /// Oldest first.
    public var points: [RatingPoint]

    public init(source: String, points: [RatingPoint]) {
        self.source = source
        self.points = points
    }
}

public struct RatingPoint: Codable, Equatable, Sendable {
    public var day: Date
    /// On a 5-star scale.
    public var value: Double
    /// How many ratings the value averages, when known.
    public var count: Int?

    public init(day: Date, value: Double, count: Int? = nil) {
        self.day = day
        self.value = value
        self.count = count
    }
}

public struct AspectCount: Codable, Equatable, Sendable {
    public var aspect: String
    public var count: Int

    public init(aspect: String, count: Int) {
        self.aspect = aspect
        self.count = count
    }
}

/// One mention as the digest quotes it.
public struct MentionItem: Codable, Equatable, Sendable {
    public var id: Int64
    /// A short excerpt of the mention's text (plain text, untrusted).
    public var excerpt: String
    public var author: String?
    /// The source's name.
    public var source: String
    public var link: String?
    public var published: Date?
    /// VADER compound score, −1...1.
    public var compound: Double
    /// The review's rating on its own scale (see `bestRating`).
    public var rating: Double?
    public var bestRating: Double?
    /// Why the mention was flagged, in words ("1-star review", "mentions refund").
    public var reasons: [String]
    public var isComplaint: Bool
    public var aspects: [String]

    public init(
        id: Int64, excerpt: String, author: String? = nil, source: String, link: String? = nil,
        published: Date? = nil, compound: Double, rating: Double? = nil, bestRating: Double? = nil,
        reasons: [String] = [], isComplaint: Bool = false, aspects: [String] = []
    ) {
        self.id = id
        self.excerpt = excerpt
        self.author = author
        self.source = source
        self.link = link
        self.published = published
        self.compound = compound
        self.rating = rating
        self.bestRating = bestRating
        self.reasons = reasons
        self.isComplaint = isComplaint
        self.aspects = aspects
    }
}

/// What happened to cases during the period.
public struct CaseSummary: Codable, Equatable, Sendable {
    public var opened: Int
    public var resolved: Int
    /// Open at the end of the period.
    public var open: Int
    /// Past their SLA deadline.
    public var overdue: [CaseItem]
    public var followUpsDue: [CaseItem]
    public var newCases: [CaseItem]
    /// Oldest first, one point per period (e.g. per week).
    public var satisfaction: [SatisfactionPoint]
    /// Median time from a customer's first mention to the brand's first reply, over the cases of
    /// the period the brand answered (the measure support teams are judged by); nil when none.
    public var medianFirstResponse: TimeInterval?
    /// How many of the period's cases the brand answered.
    public var answered: Int

    public init(
        opened: Int = 0, resolved: Int = 0, open: Int = 0, overdue: [CaseItem] = [],
        followUpsDue: [CaseItem] = [], newCases: [CaseItem] = [], satisfaction: [SatisfactionPoint] = [],
        medianFirstResponse: TimeInterval? = nil, answered: Int = 0
    ) {
        self.medianFirstResponse = medianFirstResponse
        self.answered = answered
        self.opened = opened
        self.resolved = resolved
        self.open = open
        self.overdue = overdue
        self.followUpsDue = followUpsDue
        self.newCases = newCases
        self.satisfaction = satisfaction
    }
}

public struct CaseItem: Codable, Equatable, Sendable {
    public var id: Int64
    public var title: String
    public var severity: String
    public var status: String
    public var customer: String?
    public var openedAt: Date
    public var dueAt: Date?
    public var aspect: String?

    public init(
        id: Int64, title: String, severity: String, status: String, customer: String? = nil,
        openedAt: Date, dueAt: Date? = nil, aspect: String? = nil
    ) {
        self.id = id
        self.title = title
        self.severity = severity
        self.status = status
        self.customer = customer
        self.openedAt = openedAt
        self.dueAt = dueAt
        self.aspect = aspect
    }
}

/// Follow-up outcomes of one period.
public struct SatisfactionPoint: Codable, Equatable, Sendable {
    public var periodStart: Date
    public var satisfied: Int
    public var total: Int

    public init(periodStart: Date, satisfied: Int, total: Int) {
        self.periodStart = periodStart
        self.satisfied = satisfied
        self.total = total
    }

    /// satisfied / total, nil when there were no follow-ups.
    public var rate: Double? { total == 0 ? nil : Double(satisfied) / Double(total) }
}

/// A source that needs attention.
public struct SourceHealthItem: Codable, Equatable, Sendable {
    public var name: String
    public var url: String
    /// "failing", "paused", "stale", "moved", "gone" or "unhealthy".
    public var state: String
    /// One line, e.g. "HTTP 503 for 3 days" or "moved to https://…".
    public var detail: String
    public var since: Date?

    public init(name: String, url: String, state: String, detail: String, since: Date? = nil) {
        self.name = name
        self.url = url
        self.state = state
        self.detail = detail
        self.since = since
    }
}
