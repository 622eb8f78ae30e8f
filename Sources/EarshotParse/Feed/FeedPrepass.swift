/// One linear pass over the UTF-8 document before libxml2 sees it, doing what feedparser's
/// `replace_doctype` and loose entity handling do, safely:
/// - the DOCTYPE and its ENTITY declarations are removed, so libxml2 never reads a DTD (no external entities,
///   no entity expansion: no XXE, no billion laughs); declared entities whose value is a character reference
///   or plain text ("safe" in feedparser's sense) are remembered and substituted here, once, without nesting;
/// - references to HTML named entities that XML does not define (`&nbsp;`, `&eacute;`) become numeric
///   character references; unknown names and bare `&` are kept as literal text.
/// CDATA sections and comments are copied unchanged.
///
/// It streams: ``head(_:)`` handles what precedes the first element, then ``body(_:from:sink:)`` hands its
/// output to `sink` in pieces of about ``windowSize`` bytes, so the prepass never holds a copy of the document.
struct FeedPrepass {
    /// Output not yet handed to the sink.
    var output: [UInt8] = []
    var warnings: [String] = []
    var netscapeDoctype = false
    /// Entities declared (safely) in the DOCTYPE: name → XML text to insert.
    var entities: [String: [UInt8]] = [:]
    /// Replacement text of HTML named references already met (`&eacute;` → `&#233;`).
    var htmlReferences: [String: [UInt8]] = [:]
    /// Whether the sink asked to stop.
    var stopped = false

    /// The size of the pieces handed to the sink: libxml2's push parser is fed 64 KB at a time.
    static let windowSize = 64 * 1024

    static let xmlPredefined: Set<String> = ["lt", "gt", "amp", "quot", "apos"]

    /// Whether the bytes are one of ``xmlPredefined``'s names (no String made: most references are these).
    @inline(__always) static func isXMLPredefined(_ n: UnsafeBufferPointer<UInt8>) -> Bool {
        switch n.count {
        case 2: return (n[0] == UInt8(ascii: "l") || n[0] == UInt8(ascii: "g")) && n[1] == UInt8(ascii: "t")
        case 3: return n[0] == UInt8(ascii: "a") && n[1] == UInt8(ascii: "m") && n[2] == UInt8(ascii: "p")
        case 4: return (n[0] == UInt8(ascii: "q") && n[1] == UInt8(ascii: "u") && n[2] == UInt8(ascii: "o") && n[3] == UInt8(ascii: "t"))
                    || (n[0] == UInt8(ascii: "a") && n[1] == UInt8(ascii: "p") && n[2] == UInt8(ascii: "o") && n[3] == UInt8(ascii: "s"))
        default: return false
        }
    }

    static func isWordByte(_ c: UInt8) -> Bool {
        (c | 0x20 >= 97 && c | 0x20 <= 122) || (c >= 48 && c <= 57) || c == 95
    }

