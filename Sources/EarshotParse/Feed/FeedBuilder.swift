import Foundation

/// The element-level state machine that turns SAX events into feed values, ported from feedparser's
/// `_FeedParserMixin` so that results match feedparser's (the conformance corpus was made with it).
final class FeedBuilder {
    /// An open element: its text as UTF-8 bytes, the pieces (text runs, markup) end to end, with where each
    /// piece ends; the text becomes a String (or stays bytes, see ``FeedText``) once, when the element closes.
    struct Frame {
        var element: String
        var expectingText: Bool
        var bytes: [UInt8] = []
        var ends: [Int] = []

        init(element: String, expectingText: Bool) { self.element = element; self.expectingText = expectingText }

        /// Replaces the text with one piece.
        mutating func set(_ s: String) { bytes = Array(s.utf8); ends = [bytes.count] }

        /// The pieces decoded one by one, as Strings.
        var pieceStrings: [String] {
            var out: [String] = []
            out.reserveCapacity(ends.count)
            var start = 0
            for end in ends { out.append(String(decoding: bytes[start..<end], as: UTF8.self)); start = end }
            return out
        }
    }
    struct ContentParams { var type: String = ""; var base64 = false; var present = false }

    static let namespaces: [String: String] = [
        "": "", "http://backend.userland.com/rss": "", "http://blogs.law.harvard.edu/tech/rss": "",
        "http://purl.org/rss/1.0/": "", "http://my.netscape.com/rdf/simple/0.9/": "", "http://example.com/newformat#": "",
        "http://example.com/necho": "", "http://purl.org/echo/": "", "uri/of/echo/namespace#": "", "http://purl.org/pie/": "",
        "http://purl.org/atom/ns#": "", "http://www.w3.org/2005/atom": "", "http://purl.org/rss/1.0/modules/rss091#": "",
        "http://webns.net/mvcb/": "admin", "http://purl.org/rss/1.0/modules/aggregation/": "ag",
        "http://purl.org/rss/1.0/modules/annotate/": "annotate", "http://media.tangent.org/rss/1.0/": "audio",
        "http://backend.userland.com/blogchannelmodule": "blogChannel",
        "http://creativecommons.org/ns#license": "cc", "http://web.resource.org/cc/": "cc",
        "http://cyber.law.harvard.edu/rss/creativecommonsrssmodule.html": "creativeCommons",
        "http://backend.userland.com/creativecommonsrssmodule": "creativeCommons",
        "http://purl.org/rss/1.0/modules/company": "co", "http://purl.org/rss/1.0/modules/content/": "content",
        "http://my.theinfo.org/changed/1.0/rss/": "cp", "http://purl.org/dc/elements/1.1/": "dc",
        "http://purl.org/dc/terms/": "dcterms", "http://purl.org/rss/1.0/modules/email/": "email",
        "http://purl.org/rss/1.0/modules/event/": "ev", "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
        "http://freshmeat.net/rss/fm/": "fm", "http://xmlns.com/foaf/0.1/": "foaf",
        "http://www.w3.org/2003/01/geo/wgs84_pos#": "geo", "http://www.georss.org/georss": "georss",
        "http://www.opengis.net/gml": "gml", "http://postneo.com/icbm/": "icbm", "http://purl.org/rss/1.0/modules/image/": "image",
        "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes", "http://example.com/dtds/podcast-1.0.dtd": "itunes",
        "http://purl.org/rss/1.0/modules/link/": "l", "http://search.yahoo.com/mrss": "media",
        "http://search.yahoo.com/mrss/": "media", "http://madskills.com/public/xml/rss/module/pingback/": "pingback",
        "http://prismstandard.org/namespaces/1.2/basic/": "prism", "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
        "http://www.w3.org/2000/01/rdf-schema#": "rdfs", "http://purl.org/rss/1.0/modules/reference/": "ref",
        "http://purl.org/rss/1.0/modules/richequiv/": "reqv", "http://purl.org/rss/1.0/modules/search/": "search",
        "http://purl.org/rss/1.0/modules/slash/": "slash", "http://schemas.xmlsoap.org/soap/envelope/": "soap",
        "http://purl.org/rss/1.0/modules/servicestatus/": "ss", "http://hacks.benhammersley.com/rss/streaming/": "str",
        "http://purl.org/rss/1.0/modules/subscription/": "sub", "http://purl.org/rss/1.0/modules/syndication/": "sy",
        "http://schemas.pocketsoap.com/rss/mydescmodule/": "szf", "http://purl.org/rss/1.0/modules/taxonomy/": "taxo",
        "http://purl.org/rss/1.0/modules/threading/": "thr", "http://purl.org/rss/1.0/modules/textinput/": "ti",
        "http://madskills.com/public/xml/rss/module/trackback/": "trackback", "http://wellformedweb.org/commentapi/": "wfw",
        "http://purl.org/rss/1.0/modules/wiki/": "wiki", "http://www.w3.org/1999/xhtml": "xhtml",
        "http://www.w3.org/1999/xlink": "xlink", "http://www.w3.org/xml/1998/namespace": "xml",
        "http://podlove.org/simple-chapters": "psc",
    ]
    /// Whether the text of `element` is a link to resolve (feedparser's `can_be_relative_uri`). By length first:
    /// most elements (title, summary...) are ruled out without comparing strings or hashing one.
    static func canBeRelativeURI(_ element: String) -> Bool {
        switch element.utf8.count {
        case 2: return element == "id"
        case 3: return element == "url"
        case 4: return element == "docs" || element == "href" || element == "icon" || element == "link" || element == "logo"
        case 8: return element == "comments"
        case 11: return element == "wfw_comment"
        case 14: return element == "wfw_commentrss"
        default: return false
        }
    }
    static let htmlTypes: Set<String> = ["application/xhtml+xml", "text/html"]

