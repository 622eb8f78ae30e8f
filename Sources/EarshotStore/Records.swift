import Foundation
import GRDB

/// A source as the store knows it: where it is, how it is parsed, and how its fetches went.
public struct SourceRecord: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var url: String
    public var kind: String
    public var origin: String
    public var query: String?
    public var isAboutUs: Bool
    public var interval: TimeInterval
    /// Per-source settings as JSON (selectors, robots switch), owned by the app layer.
    public var settings: String?
    public var etag: String?
    public var lastModified: String?
    public var nextDue: Date
    public var failures: Int
    public var lastError: String?
    public var lastErrorAt: Date?
    public var lastFetchAt: Date?
    public var lastSuccessAt: Date?
    public var pausedAt: Date?
    public var goneSince: Date?
    public var movedFrom: String?
    public var movedAt: Date?
    public var unhealthy: String?
    public var removedAt: Date?
    /// The publication time of the newest item any processed document of this source held.
    public var newestItemAt: Date?
    /// Set when the source turned stale (its newest item older than its `stale_after`); cleared
    /// when it brings something new.
    public var staleSince: Date?
    public var createdAt: Date

    /// The columns `init(row:)` reads, in its order: read by position, since a run reads every
    /// source (thousands) and a lookup by column name costs more than the rest of the row.
    static let columns = """
        id, name, url, kind, origin, query, about_us, interval_s, settings, etag, last_modified, next_due, failures,
        last_error, last_error_at, last_fetch_at, last_success_at, paused_at, gone_since, moved_from, moved_at,
        unhealthy, removed_at, newest_item_at, stale_since, created_at
        """

    init(row: Row) {
        id = row[0]; name = row[1]; url = row[2]; kind = row[3]; origin = row[4]
        query = row[5]; isAboutUs = row[6]; interval = row[7]; settings = row[8]
        etag = row[9]; lastModified = row[10]
        nextDue = Date(timeIntervalSince1970: row[11]); failures = row[12]
        lastError = row[13]; lastErrorAt = Store.date(row[14])
        lastFetchAt = Store.date(row[15]); lastSuccessAt = Store.date(row[16])
        pausedAt = Store.date(row[17]); goneSince = Store.date(row[18])
        movedFrom = row[19]; movedAt = Store.date(row[20])
        unhealthy = row[21]; removedAt = Store.date(row[22])
        newestItemAt = Store.date(row[23]); staleSince = Store.date(row[24])
        createdAt = Date(timeIntervalSince1970: row[25])
    }
}

/// What the pipeline wants stored about a source it was told of (config, OPML or the command line).
public struct SourceSpec: Sendable, Equatable {
    public var name: String
    public var url: String
    public var kind: String
    public var query: String?
    public var isAboutUs: Bool
    public var interval: TimeInterval
    public var settings: String?
    public init(name: String, url: String, kind: String, query: String? = nil, isAboutUs: Bool = false,
                interval: TimeInterval, settings: String? = nil) {
        self.name = name; self.url = url; self.kind = kind; self.query = query; self.isAboutUs = isAboutUs
        self.interval = interval; self.settings = settings
    }
}

/// One item to store: a feed entry or a review, already matched and scored.
public struct NewMention: Sendable {
    public var sourceID: Int64
    public var itemKey: String
    public var fingerprint: String
    public var url: String?
    public var title: String?
    public var author: String?
    public var body: String
    public var publishedAt: Date
    /// The offset east of UTC, in seconds, the source wrote the date in; nil when it named none. Only for
    /// showing the mention on its writer's day (see ``WrittenTime``): windows and order use the instant.
    public var publishedOffset: Int?
    public var fetchedAt: Date
    public var rating: Double?
    public var bestRating: Double?
    public var worstRating: Double?
    /// What triage reads besides the text (kept for `earshot backtest`): the author's identity
    /// keys, the entry and link this one answers, and whether it was read as history.
    public var identityKeys: [String]
    public var inReplyTo: String?
    public var inReplyToLink: String?
    public var isHistory: Bool
    public init(sourceID: Int64, itemKey: String, fingerprint: String, url: String?, title: String?, author: String?,
                body: String, publishedAt: Date, fetchedAt: Date, rating: Double?, bestRating: Double?, worstRating: Double?,
                identityKeys: [String] = [], inReplyTo: String? = nil, inReplyToLink: String? = nil, isHistory: Bool = false,
                publishedOffset: Int? = nil) {
        self.sourceID = sourceID; self.itemKey = itemKey; self.fingerprint = fingerprint; self.url = url
        self.title = title; self.author = author; self.body = body; self.publishedAt = publishedAt
        self.fetchedAt = fetchedAt; self.rating = rating; self.bestRating = bestRating; self.worstRating = worstRating
        self.identityKeys = identityKeys; self.inReplyTo = inReplyTo; self.inReplyToLink = inReplyToLink; self.isHistory = isHistory
        self.publishedOffset = publishedOffset
    }
}

