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
    /// The summary (`description`, `summary`...) and the contents, kept as read: only ever cleaned.
    var summary: FeedText?
    var contents: [(type: String, value: FeedText)] = []
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
        summary = nil
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

/// An element's text for a value that is only ever cleaned (an entry's summary and content, see
/// ``TextCleaner``): as the UTF-8 bytes it was read as when they are valid, so that the raw text, often most
/// of a feed, is never made a String (which checks it as UTF-8 once more); otherwise a String.
enum FeedText {
    case string(String)
    /// Valid UTF-8 (so it reads as a String of the same bytes would).
    case utf8([UInt8])

    var string: String {
        switch self {
        case .string(let s): return s
        case .utf8(let bytes): return String(decoding: bytes, as: UTF8.self)
        }
    }

    var isEmpty: Bool {
        switch self {
        case .string(let s): return s.isEmpty
        case .utf8(let bytes): return bytes.isEmpty
        }
    }

    func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        switch self {
        case .string(var s): return s.withUTF8(body)
        case .utf8(let bytes): return bytes.withUnsafeBufferPointer(body)
        }
    }
}
