import CLibXML2
import Foundation

/// Reviews out of an HTML page: schema.org JSON-LD first, then microdata and RDFa Lite, then rated blog
/// comments (``RatedCommentReader``) and a site's own review list (``VisibleReviewReader``) when the source has
/// no selectors, else the source's selectors.
///
/// The page parses with libxml2's recovering HTML parser (see ``HTMLDocument``); the first of the
/// three methods that finds reviews wins, so a page with both JSON-LD and microdata gives each review once.
/// The document is `kind: .html`: the page's `<title>`, its canonical link (else the URL), the meta
/// description as subtitle and `<html lang>` as language; one entry per review.
///
/// Identity: an entry's `id` is the review's own `@id` (resolved against the canonical link, else the URL) or
/// `url` (JSON-LD), `itemid`/`url` (microdata). Without one, `id` stays nil and ``ParsedEntry/identity``
/// hashes author, date, title and body: stable from run to run and across pages, but an edited review then
/// counts as a new mention (nothing on the page tells an edit from a new review). A review that is one of the
/// page's comments takes the comment's permalink (``RatedCommentReader/join(_:comments:shown:)``). Selector reviews have a
/// `link` when the link selector finds a per-review permalink; identity then uses it, and edits update.
public enum ReviewPageParser {
    /// The warning for a page where nothing was found and nothing was configured.
    static let noReviewWarning = "no schema.org Review (JSON-LD, microdata or RDFa) and no selectors for this source; "
        + "add selectors in earshot.yaml"

    /// Parses one review page.
    ///
    /// - Parameters:
    ///   - data: the page as fetched.
    ///   - url: the page URL: the base for relative links and the fallback document link.
    ///   - charset: the HTTP charset; nil lets the BOM and `<meta charset>` decide.
    ///   - options: the source's selectors and the size and depth limits.
    /// - Throws: ``ParseError`` when the page is larger than `options.maximumBytes` or empty.
    public static func parse(_ data: Data, url: String?, charset: String?, options: ParseOptions) throws -> ParsedDocument {
        guard data.count <= options.maximumBytes else {
            throw ParseError("parse: page is \(data.count) bytes, above the limit of \(options.maximumBytes); "
                + "raise maximumBytes for this source if the page is genuine")
        }
        guard let document = HTMLDocument(data: data, url: url, encoding: charset) else {
            throw ParseError("parse: page is empty; nothing to read")
        }
        let base = baseURL(document, url: url)
        let depth = max(options.maximumDepth, 1)
        var result = ParsedDocument(kind: .html)
        readHead(document, base: base, url: url, into: &result)
        if document.root.map({ exceedsDepth($0, depth) }) == true {
            result.warnings.append("page nests elements deeper than \(depth) levels; ignored what lies deeper")
        }

        // "6/2/24" is 2 June or 6 February as the page writes its days.
        let slashOrder = VisibleDate.slashOrder(in: document)
        var jsonLD = JSONLDReviewReader(base: base, identifierBase: result.link.flatMap { URL(string: $0) })
        jsonLD.slashOrder = slashOrder
        jsonLD.read(document)
        result.warnings += jsonLD.warnings
        var entries = jsonLD.entries
        var aggregate = jsonLD.aggregateRating

        if entries.isEmpty || aggregate == nil {
            var microdata = MicrodataReviewReader(base: base, maximumDepth: depth)
            microdata.slashOrder = slashOrder
            microdata.read(document)
            if entries.isEmpty { entries = microdata.entries }
            if aggregate == nil { aggregate = microdata.aggregateRating }
        }
        if entries.isEmpty || aggregate == nil {
            var rdfa = MicrodataReviewReader(base: base, maximumDepth: depth, syntax: .rdfaLite)
            rdfa.slashOrder = slashOrder
            rdfa.read(document)
            // A page may mark some reviews one way and some the other (or the same ones twice: the
            // identities below keep one of each).
            if entries.isEmpty || jsonLD.entries.isEmpty { entries += rdfa.entries }
            if aggregate == nil { aggregate = rdfa.aggregateRating }
        }

        // Reviewers the structured data names by handle, shown by name on a link to their profile.
        entries = ShownAuthorNames.apply(entries, document: document, base: base)

        // Rated blog comments (no schema.org reviews, no selectors): what the page shows its readers; with
        // schema.org reviews, the comments' permalinks and typeset words where they are the same words, and the
        // rated comments a recipe plugin left out of its markup when every marked review is one of them. With
        // neither, a list the site shows as its reviews (VisibleReviewReader: stricter than a first try that read
        // any repeated review-named element, which found reviews on held-out pages that have none). Joining every
        // rated comment to any schema.org reviews was tried too and left out, for the same reason.
        if options.selectors == nil {
            var comments = RatedCommentReader(base: base, pageLink: result.link ?? url, maximumDepth: depth)
            comments.collectsShown = !entries.isEmpty
            comments.slashOrder = slashOrder
            comments.read(document)
            if entries.isEmpty {
                entries = comments.entries
                if entries.isEmpty {
                    // No markup, no rated comments: a list the site shows as its reviews.
                    var visible = VisibleReviewReader(base: base, pageLink: result.link ?? url, maximumDepth: depth)
                    visible.slashOrder = slashOrder
                    visible.read(document)
                    entries = visible.entries
                }
            } else {
                let marked = distinctIdentities(entries, pageLinks: [url, result.link].compactMap { $0 }, base: base)
                entries = RatedCommentReader.join(marked, comments: comments.entries, shown: comments.shown)
            }
        }

        var selectorNextPage: String?
        if let selectors = options.selectors {
            var reader = SelectorReviewReader(selectors: selectors, base: base, maximumDepth: depth)
            reader.read(document)
            selectorNextPage = reader.nextPageURL
            // Markup is more faithful than selectors. While markup delivers reviews, selectors that no longer
            // match are no outage: their "selectors:" warnings would mark a healthy source unhealthy.
            if entries.isEmpty {
                entries = reader.entries
                result.warnings += reader.warnings
            }
        } else if entries.isEmpty {
            result.warnings.append(noReviewWarning)
        }
        // A stub marked as a review with no words and no stars (",," by nobody) is no review.
        entries.removeAll { $0.rating == nil && !(($0.content ?? "") + ($0.summary ?? "") + ($0.title ?? "")).contains(where: { $0.isLetter || $0.isNumber }) }

        result.entries = distinctIdentities(entries, pageLinks: [url, result.link].compactMap { $0 }, base: base)
        result.aggregateRating = aggregate
        result.nextPageURL = selectorNextPage ?? relNext(document, base: base)
        return result
    }