    // Results
    let feed = FeedContext()
    /// The entry being read (at most one: see ``finishEntries()``).
    var entries: [FeedContext] = []
    /// Entries already read, cleaned into the result's form (unless ``onEntry`` takes them).
    var finishedEntries: [ParsedEntry] = []
    /// Where finished entries go instead of ``finishedEntries``, when set (streaming output).
    var onEntry: ((ParsedEntry) -> Void)?
    /// How many entries the document had.
    var entryCount = 0
    var version = ""
    var language: String?
    var ttl: String?
    var syPeriod: String?
    var syFrequency: String?

    // State
    /// Bumped by ``trackNamespace(_:_:)``, the only writer of ``namespaceMap``: element names made before
    /// may have another handler name now.
    var namespaceGeneration = 0
    /// See ``resolvedBase(_:_:)``.
    var baseMemo: (current: String, base: String, result: String)?
    var namespacesInUse: [String: String] = [:]
    var namespaceMap: [String: String] = [:]
    var infeed = false, inentry = false, intextinput = false, inimage = false
    var inauthor = false, incontributor = false, inpublisher = false, insource = false
    var incontent = 0
    var contentParams = ContentParams()
    var summaryKey: String? = nil
    var stack: [Frame] = []
    /// Frames of closed elements with their buffers emptied but kept: elements reuse them instead of
    /// allocating and growing new ones (one or two per element otherwise). Bounded in number and in size.
    var spareFrames: [Frame] = []
    static let maximumSpareFrames = 64
    static let maximumSpareCapacity = 64 * 1024
    var baseStack: [String] = []
    var langStack: [String?] = []
    var baseURI: String
    var lang: String?
    var svgOK = 0
    var titleDepth = -1
    var depth = 0
    var hasContent = false
    var source = FeedContext()
    let image = FeedContext()
    let textInput = FeedContext()
    /// Whether the document was read as UTF-8 (feedparser then repairs double-encoded text).
    var utf8Document = true

    init(baseURI: String?) {
        self.baseURI = baseURI ?? ""
    }

    // MARK: - Events

