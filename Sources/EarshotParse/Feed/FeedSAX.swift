import Foundation
import CLibXML2

/// Receives libxml2's SAX2 events, names elements the way feedparser's strict parser does, expands entity
/// references itself (bounded), enforces the depth limit, and feeds a ``FeedBuilder``.
final class FeedSAXHandler {
    let builder: FeedBuilder
    let maximumDepth: Int
    var ctxt: xmlParserCtxtPtr?
    var depth = 0
    var stopped = false
    var warnings: [String] = []
    var errorCount = 0
    var firstError: String?
    var sawRoot = false
    var rootName = ""
    /// Internal general entities declared in the document's internal subset.
    var declaredEntities: [String: String] = [:]
    /// Characters produced by entity expansion so far (billion-laughs bound).
    var expandedBytes = 0
    static let maximumExpansion = 1 << 20
    var entityLimitHit = false

    init(builder: FeedBuilder, maximumDepth: Int) {
        self.builder = builder
        self.maximumDepth = maximumDepth
    }

    /// Ends the piece of text the open element got since the last element event (see ``FeedBuilder/endText()``).
    func flushText() {
        builder.endText()
    }

    static func string(_ p: UnsafePointer<xmlChar>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }

    // MARK: - Names

    /// A name as libxml2 reports it: local name, prefix and namespace URI. libxml2 interns names in its
    /// dictionary for the parser's lifetime, so the same addresses mean the same name; the URI is compared
    /// by content as well, to be safe whatever libxml2 does with it.
    struct NameKey: Hashable {
        let local: UnsafePointer<xmlChar>?
        let prefix: UnsafePointer<xmlChar>?
        let uri: UnsafePointer<xmlChar>?
    }

    /// A cached mapping of a name, with the URI it was made for.
    struct Interned<Value> {
        /// The URI's bytes with a trailing NUL, to confirm a hit.
        let uri: [xmlChar]?
        let value: Value

        /// Whether the mapping was made for `uri` (compared by content).
        func isFor(_ uri: UnsafePointer<xmlChar>?) -> Bool {
            switch (self.uri, uri) {
            case (nil, nil): return true
            case let (stored?, current?): return stored.withUnsafeBufferPointer { strcmp($0.baseAddress!, current) == 0 }
            default: return false
            }
        }
    }

    /// Element names already mapped (feedparser's `prefix:local`, lowercased, and the builder's handler for
    /// it), by libxml2's addresses.
    var tagNames: [NameKey: Interned<FeedBuilder.ElementName>] = [:]
    /// Attribute names already mapped, likewise.
    var attributeNames: [NameKey: Interned<String>] = [:]
    /// More distinct names than any real feed has; past it the caches start over (hostile documents).
    static let maximumInternedNames = 4096

    /// The mapping for `key` from `cache`, made with `make` on a miss or when `isCurrent` says the cached one
    /// is out of date.
    @inline(__always)
    static func interned<Value>(_ key: NameKey, in cache: inout [NameKey: Interned<Value>],
                                isCurrent: (Value) -> Bool = { _ in true }, _ make: () -> Value) -> Interned<Value> {
        if let hit = cache[key], isCurrent(hit.value), hit.isFor(key.uri) { return hit }
        let value = make()
        if cache.count >= maximumInternedNames { cache.removeAll(keepingCapacity: true) }
        var uriBytes: [xmlChar]? = nil
        if let uri = key.uri { uriBytes = Array(UnsafeBufferPointer(start: uri, count: strlen(uri) + 1)) }
        let mapping = Interned(uri: uriBytes, value: value)
        cache[key] = mapping
        return mapping
    }

    /// The element names last looked up, each in a slot picked by its local name's address: the dozen names
    /// that entries repeat are found there without hashing their key.
    var recentTagNames = [(key: NameKey, name: Interned<FeedBuilder.ElementName>)?](repeating: nil, count: 32)

    /// The open elements' keys and names: an end event closes the element on top (libxml2 names the open
    /// element in it), whose name is then at hand without a look-up.
    var openElements: [(key: NameKey, name: FeedBuilder.ElementName)] = []

    /// The element's names: looked up once per event by libxml2's addresses, worked out again only when a
    /// namespace declaration changed the builder's prefixes since (see ``FeedBuilder/namespaceGeneration``).
    func elementName(_ key: NameKey) -> FeedBuilder.ElementName {
        let generation = builder.namespaceGeneration
        let slot = Int(bitPattern: key.local) & (recentTagNames.count - 1)
        if let recent = recentTagNames[slot], recent.key == key, recent.name.value.generation == generation,
           recent.name.isFor(key.uri) {
            return recent.name.value
        }
        let name = Self.interned(key, in: &tagNames, isCurrent: { $0.generation == generation }) {
            let uri = Self.string(key.uri), prefix = Self.string(key.prefix)
            return builder.elementName(Self.tagName(localname: Self.string(key.local) ?? "", prefix: prefix, uri: uri),
                                       namespace: uri, prefix: prefix)
        }
        recentTagNames[slot] = (key, name)
        return name.value
    }

