import Foundation
import EarshotDigest
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
    /// The scorer, made when the process stage first needs it: a fetch-only run never loads the lexicon.
    private var madeScorer: Scorer?
    private let makeScorer: () throws -> Scorer
    let triage: Triage
    /// The brand's own accounts (`brand_accounts:`): their posts are the brand speaking.
    let brandAccounts: BrandAccounts
    let fetcher: Fetcher
    let deliverer: AlertDeliverer

    public convenience init(config: Config, store: Store, lexicon: Lexicon, clock: Clock, logger: Logger) throws {
        try self.init(config: config, store: store, loadLexicon: { lexicon }, clock: clock, logger: logger)
    }

    /// `loadLexicon` is called once, when the first document is processed.
    public init(config: Config, store: Store, loadLexicon: @escaping () throws -> Lexicon, clock: Clock, logger: Logger) throws {
        self.config = config
        self.store = store
        self.clock = clock
        self.logger = logger
        // The aspect catalogue (a resource file) is read with the lexicon, when a document is processed.
        let extraCues = config.aspectCues.sorted(by: { $0.key < $1.key })
        let mode = config.scorer
        makeScorer = {
            var aspects = AspectCatalog.builtIn
            for (aspect, cues) in extraCues { aspects.add(aspect: aspect, cues: cues) }
            return Scorer(lexicon: try loadLexicon(), aspects: aspects, mode: mode)
        }
        triage = Triage(policy: try Self.policy(from: config))
        brandAccounts = BrandAccounts(config.brandAccounts)
        var options = FetchOptions()
        options.globalLimit = config.globalLimit
        options.perHostLimit = config.perHostLimit
        options.perHostDelay = config.perHostDelay
        options.maximumBodyBytes = config.maximumBodyBytes
        options.caBundle = config.caBundle
        if let contact = config.contact { options.userAgent = "Earshot/\(FetchOptions.version) (+\(contact))" }
        fetcher = Fetcher(options: options)
        deliverer = AlertDeliverer(channels: config.channels, maxAttempts: config.alertMaxAttempts,
                                   batchAbove: config.alertBatch, redactor: config.redactor, logger: logger)
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

    func scorer() throws -> Scorer {
        if let madeScorer { return madeScorer }
        let scorer = try makeScorer()
        madeScorer = scorer
        return scorer
    }

    // MARK: - Sources

    /// Brings the store's sources in line with the config and its OPML files.
    public func syncSources() throws {
        let now = clock.now
        // Settings as JSON, encoded once per distinct value (most sources share the defaults).
        var encoded: [(settings: SourceSettings, json: String)] = []
        func json(_ settings: SourceSettings) -> String {
            if let known = encoded.first(where: { $0.settings == settings }) { return known.json }
            encoded.append((settings, settings.json()))
            return encoded[encoded.count - 1].json
        }
        var specs: [SourceSpec] = config.sources.map { s in
            SourceSpec(name: s.name, url: s.url, kind: s.kind, query: s.query, isAboutUs: s.isAboutUs, interval: s.interval,
                       settings: json(SourceSettings(obeysRobots: s.obeysRobots, maxPages: s.maxPages, selectors: s.selectors,
                                                     staleAfter: s.staleAfter == Config.defaultStaleAfter(kind: s.kind) ? nil : s.staleAfter,
                                                     platform: s.platform)))
        }
        var names = Set(specs.map(\.name))
        for file in config.opmlFiles {
            for outline in try OPMLImport.read(path: file) where names.insert(outline.name).inserted {
                specs.append(SourceSpec(name: outline.name, url: outline.url, kind: "feed", interval: 3600,
                                        settings: json(SourceSettings())))
            }
        }
        try store.write { tx in
            try tx.syncSources(specs, origin: "config", now: now)
        }
    }

    // MARK: - Run

    /// Runs the pipeline once over the selected sources: the fetch stage, then (when `process`)
    /// the process stage over every fetched document waiting in the store, triage's clock work
    /// and the outbox. Without `process` the documents wait for the next run (`earshot fetch`).
    /// `backfill` overrides the config's for this run: mentions published before `now − backfill`
    /// are history (stored and counted, but they open no case and send nothing).
    public func run(_ selection: SourceSelection = .due, process: Bool = true, backfill: TimeInterval? = nil,
                    progress: ((String) -> Void)? = nil) throws -> RunSummary {
        let started = Date()
        var summary = RunSummary()
        let now = clock.now
        let horizon = now.addingTimeInterval(-(backfill ?? config.backfill))
        let runID = try store.write { try $0.startRun(now: now, horizon: process ? horizon : nil) }
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

        fetchStage(sources, now: now, into: &summary, progress: progress)
        if process {
            try processStage(horizon: horizon, into: &summary, progress: progress)
            let (clockWork, stale) = try store.write { tx in
                (try Self.clockWork(triage: triage, in: tx, now: now, horizon: horizon), try markStaleSources(in: tx, now: now))
            }
            summary.escalations = clockWork.escalated.count
            summary.followUpsDue = clockWork.followUps.count
            summary.spikesStarted = clockWork.spikes.started.count
            summary.sourcesStale = stale

            // Everything this run queued is due by now (read after queueing, not the run's start),
            // and goes out in the order it was queued: a case's opening before its escalation.
            let delivery = try deliverer.deliverDue(store: store, now: max(clock.now, now))
            summary.alertsSent = delivery.sent
            summary.alertsFailed = delivery.failed
            summary.alertsDead = delivery.dead

            // retention: words older than the company keeps them lose their text and author (after
            // delivery: an alert queued for them still went out).
            if !config.retention.isEmpty {
                let purged = try store.erasing { try $0.purge(config.retention, now: now, dryRun: false) }
                summary.mentionsPurged = purged.mentions
                if !purged.isEmpty { logger.info("retention", metadata: ["purged": "\(purged.summary)"]) }
            }
        } else {
            summary.processed = false
            summary.documentsWaiting = try store.read { try $0.fetchedDocumentCount() }
        }
        summary.seconds = Date().timeIntervalSince(started)
        try store.write { try $0.finishRun(runID, status: summary.exitStatus == .ok ? "ok" : "partial", summary: summary.json(), now: clock.now) }
        logger.info("run finished", metadata: ["run": "\(runID)", "stored": "\(summary.mentionsStored)",
                                               "failed": "\(summary.sourcesFailed)", "seconds": "\(String(format: "%.2f", summary.seconds))"])
        return summary
    }

    // MARK: - The fetch stage

    /// Fetches the sources and keeps what came back: each body waits in the store, written in the
    /// transaction that saves its source's validators and schedule, so a later 304 never loses a
    /// document not yet processed. Results are written in batches as they arrive (one transaction
    /// per batch), so memory holds a batch of bodies, not the whole fetch.
    func fetchStage(_ sources: [SourceRecord], now: Date, into summary: inout RunSummary, progress: ((String) -> Void)?) {
        guard !sources.isEmpty else { return }
        do {
            let swept = try store.sweepSpool()
            if swept > 0 { logger.notice("removed pack files no document names (an earlier run was killed)", metadata: ["packs": "\(swept)"]) }
        } catch {
            logger.warning("cannot tidy the document spool", metadata: ["folder": "\(store.spoolFolder)", "error": "\(error)"])
        }
        let requests = sources.map { s in
            FetchRequest(key: s.name, url: s.url, etag: s.etag, lastModified: s.lastModified,
                         obeysRobots: s.kind == "reviews" && SourceSettings.decode(s.settings).obeysRobots)
        }
        var batch: [(SourceRecord, FetchResult)] = []
        var batchBytes = 0
        var done = 0
        // A batch is written on a writer thread while the transfers of the next go on (writing
        // 50 MB of bodies takes ~0.2 s, which otherwise stalls every transfer). The writer owns
        // `written` until `finish()`; memory holds at most the batch filling and the one written.
        let writer = OrderedWorker(label: "earshot.fetch-writer")
        var written = summary
        func write(_ full: [(SourceRecord, FetchResult)]) { writer.submit { self.record(full, now: now, into: &written) } }
        fetcher.fetchEach(requests) { index, result in
            done += 1
            progress?("fetched \(done)/\(requests.count): \(result.request.key)")
            batch.append((sources[index], result))
            if case .fetched(let response) = result.outcome { batchBytes += response.body.count }
            if batch.count >= Self.batchCount || batchBytes >= Self.batchBytes {
                write(batch)
                batch.removeAll(keepingCapacity: true)
                batchBytes = 0
            }
        }
        write(batch)
        writer.finish()
        summary = written
    }

    /// Fetch results written per transaction: enough to amortise a commit, few enough bodies in memory.
    static let batchCount = 128
    static let batchBytes = 8 << 20

    /// Writes one batch of fetch results in one transaction (each alone when that fails, so one bad
    /// row costs only its own source).
    func record(_ batch: [(SourceRecord, FetchResult)], now: Date, into summary: inout RunSummary) {
        guard !batch.isEmpty else { return }
        // Each write, with the count it added (taken back, and counted failed, if it cannot be stored).
        var writes: [(source: SourceRecord, counted: WritableKeyPath<RunSummary, Int>, write: (StoreTransaction) throws -> Void)] = []
        for (source, result) in batch {
            switch result.outcome {
            case .failed(let error):
                writes.append((source, \.sourcesFailed, failure(source, message: error.description, error: error, into: &summary)))
            case .notModified(let response):
                summary.sourcesNotModified += 1
                let nextDue = Self.nextDue(of: source, after: response, now: now)
                logger.debug("not modified", metadata: ["source": "\(source.name)"])
                writes.append((source, \.sourcesNotModified, { tx in
                    try tx.recordNotModified(sourceID: source.id, etag: response.etag ?? source.etag,
                                             lastModified: response.lastModified ?? source.lastModified, nextDue: nextDue,
                                             movedTo: response.permanentRedirect, now: now)
                }))
            case .fetched(let response):
                summary.sourcesFetched += 1
                let nextDue = Self.nextDue(of: source, after: response, now: now)
                if let moved = response.permanentRedirect {
                    logger.notice("source moved permanently", metadata: ["source": "\(source.name)", "to": "\(moved)"])
                }
                writes.append((source, \.sourcesFetched, { tx in
                    try tx.addFetchedDocument(sourceID: source.id, url: response.finalURL, charset: response.charset,
                                              body: response.body, at: now)
                    try tx.recordFetched(sourceID: source.id, etag: response.etag, lastModified: response.lastModified,
                                         nextDue: nextDue, movedTo: response.permanentRedirect, now: now)
                }))
            }
        }
        do {
            try store.write { tx in for item in writes { try item.write(tx) } }
        } catch {
            logger.warning("a batch of fetch results could not be stored; storing them one by one", metadata: ["error": "\(error)"])
            for item in writes {
                do {
                    try store.write { tx in try item.write(tx) }
                } catch {
                    summary[keyPath: item.counted] -= 1
                    summary.sourcesFailed += 1
                    summary.failures.append("\(item.source.name): store: \(error)")
                    logger.error("cannot store the fetch result", metadata: ["source": "\(item.source.name)", "error": "\(error)"])
                }
            }
        }
    }

    /// A source answered is due again after its interval, or after the answer's Cache-Control max-age
    /// when that is longer (a lower bound; the document's own `<ttl>` is applied when it is processed).
    static func nextDue(of source: SourceRecord, after response: FetchResponse, now: Date) -> Date {
        now.addingTimeInterval(max(source.interval, response.maxAge ?? 0))
    }

    // MARK: - The process stage

    /// Parses, matches, scores, stores and triages every fetched document waiting in the store, oldest
    /// first; each document's consequences committed whole with its deletion (parsed feeds several to a
    /// commit, ``processGroup(_:next:horizon:into:)``; review pages and failures one to a transaction).
    func processStage(horizon: Date, into summary: inout RunSummary, progress: ((String) -> Void)?) throws {
        let ids = try store.read { try $0.fetchedDocumentIDs() }
        guard !ids.isEmpty else { return }
        let scorer = try scorer()  // a missing lexicon stops the run here, with its remedy
        DocumentParser.prepareForThreads()
        // Feeds are parsed, matched and scored on the second core while this thread stores.
        let ahead = ReadAhead(count: ids.count, label: "earshot.read-ahead") { i in
            self.readAhead(ids[i], scorer: scorer)
        }
        defer { ahead.cancel() }
        var done = 0
        var pending: Ahead?
        while done < ids.count {
            let item = pending ?? ahead.next()
            pending = nil
            if let first = Self.grouped(item) {
                // Parsed feeds are stored a group at a time: one commit for several documents (most of a
                // commit's cost is the pages it writes, which neighbouring documents share). Each is stored
                // as it comes, while the read-ahead prepares the next; the group ends at a document not
                // parsed yet, so the transaction never waits on the parser (other writers wait on it).
                let group = try processGroup(first, next: {
                    guard done + $0 < ids.count, let next = ahead.nextIfReady() else { return nil }
                    guard let member = Self.grouped(next) else { pending = next; return nil }
                    return member
                }, horizon: horizon, into: &summary)
                done += group
                progress?("processed \(done)/\(ids.count)")
                continue
            }
            done += 1
            progress?("processed \(done)/\(ids.count)")
            switch item {
            case .lost(let error): try dropLost(ids[done - 1], error: error, into: &summary)
            case .failed(let error): throw error
            case .gone: continue
            case .loaded(let document, let read, let parsed):
                // The source as it is now: an earlier document of the same source may have changed it.
                guard let source = try store.read({ try $0.source(id: read.id) }) else { continue }
                process(document, of: source, parsed: parsed, horizon: horizon, into: &summary)
            }
        }
    }

    /// How many parsed feeds share one commit. Each document's consequences stay whole either way (all
    /// of them commit together or none does, and a document not committed waits for the next run).
    static let documentsPerCommit = 32

    /// A parsed feed as a member of a group.
    struct GroupedDocument {
        let fetched: FetchedDocument
        let sourceID: Int64
        let parsed: Parsed
        let pages: [ParsedDocument]
    }

    /// The item as a group member: a feed parsed ahead (not a review page, a parse failure or a lost document).
    static func grouped(_ item: Ahead) -> GroupedDocument? {
        guard case .loaded(let document, let read, let parsed?) = item, case .success(let pages) = parsed.pages else { return nil }
        return GroupedDocument(fetched: document, sourceID: read.id, parsed: parsed, pages: pages)
    }

    /// Stores `first` and the parsed feeds `next` gives (it is asked with the group's size so far, and says nil
    /// to end the group) in one transaction, at most ``documentsPerCommit``; returns how many it took. If any
    /// fails, the group is rolled back whole and each document is stored again in a transaction of its own,
    /// exactly as one alone would be (a failure is the failing document's and no other's). Throws only when
    /// the store cannot be read at all (as a document processed alone would).
    func processGroup(_ first: GroupedDocument, next: (Int) -> GroupedDocument?, horizon: Date, into summary: inout RunSummary) throws -> Int {
        let now = clock.now
        var group = [first]
        do {
            let stored = try store.write { tx -> [(SourceRecord, DocumentPlan, BatchCounts)] in
                var stored: [(SourceRecord, DocumentPlan, BatchCounts)] = []
                var index = 0
                while true {
                    let member = group[index]
                    index += 1
                    // The source as it is now: an earlier document of the same source may have changed it.
                    if let source = try tx.source(id: member.sourceID) {
                        let plan = try DocumentPlan(source: source, pages: member.pages, fetched: member.fetched,
                                                    query: source.query ?? config.query)
                        let counts = try storeDocument(member.fetched, of: source, plan: plan, prepared: member.parsed.entries,
                                                       horizon: horizon, now: now, in: tx)
                        stored.append((source, plan, counts))
                    }
                    guard group.count < Self.documentsPerCommit, let another = next(group.count) else { break }
                    group.append(another)
                }
                return stored
            }
            for (source, plan, counts) in stored {
                summary.pagesFetched += plan.pages.count
                logWarnings(plan, of: source, url: plan.url)
                finish(source, plan: plan, counts: counts, into: &summary)
            }
        } catch {
            logger.notice("a group of documents failed together; storing them one at a time", metadata: ["error": "\(error)"])
            for member in group {
                guard let source = try store.read({ try $0.source(id: member.sourceID) }) else { continue }
                process(member.fetched, of: source, parsed: member.parsed, horizon: horizon, into: &summary)
            }
        }
        return group.count
    }

    /// A waiting document whose bytes were lost (a power cut after its commit): its source is
    /// fetched whole at the next run, and the run says so.
    func dropLost(_ id: Int64, error: StoreError, into summary: inout RunSummary) throws {
        let name = try store.write { tx -> String? in
            guard let sourceID = try tx.dropLostDocument(id: id, now: clock.now) else { return nil }
            return try tx.source(id: sourceID)?.name
        }
        guard let name else { return }
        summary.warnings.append("\(name): \(error.description)")
        logger.warning("fetched document lost", metadata: ["source": "\(name)", "error": "\(error.description)"])
    }

    /// What a document's pages say about its source, worked out before storing.
    struct DocumentPlan {
        let pages: [ParsedDocument]
        let url: String
        let unhealthy: String?
        let notBefore: Date?
        let newestItem: Date?
        let query: BrandQuery

        init(source: SourceRecord, pages: [ParsedDocument], fetched: FetchedDocument, query: String) throws {
            self.pages = pages
            url = fetched.url
            unhealthy = Pipeline.unhealthiness(kind: source.kind, pages: pages)
            notBefore = pages.first?.minimumRefreshInterval.map { fetched.fetchedAt.addingTimeInterval($0) }
            // The newest item's time, matched or not, tells whether the source still brings anything (stale_after).
            newestItem = pages.lazy.flatMap(\.entries).compactMap { $0.published ?? $0.updated }.max()
            self.query = try BrandQuery(query)
        }
    }

    func logWarnings(_ plan: DocumentPlan, of source: SourceRecord, url: String) {
        var meta: Logger.Metadata = ["source": "\(source.name)", "url": "\(url)"]
        for w in plan.pages.flatMap(\.warnings).prefix(5) { meta["warning"] = "\(w)"; logger.notice("parse warning", metadata: meta) }
    }

    /// Stores what one fetched document brings (and the review pages after it), in one transaction.
    func process(_ fetched: FetchedDocument, of source: SourceRecord, parsed: Parsed? = nil, horizon: Date, into summary: inout RunSummary) {
        let pages: [ParsedDocument]
        do {
            pages = try parsed.map { try $0.pages.get() } ?? parsePages(fetched, of: source)
        } catch {
            // Not a feed or page at all: the source's failure. The document goes, and so do the
            // validators, so that the next fetch brings it whole again.
            let write = failure(source, message: "\(error)", error: nil, into: &summary)
            do {
                try store.write { tx in
                    try write(tx)
                    try tx.forgetValidators(sourceID: source.id)
                    try tx.deleteFetchedDocument(id: fetched.id)
                }
            } catch {
                logger.error("cannot record the failure", metadata: ["source": "\(source.name)", "error": "\(error)"])
            }
            return
        }
        summary.pagesFetched += pages.count
        do {
            let plan = try DocumentPlan(source: source, pages: pages, fetched: fetched, query: source.query ?? config.query)
            logWarnings(plan, of: source, url: fetched.url)
            let now = clock.now
            let counts = try store.write { tx in
                try storeDocument(fetched, of: source, plan: plan, prepared: parsed?.entries, horizon: horizon, now: now, in: tx)
            }
            finish(source, plan: plan, counts: counts, into: &summary)
        } catch {
            // Left waiting: the next run tries again (a busy or full disk passes; the error is logged each time).
            summary.sourcesFailed += 1
            summary.failures.append("\(source.name): store: \(error)")
            logger.error("cannot store the document; it waits for the next run", metadata: ["source": "\(source.name)", "error": "\(error)"])
        }
    }

    /// A document's consequences, inside the caller's transaction.
    func storeDocument(_ fetched: FetchedDocument, of source: SourceRecord, plan: DocumentPlan, prepared: [[PreparedEntry]]?,
                       horizon: Date, now: Date, in tx: StoreTransaction) throws -> BatchCounts {
        var counts = BatchCounts()
        // A source processed for the first time: its undated entries are its backlog (a review
        // page without dates must not page anyone for every review it ever had).
        let undatedAreHistory = try !tx.hasMentions(sourceID: source.id)
        // Oldest first, whatever the document's order (feeds list the newest first): a
        // reply is read after what it answers, a customer's "sorted" after their complaint.
        let prepared = prepared ?? plan.pages.map { page in
            Self.chronological(page.entries).map { prepare($0, of: source, query: plan.query, scorer: nil) }
        }
        for page in prepared {
            for entry in page {
                try store(entry, of: source, query: plan.query, in: tx, now: now, horizon: horizon,
                          undatedAreHistory: undatedAreHistory, counts: &counts)
            }
        }
        if let rating = plan.pages.first?.aggregateRating {
            try tx.recordAggregateRating(sourceID: source.id, value: rating.value, best: rating.best, worst: rating.worst,
                                         count: rating.count, at: fetched.fetchedAt)
        }
        try tx.recordProcessed(sourceID: source.id, unhealthy: plan.unhealthy, notBefore: plan.notBefore, newestItem: plan.newestItem)
        try tx.deleteFetchedDocument(id: fetched.id)
        return counts
    }

    /// What a stored document adds to the run's summary and log.
    func finish(_ source: SourceRecord, plan: DocumentPlan, counts: BatchCounts, into summary: inout RunSummary) {
        summary.add(counts)
        if let unhealthy = plan.unhealthy {
            summary.warnings.append("\(source.name): \(unhealthy)")
            logger.warning("source unhealthy", metadata: ["source": "\(source.name)", "why": "\(unhealthy)"])
        }
        logger.info("source stored", metadata: ["source": "\(source.name)", "entries": "\(counts.seen)", "new": "\(counts.stored)"])
    }

    /// A fetched document's pages: the document, and for a review page the next pages while they
    /// still bring reviews the store does not know; adapted to the source's platform.
    func parsePages(_ fetched: FetchedDocument, of source: SourceRecord) throws -> [ParsedDocument] {
        let settings = SourceSettings.decode(source.settings)
        var document = try DocumentParser.parse(fetched.body, url: fetched.url, charset: fetched.charset,
                                                options: ParseOptions(selectors: settings.reviewSelectors))
        var pages = [document]
        // Review pages: follow the next link while a page still brings reviews we do not know.
        var seen: Set<String> = [fetched.url]
        while source.kind == "reviews", pages.count < settings.maxPages, let next = document.nextPageURL,
              seen.insert(next).inserted, try hasUnknownEntries(document, sourceID: source.id) {
            let page = fetcher.fetch([FetchRequest(key: source.name, url: next, obeysRobots: settings.obeysRobots)])
            guard let r = page.first, case .fetched(let pageResponse) = r.outcome else { break }
            document = try DocumentParser.parse(pageResponse.body, url: pageResponse.finalURL, charset: pageResponse.charset,
                                                options: ParseOptions(selectors: settings.reviewSelectors))
            pages.append(document)
        }
        // A platform's feed (Reddit, Mastodon, Hacker News, Bluesky, Lemmy…): its entries as the platform
        // means them (the author from the link, the thread for the link, no boilerplate in the text).
        if let platform = settings.platform.flatMap(Platform.init(rawValue:)) ?? Platform.detect(url: source.url) ?? Platform.detect(url: fetched.url) {
            pages = pages.map(platform.adapt)
        }
        return pages
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
        var seen = 0, stored = 0, updated = 0, negatives = 0, opened = 0, joined = 0, reopened = 0, problems = 0, history = 0
        var copies = 0, brand = 0, brandReplies = 0, resolved = 0
    }

    /// Matches, scores, stores and triages one entry.
    ///
    /// A mention published before `horizon` is history: stored, scored and counted, it joins an
    /// open case but opens none and sends nothing.
    func store(_ prepared: PreparedEntry, of source: SourceRecord, query: BrandQuery, in tx: StoreTransaction, now: Date,
               horizon: Date, undatedAreHistory: Bool = false, counts: inout BatchCounts) throws {
        counts.seen += 1
        guard prepared.isRelevant else { return }
        let entry = prepared.entry, body = prepared.body, author = prepared.author
        let identity = prepared.identity, isBrand = prepared.isBrand
        let published = entry.published ?? entry.updated ?? now
        let fingerprint = prepared.fingerprint
        // A syndicated or cross-posted copy is one mention, seen in several sources. An item this
        // source already stored (most of a re-fetched feed) skips the copy look-ups: one query.
        let known = try tx.storedItem(sourceID: source.id, itemKey: entry.identity)
        if known == nil {
            if try tx.sighting(sourceID: source.id, itemKey: entry.identity) != nil { return }
            if let original = try tx.original(sourceID: source.id, fingerprint: prepared.canBeCopy ? fingerprint : nil,
                                              author: author, url: entry.link, around: published, isBrand: isBrand) {
                if try tx.recordSighting(mentionID: original, sourceID: source.id, itemKey: entry.identity, url: entry.link, at: now) {
                    counts.copies += 1
                }
                return
            }
        }
        // privacy: { store_redacted: true }: the words are kept only with personal data hidden (the
        // fingerprint above is of the original, so copies are still recognised).
        let keep: (String?) -> String? = { text in self.config.storeRedacted ? text.map(self.config.redactor.redact) : text }
        let isHistory = published < horizon || (undatedAreHistory && entry.published == nil && entry.updated == nil)
        let mention = NewMention(sourceID: source.id, itemKey: entry.identity, fingerprint: fingerprint, url: keep(entry.link),
                                 title: keep(entry.title), author: keep(author), body: keep(body) ?? body, publishedAt: published, fetchedAt: now,
                                 rating: entry.rating, bestRating: entry.bestRating, worstRating: entry.worstRating,
                                 identityKeys: identity.keys, inReplyTo: entry.inReplyToIdentity, inReplyToLink: entry.inReplyToLink,
                                 isHistory: isHistory,
                                 publishedOffset: entry.published != nil ? entry.publishedOffset : entry.updated != nil ? entry.updatedOffset : nil)
        let upsert = try tx.upsertMention(mention, known: known)
        // An owner's answer often comes days after the review: read it whether the review changed or not.
        if case .unchanged(let id) = upsert {
            if !isBrand { try storeResponses(entry.responses, toReview: id, entry: entry, of: source, in: tx, now: now, counts: &counts) }
            return
        }
        if isBrand {
            // Never scored as a customer's word (no sentiment, spike, problem or case counts it).
            guard case .inserted = upsert else { return }
            try tx.markBrand(mentionID: upsert.mentionID, inReplyTo: entry.inReplyToIdentity)
            counts.brand += 1
            let reply = TriageMention(mentionID: upsert.mentionID, sourceID: source.id, sourceName: source.name, author: author,
                                      url: entry.link, title: entry.title, body: body, publishedAt: published, rating: nil,
                                      bestRating: nil, worstRating: nil, score: Self.unscored,
                                      identity: identity, inReplyTo: entry.inReplyToIdentity, inReplyToLink: entry.inReplyToLink)
            try Self.triageBrand(reply, triage: triage, in: tx, now: now, counts: &counts)
            return
        }
        let score = try prepared.score ?? scorer().score(Self.scoreInput(entry, body: body, query: query))
        var previousLabel: SentimentLabel?
        if case .updated = upsert { previousLabel = try tx.scoreLabel(mentionID: upsert.mentionID).flatMap(SentimentLabel.init(rawValue:)) }
        try tx.saveScore(mentionID: upsert.mentionID, publishedAt: published, ScoreRecord(
            compound: score.compound, pos: score.pos, neu: score.neu, neg: score.neg, label: score.label.rawValue,
            isComplaint: score.isComplaint, aspects: score.aspects, reasons: score.reasons, decidedBy: score.decidedBy))
        var triageMention = TriageMention(mentionID: upsert.mentionID, sourceID: source.id, sourceName: source.name,
                                          author: author, url: entry.link, title: entry.title, body: body,
                                          publishedAt: published, rating: entry.rating, bestRating: entry.bestRating,
                                          worstRating: entry.worstRating, score: score, identity: identity,
                                          inReplyTo: entry.inReplyToIdentity, inReplyToLink: entry.inReplyToLink)
        triageMention.publishedOffset = mention.publishedOffset
        switch upsert {
        case .inserted: counts.stored += 1
        case .updated(_, let previous):
            counts.updated += 1
            if let previous { try triage.ratingChanged(triageMention, from: previous, in: tx, now: now) }
            counts.resolved += try triage.customerChangedMind(triageMention, previousRating: previous, previousLabel: previousLabel,
                                                              in: tx, now: now).count
        case .unchanged: break
        }
        if score.label == .negative, case .inserted = upsert { counts.negatives += 1 }
        if isHistory, case .inserted = upsert { counts.history += 1 }
        var isNew = false
        if case .inserted = upsert { isNew = true }
        try Self.triageCustomer(triageMention, itemKey: entry.identity, isNew: isNew, isHistory: isHistory, triage: triage,
                                in: tx, now: now, counts: &counts)
        try storeResponses(entry.responses, toReview: upsert.mentionID, entry: entry, of: source, in: tx, now: now, counts: &counts)
    }

    /// The owner's published answers to a review: each the brand's reply to it, stored once (keyed
    /// by its words, so a reordered or removed answer neither repeats nor loses another).
    func storeResponses(_ responses: [ParsedResponse], toReview reviewID: Int64, entry: ParsedEntry, of source: SourceRecord,
                        in tx: StoreTransaction, now: Date, counts: inout BatchCounts) throws {
        for response in responses where !response.text.isEmpty {
            let author = response.author ?? config.brand
            let fingerprint = Self.fingerprint(response.text)
            let reply = try tx.upsertMention(NewMention(
                sourceID: source.id, itemKey: entry.identity + "#response-" + fingerprint, fingerprint: fingerprint, url: entry.link,
                title: nil, author: author, body: response.text, publishedAt: response.published ?? now, fetchedAt: now,
                rating: nil, bestRating: nil, worstRating: nil,
                publishedOffset: response.published == nil ? nil : response.publishedOffset))
            guard case .inserted = reply else { continue }
            try tx.markBrand(mentionID: reply.mentionID, inReplyTo: entry.identity)
            counts.brand += 1
            let brandMention = TriageMention(mentionID: reply.mentionID, sourceID: source.id, sourceName: source.name, author: author,
                                             url: entry.link, title: nil, body: response.text, publishedAt: response.published ?? now,
                                             rating: nil, bestRating: nil, worstRating: nil, score: Self.unscored)
            if try triage.brandReplied(brandMention, answering: reviewID, in: tx, now: now) != nil { counts.brandReplies += 1 }
        }
    }

    /// Entries by publication time, undated ones last, each group in document order.
    static func chronological(_ entries: [ParsedEntry]) -> [ParsedEntry] {
        entries.enumerated().sorted { a, b in
            switch ((a.element.published ?? a.element.updated), (b.element.published ?? b.element.updated)) {
            case let (x?, y?): return x != y ? x < y : a.offset < b.offset
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.offset < b.offset
            }
        }.map(\.element)
    }

    /// Whether the same words can mark a copy: a text long enough that two people (or one person
    /// twice) writing it alike is unlikely: five words with an author (the copy must have the
    /// same), eight without ("same here" or "acme is down" twice is two mentions).
    static func canBeCopy(author: String?, body: String) -> Bool {
        let minimum = author == nil ? 8 : 5
        return ASCIIWords.hasWords(body, atLeast: minimum) ?? (body.split(whereSeparator: \.isWhitespace).count >= minimum)
    }

    /// The score a brand post carries in triage (it is never stored: the brand is no customer).
    static let unscored = Score(compound: 0, pos: 0, neu: 1, neg: 0, isComplaint: false, aspects: [], reasons: [], decidedBy: "brand")

    /// Counts and logs a source's failure and decides its backoff, pause and grace period (the
    /// fetch stage's policy); returns the write that records it.
    func failure(_ source: SourceRecord, message: String, error: FetchError?,
                 into summary: inout RunSummary) -> (StoreTransaction) throws -> Void {
        let now = clock.now
        let failures = source.failures + 1
        let is404 = error.map(Self.isGone) ?? false
        let decision = RetryPolicy(pausedAfter: config.pauseAfterFailures).decide(
            now: now, interval: source.interval, consecutiveFailures: failures, lastError: error,
            failingSince: is404 ? (source.goneSince ?? now) : nil, jitter: Double.random(in: 0...1))
        summary.sourcesFailed += 1
        summary.failures.append("\(source.name): \(message)")
        logger.error("source failed", metadata: ["source": "\(source.name)", "error": "\(message)", "failures": "\(failures)",
                                                 "paused": "\(decision.paused)", "gone": "\(decision.gone)"])
        return { tx in
            try tx.recordFetchFailure(sourceID: source.id, error: message, nextDue: decision.nextDue,
                                      pause: decision.paused || decision.gone, gone: is404, now: now)
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
        // A feed source that brought an HTML page with nothing to read: say what it is and what to do.
        if kind == "feed", let page = pages.first, page.kind == .html, pages.allSatisfy({ $0.entries.isEmpty }) {
            let what = "an HTML page" + (page.title.map { " (“\($0.prefix(60))”)" } ?? "") + ", not a feed, without schema.org reviews"
            if let feed = page.feedLinks.first { return what + "; it links to its feed: set url: to \(feed)" }
            return what + "; set url: to the site's feed, or kind: reviews with selectors: for its reviews"
        }
        return nil
    }

    /// Groups syndicated copies: the same words in the same order, whatever the markup or case.
    static func fingerprint(_ text: String) -> String {
        if let ascii = ASCIIWords.fingerprint(text) { return ascii }
        let words = text.lowercased().split { !$0.isLetter && !$0.isNumber }
        return StableHash.hex(words.joined(separator: " "))
    }
}

extension RunSummary {
    mutating func add(_ c: Pipeline.BatchCounts) {
        entriesSeen += c.seen; mentionsStored += c.stored; mentionsUpdated += c.updated; negatives += c.negatives
        casesOpened += c.opened; casesJoined += c.joined; casesReopened += c.reopened; problemsOpened += c.problems
        mentionsHistory += c.history
        copies += c.copies; brandMentions += c.brand; brandReplies += c.brandReplies; casesResolved += c.resolved
    }
}
