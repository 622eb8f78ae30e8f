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
    /// Text accumulated between element events, decoded once.
    var text: [UInt8] = []

    init(builder: FeedBuilder, maximumDepth: Int) {
        self.builder = builder
        self.maximumDepth = maximumDepth
    }

    func flushText() {
        guard !text.isEmpty else { return }
        builder.handleData(String(decoding: text, as: UTF8.self))
        text.removeAll(keepingCapacity: true)
    }

    static func string(_ p: UnsafePointer<xmlChar>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }

    func startElement(localname: String, prefix: String?, uri: String?,
                      namespaces: [(String?, String)], attributes: [(local: String, prefix: String?, uri: String?, value: String)]) {
        flushText()
        depth += 1
        if depth > maximumDepth {
            stop("element nesting deeper than \(maximumDepth) levels; the rest of the document was ignored")
            return
        }
        if !sawRoot { sawRoot = true; rootName = localname.lowercased() }
        for (p, u) in namespaces where !u.isEmpty { builder.trackNamespace(p, u) }
        builder.startElement(Self.tagName(localname: localname, prefix: prefix, uri: uri, builder: builder),
                             attributes.map { attr -> (String, String) in
                                 let lowerNS = (attr.uri ?? "").lowercased()
                                 var name = attr.local
                                 if attr.prefix == "xml" { name = "xml:" + attr.local }
                                 else if let p = FeedBuilder.namespaces[lowerNS], !p.isEmpty { name = p + ":" + attr.local }
                                 else if let p = attr.prefix, !p.isEmpty { name = p + ":" + attr.local }
                                 return (name.lowercased(), attr.value)
                             })
    }

    func endElement(localname: String, prefix: String?, uri: String?) {
        flushText()
        guard !stopped else { return }
        depth -= 1
        builder.endElement(Self.tagName(localname: localname, prefix: prefix, uri: uri, builder: builder))
    }

    static func tagName(localname: String, prefix: String?, uri: String?, builder: FeedBuilder) -> String {
        var lowerNS = (uri ?? "").lowercased()
        if lowerNS.contains("backend.userland.com/rss") { lowerNS = "http://backend.userland.com/rss" }
        let given = (prefix?.isEmpty ?? true) ? nil : prefix
        let p = FeedBuilder.namespaces[lowerNS] ?? given
        let local = localname.lowercased()
        if let p, !p.isEmpty { return p.lowercased() + ":" + local }
        return local
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
        if let value = expand(name, level: 0) {
            text.append(contentsOf: value.utf8)
        } else {
            text.append(contentsOf: ("&" + name + ";").utf8)
        }
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
    var attrs: [(local: String, prefix: String?, uri: String?, value: String)] = []
    if let attributes, nbAttributes > 0 {
        for i in 0..<Int(nbAttributes) {
            let base = 5 * i
            guard let local = attributes[base] else { continue }
            var value = ""
            if let vs = attributes[base + 3], let ve = attributes[base + 4] {
                let count = ve - vs
                value = count > 0 ? String(decoding: UnsafeBufferPointer(start: vs, count: count), as: UTF8.self) : ""
            }
            // Attribute values keep character references as "&#38;" from libxml2: decode them.
            if value.contains("&") { value = HTMLEntities.decode(value) }
            attrs.append((String(cString: local), FeedSAXHandler.string(attributes[base + 1]),
                          FeedSAXHandler.string(attributes[base + 2]), value))
        }
    }
    h.startElement(localname: localname.map { String(cString: $0) } ?? "", prefix: FeedSAXHandler.string(prefix),
                   uri: FeedSAXHandler.string(uri), namespaces: ns, attributes: attrs)
}

private let endElementNs: endElementNsSAX2Func = { ctx, localname, prefix, uri in
    let h = handler(ctx)
    if h.stopped { return }
    h.endElement(localname: localname.map { String(cString: $0) } ?? "", prefix: FeedSAXHandler.string(prefix),
                 uri: FeedSAXHandler.string(uri))
}

private let charactersCallback: charactersSAXFunc = { ctx, ch, len in
    let h = handler(ctx)
    if h.stopped { return }
    guard let ch, len > 0 else { return }
    h.text.append(contentsOf: UnsafeBufferPointer(start: ch, count: Int(len)))
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
