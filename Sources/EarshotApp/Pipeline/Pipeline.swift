import Foundation
import Logging
import EarshotFetch
import EarshotParse
import EarshotScore
import EarshotStore
import EarshotTriage

/// Which sources a run fetches.
public enum SourceSelection: Sendable {
    /// Those whose next fetch time has come (the scheduled job).
    case due
    /// Every source that is not removed, paused ones included (`earshot fetch --all`).
    case all
    /// These sources by name (`earshot fetch --source NAME`).
    case named([String])
}

/// One `earshot run`: fetch → parse → match → score → store → triage → deliver.
///
/// Everything one source's batch causes (its mentions, their scores, case changes, queued
/// alerts and the source's fetch state) is written in one transaction, so a run killed at
/// any moment and run again loses nothing and stores nothing twice.
public final class Pipeline {
    public let config: Config
    public let store: Store
    public let clock: Clock
    public var logger: Logger
    let scorer: Scorer
    let triage: Triage
    let fetcher: Fetcher
    let deliverer: AlertDeliverer

    public init(config: Config, store: Store, lexicon: Lexicon, clock: Clock, logger: Logger) throws {
        self.config = config
        self.store = store
        self.clock = clock
        self.logger = logger
        var aspects = AspectCatalog.builtIn
        for (aspect, cues) in config.aspectCues.sorted(by: { $0.key < $1.key }) { aspects.add(aspect: aspect, cues: cues) }
        scorer = Scorer(lexicon: lexicon, aspects: aspects)
        triage = Triage(policy: try Self.policy(from: config))
        var options = FetchOptions()
        options.globalLimit = config.globalLimit
        options.perHostLimit = config.perHostLimit
        options.perHostDelay = config.perHostDelay
        options.maximumBodyBytes = config.maximumBodyBytes
        options.caBundle = config.caBundle
        if let contact = config.contact { options.userAgent = "Earshot/\(FetchOptions.version) (+\(contact))" }
        fetcher = Fetcher(options: options)
        deliverer = AlertDeliverer(channels: config.channels, maxAttempts: config.alertMaxAttempts, logger: logger)
    }

    static func policy(from config: Config) throws -> TriagePolicy {
        let rules = try config.rules.map { r in
            TriageRule(name: r.name, label: r.label.flatMap(SentimentLabel.init(rawValue:)), compoundBelow: r.compoundBelow,
                       complaint: r.complaint, aspects: r.aspects, ratingAtMost: r.ratingAtMost, sources: r.sources,
                       authors: r.authors, query: try r.query.map { try BrandQuery($0) }, severity: r.severity, channels: r.notify)
        }
        return TriagePolicy(rules: rules, sla: config.sla, escalationChannels: config.escalationChannels,
                            followUpAfter: config.followUpAfter, reopenWithin: config.reopenWithin,
                            problemMinimumCustomers: config.problemMinimumCustomers, problemWindow: config.problemWindow,
                            problemChannels: config.problemChannels)
    }

    // MARK: - Sources

    /// Brings the store's sources in line with the config and its OPML files.
    public func syncSources() throws {
        let now = clock.now
        var specs: [SourceSpec] = config.sources.map { s in
            SourceSpec(name: s.name, url: s.url, kind: s.kind, query: s.query, isAboutUs: s.isAboutUs, interval: s.interval,
                       settings: SourceSettings(obeysRobots: s.obeysRobots, maxPages: s.maxPages, selectors: s.selectors).json())
        }
        for file in config.opmlFiles {
            for outline in try OPMLImport.read(path: file) where !specs.contains(where: { $0.name == outline.name }) {
                specs.append(SourceSpec(name: outline.name, url: outline.url, kind: "feed", interval: 3600,
                                        settings: SourceSettings().json()))
            }
        }
        try store.write { tx in
            for spec in specs { try tx.upsertSource(spec, origin: "config", now: now) }
            try tx.retireSources(origin: "config", keeping: Set(specs.map(\.name)), now: now)
        }
    }

    // MARK: - Run

