import Dispatch
import EarshotParse
import EarshotScore
import EarshotStore
import EarshotTriage
import Foundation

extension Pipeline {
    /// What one entry brings that needs no store: its words, author and identity, whether it is the
    /// brand's or matches the query, its fingerprint and score. Worked out on the second core ahead
    /// of the writer (`ReadAhead`) or, for review pages, by the writer itself; the writer's decisions
    /// are the same either way.
    struct PreparedEntry {
        let entry: ParsedEntry
        let body: String
        let author: String?
        let identity: CustomerIdentity
        let isBrand: Bool
        /// Words, and the brand's or about the brand: only such entries are stored.
        let isRelevant: Bool
        let fingerprint: String
        let canBeCopy: Bool
        /// Made ahead for a relevant customer entry; nil when the writer must score it (if it needs to).
        let score: Score?
    }

    /// `scorer` is given when the score is worth making now (ahead of the writer, on the other core).
    func prepare(_ entry: ParsedEntry, of source: SourceRecord, query: BrandQuery, scorer: Scorer?) -> PreparedEntry {
        let body = entry.content ?? entry.summary ?? entry.title ?? ""
        // One spelling of the author everywhere (threading, problem counts, the digest): trimmed,
        // inner spaces collapsed, and none at all rather than blanks.
        let author = entry.author.flatMap(Self.collapsedAuthor)
        var identity = CustomerIdentity(author: author, email: entry.authorEmail, profile: entry.authorURI)
        // The brand's own posts are read whatever the query: its replies rarely repeat its name.
        let isBrand = !brandAccounts.isEmpty && brandAccounts.owns(identity)
        // privacy: { store_redacted: true }: an e-mail address is recognised again by its hash, never kept.
        if config.storeRedacted { identity = identity.pseudonymised(StableHash.hex) }
        let isRelevant = !body.isEmpty && (isBrand || source.isAboutUs || query.matches([entry.title ?? "", body].joined(separator: " ")))
        guard isRelevant else {
            return PreparedEntry(entry: entry, body: body, author: author, identity: identity, isBrand: isBrand, isRelevant: false,
                                 fingerprint: "", canBeCopy: false, score: nil)
        }
        let score = isBrand ? nil : scorer?.score(Self.scoreInput(entry, body: body, query: query))
        return PreparedEntry(entry: entry, body: body, author: author, identity: identity, isBrand: isBrand, isRelevant: true,
                             fingerprint: Self.fingerprint(body), canBeCopy: Self.canBeCopy(author: author, body: body), score: score)
    }

    static func scoreInput(_ entry: ParsedEntry, body: String, query: BrandQuery) -> ScoreInput {
        ScoreInput(text: body, title: entry.title, rating: entry.rating, bestRating: entry.bestRating,
                   worstRating: entry.worstRating, brandTerms: query.terms)
    }

    /// An author's name trimmed with inner whitespace collapsed to one space; nil when blank.
    static func collapsedAuthor(_ name: String) -> String? {
        let collapsed = ASCIIWords.collapsed(name) ?? name.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return collapsed.isEmpty ? nil : collapsed
    }

    /// A waiting document as the writer receives it: loaded, and for a feed already parsed, adapted to
    /// its platform, its entries in the order they are stored and prepared.
    enum Ahead {
        case lost(StoreError)
        case failed(Error)
        case gone
        case loaded(FetchedDocument, SourceRecord, Parsed?)
    }

    /// A feed's pages parsed ahead, or the parse error; `entries` (per page, in storing order) unless
    /// the source's query is wrong (the writer then meets the error itself).
    struct Parsed {
        let pages: Result<[ParsedDocument], Error>
        let entries: [[PreparedEntry]]?
    }

    /// Loads, parses and prepares a waiting document. A review page is only loaded: following its
    /// next pages depends on what the store already holds, which the writer alone knows.
    func readAhead(_ id: Int64, scorer: Scorer) -> Ahead {
        let loaded: (FetchedDocument, SourceRecord)?
        do {
            loaded = try store.read { tx -> (FetchedDocument, SourceRecord)? in
                guard let document = try tx.fetchedDocument(id: id), let source = try tx.source(id: document.sourceID) else { return nil }
                return (document, source)
            }
        } catch let error as StoreError where error.kind == .lost {
            return .lost(error)
        } catch {
            return .failed(error)
        }
        guard let (document, source) = loaded else { return .gone }
        guard source.kind != "reviews" else { return .loaded(document, source, nil) }
        let pages = Result { try parsePages(document, of: source) }
        var entries: [[PreparedEntry]]?
        if case .success(let parsed) = pages, let query = try? BrandQuery(source.query ?? config.query) {
            entries = parsed.map { page in Self.chronological(page.entries).map { prepare($0, of: source, query: query, scorer: scorer) } }
        }
        return .loaded(document, source, Parsed(pages: pages, entries: entries))
    }
}

/// Runs `make` for each of `count` items in order on a background thread, at most `depth` ahead of
/// the consumer, who takes the results in the same order with `next()`. Parsing and scoring thus
/// use the second core while the writer stores (the store stays one writer).
final class ReadAhead<T> {
    private let lock = NSCondition()
    private var ready: [Int: T] = [:]
    private var taken = 0
    private var cancelled = false
    private let depth: Int

    init(count: Int, depth: Int = 8, label: String, make: @escaping (Int) -> T) {
        self.depth = depth
        Thread.detachNewThread { [self] in
            Thread.current.name = label
            for i in 0..<count {
                lock.lock()
                while !cancelled && i - taken >= depth { lock.wait() }
                let stop = cancelled
                lock.unlock()
                if stop { return }
                let value = make(i)
                lock.lock()
                ready[i] = value
                lock.broadcast()
                lock.unlock()
            }
        }
    }

    /// The next item's result, waiting for it if need be.
    func next() -> T {
        lock.lock()
        defer { lock.unlock() }
        while ready[taken] == nil { lock.wait() }
        let value = ready.removeValue(forKey: taken)!
        taken += 1
        lock.broadcast()
        return value
    }

    /// The next item's result if it is made already, else nil (and nothing is taken): a writer holding a
    /// transaction open takes only what it need not wait for.
    func nextIfReady() -> T? {
        lock.lock()
        defer { lock.unlock() }
        guard let value = ready.removeValue(forKey: taken) else { return nil }
        taken += 1
        lock.broadcast()
        return value
    }

    /// Stops the producer after the item it is making (the consumer stopped early).
    func cancel() {
        lock.lock()
        cancelled = true
        lock.broadcast()
        lock.unlock()
    }
}