    func attributeName(_ key: NameKey) -> String {
        Self.interned(key, in: &attributeNames) {
            let local = Self.string(key.local) ?? ""
            let prefix = Self.string(key.prefix)
            let lowerNS = (Self.string(key.uri) ?? "").lowercased()
            var name = local
            if prefix == "xml" { name = "xml:" + local }
            else if let p = FeedBuilder.namespaces[lowerNS], !p.isEmpty { name = p + ":" + local }
            else if let p = prefix, !p.isEmpty { name = p + ":" + local }
            return name.lowercased()
        }.value
    }

    static func tagName(localname: String, prefix: String?, uri: String?) -> String {
        var lowerNS = (uri ?? "").lowercased()
        if lowerNS.contains("backend.userland.com/rss") { lowerNS = "http://backend.userland.com/rss" }
        let given = (prefix?.isEmpty ?? true) ? nil : prefix
        let p = FeedBuilder.namespaces[lowerNS] ?? given
        let local = localname.lowercased()
        if let p, !p.isEmpty { return p.lowercased() + ":" + local }
        return local
    }

    // MARK: - Events

    func startElement(_ key: NameKey, namespaces: [(String?, String)], attributes: [(String, String)]) {
        flushText()
        depth += 1
        if depth > maximumDepth {
            stop("element nesting deeper than \(maximumDepth) levels; the rest of the document was ignored")
            return
        }
        if !sawRoot { sawRoot = true; rootName = (Self.string(key.local) ?? "").lowercased() }
        for (p, u) in namespaces where !u.isEmpty { builder.trackNamespace(p, u) }
        let name = elementName(key)
        openElements.append((key, name))
        builder.startElement(name, attributes)
    }

    func endElement(_ key: NameKey) {
        flushText()
        guard !stopped else { return }
        depth -= 1
        builder.endElement(closedElementName(key))
    }

    /// The name of the element an end event closes: the top of ``openElements`` when it is that element and
    /// no namespace declaration came since; looked up otherwise.
    func closedElementName(_ key: NameKey) -> FeedBuilder.ElementName {
        if let top = openElements.popLast(), top.key == key, top.name.generation == builder.namespaceGeneration {
            return top.name
        }
        return elementName(key)
    }

    func stop(_ warning: String) {
        if !stopped {
            stopped = true
            warnings.append(warning)
            if let ctxt { xmlStopParser(ctxt) }
        }
    }

    /// An entity reference libxml2 did not resolve: a declared internal entity (expanded here, bounded) or an
    /// HTML named entity (feedparser decodes those too); anything else is kept as text.
    func reference(_ name: String) {
        var value = expand(name, level: 0) ?? "&" + name + ";"
        value.withUTF8 { builder.appendText($0) }
    }

    func expand(_ name: String, level: Int) -> String? {
        if let declared = declaredEntities[name] {
            guard level < 8 else { entityLimit(); return "" }
            var out = ""
            var rest = Substring(declared)
            while let amp = rest.firstIndex(of: "&") {
                out += rest[..<amp]
                let after = rest[rest.index(after: amp)...]
                if let semi = after.firstIndex(of: ";"), after.distance(from: after.startIndex, to: semi) <= 64,
                   !after.hasPrefix("#") {
                    let inner = String(after[..<semi])
                    out += expand(inner, level: level + 1) ?? "&\(inner);"
                    rest = after[after.index(after: semi)...]
                } else {
                    out += "&"; rest = after
                }
                if entityLimitHit { return "" }
            }
            out += rest
            out = HTMLEntities.decode(out)
            expandedBytes += out.utf8.count
            if expandedBytes > Self.maximumExpansion { entityLimit(); return "" }
            return out
        }
        if let html = HTMLEntities.named(name) { return html }
        return nil
    }

    func entityLimit() {
        if !entityLimitHit {
            entityLimitHit = true
            stop("entity expansion exceeds \(Self.maximumExpansion) bytes (billion laughs?); the rest of the document was ignored")
        }
    }
}

// MARK: - C callbacks

@inline(__always) private func handler(_ ctx: UnsafeMutableRawPointer?) -> FeedSAXHandler {
    Unmanaged<FeedSAXHandler>.fromOpaque(ctx!).takeUnretainedValue()
}