    // MARK: - The page itself

    private static func readHead(_ document: HTMLDocument, base: URL?, url: String?, into result: inout ParsedDocument) {
        let metas = document.elements("//meta[@content]")
        result.title = document.elements("//title[not(ancestor::svg)]").lazy.compactMap { HTMLText.text(of: $0) }.first
            ?? meta(metas, "og:title")
        let canonical = document.elements("//link[@rel and @href]")
            .first(where: { $0.tokens("rel").contains("canonical") })?.attribute("href")
        result.link = PageLink.resolve(canonical, against: base) ?? url
        result.feedLinks = document.elements("//link[@rel and @href and @type]").filter {
            $0.tokens("rel").contains("alternate")
                && ["application/rss+xml", "application/atom+xml", "application/rdf+xml"].contains(($0.attribute("type") ?? "").lowercased())
        }.compactMap { PageLink.resolve($0.attribute("href"), against: base) }
        result.subtitle = meta(metas, "description") ?? meta(metas, "og:description")
        if let root = document.root {
            result.language = (root.attribute("lang") ?? root.attribute("xml:lang")).flatMap(HTMLText.collapse)
        }
    }

    /// The base for relative links: `<base href>` (itself resolved against the URL) when the page sets one.
    private static func baseURL(_ document: HTMLDocument, url: String?) -> URL? {
        let pageURL = url.flatMap { URL(string: $0) }
        if let href = document.elements("//base[@href]").first?.attribute("href"),
           let resolved = PageLink.resolve(href, against: pageURL), let base = URL(string: resolved),
           base.scheme != nil {
            return base
        }
        return pageURL
    }

    /// The `content` of `<meta name=...>` or `<meta property=...>` (Open Graph), names compared case-insensitively.
    private static func meta(_ metas: [HTMLNode], _ name: String) -> String? {
        metas.first(where: {
            ($0.attribute("name") ?? $0.attribute("property"))?.lowercased() == name
        })?.attribute("content").flatMap(HTMLText.plain)
    }

    /// `<link rel=next>` or `<a rel=next>`.
    private static func relNext(_ document: HTMLDocument, base: URL?) -> String? {
        let candidates = document.elements("//link[@rel and @href] | //a[@rel and @href]")
        guard let next = candidates.first(where: { $0.tokens("rel").contains("next") }) else { return nil }
        return PageLink.resolve(next.attribute("href"), against: base)
    }

    // MARK: - Identity

    /// The entries with ids and links that really name one review each.
    ///
    /// ``ParsedEntry/identity`` prefers the id, then the link: a `url` that is the page itself, or that several
    /// reviews share, would fold different reviews into one mention. Such links and ids are dropped, so those
    /// reviews fall back to the content hash. Exact duplicates (one review in two JSON-LD blocks) are dropped too.
    static func distinctIdentities(_ entries: [ParsedEntry], pageLinks: [String], base: URL?) -> [ParsedEntry] {
        var unique: [ParsedEntry] = []
        var seen: Set<String> = []
        for entry in entries {
            let key = [entry.id, entry.link, entry.title, entry.author, entry.published.map { "\($0.timeIntervalSince1970)" },
                       entry.summary, entry.content, entry.rating.map { "\($0)" }].map { $0 ?? "\u{0}" }.joined(separator: "\u{1F}")
            if seen.insert(key).inserted { unique.append(entry) }
        }
        let pages = Set(pageLinks.flatMap { [$0, PageLink.resolve($0, against: base) ?? $0] }.map(withoutTrailingSlash))
        var idCounts: [String: Int] = [:]
        var linkCounts: [String: Int] = [:]
        for entry in unique {
            if let id = entry.id { idCounts[id, default: 0] += 1 }
            if let link = entry.link { linkCounts[link, default: 0] += 1 }
        }
        return unique.map { entry in
            var entry = entry
            if let id = entry.id, idCounts[id, default: 0] > 1 || pages.contains(withoutTrailingSlash(id)) { entry.id = nil }
            if let link = entry.link, linkCounts[link, default: 0] > 1 || pages.contains(withoutTrailingSlash(link)) {
                entry.link = nil
            }
            return entry
        }
    }

    private static func withoutTrailingSlash(_ link: String) -> String {
        link.hasSuffix("/") ? String(link.dropLast()) : link
    }

    // MARK: - Limits

    /// True when some element lies deeper than `limit` (walked iteratively: the page may nest a million divs).
    static func exceedsDepth(_ root: HTMLNode, _ limit: Int) -> Bool {
        var exceeds = false
        root.walkElements { element, depth in
            guard element.pointer.pointee.children != nil else { return .skip }
            if depth >= limit { exceeds = true; return .stop }
            return .descend
        }
        return exceeds
    }
}