    /// Runs the pipeline once over the selected sources, then triage's clock work and the outbox.
    public func run(_ selection: SourceSelection = .due, progress: ((String) -> Void)? = nil) throws -> RunSummary {
        let started = Date()
        var summary = RunSummary()
        let now = clock.now
        let runID = try store.write { try $0.startRun(now: now) }
        let sources: [SourceRecord] = try store.read { tx in
            switch selection {
            case .due: return try tx.dueSources(at: now)
            case .all: return try tx.sources()
            case .named(let names):
                return try names.map { name in
                    guard let s = try tx.source(named: name) else {
                        throw AppError.notFound("sources: no source named '\(name)'; see `earshot sources list`")
                    }
                    return s
                }
            }
        }
        summary.sourcesDue = sources.count
        logger.info("run started", metadata: ["sources": "\(sources.count)", "run": "\(runID)"])

        let requests = sources.map { s in
            FetchRequest(key: s.name, url: s.url, etag: s.etag, lastModified: s.lastModified,
                         obeysRobots: s.kind == "reviews" && SourceSettings.decode(s.settings).obeysRobots)
        }
        let byName = Dictionary(uniqueKeysWithValues: sources.map { ($0.name, $0) })
        var done = 0
        let results = fetcher.fetch(requests) { result in
            done += 1
            progress?("fetched \(done)/\(requests.count): \(result.request.key)")
        }
        for result in results {
            guard let source = byName[result.request.key] else { continue }
            ingest(source: source, result: result, into: &summary)
        }

        let clockWork = try store.write { tx in
            (try triage.escalateOverdue(in: tx, now: now), try triage.announceFollowUps(in: tx, now: now),
             try SpikeDetector(channels: config.problemChannels).evaluate(in: tx, now: now))
        }
        summary.escalations = clockWork.0.count
        summary.followUpsDue = clockWork.1.count
        summary.spikesStarted = clockWork.2.started.count

        let delivery = try deliverer.deliverDue(store: store, now: now)
        summary.alertsSent = delivery.sent
        summary.alertsFailed = delivery.failed
        summary.alertsDead = delivery.dead
        summary.seconds = Date().timeIntervalSince(started)
        try store.write { try $0.finishRun(runID, status: summary.exitStatus == .ok ? "ok" : "partial", summary: summary.json(), now: clock.now) }
        logger.info("run finished", metadata: ["run": "\(runID)", "stored": "\(summary.mentionsStored)",
                                               "failed": "\(summary.sourcesFailed)", "seconds": "\(String(format: "%.2f", summary.seconds))"])
        return summary
    }

