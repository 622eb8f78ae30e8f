/// Turns feed text into plain text: markup stripped (scripts and styles dropped, block elements and `<br>`
/// become a space), character and entity references decoded, whitespace collapsed, trimmed; empty → nil.
public enum TextCleaner {
    /// Arrays, not sets: comparing a tag's two words with a few dozen keys is cheaper than hashing it.
    static let blockElements: [TagKey] = ["p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
                                          "tr", "td", "th", "table", "blockquote", "pre", "hr", "section",
                                          "article", "header", "footer", "dd", "dt", "dl"]
    static let droppedElements: [TagKey] = ["script", "style"]

    /// An HTML tag name, lowercased, packed into two words: no allocation per tag. Names longer than 16
    /// bytes (none that matters here is) all get one key that matches no known name.
    struct TagKey: Hashable, ExpressibleByStringLiteral {
        var low: UInt64 = 0
        var high: UInt64 = 0

        init(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
            guard range.count <= 16 else { low = .max; high = .max; return }
            for (k, i) in range.enumerated() {
                var c = UInt64(b[i])
                if c >= 65 && c <= 90 { c += 32 }   // ASCII lowercase, as String.lowercased() does
                if k < 8 { low |= c << (8 * UInt64(k)) } else { high |= c << (8 * UInt64(k - 8)) }
            }
        }

        init(stringLiteral name: String) {
            let bytes = Array(name.utf8)
            self = bytes.withUnsafeBufferPointer { TagKey($0, 0..<$0.count) }
        }
    }

    /// Plain text of an HTML fragment.
    public static func clean(html: String) -> String? {
        var source = html
        var out: [UInt8] = []
        source.withUTF8 { bytes in
            out.reserveCapacity(bytes.count)
            stripMarkup(bytes, into: &out)
        }
        return collapseInPlace(&out)
    }

    /// Plain text of text that is not markup: whitespace collapsed and trimmed only.
    public static func clean(text: String) -> String? {
        var bytes = Array(text.utf8)
        return collapseInPlace(&bytes)
    }

    /// `clean(html:)` or `clean(text:)` by MIME type.
    public static func clean(_ s: String?, isHTML: Bool) -> String? {
        guard let s else { return nil }
        return isHTML ? clean(html: s) : clean(text: s)
    }

    static func isNameByte(_ c: UInt8) -> Bool {
        (c | 0x20 >= 97 && c | 0x20 <= 122) || (c >= 48 && c <= 57) || c == 45 || c == 95 || c == 58 || c == 46
    }

