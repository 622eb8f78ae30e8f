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
        return source.withUTF8 { clean(utf8: $0, isHTML: true) }
    }

    /// Plain text of text that is not markup: whitespace collapsed and trimmed only.
    public static func clean(text: String) -> String? {
        var source = text
        return source.withUTF8 { clean(utf8: $0, isHTML: false) }
    }

    /// `clean(html:)` or `clean(text:)` on the UTF-8 of a String (or bytes that are valid UTF-8, which read
    /// the same).
    static func clean(utf8 bytes: UnsafeBufferPointer<UInt8>, isHTML: Bool) -> String? {
        guard isHTML else { return collapsed(bytes) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        stripMarkup(bytes, into: &out)
        return out.withUnsafeBufferPointer(collapsed)
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

    /// The text with whitespace runs collapsed to one space and trimmed; nil when nothing is left. Works on the
    /// UTF-8 bytes: whitespace characters always start at a byte a decoder starts at, so invalid bytes around
    /// them decode to U+FFFD exactly as they would from a String. The result is written straight into the
    /// String's storage (never longer than the input), which then checks it as UTF-8 once.
    static func collapsed(_ read: UnsafeBufferPointer<UInt8>) -> String? {
        guard let source = read.baseAddress else { return nil }
        let n = read.count
        let text = String(unsafeUninitializedCapacity: n) { b -> Int in
            guard let base = b.baseAddress else { return 0 }
            var i = 0
            // Leading whitespace goes; from here on a space at `i` always follows text that was written.
            while i < n, case let width = spaceLength(read, i), width > 0 { i += width }
            var write = 0
            while i < n {
                // Most text is printable ASCII or letters with single spaces: up to eight bytes of it stay as they
                // are. All eight are stored (`write` ≤ `i`, so they fit); those past the k kept are written over
                // by what follows, or are past the end.
                if i + 8 <= n {
                    let word = UnsafeRawPointer(source).loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    let k = plainPrefix(UInt64(littleEndian: word))
                    if k > 0 {
                        UnsafeMutableRawPointer(base).storeBytes(of: word, toByteOffset: write, as: UInt64.self)
                        write += k; i += k
                        continue
                    }
                }
                let width = spaceLength(read, i)
                if width == 0 {
                    b[write] = read[i]; write += 1; i += 1
                    continue
                }
                // A whitespace run: one space for it, none at the end.
                i += width
                while i < n, case let width = spaceLength(read, i), width > 0 { i += width }
                if i < n { b[write] = 0x20; write += 1 }
            }
            return write
        }
        return text.isEmpty ? nil : text
    }

    /// How many of the eight bytes in `word` (the first in the lowest byte), from the first, ``collapsed(_:)`` keeps
    /// unchanged when they follow text: bytes that cannot start a whitespace character (see
    /// ``spaceLength(_:_:)``), and spaces with such a byte on either side (the byte after the last one counted is
    /// unknown, so a space there is not counted).
    ///
    /// Word-wide bit tests: `(x - n·0x01…) & ~x & 0x80…` flags the bytes of x below n (n ≤ 0x80) exactly up
    /// to the first one (a borrow may flag bytes after it), so its lowest flag finds the first such byte;
    /// `~(((x & 0x7F…) + 0x7F…) | x | 0x7F…)` flags exactly the zero bytes of x.
    @inline(__always) static func plainPrefix(_ word: UInt64) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080, lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        @inline(__always) func firstZero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        // Controls (0x09–0x0D and 0x1C–0x1F are whitespace) and the lead bytes of whitespace characters: 0xC2,
        // 0xE1–0xE3 (0xE0 too, for one test; it is then looked at on its own and kept).
        let other = ((word &- ones &* 0x20) & ~word & highs) | firstZero(word ^ (ones &* 0xC2))
            | firstZero((word & (ones &* 0xFC)) ^ (ones &* 0xE0))
        let x = word ^ (ones &* 0x20)
        let spaces = ~(((x & lows) &+ lows) | x | lows)
        // The first of two spaces in a row starts a run.
        let stop = other | (spaces & (spaces >> 8))
        var count = stop == 0 ? 8 : stop.trailingZeroBitCount / 8
        if count > 0 && (spaces >> UInt64(8 * count - 8)) & 0x80 != 0 { count -= 1 }
        return count
    }

    /// feedparser's guess whether nominally plain text is HTML: a close tag or an entity reference, all tags
    /// in the sanitizer's safe list, all named entities defined in HTML 4.
    public static func looksLikeHTML(_ s: String) -> Bool {
        var text = s
        return text.withUTF8(looksLikeHTML)
    }

    /// ``looksLikeHTML(_:)`` on the UTF-8 of a String.
    static func looksLikeHTML(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
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
