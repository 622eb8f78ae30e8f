import Foundation
import EarshotScore
import EarshotStore
import EarshotDigest
import EarshotParse

/// Everything earshot.yaml says. `earshot init` writes a commented example of it.
public struct Config: Sendable {
    public struct Source: Sendable {
        public var name: String
        public var url: String
        /// "feed" or "reviews".
        public var kind: String
        public var interval: TimeInterval
        public var query: String?
        public var isAboutUs: Bool
        public var obeysRobots: Bool
        public var selectors: ReviewSelectors?
        public var maxPages: Int
        /// A source whose newest item is older than this is stale (reported once, until it recovers).
        public var staleAfter: TimeInterval
        /// The platform whose quirks its feed has (`platform:`, or the preset's), when its URL does not say.
        public var platform: String? = nil
    }

    /// When a mention opens a case, at what severity, and who is told.
    public struct Rule: Sendable {
        public var name: String
        public var label: String?
        public var compoundBelow: Double?
        public var complaint: Bool?
        public var aspects: [String]
        public var ratingAtMost: Double?
        public var sources: [String]
        public var authors: [String]
        public var query: String?
        public var severity: String
        public var notify: [String]
    }

    public struct Channel: Sendable {
        public var name: String
        /// stdout, jsonl, webhook, smtp, command
        public var type: String
        public var url: String?
        public var path: String?
        public var command: [String]
        public var secretEnv: String?
        public var from: String?
        public var to: [String]
        public var usernameEnv: String?
        public var passwordEnv: String?
        public var slack: Bool
        /// Whether a run's many alerts of one kind reach this channel as one summary (people's
        /// channels: stdout, webhook, smtp); machine channels (jsonl, command) get every alert.
        public var batches: Bool
    }

    public var file: String
    public var brand: String
    public var query: String
    public var storePath: String
    public var contact: String?
    public var sources: [Source]
    public var opmlFiles: [String]
    public var rules: [Rule]
    public var channels: [Channel]
    /// Acknowledgement deadline per severity.
    public var sla: [String: TimeInterval]
    public var escalationChannels: [String]
    public var followUpAfter: TimeInterval
    public var reopenWithin: TimeInterval
    public var problemMinimumCustomers: Int
    public var problemWindow: TimeInterval
    public var problemChannels: [String]
    public var digestRecipients: [String]
    public var digestChannel: String?
    public var lexiconPath: String?
    public var aspectCues: [String: [String]]
    public var valence: [String: Double]
    public var globalLimit: Int
    public var perHostLimit: Int
    public var perHostDelay: TimeInterval
    public var maximumBodyBytes: Int
    public var caBundle: String?
    public var pauseAfterFailures: Int
    public var alertMaxAttempts: Int
    /// Mentions published longer ago than this are history: stored, scored and counted, joined to
    /// open cases, but they open no case, send no alert and escalate nothing (a first run on weeks
    /// of backlog must not page anyone).
    public var backfill: TimeInterval
    /// More alerts than this of one kind for one channel in one run become one summary alert.
    public var alertBatch: Int
    /// The brand's own handles, author names and e-mail/web domains: their posts never open a
    /// case and never count as a customer; their replies are the brand's response to a case.
    public var brandAccounts: [String]
    /// Who judges mentions: `model` (the trained model reading the rules' evidence, the default)
    /// or `rules` (the rules alone), to compare (`earshot score --compare` shows both).
    public var scorer: Scorer.Mode = .model
    /// What is hidden in text that leaves the store (digests, alerts, exports): `privacy: { redact: [...] }`,
    /// by default e-mail addresses, phone numbers and card numbers.
    public var redactor: Redactor = .standard
    /// `privacy: { store_redacted: true }`: mentions are stored already redacted (the original words are never kept).
    public var storeRedacted = false
    /// `retention: { mentions: 400d, closed_cases: 730d }`: how long customers' words are kept
    /// (unset: kept until `earshot purge` or `earshot forget`).
    public var retention = RetentionPolicy()

    public static let defaultBackfill: TimeInterval = 2 * 86_400
    /// Default `stale_after`: a feed usually brings something every few days, a review page more slowly.
    public static func defaultStaleAfter(kind: String) -> TimeInterval { kind == "reviews" ? 30 * 86_400 : 7 * 86_400 }

    public static let severities = ["critical", "high", "normal", "low"]
    public static let defaultSLA: [String: TimeInterval] = ["critical": 3600, "high": 4 * 3600, "normal": 24 * 3600, "low": 72 * 3600]

    /// The rules used when the config writes none: a complaint or a clearly negative mention
    /// opens a case; a very negative one is high severity.
    public static func defaultRules(channels: [String]) -> [Rule] {
        [
            Rule(name: "very negative", label: "negative", compoundBelow: -0.6, complaint: nil, aspects: [], ratingAtMost: nil,
                 sources: [], authors: [], query: nil, severity: "high", notify: channels),
            Rule(name: "complaint", label: nil, compoundBelow: nil, complaint: true, aspects: [], ratingAtMost: nil,
                 sources: [], authors: [], query: nil, severity: "normal", notify: channels),
            Rule(name: "negative", label: "negative", compoundBelow: nil, complaint: nil, aspects: [], ratingAtMost: nil,
                 sources: [], authors: [], query: nil, severity: "normal", notify: channels),
        ]
    }
}