    func startElement(_ elementName: ElementName, _ attrList: [(String, String)]) {
        let tag = elementName.tag
        depth += 1
        var attrs: [String: String] = [:]
        var ordered = attrList
        for i in ordered.indices {
            let k = ordered[i].0.lowercased()
            let v = (k == "rel" || k == "type") ? ordered[i].1.lowercased() : ordered[i].1
            ordered[i] = (k, v)
            attrs[k] = v
        }
        let base = (attrs["xml:base"] ?? attrs["base"]).flatMap { $0.isEmpty ? nil : $0 } ?? baseURI
        baseURI = resolvedBase(baseURI, base)
        var newLang = attrs["xml:lang"] ?? attrs["lang"]
        if newLang == "" { newLang = nil } else if newLang == nil { newLang = lang }
        if let l = newLang, tag == "feed" || tag == "rss" || tag == "rdf:rdf" {
            language = l.replacingUTF8("_", with: "-")
        }
        lang = newLang
        baseStack.append(baseURI)
        langStack.append(newLang)

        if incontent > 0 && !(contentParams.present ? contentParams.type : "xml").hasSuffix("xml") {
            if tag == "xhtml:div" || tag == "div" { return }
            contentParams.type = "application/xhtml+xml"; contentParams.present = true
        }
        if incontent > 0 && contentParams.present && contentParams.type == "application/xhtml+xml" {
            var t = tag
            if let c = t.firstIndex(of: ":") {
                let prefix = String(t[..<c]); t = String(t[t.index(after: c)...])
                let ns = namespacesInUse[prefix] ?? ""
                if t == "math" && ns == "http://www.w3.org/1998/Math/MathML" { ordered.append(("xmlns", ns)) }
                if t == "svg" && ns == "http://www.w3.org/2000/svg" { ordered.append(("xmlns", ns)) }
            }
            if t == "svg" { svgOK += 1 }
            handleData("<" + t + Self.strattrs(ordered) + ">", escape: false)
            return
        }
        if elementName.leavesTextInput { intextinput = false }
        if elementName.leavesImage { inimage = false }
        if !start(elementName.element, &attrs) {
            if attrs.isEmpty { push(elementName.name, true) }
        }
    }

    func endElement(_ elementName: ElementName) {
        let tag = elementName.tag
        if elementName.suffix == "svg" && svgOK > 0 { svgOK -= 1 }
        if svgOK > 0 || !end(elementName.element) { _ = pop(elementName.name) }
        if incontent > 0 && !(contentParams.present ? contentParams.type : "xml").hasSuffix("xml") {
            if tag == "xhtml:div" || tag == "div" { return }
            contentParams.type = "application/xhtml+xml"; contentParams.present = true
        }
        if incontent > 0 && contentParams.present && contentParams.type == "application/xhtml+xml" {
            let t = tag.split(separator: ":").last.map(String.init) ?? tag
            handleData("</" + t + ">", escape: false)
        }
        if !baseStack.isEmpty {
            baseStack.removeLast()
            if let b = baseStack.last, !b.isEmpty { baseURI = b }
        }
        if !langStack.isEmpty {
            langStack.removeLast()
            if let l = langStack.last { lang = l }
        }
        depth -= 1
    }

    static let textInputChildren: Set<String> = ["title", "link", "description", "name"]
    static let imageChildren: Set<String> = ["title", "link", "description", "url", "href", "width", "height"]

    /// A tag with what the handlers need of it, worked out once per distinct tag rather than per event (the
    /// SAX handler keeps them, see ``FeedSAXHandler/elementName(_:)``). A class: passed around on every event,
    /// one reference to count instead of three strings.
    final class ElementName {
        /// feedparser's `prefix:local`, lowercased (`dc:creator`).
        let tag: String
        /// feedparser's handler name: the prefix mapped through ``namespaceMap`` (`dc_creator`).
        let name: String
        /// The local part (`creator`).
        let suffix: String
        /// The handlers' code for ``name``.
        let element: FeedElement
        /// Whether the element ends a `<textinput>` or an `<image>`: it has no prefix and is not one of their
        /// children.
        let leavesTextInput: Bool
        let leavesImage: Bool
        /// The ``namespaceGeneration`` it was made in.
        let generation: Int

        init(tag: String, name: String, suffix: String, element: FeedElement, leavesTextInput: Bool, leavesImage: Bool,
             generation: Int) {
            self.tag = tag; self.name = name; self.suffix = suffix; self.element = element
            self.leavesTextInput = leavesTextInput; self.leavesImage = leavesImage; self.generation = generation
        }
    }