    /// Stores what one source's fetch brought, in one transaction.
    func ingest(source: SourceRecord, result: FetchResult, into summary: inout RunSummary) {
        let now = clock.now
        var meta: Logger.Metadata = ["source": "\(source.name)", "url": "\(source.url)"]
        switch result.outcome {
        case .failed(let error):
            recordFailure(source, message: error.description, error: error, into: &summary)
        case .notModified(let response):
            summary.sourcesNotModified += 1
            let nextDue = now.addingTimeInterval(max(source.interval, response.maxAge ?? 0))
            try? store.write { tx in
                try tx.recordFetchSuccess(sourceID: source.id, etag: response.etag ?? source.etag,
                                          lastModified: response.lastModified ?? source.lastModified, nextDue: nextDue,
                                          movedTo: response.permanentRedirect, unhealthy: source.unhealthy, now: now)
            }
            logger.debug("not modified", metadata: meta)
        case .fetched(let response):
            let settings = SourceSettings.decode(source.settings)
            var pages: [ParsedDocument] = []
            do {
                var document = try DocumentParser.parse(response.body, url: response.finalURL, charset: response.charset,
                                                        options: ParseOptions(selectors: settings.reviewSelectors))
                pages.append(document)
                // Review pages: follow the next link while a page still brings reviews we do not know.
                var seen: Set<String> = [response.finalURL]
                while source.kind == "reviews", pages.count < settings.maxPages, let next = document.nextPageURL,
                      seen.insert(next).inserted, try hasUnknownEntries(document, sourceID: source.id) {
                    let page = fetcher.fetch([FetchRequest(key: source.name, url: next, obeysRobots: settings.obeysRobots)])
                    guard let r = page.first, case .fetched(let pageResponse) = r.outcome else { break }
                    document = try DocumentParser.parse(pageResponse.body, url: pageResponse.finalURL, charset: pageResponse.charset,
                                                        options: ParseOptions(selectors: settings.reviewSelectors))
                    pages.append(document)
                }
            } catch {
                recordFailure(source, message: "\(error)", error: nil, into: &summary)
                return
            }
            summary.pagesFetched += pages.count
            let warnings = pages.flatMap(\.warnings)
            for w in warnings.prefix(5) { meta["warning"] = "\(w)"; logger.notice("parse warning", metadata: meta) }
            let unhealthy = Self.unhealthiness(kind: source.kind, pages: pages)
            let nextDue = now.addingTimeInterval(max(source.interval, response.maxAge ?? 0, pages.first?.minimumRefreshInterval ?? 0))
            do {
                let query = try BrandQuery(source.query ?? config.query)
                let counts = try store.write { tx -> BatchCounts in
                    var counts = BatchCounts()
                    for page in pages {
                        for entry in page.entries { try store(entry, of: source, query: query, in: tx, now: now, counts: &counts) }
                    }
                    if let rating = pages.first?.aggregateRating {
                        try tx.recordAggregateRating(sourceID: source.id, value: rating.value, best: rating.best, worst: rating.worst,
                                                     count: rating.count, at: now)
                    }
                    try tx.recordFetchSuccess(sourceID: source.id, etag: response.etag, lastModified: response.lastModified,
                                              nextDue: nextDue, movedTo: response.permanentRedirect, unhealthy: unhealthy, now: now)
                    return counts
                }
                summary.sourcesFetched += 1
                summary.add(counts)
                if let moved = response.permanentRedirect {
                    logger.notice("source moved permanently", metadata: ["source": "\(source.name)", "to": "\(moved)"])
                }
                if let unhealthy {
                    summary.warnings.append("\(source.name): \(unhealthy)")
                    logger.warning("source unhealthy", metadata: ["source": "\(source.name)", "why": "\(unhealthy)"])
                }
                logger.info("source stored", metadata: ["source": "\(source.name)", "entries": "\(counts.seen)", "new": "\(counts.stored)"])
            } catch {
                recordFailure(source, message: "store: \(error)", error: nil, into: &summary)
            }
        }
    }

    /// Whether a page holds an entry the store does not know yet (pagination stops at a page of known reviews).
    func hasUnknownEntries(_ document: ParsedDocument, sourceID: Int64) throws -> Bool {
        try store.read { tx in
            try document.entries.contains { entry in
                !(try tx.isKnown(sourceID: sourceID, itemKey: entry.identity))
            }
        }
    }

    /// Counts of one source's batch.
    struct BatchCounts {
        var seen = 0, stored = 0, updated = 0, negatives = 0, opened = 0, joined = 0, reopened = 0, problems = 0
    }