    /// A tag-aware walk close to Python's html.parser (which feedparser's output went through).
    static func stripMarkup(_ b: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let n = b.count
        var i = 0
        var textStart = 0
        var skipUntil: TagKey? = nil   // inside script/style: skip to its end tag
        func flush(_ end: Int) {
            if skipUntil == nil && end > textStart { HTMLEntities.decode(b, textStart, end, into: &out) }
        }
        while i < n {
            if b[i] != UInt8(ascii: "<") { i = ByteScan.first(UInt8(ascii: "<"), b, i, n); continue }
            guard i + 1 < n else { i += 1; continue }
            let c = b[i + 1]
            if let closing = skipUntil {
                // Only the matching end tag ends a script or style.
                if c == UInt8(ascii: "/") {
                    var j = i + 2
                    while j < n, isNameByte(b[j]) { j += 1 }
                    if TagKey(b, (i + 2)..<j) == closing {
                        while j < n, b[j] != UInt8(ascii: ">") { j += 1 }
                        skipUntil = nil
                        i = min(j + 1, n); textStart = i
                        continue
                    }
                }
                i += 1; continue
            }
            if c == UInt8(ascii: "!") {
                flush(i)
                if i + 3 < n, b[i + 2] == UInt8(ascii: "-"), b[i + 3] == UInt8(ascii: "-") {
                    var j = i + 4
                    while j + 2 < n, !(b[j] == UInt8(ascii: "-") && b[j + 1] == UInt8(ascii: "-") && b[j + 2] == UInt8(ascii: ">")) { j += 1 }
                    i = j + 2 < n ? j + 3 : n
                } else if i + 8 < n, Array(UnsafeBufferPointer(rebasing: b[(i + 2)..<(i + 9)])) == Array("[CDATA[".utf8) {
                    var j = i + 9
                    while j + 2 < n, !(b[j] == UInt8(ascii: "]") && b[j + 1] == UInt8(ascii: "]") && b[j + 2] == UInt8(ascii: ">")) { j += 1 }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[(i + 9)..<min(j, n)]))
                    i = j + 2 < n ? j + 3 : n
                } else {
                    var j = i + 2
                    while j < n, b[j] != UInt8(ascii: ">") { j += 1 }
                    i = min(j + 1, n)
                }
                textStart = i
                continue
            }
            if c == UInt8(ascii: "?") {
                flush(i)
                var j = i + 2
                while j < n, b[j] != UInt8(ascii: ">") { j += 1 }
                i = min(j + 1, n); textStart = i
                continue
            }
            let isEnd = c == UInt8(ascii: "/")
            let nameStart = isEnd ? i + 2 : i + 1
            guard nameStart < n, b[nameStart] | 0x20 >= 97 && b[nameStart] | 0x20 <= 122 else { i += 1; continue }
            var j = nameStart
            while j < n, isNameByte(b[j]) { j += 1 }
            let name = TagKey(b, nameStart..<j)
            // Find the tag's end, skipping quoted attribute values.
            var quote: UInt8 = 0
            while j < n {
                let d = b[j]
                if quote != 0 { if d == quote { quote = 0 } }
                else if d == 0x22 || d == 0x27 { quote = d }
                else if d == UInt8(ascii: ">") { break }
                j += 1
            }
            if j >= n {  // an unfinished tag is text
                i += 1; continue
            }
            flush(i)
            if blockElements.contains(name) { out.append(0x20) }
            if !isEnd && b[j - 1] != UInt8(ascii: "/") && droppedElements.contains(name) { skipUntil = name }
            i = j + 1; textStart = i
        }
        flush(n)
    }

    /// Python's str.isspace for one scalar.
    @inline(__always) static func isSpace(_ v: UInt32) -> Bool {
        switch v {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// The length in bytes of the whitespace character (``isSpace(_:)``) that starts at `b[i]`, or 0.
    @inline(__always) static func spaceLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let c = b[i]
        if c < 0x80 { return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) ? 1 : 0 }
        let n = b.count
        switch c {
        case 0xC2:  // U+0085, U+00A0
            return i + 1 < n && (b[i + 1] == 0x85 || b[i + 1] == 0xA0) ? 2 : 0
        case 0xE1:  // U+1680
            return i + 2 < n && b[i + 1] == 0x9A && b[i + 2] == 0x80 ? 3 : 0
        case 0xE2:  // U+2000–U+200A, U+2028, U+2029, U+202F, U+205F
            guard i + 2 < n else { return 0 }
            let c1 = b[i + 1], c2 = b[i + 2]
            if c1 == 0x80 { return c2 <= 0x8A && c2 >= 0x80 || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF ? 3 : 0 }
            return c1 == 0x81 && c2 == 0x9F ? 3 : 0
        case 0xE3:  // U+3000
            return i + 2 < n && b[i + 1] == 0x80 && b[i + 2] == 0x80 ? 3 : 0
        default:
            return 0
        }
    }

    /// Collapses whitespace runs to one space and trims, rewriting `bytes` in place (the result is never
    /// longer, so the write position never passes the read position); nil when nothing is left. Works on the
    /// UTF-8 bytes: whitespace characters always start at a byte a decoder starts at, so invalid bytes around
    /// them decode to U+FFFD exactly as they would from a String.
    static func collapseInPlace(_ bytes: inout [UInt8]) -> String? {
        let length = bytes.withUnsafeMutableBufferPointer { b -> Int in
            let read = UnsafeBufferPointer(b)
            var write = 0
            var pendingSpace = false
            var any = false
            var i = 0
            while i < b.count {
                let c = read[i]
                // Printable ASCII (most text) is never whitespace.
                let width = c > 0x20 && c < 0x80 ? 0 : spaceLength(read, i)
                if width > 0 { pendingSpace = any; i += width; continue }
                if pendingSpace { b[write] = 0x20; write += 1; pendingSpace = false }
                b[write] = b[i]
                write += 1
                any = true
                i += 1
            }
            return any ? write : 0
        }
        guard length > 0 else { return nil }
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[..<length]), as: UTF8.self) }
    }

    /// feedparser's guess whether nominally plain text is HTML: a close tag or an entity reference, all tags
    /// in the sanitizer's safe list, all named entities defined in HTML 4.
    public static func looksLikeHTML(_ s: String) -> Bool {
        let b = Array(s.utf8)
        let n = b.count
        func isWord(_ c: UInt8) -> Bool { (c | 0x20 >= 97 && c | 0x20 <= 122) || (c >= 48 && c <= 57) || c == 95 || c >= 0x80 }
        var hasClose = false, hasEntity = false
        var i = 0
        while i < n {
            if b[i] == UInt8(ascii: "<") {
                var j = i + 1
                let closing = j < n && b[j] == UInt8(ascii: "/")
                if closing { j += 1 }
                let start = j
                while j < n, isWord(b[j]) { j += 1 }
                if j > start {
                    let name = String(decoding: b[start..<j], as: UTF8.self).lowercased()
                    if !safeElements.contains(name) { return false }
                    if closing, j < n, b[j] == UInt8(ascii: ">") { hasClose = true }
                }
            } else if b[i] == UInt8(ascii: "&") {
                var j = i + 1
                let numeric = j < n && b[j] == UInt8(ascii: "#")
                if numeric { j += 1 }
                let start = j
                while j < n, isWord(b[j]) { j += 1 }
                if j > start, j < n, b[j] == UInt8(ascii: ";") {
                    hasEntity = true
                    if !numeric, !HTMLEntities.html4Names.contains(String(decoding: b[start..<j], as: UTF8.self)) { return false }
                }
            }
            i += 1
        }
        return hasClose || hasEntity
    }

    static let safeElements: Set<String> = Set(("a abbr acronym address area article aside audio b big blockquote br button canvas caption center cite code col colgroup command datagrid datalist dd del details dfn dialog dir div dl dt em event-source fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 header hr i img input ins kbd keygen label legend li m map menu meter multicol nav nextid noscript ol optgroup option output p pre progress q s samp section select small sound source spacer span strike strong sub sup table tbody td textarea tfoot th thead time tr tt u ul var video").split(separator: " ").map(String.init))
}
