import Foundation

/// One place feed values are stored: the feed, an entry, an `<image>`, a `<textinput>` or an Atom `<source>`.
/// Mirrors the dictionaries feedparser fills, keeping only what the contract reads.
final class FeedContext {
    var values = FieldMap<String>()
    /// MIME type of text constructs stored in `values` (title, subtitle, summary...).
    var detailTypes = FieldMap<String>()
    /// Authors in document order; each a name/email/href dictionary.
    var authors: [[String: String]]? = nil
    var authorDetail: [String: String]? = nil
    /// The summary (`description`, `summary`...) and the contents, kept as read: only ever cleaned.
    var summary: FeedText?
    var contents: [(type: String, value: FeedText)] = []
    var published: WrittenDate?? = nil
    var updated: WrittenDate?? = nil
    var guidIsLink = false
    /// Depth at which each entry property was stored (a deeper duplicate does not override).
    var depthMap = FieldMap<Int>()
    var hasImage = false
    var hasTextInput = false
    var hasLinks = false
    /// RFC 4685 `<thr:in-reply-to>`'s `ref` and resolved `href` (entries only).
    var inReplyTo: String?
    var inReplyToLink: String?

    /// Empties the context for the next entry, keeping the fields' storage (entries follow one another
    /// with about the same fields). Every stored property goes back to its initial value.
    func reset() {
        values.removeAll()
        detailTypes.removeAll()
        authors = nil
        authorDetail = nil
        summary = nil
        contents.removeAll(keepingCapacity: true)
        published = nil
        updated = nil
        guidIsLink = false
        depthMap.removeAll()
        hasImage = false
        hasTextInput = false
        hasLinks = false
        inReplyTo = nil
        inReplyToLink = nil
    }

    func setDefault(_ key: String, _ value: String) { if values[key] == nil { values[key] = value } }
}

/// Values by field name, for a ``FeedContext``. A context holds about ten fields (title, link, id, author...),
/// each stored and looked up a few times per entry: comparing the name with a few short names costs less than
/// hashing it, as a Dictionary does on every access. Past ``indexedCount`` names (a hostile entry with
/// thousands of distinct elements) a Dictionary of positions takes over, so an access never walks a long list.
struct FieldMap<Value> {
    private var names: [String] = []
    private var values: [Value] = []
    private var positions: [String: Int]?
    static var indexedCount: Int { 16 }

    init() {
        // Room for the fields an entry usually has: no reallocation as they arrive one by one.
        names.reserveCapacity(Self.indexedCount)
        values.reserveCapacity(Self.indexedCount)
    }

    private func position(of name: String) -> Int? {
        if let positions { return positions[name] }
        // Lengths first: most names differ in length, and a length is at hand without a call.
        let length = name.utf8.count
        return names.firstIndex { $0.utf8.count == length && $0 == name }
    }

    subscript(name: String) -> Value? {
        get { position(of: name).map { values[$0] } }
        set {
            if let i = position(of: name) {
                if let newValue {
                    values[i] = newValue
                } else {
                    names.remove(at: i); values.remove(at: i)
                    if positions != nil { index() }
                }
            } else if let newValue {
                names.append(name); values.append(newValue)
                if positions != nil { positions![name] = names.count - 1 } else if names.count > Self.indexedCount { index() }
            }
        }
    }

    private mutating func index() {
        positions = Dictionary(uniqueKeysWithValues: zip(names, names.indices))
    }

    /// Empties the map, keeping its storage for the next entry.
    mutating func removeAll() {
        names.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        positions = nil
    }
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