    /// feedparser's handler name for a tag (`dc:creator` → `dc_creator`, the prefix mapped through
    /// ``namespaceMap``), its local part, whether it has a prefix, and the handlers' code for the name.
    ///
    /// - Parameters:
    ///   - namespace: the element's namespace URI and `prefix` as the document wrote it, for the elements
    ///     feedparser has no prefix for (``FeedElement/thrInReplyTo``). Looked at here, once per distinct tag,
    ///     so no event pays for it.
    func elementName(_ tag: String, namespace: String? = nil, prefix documentPrefix: String? = nil) -> ElementName {
        var prefix = "", suffix = tag
        if let c = tag.firstIndex(of: ":") { prefix = String(tag[..<c]); suffix = String(tag[tag.index(after: c)...]) }
        prefix = namespaceMap[prefix] ?? prefix
        if !prefix.isEmpty { prefix += "_" }
        let name = prefix + suffix
        let prefixed = !prefix.isEmpty
        var element = FeedElement(handlerName: name)
        if element == .other && Self.isInReplyTo(suffix, namespace: namespace, prefix: documentPrefix) { element = .thrInReplyTo }
        return ElementName(tag: tag, name: name, suffix: suffix, element: element,
                           leavesTextInput: !prefixed && !Self.textInputChildren.contains(tag),
                           leavesImage: !prefixed && !Self.imageChildren.contains(tag), generation: namespaceGeneration)
    }

    /// The Atom Threading Extension's namespace (RFC 4685 §2, https://www.rfc-editor.org/rfc/rfc4685#section-2).
    static let threadNamespace = "http://purl.org/syndication/thread/1.0"

    /// Whether a tag is RFC 4685's `in-reply-to`: in the thread namespace (whatever its prefix), or written
    /// `thr:` with the namespace never declared (libxml2 recovers such a tag without a URI, and feedparser's
    /// naming then drops the prefix: hence the document's own prefix here).
    static func isInReplyTo(_ local: String, namespace: String?, prefix: String?) -> Bool {
        guard local == "in-reply-to" else { return false }
        guard let namespace else { return prefix?.lowercased() == "thr" }
        return namespace.lowercased() == threadNamespace
    }

    /// The base URI after an element whose base (its `xml:base`, else the current one) is `base`; the last
    /// answer is remembered, since the base rarely changes from one element to the next.
    func resolvedBase(_ current: String, _ base: String) -> String {
        if let memo = baseMemo, memo.current == current, memo.base == base { return memo.result }
        var result = current
        if !current.isEmpty {
            let safe = URLResolver.safeAbsolute(current, base)
            if !safe.isEmpty { result = safe }
        } else {
            result = URLResolver.resolve(current, base)
        }
        baseMemo = (current, base, result)
        return result
    }

    func handleData(_ text: String, escape: Bool = true) {
        var text = text
        text.withUTF8 { handleData($0, escape: escape) }
    }

