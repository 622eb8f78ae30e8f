import CLibXML2
import Foundation

/// A borrowed view of one libxml2 node of an ``HTMLDocument``.
///
/// It never outlives the document that owns the tree: parser types create, use and drop these inside one
/// `parse` call. The HTML parser lowercases element and attribute names, so names compare lowercased.
struct HTMLNode {
    let pointer: xmlNodePtr

    init(_ pointer: xmlNodePtr) { self.pointer = pointer }

    var isElement: Bool { pointer.pointee.type == XML_ELEMENT_NODE }
    var isText: Bool { pointer.pointee.type == XML_TEXT_NODE || pointer.pointee.type == XML_CDATA_SECTION_NODE }

    /// The element's lowercased name ("" for nodes without one).
    var name: String {
        guard let name = pointer.pointee.name else { return "" }
        return String(cString: name)
    }

    /// True when the element's name equals `lowercasedName`, without building a Swift string.
    func hasName(_ lowercasedName: StaticString) -> Bool {
        guard let name = pointer.pointee.name else { return false }
        return strcmp(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self),
                      UnsafeRawPointer(lowercasedName.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
    }

    /// The raw content of a text or CDATA node.
    var content: String {
        guard let content = pointer.pointee.content else { return "" }
        return String(cString: content)
    }

    var parent: HTMLNode? { pointer.pointee.parent.map(HTMLNode.init) }

    /// The child nodes, in document order.
    var children: [HTMLNode] {
        var out: [HTMLNode] = []
        var child = pointer.pointee.children
        while let node = child {
            out.append(HTMLNode(node))
            child = node.pointee.next
        }
        return out
    }

    /// The attribute's value (entities already decoded by the parser), nil when the attribute is absent.
    func attribute(_ name: String) -> String? {
        let wanted = name.lowercased()
        var property = pointer.pointee.properties
        while let attr = property {
            if let attrName = attr.pointee.name, String(cString: attrName).lowercased() == wanted {
                var value = ""
                var child = attr.pointee.children
                while let text = child {
                    if let content = text.pointee.content { value += String(cString: content) }
                    child = text.pointee.next
                }
                return value
            }
            property = attr.pointee.next
        }
        return nil
    }

    /// True when the attribute is present, even without a value (`<div itemscope>`).
    func hasAttribute(_ name: String) -> Bool {
        let wanted = name.lowercased()
        var property = pointer.pointee.properties
        while let attr = property {
            if let attrName = attr.pointee.name, String(cString: attrName).lowercased() == wanted { return true }
            property = attr.pointee.next
        }
        return false
    }

    /// The attribute's value split at whitespace and lowercased (`rel`, `class`, `itemprop` are token lists).
    func tokens(_ name: String) -> [String] {
        guard let value = attribute(name) else { return [] }
        return value.lowercased().split(whereSeparator: { $0.isWhitespace }).map(String.init)
    }

    /// What a walk over descendant elements does after visiting one.
    enum Walk { case descend, skip, stop }

    /// Visits the descendant elements in document order with their depth (1 for children),
    /// iteratively (hostile pages nest deeper than the stack allows). `visit` says whether to
    /// walk into the element's children, skip them, or stop.
    func walkElements(_ visit: (HTMLNode, Int) -> Walk) {
        var node = pointer.pointee.children
        var depth = 1
        while let current = node {
            var descend = false
            if current.pointee.type == XML_ELEMENT_NODE {
                switch visit(HTMLNode(current), depth) {
                case .stop: return
                case .descend: descend = current.pointee.children != nil
                case .skip: break
                }
            }
            if descend {
                node = current.pointee.children
                depth += 1
                continue
            }
            var climbing = current
            node = nil
            while true {
                if let next = climbing.pointee.next { node = next; break }
                guard let up = climbing.pointee.parent, up != pointer else { break }
                depth -= 1
                climbing = up
            }
        }
    }

    /// The descendant elements in document order, at most `maximumDepth` deep.
    ///
    /// - Parameter skipping: when it returns true for an element, that element is reported but its subtree is not.
    func descendantElements(maximumDepth: Int, skipping: (HTMLNode) -> Bool = { _ in false }) -> [HTMLNode] {
        var out: [HTMLNode] = []
        walkElements { element, depth in
            out.append(element)
            return depth < maximumDepth && !skipping(element) ? .descend : .skip
        }
        return out
    }
}
