import Foundation

/// What one run did, for the summary line, `--json`, and the exit code.
public struct RunSummary: Codable, Sendable {
    public var sourcesDue = 0
    public var sourcesFetched = 0
    public var sourcesNotModified = 0
    public var sourcesFailed = 0
    public var pagesFetched = 0
    public var entriesSeen = 0
    public var mentionsStored = 0
    public var mentionsUpdated = 0
    /// New mentions published before the backfill horizon: stored and counted, but they opened no case.
    public var mentionsHistory = 0
    /// Items that copied a stored mention (syndicated, cross-posted): recorded as sightings of it.
    public var copies = 0
    /// Posts by the brand's own accounts, and how many of them answered a customer's case.
    public var brandMentions = 0
    public var brandReplies = 0
    /// Cases the customer's own change of mind resolved or reopened (a re-rating, "thanks, sorted!").
    public var casesResolved = 0
    public var negatives = 0
    public var casesOpened = 0
    public var casesJoined = 0
    public var casesReopened = 0
    public var problemsOpened = 0
    public var escalations = 0
    public var spikesStarted = 0
    public var followUpsDue = 0
    /// Sources that turned stale in this run (their newest item older than their `stale_after`).
    public var sourcesStale = 0
    public var alertsSent = 0
    public var alertsFailed = 0
    public var alertsDead = 0
    /// Mentions whose text and author `retention:` removed in this run.
    public var mentionsPurged = 0
    /// False for a fetch without the process stage (`earshot fetch` without --process).
    public var processed = true
    /// Fetched documents waiting for the process stage after a fetch-only run.
    public var documentsWaiting = 0
    public var failures: [String] = []
    public var warnings: [String] = []
    public var seconds = 0.0

    public init() {}

    public var exitStatus: ExitStatus {
        if sourcesFailed > 0 { return .sourcesFailed }
        if alertsFailed > 0 || alertsDead > 0 { return .alertsPending }
        return .ok
    }

    /// One line for stdout (cron mail shows it).
    public var line: String {
        var parts = ["\(sourcesFetched + sourcesNotModified)/\(sourcesDue) sources fetched"]
        if sourcesNotModified > 0 { parts.append("\(sourcesNotModified) unchanged") }
        if sourcesFailed > 0 { parts.append("\(sourcesFailed) failed") }
        if !processed {
            parts.append("\(documentsWaiting) document\(documentsWaiting == 1 ? "" : "s") waiting for `earshot run` (or `earshot fetch --process`)")
            return "earshot: " + parts.joined(separator: ", ") + String(format: " (%.1f s)", seconds)
        }
        parts.append("\(mentionsStored) new mentions")
        if mentionsHistory > 0 { parts.append("\(mentionsHistory) of them kept as history (older than the backfill)") }
        if mentionsUpdated > 0 { parts.append("\(mentionsUpdated) edited") }
        if copies > 0 { parts.append("\(copies) cop\(copies == 1 ? "y" : "ies") of stored mentions") }
        if brandMentions > 0 { parts.append("\(brandMentions) by the brand (\(brandReplies) answering a case)") }
        parts.append("\(negatives) negative")
        parts.append("\(casesOpened) cases opened")
        if casesJoined > 0 { parts.append("\(casesJoined) joined") }
        if casesReopened > 0 { parts.append("\(casesReopened) reopened") }
        if casesResolved > 0 { parts.append("\(casesResolved) changed by the customer's own word") }
        if problemsOpened > 0 { parts.append("\(problemsOpened) problems") }
        if escalations > 0 { parts.append("\(escalations) escalated") }
        if sourcesStale > 0 { parts.append("\(sourcesStale) source\(sourcesStale == 1 ? "" : "s") gone stale") }
        if spikesStarted > 0 { parts.append("\(spikesStarted) spike\(spikesStarted == 1 ? "" : "s")") }
        parts.append("\(alertsSent) alerts sent")
        if alertsFailed > 0 { parts.append("\(alertsFailed) alerts to retry") }
        if mentionsPurged > 0 { parts.append("\(mentionsPurged) old mention\(mentionsPurged == 1 ? "" : "s") purged (retention)") }
        return "earshot: " + parts.joined(separator: ", ") + String(format: " (%.1f s)", seconds)
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}