    /// The document's text for the open element (UTF-8 bytes, not necessarily valid), as libxml2 reports it:
    /// appended at once, the piece it makes ended by ``endText()`` at the next element event, so that text is
    /// copied once on its way to the element (see ``handleData(_:escape:)``).
    func appendText(_ text: UnsafeBufferPointer<UInt8>) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].bytes.append(contentsOf: text)
    }

    func appendText(_ byte: UInt8) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].bytes.append(byte)
    }

    /// Makes the text appended since the last piece one piece, escaped as ``handleData(_:escape:)`` escapes.
    func endText() {
        guard !stack.isEmpty else { return }
        let top = stack.count - 1
        let start = stack[top].ends.last ?? 0
        guard stack[top].bytes.count > start else { return }
        if contentParams.present && contentParams.type == "application/xhtml+xml" {
            let text = Array(stack[top].bytes[start...])
            stack[top].bytes.removeSubrange(start...)
            text.withUnsafeBufferPointer { Self.xmlEscape($0, into: &stack[top].bytes) }
        }
        stack[top].ends.append(stack[top].bytes.count)
    }

    /// Text (UTF-8 bytes, not necessarily valid) for the open element, as one piece.
    func handleData(_ text: UnsafeBufferPointer<UInt8>, escape: Bool = true) {
        guard !stack.isEmpty, !text.isEmpty else { return }
        let top = stack.count - 1
        if escape && contentParams.present && contentParams.type == "application/xhtml+xml" {
            Self.xmlEscape(text, into: &stack[top].bytes)
        } else {
            stack[top].bytes.append(contentsOf: text)
        }
        stack[top].ends.append(stack[top].bytes.count)
    }

    /// ``xmlEscape(_:)`` on bytes: `&`, `<` and `>` are ASCII, never part of a longer sequence.
    static func xmlEscape(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var start = 0
        for i in 0..<text.count {
            let c = text[i]
            guard c == 0x26 || c == 0x3C || c == 0x3E else { continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<i]))
            switch c {
            case 0x26: out.append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B])   // &amp;
            case 0x3C: out.append(contentsOf: [0x26, 0x6C, 0x74, 0x3B])         // &lt;
            default: out.append(contentsOf: [0x26, 0x67, 0x74, 0x3B])           // &gt;
            }
            start = i + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<text.count]))
    }

    /// Whether decoding the pieces joined gives what decoding them one by one and joining gives: true when
    /// no piece but the last ends inside a multi-byte sequence a following byte could complete (a lead byte
    /// with fewer continuation bytes after it than it needs).
    static func piecesJoinCleanly(_ b: UnsafeBufferPointer<UInt8>, _ ends: [Int]) -> Bool {
        for e in ends.dropLast() where e > 0 && b[e - 1] >= 0x80 {
            var k = e - 1
            while k > 0, e - k < 4, b[k] & 0xC0 == 0x80 { k -= 1 }
            let lead = b[k]
            let need = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0
            if lead & 0xC0 != 0x80 && e - k - 1 < need { return false }
        }
        return true
    }

    /// The bytes without Python's whitespace (``TextCleaner/isSpace(_:)``) at either end, as
    /// ``Swift/String/trimmingSpaces()`` does on a String: whitespace characters are valid sequences that start
    /// at a lead or ASCII byte, where a decoder starts afresh, so cutting them off the bytes before decoding
    /// gives what cutting them off the decoded text gives.
    static func trimmedRange(_ b: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var start = 0
        while start < b.count {
            let width = TextCleaner.spaceLength(b, start)
            if width == 0 { break }
            start += width
        }
        var end = b.count
        while end > start {
            var k = end - 1
            while k > start, b[k] & 0xC0 == 0x80 { k -= 1 }
            guard TextCleaner.spaceLength(UnsafeBufferPointer(rebasing: b[..<end]), k) == end - k else { break }
            end = k
        }
        return start..<end
    }

    func trackNamespace(_ prefix: String?, _ uri: String) {
        var uri = uri
        var lower = uri.lowercased()
        if version.isEmpty {
            if prefix == nil && lower == "http://my.netscape.com/rdf/simple/0.9/" { version = "rss090" }
            else if lower == "http://purl.org/rss/1.0/" { version = "rss10" }
            else if lower == "http://www.w3.org/2005/atom" { version = "atom10" }
        }
        if lower.contains("backend.userland.com/rss") { uri = "http://backend.userland.com/rss"; lower = uri }
        if let canonical = Self.namespaces[lower] {
            namespaceGeneration += 1
            namespaceMap[prefix ?? "\u{0}default"] = canonical
            namespacesInUse[canonical] = uri
        } else {
            namespacesInUse[prefix ?? ""] = uri
        }
    }

    static func xmlEscape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    static func strattrs(_ attrs: [(String, String)]) -> String {
        var out = ""
        for (k, v) in attrs { out += " \(k)=\"" + xmlEscape(v).replacingOccurrences(of: "\"", with: "&quot;") + "\"" }
        return out
    }

    /// Turns the raw entries into ``ParsedEntry`` values and drops them. Called when the next entry starts
    /// (every write goes to `entries.last`, so an entry followed by another is complete) and at the end, so
    /// only one entry's raw text is ever held.
    func finishEntries() {
        for e in entries {
            let entry = FeedMapping.entry(e)
            if let onEntry { onEntry(entry) } else { finishedEntries.append(entry) }
            e.reset()
            spareEntry = e
        }
        entries.removeAll()
    }

    /// A finished entry's context, emptied (see ``FeedContext/reset()``), for the next entry to reuse.
    var spareEntry: FeedContext?

    /// A context for a new entry: the spare one when there is one.
    func makeEntryContext() -> FeedContext {
        guard let e = spareEntry else { return FeedContext() }
        spareEntry = nil
        return e
    }

    // MARK: - The element stack

    func push(_ element: String, _ expectingText: Bool) {
        guard var frame = spareFrames.popLast() else {
            stack.append(Frame(element: element, expectingText: expectingText))
            return
        }
        frame.element = element
        frame.expectingText = expectingText
        stack.append(frame)
    }

    /// Keeps the buffers of a closed element's frame, emptied, for a later element (see ``spareFrames``).
    func recycle(_ frame: inout Frame) {
        guard frame.bytes.capacity <= Self.maximumSpareCapacity, spareFrames.count < Self.maximumSpareFrames else { return }
        frame.bytes.removeAll(keepingCapacity: true)
        frame.ends.removeAll(keepingCapacity: true)
        spareFrames.append(frame)
    }

    static func mapContentType(_ t: String) -> String {
        let t = t.lowercased()
        switch t {
        case "text", "plain": return "text/plain"
        case "html": return "text/html"
        case "xhtml": return "application/xhtml+xml"
        default: return t
        }
    }

    func pushContent(_ tag: String, _ attrs: [String: String], _ defaultType: String, _ expectingText: Bool) {
        incontent += 1
        if let l = lang { lang = l.replacingUTF8("_", with: "-") }
        let type = Self.mapContentType(attrs["type"] ?? defaultType)
        var base64 = false
        if attrs["mode"] == "base64" { base64 = true }
        else if type.hasPrefix("text/") || type.hasSuffix("+xml") || type.hasSuffix("/xml") { base64 = false }
        else { base64 = true }
        contentParams = ContentParams(type: type, base64: base64, present: true)
        push(tag, expectingText)
    }

    @discardableResult
    func popContent(_ tag: String) -> FeedText? {
        let value = popText(tag)
        incontent -= 1
        contentParams = ContentParams()
        return value
    }

    var context: FeedContext {
        if insource { return source }
        if inimage && feed.hasImage { return image }
        if intextinput { return textInput }
        if inentry, let e = entries.last { return e }
        return feed
    }

    /// ``popText(_:stripWhitespace:)``, the text as a String.
    @discardableResult
    func pop(_ element: String, stripWhitespace: Bool = true) -> String? {
        popText(element, stripWhitespace: stripWhitespace)?.string
    }

    /// Closes `element` when it is the open one: its text is stored where feedparser's rules put it, and
    /// returned. An entry's summary and content stay bytes (see ``FeedText``); other text is a String.
    @discardableResult
    func popText(_ element: String, stripWhitespace: Bool = true) -> FeedText? {
        guard let last = stack.last?.element, last == element else { return nil }
        var top = stack.removeLast()
        defer { recycle(&top) }
        var output: FeedText
        if version == "atom10" && contentParams.present && contentParams.type == "application/xhtml+xml" {
            var pieces = top.pieceStrings
            while pieces.count > 1, pieces.last!.trimmingSpaces().isEmpty { pieces.removeLast() }
            while pieces.count > 1, pieces.first!.trimmingSpaces().isEmpty { pieces.removeFirst() }
            if let first = pieces.first, first == "<div>" || first.hasPrefix("<div "), pieces.last == "</div>" {
                var d = 0
                var broke = false
                for piece in pieces.dropLast() {
                    if piece.hasPrefix("</") { d -= 1; if d == 0 { broke = true; break } }
                    else if piece.hasPrefix("<") && !piece.hasSuffix("/>") { d += 1 }
                }
                if !broke { pieces = Array(pieces.dropFirst().dropLast()) }
            }
            let joined = pieces.joined()
            output = .string(stripWhitespace ? joined.trimmingSpaces() : joined)
        } else {
            let keepsBytes = top.expectingText && inentry && !insource
                && (element == "description" || element == "summary" || element == "content")
            output = top.bytes.withUnsafeBufferPointer { b -> FeedText in
                if !Self.piecesJoinCleanly(b, top.ends) {
                    let joined = top.pieceStrings.joined()
                    return .string(stripWhitespace ? joined.trimmingSpaces() : joined)
                }
                let text = UnsafeBufferPointer(rebasing: b[stripWhitespace ? Self.trimmedRange(b) : 0..<b.count])
                // Bytes that are not valid UTF-8 become the String they decode to (U+FFFD for what is invalid).
                if keepsBytes && FeedEncoding.validUTF8(text) { return .utf8(Array(text)) }
                return .string(String(decoding: text, as: UTF8.self))
            }
        }
        if !top.expectingText { return output }

        if contentParams.present && contentParams.base64 {
            let compact = output.string.filter { !$0.isWhitespace }
            if let data = Data(base64Encoded: compact + String(repeating: "=", count: (4 - compact.count % 4) % 4)),
               let s = String(data: data, encoding: .utf8) {
                output = .string(s)
            }
        }
        if Self.canBeRelativeURI(element) && !output.isEmpty {
            if element != "id" || guidIsLinkFlag {
                output = .string(URLResolver.resolve(baseURI, output.string))
            }
        }
        if contentParams.present && contentParams.type == "text/plain" && !version.hasPrefix("atom") {
            if output.withUTF8(TextCleaner.looksLikeHTML) { contentParams.type = "text/html" }
        }
        if utf8Document { output = Self.repairDoubleEncoding(output) }
        output = Self.mapWindows1252(output)

        if element == "category" || element == "tags" || element == "itunes_keywords" { return output }
        if element == "title" && -1 < titleDepth && titleDepth <= depth { return output }

        let type = contentParams.present ? contentParams.type : "text/html"
        if inentry && !insource, let entry = entries.last {
            if element == "content" {
                entry.contents.append((type, output))
            } else if element == "link" {
                if !inimage {
                    var v = output.string.replacingUTF8("&amp;", with: "&")
                    v = Self.fixQueryEntities(v)
                    entry.values["link"] = v
                }
            } else {
                let key = element == "description" ? "summary" : element
                let old = entry.depthMap[key]
                if old == nil || depth <= old! {
                    entry.depthMap[key] = depth
                    if key == "summary" { entry.summary = output } else { entry.values[key] = output.string }
                }
                if incontent > 0 { entry.detailTypes[key] = type }
            }
        } else if infeed || insource {
            let ctx = context
            let key = element == "description" ? "subtitle" : element
            if key == "link" {
                ctx.values[key] = Self.fixQueryEntities(output.string)
            } else {
                if key == "summary" { ctx.summary = output } else { ctx.values[key] = output.string }
                if incontent > 0 { ctx.detailTypes[key] = type }
            }
        }
        return output
    }

    var guidIsLinkFlag = false

    static func fixQueryEntities(_ s: String) -> String {
        var text = s
        let (hasAmpersand, hasSemicolon, isASCII) = text.withUTF8 { b in
            (b.contains(UInt8(ascii: "&")), b.contains(UInt8(ascii: ";")), b.allSatisfy { $0 < 0x80 })
        }
        // Only "&name;" changes: without both characters the text stays as it is (most query strings).
        guard hasAmpersand && hasSemicolon else { return s }
        if isASCII { return fixQueryEntitiesASCII(s) }
        // "&name;" → "&name" (query variables mistaken for entity references).
        var out = ""
        var rest = Substring(s)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            let nameEnd = after.firstIndex(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_")) }) ?? after.endIndex
            if nameEnd > after.startIndex, nameEnd < after.endIndex, after[nameEnd] == ";" {
                out += "&" + after[..<nameEnd]
                rest = after[after.index(after: nameEnd)...]
            } else {
                out += "&"
                rest = after
            }
        }
        return out + rest
    }

    /// ``fixQueryEntities(_:)`` for ASCII text (nearly every URL), on bytes.
    static func fixQueryEntitiesASCII(_ s: String) -> String {
        let b = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            let c = b[i]
            out.append(c)
            i += 1
            guard c == UInt8(ascii: "&") else { continue }
            var j = i
            while j < b.count, FeedPrepass.isWordByte(b[j]) { j += 1 }
            if j > i, j < b.count, b[j] == UInt8(ascii: ";") {
                out.append(contentsOf: b[i..<j])
                i = j + 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// ``repairDoubleEncoding(_:)`` for text kept as bytes: checked on the bytes, made a String only to repair.
    static func repairDoubleEncoding(_ text: FeedText) -> FeedText {
        guard case .utf8 = text else { return .string(repairDoubleEncoding(text.string)) }
        return text.withUTF8(isDoubleEncoded) ? .string(repairDoubleEncoding(text.string)) : text
    }

    /// feedparser: text that is UTF-8 read as Latin-1 is decoded again.
    static func repairDoubleEncoding(_ s: String) -> String {
        var text = s
        // The repaired copy is made only for text that qualifies (rare).
        guard text.withUTF8(isDoubleEncoded) else { return s }
        // Rebuilt and checked strictly (overlong forms, surrogates).
        let bytes = s.unicodeScalars.map { UInt8($0.value) }
        guard FeedEncoding.validUTF8(bytes) else { return s }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the text (valid UTF-8) qualifies for ``repairDoubleEncoding(_:)``: every scalar below U+0100,
    /// some at U+0080 or above, and those scalars taken as bytes (Latin-1) are valid UTF-8. In UTF-8 such
    /// scalars are ASCII bytes or 0xC2/0xC3 and one continuation byte; a lead byte from 0xC4 up is a scalar
    /// above U+00FF. Checked on the fly, without the Latin-1 bytes.
    static func isDoubleEncoded(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress else { return false }
        var sawHigh = false
        var pending = 0   // continuation bytes the Latin-1 reading still expects
        var i = 0
        while i < b.count {
            // Eight ASCII bytes at once, when no multi-byte sequence is open.
            if pending == 0, i + 8 <= b.count,
               UnsafeRawPointer(base).loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8; continue
            }
            let byte = b[i]
            let latin1: UInt8
            if byte < 0x80 { latin1 = byte; i += 1 }
            else if byte == 0xC2 || byte == 0xC3, i + 1 < b.count { latin1 = (byte & 0x03) << 6 | (b[i + 1] & 0x3F); i += 2; sawHigh = true }
            else { return false }
            // Validate the Latin-1 bytes as UTF-8 (their values are below 0x100).
            if pending > 0 {
                guard latin1 & 0xC0 == 0x80 else { return false }
                pending -= 1
            } else if latin1 >= 0x80 {
                switch latin1 {
                case 0xC2...0xDF: pending = 1
                case 0xE0...0xEF: pending = 2
                case 0xF0...0xF4: pending = 3
                default: return false
                }
            }
        }
        return sawHigh && pending == 0
    }

    /// ``mapWindows1252(_:)`` for text kept as bytes: checked on the bytes, made a String only to map.
    static func mapWindows1252(_ text: FeedText) -> FeedText {
        guard case .utf8 = text else { return .string(mapWindows1252(text.string)) }
        return text.withUTF8(hasC1Controls) ? .string(mapWindows1252(text.string)) : text
    }

    /// Whether the text has a scalar from U+0080 to U+009F: 0xC2 0x80–0x9F in UTF-8.
    static func hasC1Controls(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress else { return false }
        var i = 0
        // memchr finds each 0xC2 (vectorized in libc); most text has none.
        while i + 1 < b.count, let p = memchr(base + i, 0xC2, b.count - 1 - i) {
            i = UnsafeRawPointer(p) - UnsafeRawPointer(base)
            if b[i + 1] >= 0x80 && b[i + 1] <= 0x9F { return true }
            i += 1
        }
        return false
    }

    static func mapWindows1252(_ s: String) -> String {
        var text = s
        guard text.withUTF8(hasC1Controls) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u.value >= 0x80 && u.value <= 0x9F, let m = HTMLEntities.cp1252[Int(u.value - 0x80)], let r = Unicode.Scalar(m) {
                out.append(r)
            } else { out.append(u) }
        }
        return String(out)
    }
}