private let startElementNs: startElementNsSAX2Func = { ctx, localname, prefix, uri, nbNamespaces, namespaces, nbAttributes, _, attributes in
    let h = handler(ctx)
    if h.stopped { return }
    var ns: [(String?, String)] = []
    if let namespaces, nbNamespaces > 0 {
        for i in 0..<Int(nbNamespaces) {
            ns.append((FeedSAXHandler.string(namespaces[2 * i]), FeedSAXHandler.string(namespaces[2 * i + 1]) ?? ""))
        }
    }
    var attrs: [(String, String)] = []
    if let attributes, nbAttributes > 0 {
        attrs.reserveCapacity(Int(nbAttributes))
        // Five pointers per attribute: local name, prefix, URI, value start, value end.
        for i in 0..<Int(nbAttributes) {
            let base = 5 * i
            guard let local = attributes[base] else { continue }
            var value = ""
            if let vs = attributes[base + 3], let ve = attributes[base + 4], ve > vs {
                let bytes = UnsafeBufferPointer(start: vs, count: ve - vs)
                value = String(decoding: bytes, as: UTF8.self)
                // Attribute values keep character references as "&#38;" from libxml2: decode them.
                if bytes.contains(UInt8(ascii: "&")) { value = HTMLEntities.decode(value) }
            }
            let key = FeedSAXHandler.NameKey(local: UnsafePointer(local), prefix: attributes[base + 1].map { UnsafePointer($0) },
                                             uri: attributes[base + 2].map { UnsafePointer($0) })
            attrs.append((h.attributeName(key), value))
        }
    }
    h.startElement(FeedSAXHandler.NameKey(local: localname, prefix: prefix, uri: uri), namespaces: ns, attributes: attrs)
}

private let endElementNs: endElementNsSAX2Func = { ctx, localname, prefix, uri in
    let h = handler(ctx)
    if h.stopped { return }
    h.endElement(FeedSAXHandler.NameKey(local: localname, prefix: prefix, uri: uri))
}

private let charactersCallback: charactersSAXFunc = { ctx, ch, len in
    guard let ctx, let ch, len > 0 else { return }
    // The commonest event (libxml2 reports each reference, "&lt;", as a call of its own): the handler is used
    // without counting a reference to it, the parser keeps it alive throughout.
    Unmanaged<FeedSAXHandler>.fromOpaque(ctx)._withUnsafeGuaranteedRef { h in
        if h.stopped { return }
        if len == 1 { h.builder.appendText(ch[0]) } else { h.builder.appendText(UnsafeBufferPointer(start: ch, count: Int(len))) }
    }
}

private let referenceCallback: referenceSAXFunc = { ctx, name in
    let h = handler(ctx)
    if h.stopped { return }
    guard let name else { return }
    h.reference(String(cString: name))
}

private let getEntity: getEntitySAXFunc = { ctx, name in
    guard let name else { return nil }
    // The five XML entities are handled by libxml2; everything else goes to `reference`.
    return xmlGetPredefinedEntity(name)
}

private let entityDecl: entityDeclSAXFunc = { ctx, name, type, publicId, systemId, content in
    let h = handler(ctx)
    guard let name else { return }
    if type == Int32(XML_INTERNAL_GENERAL_ENTITY.rawValue), let content {
        let n = String(cString: name)
        if h.declaredEntities[n] == nil, h.declaredEntities.count < 10_000 {
            h.declaredEntities[n] = String(cString: content)
        }
    } else if type == Int32(XML_EXTERNAL_GENERAL_PARSED_ENTITY.rawValue) || type == Int32(XML_EXTERNAL_GENERAL_UNPARSED_ENTITY.rawValue) {
        let n = String(cString: name)
        if h.warnings.count < 50 { h.warnings.append("external entity '\(n)' not loaded") }
    }
}

private let structuredError: xmlStructuredErrorFunc = { ctx, error in
    guard let ctx, let error else { return }
    let h = handler(ctx)
    h.errorCount += 1
    if h.firstError == nil {
        let msg = error.pointee.message.map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "error"
        h.firstError = "line \(error.pointee.line): \(msg)"
    }
}

extension FeedSAXHandler {
    static func makeSAX() -> xmlSAXHandler {
        var sax = xmlSAXHandler()
        sax.initialized = XML_SAX2_MAGIC
        sax.startElementNs = startElementNs
        sax.endElementNs = endElementNs
        sax.characters = charactersCallback
        sax.cdataBlock = charactersCallback
        sax.reference = referenceCallback
        sax.getEntity = getEntity
        sax.entityDecl = entityDecl
        sax.serror = structuredError
        return sax
    }
}