    /// Matches, scores, stores and triages one entry.
    func store(_ entry: ParsedEntry, of source: SourceRecord, query: BrandQuery, in tx: StoreTransaction, now: Date,
               counts: inout BatchCounts) throws {
        counts.seen += 1
        let body = entry.content ?? entry.summary ?? entry.title ?? ""
        guard !body.isEmpty else { return }
        if !source.isAboutUs && !query.matches([entry.title ?? "", body].joined(separator: " ")) { return }
        let published = entry.published ?? entry.updated ?? now
        let mention = NewMention(sourceID: source.id, itemKey: entry.identity, fingerprint: Self.fingerprint(body), url: entry.link,
                                 title: entry.title, author: entry.author, body: body, publishedAt: published, fetchedAt: now,
                                 rating: entry.rating, bestRating: entry.bestRating, worstRating: entry.worstRating)
        let upsert = try tx.upsertMention(mention)
        if case .unchanged = upsert { return }
        let score = scorer.score(ScoreInput(text: body, title: entry.title, rating: entry.rating, bestRating: entry.bestRating,
                                            worstRating: entry.worstRating, brandTerms: query.terms))
        try tx.saveScore(mentionID: upsert.mentionID, publishedAt: published, ScoreRecord(
            compound: score.compound, pos: score.pos, neu: score.neu, neg: score.neg, label: score.label.rawValue,
            isComplaint: score.isComplaint, aspects: score.aspects, reasons: score.reasons, decidedBy: score.decidedBy))
        let triageMention = TriageMention(mentionID: upsert.mentionID, sourceID: source.id, sourceName: source.name,
                                          author: entry.author, url: entry.link, title: entry.title, body: body,
                                          publishedAt: published, rating: entry.rating, bestRating: entry.bestRating,
                                          worstRating: entry.worstRating, score: score)
        switch upsert {
        case .inserted: counts.stored += 1
        case .updated(_, let previous):
            counts.updated += 1
            if let previous { try triage.ratingChanged(triageMention, from: previous, in: tx, now: now) }
        case .unchanged: break
        }
        if score.label == .negative, case .inserted = upsert { counts.negatives += 1 }
        let outcome = try triage.apply(triageMention, in: tx, now: now)
        if outcome.openedCase != nil { counts.opened += 1 }
        if outcome.joinedCase != nil { counts.joined += 1 }
        if outcome.reopenedCase != nil { counts.reopened += 1 }
        if outcome.openedProblem != nil { counts.problems += 1 }
    }

    func recordFailure(_ source: SourceRecord, message: String, error: FetchError?, into summary: inout RunSummary) {
        let now = clock.now
        let failures = source.failures + 1
        let is404 = error.map(Self.isGone) ?? false
        // Backoff, pausing and the 404/410 grace period are the fetch stage's policy.
        let decision = RetryPolicy(pausedAfter: config.pauseAfterFailures).decide(
            now: now, interval: source.interval, consecutiveFailures: failures, lastError: error,
            failingSince: is404 ? (source.goneSince ?? now) : nil, jitter: Double.random(in: 0...1))
        summary.sourcesFailed += 1
        summary.failures.append("\(source.name): \(message)")
        logger.error("source failed", metadata: ["source": "\(source.name)", "error": "\(message)", "failures": "\(failures)",
                                                 "paused": "\(decision.paused)", "gone": "\(decision.gone)"])
        do {
            try store.write { tx in
                try tx.recordFetchFailure(sourceID: source.id, error: message, nextDue: decision.nextDue,
                                          pause: decision.paused || decision.gone, gone: is404, now: now)
            }
        } catch {
            logger.error("cannot record the failure", metadata: ["source": "\(source.name)", "error": "\(error)"])
        }
    }

    static func isGone(_ error: FetchError) -> Bool {
        if case .http(let status) = error.kind { return status == 404 || status == 410 }
        return false
    }

    /// A review source that brought no reviews, or whose selectors stopped matching, is unhealthy.
    static func unhealthiness(kind: String, pages: [ParsedDocument]) -> String? {
        if let w = pages.flatMap(\.warnings).first(where: { $0.hasPrefix("selectors:") }) { return w }
        if kind == "reviews", pages.allSatisfy({ $0.entries.isEmpty }) {
            return pages.first?.warnings.first ?? "no review found on the page"
        }
        return nil
    }

    /// Groups syndicated copies: the same words in the same order, whatever the markup or case.
    static func fingerprint(_ text: String) -> String {
        let words = text.lowercased().split { !$0.isLetter && !$0.isNumber }
        return StableHash.hex(words.joined(separator: " "))
    }
}

extension RunSummary {
    mutating func add(_ c: Pipeline.BatchCounts) {
        entriesSeen += c.seen; mentionsStored += c.stored; mentionsUpdated += c.updated; negatives += c.negatives
        casesOpened += c.opened; casesJoined += c.joined; casesReopened += c.reopened; problemsOpened += c.problems
    }
}