/// A score as stored beside its mention.
public struct ScoreRecord: Sendable, Equatable {
    public var compound: Double
    public var pos: Double
    public var neu: Double
    public var neg: Double
    public var label: String
    public var isComplaint: Bool
    public var aspects: [String]
    public var reasons: [String]
    public var decidedBy: String
    public init(compound: Double, pos: Double, neu: Double, neg: Double, label: String, isComplaint: Bool,
                aspects: [String], reasons: [String], decidedBy: String) {
        self.compound = compound; self.pos = pos; self.neu = neu; self.neg = neg; self.label = label
        self.isComplaint = isComplaint; self.aspects = aspects; self.reasons = reasons; self.decidedBy = decidedBy
    }
}

/// What storing a mention did.
public enum MentionUpsert: Sendable, Equatable {
    case inserted(Int64)
    /// The item was known and its text or rating changed (an edited review).
    case updated(Int64, previousRating: Double?)
    case unchanged(Int64)

    public var mentionID: Int64 {
        switch self { case .inserted(let id), .updated(let id, _), .unchanged(let id): return id }
    }
}

/// A stored mention with its score, for the command line and the digest.
public struct MentionRecord: Sendable {
    public var id: Int64
    public var sourceID: Int64
    public var sourceName: String
    public var url: String?
    public var title: String?
    public var author: String?
    public var body: String
    public var publishedAt: Date
    /// The offset the source wrote the date in (see ``NewMention/publishedOffset``).
    public var publishedOffset: Int?
    public var fetchedAt: Date
    public var rating: Double?
    public var bestRating: Double?
    public var worstRating: Double?
    public var previousRating: Double?
    public var score: ScoreRecord?
    /// Written by one of the brand's own accounts.
    public var isBrand: Bool
    public var itemKey: String
    /// The author's identity keys as triage read them (nil in a mention stored before they were kept).
    public var identityKeys: [String]?
    public var inReplyTo: String?
    public var inReplyToLink: String?
    /// Whether triage read it as history (older than the run's backfill); nil when not recorded.
    public var wasHistory: Bool?

    init(row: Row) {
        id = row["id"]; sourceID = row["source_id"]; sourceName = row["source_name"] ?? ""
        url = row["url"]; title = row["title"]; author = row["author"]; body = row["body"]
        publishedAt = Date(timeIntervalSince1970: row["published_at"])
        publishedOffset = row["published_offset"]
        fetchedAt = Date(timeIntervalSince1970: row["fetched_at"])
        rating = row["rating"]; bestRating = row["best_rating"]; previousRating = row["previous_rating"]
        isBrand = row["is_brand"] ?? false
        worstRating = row["worst_rating"]; itemKey = row["item_key"] ?? ""
        identityKeys = (row["identity"] as String?).map { $0.isEmpty ? [] : $0.split(separator: "\n").map(String.init) }
        inReplyTo = row["in_reply_to"]; inReplyToLink = row["reply_to_link"]; wasHistory = row["history"]
        if let label: String = row["label"] {
            score = ScoreRecord(compound: row["compound"], pos: row["pos"], neu: row["neu"], neg: row["neg"],
                                label: label, isComplaint: row["complaint"],
                                aspects: Store.splitList(row["aspects"]), reasons: Store.decodeList(row["reasons"]),
                                decidedBy: row["decided_by"])
        }
    }
}

