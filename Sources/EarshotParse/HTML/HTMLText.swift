import CLibXML2
import Foundation

/// Readable text out of HTML: the DOM walk that libxml2's `xmlNodeGetContent` is not.
///
/// `xmlNodeGetContent` glues `a<br>b` and `<p>a</p><p>b</p>` into "ab" and keeps `&nbsp;` as U+00A0.
/// Here block elements and `<br>` separate words, scripts and styles are dropped, every run of
/// whitespace (U+00A0 included) becomes one space, and the result is trimmed; empty text is nil.
enum HTMLText {
    /// Elements whose content is never text a reader sees.
    static let dropped: Set<String> = ["script", "style", "template", "noscript", "head", "svg", "math", "iframe",
                                       "object", "embed", "select", "button"]

    /// Elements that start and end a line (HTML's block and line-breaking elements).
    static let blocks: Set<String> = [
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "li", "main", "nav", "ol", "option", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "ul", "title", "body", "html", "img", "input", "textarea", "label",
    ]

    /// The text of `node` and its descendants, or nil when there is none.
    ///
    /// - Parameter excluding: descendant elements whose text is left out (an owner's response inside a
    ///   review container, the author line inside a response).
    static func text(of node: HTMLNode, maximumDepth: Int = 256, excluding: [HTMLNode] = []) -> String? {
        var collector = Collector()
        if node.isText {
            collector.append(node.content)
            return collector.result
        }
        if node.isElement, dropped.contains(node.name) { return nil }
        var current = node.pointer.pointee.children
        var depth = 1
        while let here = current {
            var descend = false
            switch here.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = here.pointee.content { collector.append(String(cString: content)) }
            case XML_ELEMENT_NODE:
                let name = HTMLNode(here).name
                if !dropped.contains(name), excluding.isEmpty || !excluding.contains(where: { $0.pointer == here }) {
                    if blocks.contains(name) { collector.breakWord() }
                    if let email = cloudflareEmail(here) {
                        collector.append(email)
                    } else if name == "img", let smiley = smiley(here) {
                        collector.append(smiley)
                    } else {
                        descend = here.pointee.children != nil && depth < maximumDepth
                    }
                }
            default:
                break
            }
            if descend {
                current = here.pointee.children
                depth += 1
                continue
            }
            var climbing = here
            current = nil
            while true {
                if climbing.pointee.type == XML_ELEMENT_NODE, blocks.contains(HTMLNode(climbing).name) {
                    collector.breakWord()
                }
                if let next = climbing.pointee.next { current = next; break }
                guard let up = climbing.pointee.parent, up != node.pointer else { break }
                depth -= 1
                climbing = up
            }
        }
        return collector.result
    }

    /// The address Cloudflare's e-mail obfuscation hides in `data-cfemail` (shown as "[email protected]" until the
    /// page's script runs): hex bytes, the first the key the others are XORed with, UTF-8.
    static func cloudflareEmail(_ node: xmlNodePtr) -> String? {
        guard xmlHasProp(node, "data-cfemail") != nil, let hex = HTMLNode(node).attribute("data-cfemail") else { return nil }
        return decodeCloudflareEmail(hex)
    }

    /// A smiley or emoji drawn as a picture (WordPress's `<img class="wp-smiley" alt=":)">`, `<img class="emoji" alt="🙂">`):
    /// the reader sees it, so it is text.
    static func smiley(_ node: xmlNodePtr) -> String? {
        let image = HTMLNode(node)
        guard image.tokens("class").contains(where: { $0 == "wp-smiley" || $0 == "emoji" }), let alt = image.attribute("alt"),
              !alt.isEmpty, alt.count <= 8 else { return nil }
        return " " + alt + " "
    }

    static func decodeCloudflareEmail(_ hex: String) -> String? {
        let digits = Array(hex.utf8)
        guard digits.count >= 4, digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        let key = bytes[0]
        let decoded = bytes.dropFirst().map { $0 ^ key }
        guard let text = String(validating: decoded, as: UTF8.self), !text.isEmpty else { return nil }
        return text
    }

    /// Plain text of a string that may hold HTML markup or entities (JSON-LD values often do).
    static func plain(_ string: String) -> String? {
        if string.contains("<") || string.contains("&") {
            if let fragment = HTMLDocument(fragment: string), let root = fragment.root {
                return text(of: root)
            }
        }
        return collapse(string)
    }

    /// `string` with whitespace collapsed and trimmed; nil when nothing is left.
    static func collapse(_ string: String) -> String? {
        var collector = Collector()
        collector.append(string)
        return collector.result
    }

    /// Appends text while collapsing whitespace, so the walk never builds an uncollapsed copy.
    struct Collector {
        private(set) var output = ""
        private var pendingSpace = false

        mutating func append(_ text: String) {
            for scalar in text.unicodeScalars {
                switch scalar.value {
                case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD:
                    continue  // zero-width characters and the soft hyphen: invisible, they only break matching
                default:
                    break
                }
                if scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F {
                    pendingSpace = true
                } else {
                    if pendingSpace, !output.isEmpty { output.unicodeScalars.append(" ") }
                    pendingSpace = false
                    output.unicodeScalars.append(scalar)
                }
            }
        }

        mutating func breakWord() { pendingSpace = true }

        var result: String? { output.isEmpty ? nil : output }
    }
}