    /// Handles the head (everything before the first "<" followed by a word character): the DOCTYPE and its
    /// ENTITY declarations are taken out, the rest is kept in ``output``. Returns where the body starts.
    mutating func head(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = b.count
        var headEnd = 0
        while headEnd + 1 < n, !(b[headEnd] == UInt8(ascii: "<") && Self.isWordByte(b[headEnd + 1])) { headEnd += 1 }
        if headEnd + 1 >= n { headEnd = n }
        var i = 0
        var removedEntities = 0
        var sawDoctype = false
        while i < headEnd {
            if b[i] == UInt8(ascii: "<"), i + 1 < headEnd, b[i + 1] == UInt8(ascii: "!") {
                if match(b, i, "<!ENTITY") {
                    var j = i
                    while j < headEnd, b[j] != UInt8(ascii: ">") { j += 1 }
                    let decl = Array(b[(i + 8)..<min(j, n)])
                    if let (name, value) = Self.safeEntity(decl) { entities[name] = value } else { removedEntities += 1 }
                    i = min(j + 1, n); continue
                }
                if match(b, i, "<!DOCTYPE") {
                    sawDoctype = true
                    var j = i
                    var bracket = 0
                    while j < headEnd {
                        let c = b[j]
                        if c == UInt8(ascii: "[") { bracket += 1 }
                        else if c == UInt8(ascii: "]") { bracket -= 1 }
                        else if c == UInt8(ascii: ">") && bracket <= 0 { break }
                        j += 1
                    }
                    // ENTITY declarations of the internal subset.
                    var k = i + 9
                    while k < min(j, n) {
                        if b[k] == UInt8(ascii: "<"), match(b, k, "<!ENTITY") {
                            var e = k
                            var quote: UInt8 = 0
                            while e < min(j, n) {
                                let c = b[e]
                                if quote != 0 { if c == quote { quote = 0 } }
                                else if c == 0x22 || c == 0x27 { quote = c }
                                else if c == UInt8(ascii: ">") { break }
                                e += 1
                            }
                            let decl = Array(b[(k + 8)..<e])
                            if let (name, value) = Self.safeEntity(decl) { entities[name] = value } else { removedEntities += 1 }
                            k = e + 1
                        } else { k += 1 }
                    }
                    let text = String(decoding: UnsafeBufferPointer(rebasing: b[i..<min(j, n)]), as: UTF8.self).lowercased()
                    if text.contains("netscape") { netscapeDoctype = true }
                    i = min(j + 1, n); continue
                }
                if match(b, i, "<!--") {
                    let j = find(b, i + 4, "-->") ?? n
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<min(j + 3, n)]))
                    i = min(j + 3, n); continue
                }
            }
            // Stray "]>" left from an internal subset whose entities were taken out above.
            output.append(b[i]); i += 1
        }
        if sawDoctype { warnings.append("DOCTYPE removed (no DTD or external entity is ever loaded)") }
        if removedEntities > 0 {
            warnings.append("\(removedEntities) entity declaration\(removedEntities == 1 ? "" : "s") ignored (only character references and plain text are expanded)")
        }
        // Entities declared without a DOCTYPE are not honoured (feedparser re-inserts them only with one).
        if !sawDoctype { entities = [:] }
        return i
    }

    /// Hands ``output`` to `sink` once it holds a window's worth (or always, when `force`).
    mutating func flush(_ sink: (UnsafeBufferPointer<UInt8>) -> Bool, force: Bool = false) {
        guard !stopped, force ? !output.isEmpty : output.count >= Self.windowSize else { return }
        if !output.withUnsafeBufferPointer(sink) { stopped = true }
        output.removeAll(keepingCapacity: true)
    }

    /// Copies `b[range]` to the output; long runs (CDATA sections) go to the sink directly, a window at a time.
    mutating func copy(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ sink: (UnsafeBufferPointer<UInt8>) -> Bool) {
        if range.count < Self.windowSize {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: b[range]))
            flush(sink)
            return
        }
        flush(sink, force: true)
        var at = range.lowerBound
        while at < range.upperBound && !stopped {
            let end = min(at + Self.windowSize, range.upperBound)
            if !sink(UnsafeBufferPointer(rebasing: b[at..<end])) { stopped = true }
            at = end
        }
    }

    /// The body, from `start` to the end: references rewritten (see the type's documentation), CDATA sections
    /// and comments copied. Output goes to `sink` (false from it stops the prepass); the last piece included.
    /// `release`, when given, is told every ``MappedInput/releaseStep`` bytes how far the input was consumed
    /// (everything before was handed to the sink).
    mutating func body(_ b: UnsafeBufferPointer<UInt8>, from start: Int, release: ((UnsafeRawPointer) -> Void)? = nil,
                       sink: (UnsafeBufferPointer<UInt8>) -> Bool) {
        let n = b.count
        var i = start
        output.reserveCapacity(Self.windowSize + 4096)
        var checkpoint = release == nil ? Int.max : start + MappedInput.releaseStep
        // Where the next "&" and the next "<!" are (found with memchr, vectorized in libc; looked for again
        // once passed): only references, CDATA sections and comments need more than a copy.
        var nextReference = start - 1, nextDeclaration = start - 1
        while i < n && !stopped {
            if i >= checkpoint, let base = b.baseAddress {
                // Bytes before `i` are in the sink or in `output` (a copy): the input behind may go.
                release?(UnsafeRawPointer(base + i))
                checkpoint = i + MappedInput.releaseStep
            }
            if nextReference < i { nextReference = Self.rewrittenReference(b, i, n) }
            if nextDeclaration < i { nextDeclaration = Self.declaration(b, i, n) }
            // The text up to there is copied in one go, a window at most (so the input is released as it goes).
            let j = min(nextReference, nextDeclaration, i + Self.windowSize)
            if j > i { copy(b, i..<j, sink); i = j; continue }
            let c = b[i]
            if c == UInt8(ascii: "<") {
                if match(b, i, "<![CDATA[") {
                    let j = find(b, i + 9, "]]>") ?? n
                    copy(b, i..<min(j + 3, n), sink)
                    i = min(j + 3, n); continue
                }
                if match(b, i, "<!--") {
                    let j = find(b, i + 4, "-->") ?? n
                    copy(b, i..<min(j + 3, n), sink)
                    i = min(j + 3, n); continue
                }
                output.append(c); i += 1; continue
            }
            reference(b, &i)
            flush(sink)
        }
        flush(sink, force: true)
    }

    static let escapedAmpersand: [UInt8] = Array("&amp;".utf8)

    /// Where the next "&" in `b[from..<end]` that ``reference(_:_:)`` rewrites is, or `end`: XML's own
    /// references ("&lt;", "&#233;"), kept as they are, are passed over, so they stay in the run copied.
    static func rewrittenReference(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> Int {
        var k = ByteScan.first(UInt8(ascii: "&"), b, from, end)
        while k < end, let after = keptReferenceEnd(b, k) {
            k = ByteScan.first(UInt8(ascii: "&"), b, after, end)
        }
        return k
    }

    /// The end of the reference at `b[i]` ("&") when ``reference(_:_:)`` keeps it as it is: one of XML's five
    /// names, or a character reference not written "&#X"; nil otherwise.
    static func keptReferenceEnd(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int? {
        let n = b.count
        if i + 1 < n, b[i + 1] == UInt8(ascii: "#") {
            var j = i + 2
            if j < n, b[j] | 0x20 == UInt8(ascii: "x") { j += 1 }
            let ds = j
            while j < n, isWordByte(b[j]) { j += 1 }
            guard j > ds, j < n, b[j] == UInt8(ascii: ";"), b[i + 2] != UInt8(ascii: "X") else { return nil }
            return j + 1
        }
        var j = i + 1
        while j < n, j - i < 64, isWordByte(b[j]) || b[j] == UInt8(ascii: "-") || b[j] == UInt8(ascii: ".") { j += 1 }
        guard j > i + 1, j < n, b[j] == UInt8(ascii: ";"),
              isXMLPredefined(UnsafeBufferPointer(rebasing: b[(i + 1)..<j])) else { return nil }
        return j + 1
    }

    /// The reference starting at `b[i]` ("&"), rewritten into ``output``; `i` moves past it.
    mutating func reference(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) {
        let n = b.count
        if i + 1 < n, b[i + 1] == UInt8(ascii: "#") {
            var j = i + 2
            if j < n, b[j] | 0x20 == UInt8(ascii: "x") { j += 1 }
            let ds = j
            while j < n, Self.isWordByte(b[j]) { j += 1 }
            if j > ds, j < n, b[j] == UInt8(ascii: ";") {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: b[i...j]))
                if b[i + 2] == UInt8(ascii: "X") { output[output.count - (j - i) - 1 + 2] = UInt8(ascii: "x") }
                i = j + 1; return
            }
            output.append(contentsOf: Self.escapedAmpersand); i += 1; return
        }
        var j = i + 1
        while j < n, j - i < 64, Self.isWordByte(b[j]) || b[j] == UInt8(ascii: "-") || b[j] == UInt8(ascii: ".") { j += 1 }
        guard j > i + 1, j < n, b[j] == UInt8(ascii: ";") else {
            output.append(contentsOf: Self.escapedAmpersand); i += 1; return
        }
        if Self.isXMLPredefined(UnsafeBufferPointer(rebasing: b[(i + 1)..<j])) {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: b[i...j]))
            i = j + 1; return
        }
        let name = String(decoding: UnsafeBufferPointer(rebasing: b[(i + 1)..<j]), as: UTF8.self)
        if Self.xmlPredefined.contains(name) {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: b[i...j]))
        } else if let value = entities[name] {
            output.append(contentsOf: value)
        } else if let cached = htmlReferences[name] {
            output.append(contentsOf: cached)
        } else {
            var replacement: [UInt8]
            if name == "lang" || name == "rang" {
                // HTML 4's code points (feedparser uses html.entities.name2codepoint), not HTML5's.
                replacement = Array((name == "lang" ? "&#9001;" : "&#9002;").utf8)
            } else if let html = HTMLEntities.named(name) {
                replacement = []
                for u in html.unicodeScalars { replacement.append(contentsOf: Array("&#\(u.value);".utf8)) }
            } else {
                replacement = Self.escapedAmpersand + Array(UnsafeBufferPointer(rebasing: b[(i + 1)...j]))
            }
            // Bounded: a document can name at most a few thousand distinct references worth caching.
            if htmlReferences.count < 4096 { htmlReferences[name] = replacement }
            output.append(contentsOf: replacement)
        }
        i = j + 1
    }

    /// feedparser's RE_SAFE_ENTITY_PATTERN: `\s+(\w+)\s+"(&#\w+;|[^&"]*)"`; the value as XML text to insert.
    static func safeEntity(_ d: [UInt8]) -> (String, [UInt8])? {
        var i = 0
        func ws(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        guard i < d.count, ws(d[i]) else { return nil }
        while i < d.count, ws(d[i]) { i += 1 }
        let ns = i
        while i < d.count, isWordByte(d[i]) { i += 1 }
        guard i > ns, i < d.count, ws(d[i]) else { return nil }
        let name = String(decoding: d[ns..<i], as: UTF8.self)
        while i < d.count, ws(d[i]) { i += 1 }
        guard i < d.count, d[i] == 0x22 else { return nil }
        i += 1
        let vs = i
        while i < d.count, d[i] != 0x22 { i += 1 }
        guard i < d.count else { return nil }
        let value = Array(d[vs..<i])
        if value.contains(UInt8(ascii: "&")) {
            // Only a single character reference.
            guard value.count >= 4, value[0] == UInt8(ascii: "&"), value[1] == UInt8(ascii: "#"), value.last == UInt8(ascii: ";"),
                  value[2..<(value.count - 1)].allSatisfy(isWordByte) else { return nil }
            return (name, value)
        }
        var escaped: [UInt8] = []
        for c in value {
            if c == UInt8(ascii: "<") { escaped += Array("&lt;".utf8) } else { escaped.append(c) }
        }
        return (name, escaped)
    }

    func match(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ s: StaticString) -> Bool {
        let p = UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)
        guard at + p.count <= b.count else { return false }
        for k in 0..<p.count where b[at + k] != p[k] { return false }
        return true
    }

    func find(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ s: StaticString) -> Int? {
        let p = UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)
        let last = b.count - p.count   // the last place a match can start
        var i = from
        while i <= last {
            // To the next candidate first byte with memchr.
            i = ByteScan.first(p[0], b, i, last + 1)
            guard i <= last else { return nil }
            var ok = true
            for k in 1..<p.count where b[i + k] != p[k] { ok = false; break }
            if ok { return i }
            i += 1
        }
        return nil
    }

    /// Where the next "<!" (a CDATA section, a comment or another declaration) starts in `b[from..<end]`, or
    /// `end`: memchr finds each "!", rare in text, and the byte before it decides.
    static func declaration(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> Int {
        var k = from + 1
        while k < end {
            k = ByteScan.first(UInt8(ascii: "!"), b, k, end)
            if k < end && b[k - 1] == UInt8(ascii: "<") { return k - 1 }
            k += 1
        }
        return end
    }
}
