import CLibXML2
import Foundation

/// An HTML page parsed by libxml2's recovering HTML parser; owns the tree and frees it.
///
/// The parser never gives up on broken markup (HTML_PARSE_RECOVER), never touches the network
/// (HTML_PARSE_NONET) and writes nothing to stderr (NOERROR, NOWARNING, and a silent generic handler).
final class HTMLDocument {
    let pointer: htmlDocPtr

    /// Parses `data`; nil when libxml2 builds no tree at all (empty input).
    ///
    /// - Parameter encoding: the HTTP charset, or nil to let the BOM and `<meta charset>` decide.
    init?(data: Data, url: String?, encoding: String?) {
        _ = Self.libraryInitialized
        earshot_xml_silence_generic_errors()
        earshot_xml_refuse_external_entities()
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue
            | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue)
        guard !data.isEmpty, data.count < Int(Int32.max) else { return nil }
        func read(_ encoding: String?) -> htmlDocPtr? {
            data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> htmlDocPtr? in
                guard let base = buffer.baseAddress?.assumingMemoryBound(to: CChar.self) else { return nil }
                return htmlReadMemory(base, Int32(buffer.count), url, encoding, options)
            }
        }
        // libxml2 ignores an HTTP charset it does not know and reads the page as if none were given.
        let charset = encoding?.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'"))
        var doc = read(charset?.isEmpty == false ? charset : nil)
        if doc == nil, encoding != nil { doc = read(nil) }
        guard let doc else { return nil }
        pointer = doc
    }

    /// libxml2's global set-up, once per process before any parse (Swift runs a static's initializer once,
    /// thread-safely; parses may then run on several threads, each on its own document).
    static let libraryInitialized: Void = { xmlInitParser() }()

    /// Parses an HTML fragment given as a Swift string (text from JSON-LD that may carry markup or entities).
    init?(fragment: String) {
        _ = Self.libraryInitialized
        earshot_xml_silence_generic_errors()
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue
            | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue)
        let bytes = Array(fragment.utf8)
        guard !bytes.isEmpty, bytes.count < Int(Int32.max) else { return nil }
        let doc = bytes.withUnsafeBufferPointer { buffer -> htmlDocPtr? in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                htmlReadMemory($0, Int32(buffer.count), nil, "UTF-8", options)
            }
        }
        guard let doc else { return nil }
        pointer = doc
    }

    deinit {
        for compiled in compiledExpressions.values { xmlXPathFreeCompExpr(compiled) }
        if let xpathContext { xmlXPathFreeContext(xpathContext) }
        xmlFreeDoc(pointer)
    }

    /// One XPath context and compiled expressions, reused: selectors run once per review container.
    private var xpathContext: xmlXPathContextPtr?
    private var compiledExpressions: [String: xmlXPathCompExprPtr] = [:]

    var root: HTMLNode? { xmlDocGetRootElement(pointer).map(HTMLNode.init) }

    /// What an XPath expression evaluates to.
    enum XPathValue {
        case nodes([HTMLNode])
        case string(String)
        case number(Double)
        case boolean(Bool)
    }

    /// Evaluates `expression` with `context` as the context node (the document when nil).
    ///
    /// - Returns: nil when the expression does not compile or evaluate.
    func evaluate(_ expression: String, at context: HTMLNode? = nil) -> XPathValue? {
        if xpathContext == nil {
            xpathContext = xmlXPathNewContext(pointer)
            xpathContext?.pointee.error = { _, _ in }  // a bad configured selector is a warning, not stderr noise
        }
        guard let xpath = xpathContext else { return nil }
        xpath.pointee.node = context?.pointer ?? UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: xmlNode.self)
        let compiled: xmlXPathCompExprPtr
        if let cached = compiledExpressions[expression] {
            compiled = cached
        } else {
            let source = Array(expression.utf8) + [0]
            guard let fresh = source.withUnsafeBufferPointer({ xmlXPathCtxtCompile(xpath, $0.baseAddress) }) else { return nil }
            compiledExpressions[expression] = fresh
            compiled = fresh
        }
        guard let object = xmlXPathCompiledEval(compiled, xpath) else { return nil }
        defer { xmlXPathFreeObject(object) }
        switch object.pointee.type {
        case XPATH_NODESET:
            var nodes: [HTMLNode] = []
            if let set = object.pointee.nodesetval, set.pointee.nodeNr > 0, let table = set.pointee.nodeTab {
                nodes.reserveCapacity(Int(set.pointee.nodeNr))
                for index in 0..<Int(set.pointee.nodeNr) {
                    if let node = table[index] { nodes.append(HTMLNode(node)) }
                }
            }
            return .nodes(nodes)
        case XPATH_STRING:
            return .string(object.pointee.stringval.map { String(cString: $0) } ?? "")
        case XPATH_NUMBER:
            return .number(object.pointee.floatval)
        case XPATH_BOOLEAN:
            return .boolean(object.pointee.boolval != 0)
        default:
            return nil
        }
    }

    /// The elements an XPath expression selects (empty for an invalid expression or a non-node result).
    func elements(_ expression: String, at context: HTMLNode? = nil) -> [HTMLNode] {
        guard case .nodes(let nodes)? = evaluate(expression, at: context) else { return [] }
        return nodes.filter(\.isElement)
    }
}
