import Foundation
import CLibXML2

/// One feed of an OPML subscription list (OPML 2.0, http://opml.org/spec2.opml).
public struct OPMLOutline: Sendable, Equatable {
    public var title: String?
    public var xmlURL: String
    public var htmlURL: String?
}

/// Reads the feeds of an OPML file: every `<outline>` with an `xmlUrl`, at any depth.
public enum OPMLParser {
    public static func parse(_ data: Data, url: String? = nil) throws -> [OPMLOutline] {
        // No network, no DTD loading, no entity substitution (see PITFALLS: NOENT reads files).
        let options = Int32(XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
                            | XML_PARSE_NOWARNING.rawValue)
        earshot_xml_refuse_external_entities()
        let doc: xmlDocPtr? = data.withUnsafeBytes { raw in
            xmlReadMemory(raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(raw.count), url, nil, options)
        }
        guard let doc else { throw ParseError("opml: not an XML document; export the OPML again from your feed reader") }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc), name(root) == "opml" else {
            throw ParseError("opml: the root element is not <opml>; pass an OPML subscription list")
        }
        var out: [OPMLOutline] = []
        func walk(_ node: xmlNodePtr?) {
            var cursor = node
            while let n = cursor {
                if n.pointee.type == XML_ELEMENT_NODE, name(n) == "outline", let xml = attribute(n, "xmlUrl"), !xml.isEmpty {
                    out.append(OPMLOutline(title: attribute(n, "title") ?? attribute(n, "text"), xmlURL: xml, htmlURL: attribute(n, "htmlUrl")))
                }
                walk(n.pointee.children)
                cursor = n.pointee.next
            }
        }
        walk(root.pointee.children)
        return out
    }

    static func name(_ node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
        guard let value = xmlGetProp(node, name) else { return nil }
        defer { earshot_xml_free(value) }
        return String(cString: value).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
