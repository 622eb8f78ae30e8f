import Foundation

/// From feedparser-shaped values to the contract's ``ParsedDocument``.
enum FeedMapping {
    static func isHTML(_ type: String?) -> Bool { (type ?? "text/html").containsUTF8("html") }

    static func text(_ ctx: FeedContext, _ key: String, fallbackType: String? = nil) -> String? {
        TextCleaner.clean(ctx.values[key], isHTML: isHTML(ctx.detailTypes[key] ?? fallbackType))
    }

    static func clean(_ text: FeedText?, isHTML: Bool) -> String? {
        text?.withUTF8 { TextCleaner.clean(utf8: $0, isHTML: isHTML) }
    }

    static func document(_ b: FeedBuilder, warnings: [String]) -> ParsedDocument {
        let kind: ParsedDocument.Kind = b.version.hasPrefix("atom") ? .atom
            : (b.version == "rss090" || b.version == "rss10") ? .rdf : .rss
        var doc = ParsedDocument(kind: kind)
        let f = b.feed
        doc.title = text(f, "title")
        doc.link = f.values["link"]
        doc.subtitle = text(f, "subtitle")
        doc.language = f.values["language"] ?? b.language
        doc.updated = f.updated??.date
        doc.warnings = warnings
        b.finishEntries()
        doc.entries = b.finishedEntries
        doc.minimumRefreshInterval = refreshInterval(b)
        return doc
    }

    /// One entry of the result from the raw values feedparser's rules stored.
    static func entry(_ e: FeedContext) -> ParsedEntry {
        var entry = ParsedEntry()
        entry.id = e.values["id"]
        entry.title = text(e, "title")
        entry.link = e.values["link"]
        if let first = e.authors?.first {
            entry.author = [first["name"], first["email"]].compactMap { $0 }.first { !$0.isEmpty }
            // The same author's address and profile link (feedparser's author_detail: Atom <email>/<uri>,
            // "email (Name)" split by syncAuthorDetail); `author` keeps preferring the name.
            entry.authorEmail = MailAddress.bare(first["email"]) ?? addressInName(first["name"])
            entry.authorURI = first["href"].flatMap { $0.isEmpty ? nil : $0 }
        }
        entry.inReplyTo = e.inReplyTo
        entry.inReplyToLink = e.inReplyToLink
        entry.published = e.published??.date
        entry.publishedOffset = e.published??.offset
        entry.updated = e.updated??.date
        entry.updatedOffset = e.updated??.offset
        entry.summary = clean(e.summary, isHTML: isHTML(e.detailTypes["summary"] ?? e.detailTypes["summary-from-content"]))
        if let c = e.contents.first { entry.content = clean(c.value, isHTML: isHTML(c.type)) }
        return entry
    }

    /// The address in an author name that feedparser's rule did not split off: "support@acme.example (Acme
    /// Support)" stays one name there (its top-level domain is longer than 4 letters), and ``ParsedEntry/author``
    /// keeps it so; the address is still the author's.
    static func addressInName(_ name: String?) -> String? {
        guard let name, let range = FeedBuilder.findEmail(name, anyTopLevelDomain: true) else { return nil }
        return MailAddress.bare(String(name[range]))
    }

    /// RSS `<ttl>` (minutes) and `sy:updatePeriod`/`sy:updateFrequency`, in seconds; the longer hint wins.
    static func refreshInterval(_ b: FeedBuilder) -> TimeInterval? {
        var result: TimeInterval? = nil
        if let t = b.ttl?.trimmingSpaces(), let minutes = Double(t), minutes > 0, minutes.isFinite {
            result = minutes * 60
        }
        if b.syPeriod != nil || b.syFrequency != nil {
            let periods: [String: Double] = ["hourly": 3600, "daily": 86400, "weekly": 604800, "monthly": 2_592_000, "yearly": 31_536_000]
            let period = periods[(b.syPeriod ?? "daily").trimmingSpaces().lowercased()] ?? 86400
            var frequency = Double(b.syFrequency?.trimmingSpaces() ?? "1") ?? 1
            if !(frequency >= 1) || !frequency.isFinite { frequency = 1 }
            let sy = period / frequency
            result = max(result ?? 0, sy)
        }
        return result
    }
}
