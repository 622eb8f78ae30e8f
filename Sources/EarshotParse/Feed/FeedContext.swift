import Foundation

/// One place feed values are stored: the feed, an entry, an `<image>`, a `<textinput>` or an Atom `<source>`.
/// Mirrors the dictionaries feedparser fills, keeping only what the contract reads.
final class FeedContext {
    var values: [String: String] = [:]
    /// MIME type of text constructs stored in `values` (title, subtitle, summary...).
    var detailTypes: [String: String] = [:]
    /// Authors in document order; each a name/email/href dictionary.
    var authors: [[String: String]]? = nil
    var authorDetail: [String: String]? = nil
    var contents: [(type: String, value: String)] = []
    var published: Date?? = nil
    var updated: Date?? = nil
    var guidIsLink = false
    /// Depth at which each entry property was stored (a deeper duplicate does not override).
    var depthMap: [String: Int] = [:]
    var hasImage = false
    var hasTextInput = false
    var hasLinks = false

    init() {
        // Room for the fields an entry usually has (title, link, id, dates, author, summary): no rehashing as
        // they arrive one by one.
        values.reserveCapacity(8)
        depthMap.reserveCapacity(8)
        detailTypes.reserveCapacity(4)
    }

    /// Empties the context for the next entry, keeping the dictionaries' storage (entries follow one another
    /// with about the same fields). Every stored property goes back to its initial value.
    func reset() {
        values.removeAll(keepingCapacity: true)
        detailTypes.removeAll(keepingCapacity: true)
        authors = nil
        authorDetail = nil
        contents.removeAll(keepingCapacity: true)
        published = nil
        updated = nil
        guidIsLink = false
        depthMap.removeAll(keepingCapacity: true)
        hasImage = false
        hasTextInput = false
        hasLinks = false
    }

    func setDefault(_ key: String, _ value: String) { if values[key] == nil { values[key] = value } }
}