/// A follow-up case: an incident (one customer) or a problem (one aspect hurting many).
public struct CaseRecord: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var status: String
    public var severity: String
    public var title: String
    public var customer: String?
    public var sourceID: Int64?
    public var url: String?
    public var aspect: String?
    public var problemID: Int64?
    public var assignee: String?
    public var rule: String?
    public var openedAt: Date
    public var firstPublishedAt: Date
    public var ackDueAt: Date?
    public var acknowledgedAt: Date?
    public var escalatedAt: Date?
    public var resolvedAt: Date?
    public var followUpDueAt: Date?
    public var followedUpAt: Date?
    public var satisfied: Bool?
    public var closedAt: Date?
    public var updatedAt: Date
    /// When the brand first answered the customer (nil until it does).
    public var firstResponseAt: Date?
    /// The case this one was merged into (`cases merge`); nil for a live case.
    public var mergedInto: Int64?

    /// The `cases` table's columns in table order (what `SELECT *` and `c.*` return); a test holds
    /// this list to the schema.
    static let columns = ["id", "kind", "status", "severity", "title", "customer", "source_id", "url", "aspect", "problem_id",
                          "assignee", "rule", "opened_at", "first_published_at", "ack_due_at", "acknowledged_at", "escalated_at",
                          "resolved_at", "follow_up_due_at", "followed_up_at", "satisfied", "closed_at", "updated_at",
                          "first_response_at", "merged_into"]

    init(row: Row) {
        // A whole row of the table is read by position (a look-up by name lowercases the name on every
        // read, a third of the decoding's time); any other row by name.
        if row.count == Self.columns.count, Array(row.columnNames) == Self.columns {
            self.init(wholeRow: row)
        } else {
            self.init(namedRow: row)
        }
    }

    private init(namedRow row: Row) {
        id = row["id"]; kind = row["kind"]; status = row["status"]; severity = row["severity"]; title = row["title"]
        customer = row["customer"]; sourceID = row["source_id"]; url = row["url"]; aspect = row["aspect"]
        problemID = row["problem_id"]; assignee = row["assignee"]; rule = row["rule"]
        openedAt = Date(timeIntervalSince1970: row["opened_at"])
        firstPublishedAt = Date(timeIntervalSince1970: row["first_published_at"])
        ackDueAt = Store.date(row["ack_due_at"]); acknowledgedAt = Store.date(row["acknowledged_at"])
        escalatedAt = Store.date(row["escalated_at"]); resolvedAt = Store.date(row["resolved_at"])
        followUpDueAt = Store.date(row["follow_up_due_at"]); followedUpAt = Store.date(row["followed_up_at"])
        satisfied = row["satisfied"]; closedAt = Store.date(row["closed_at"]); updatedAt = Date(timeIntervalSince1970: row["updated_at"])
        firstResponseAt = Store.date(row["first_response_at"]); mergedInto = row["merged_into"]
    }

    private init(wholeRow row: Row) {
        id = row[0]; kind = row[1]; status = row[2]; severity = row[3]; title = row[4]
        customer = row[5]; sourceID = row[6]; url = row[7]; aspect = row[8]
        problemID = row[9]; assignee = row[10]; rule = row[11]
        openedAt = Date(timeIntervalSince1970: row[12])
        firstPublishedAt = Date(timeIntervalSince1970: row[13])
        ackDueAt = Store.date(row[14]); acknowledgedAt = Store.date(row[15])
        escalatedAt = Store.date(row[16]); resolvedAt = Store.date(row[17])
        followUpDueAt = Store.date(row[18]); followedUpAt = Store.date(row[19])
        satisfied = row[20]; closedAt = Store.date(row[21]); updatedAt = Date(timeIntervalSince1970: row[22])
        firstResponseAt = Store.date(row[23]); mergedInto = row[24]
    }
}

/// One line of a case's append-only history.
public struct CaseEvent: Sendable, Equatable {
    public var id: Int64
    public var caseID: Int64
    public var at: Date
    public var actor: String
    public var kind: String
    public var detail: String?
    init(row: Row) {
        id = row["id"]; caseID = row["case_id"]; at = Date(timeIntervalSince1970: row["at"])
        actor = row["actor"]; kind = row["kind"]; detail = row["detail"]
    }
}

/// An alert waiting in (or gone through) the outbox.
public struct OutboxRecord: Sendable, Equatable {
    public var id: Int64
    public var idempotencyKey: String
    public var channel: String
    public var subject: String
    public var payload: String
    public var state: String
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?
    /// When a delivery last started; still set on a pending row, it marks an interrupted delivery.
    public var claimedAt: Date?
    init(row: Row) {
        id = row["id"]; idempotencyKey = row["idempotency_key"]; channel = row["channel"]; subject = row["subject"]
        payload = row["payload"]; state = row["state"]; attempts = row["attempts"]
        nextAttemptAt = Date(timeIntervalSince1970: row["next_attempt_at"]); lastError = row["last_error"]
        createdAt = Date(timeIntervalSince1970: row["created_at"]); sentAt = Store.date(row["sent_at"])
        claimedAt = Store.date(row["claimed_at"])
    }
}

extension SourceRecord {
    /// How a source is doing, in one word: removed, paused, gone (404/410), failing, unhealthy (a
    /// page without reviews, selectors that stopped matching), new (never fetched), stale (nothing
    /// new for long), moved (a permanent redirect was followed) or ok. The first that applies.
    public var health: String {
        if removedAt != nil { return "removed" }
        if pausedAt != nil { return "paused" }
        if goneSince != nil { return "gone" }
        if failures > 0 { return "failing" }
        if unhealthy != nil { return "unhealthy" }
        if lastSuccessAt == nil { return "new" }
        if staleSince != nil { return "stale" }
        if movedFrom != nil { return "moved" }
        return "ok"
    }
}
