import Foundation

/// JSON as pages really write it inside `<script type="application/ld+json">`.
///
/// Sites wrap the block in HTML comments or CDATA markers, leave trailing commas, put raw line breaks
/// inside strings, or write two objects one after the other. This repairs exactly those faults before
/// `JSONSerialization` sees the text; anything else stays an error.
enum LenientJSON {
    /// The parsed value (a dictionary or an array).
    ///
    /// - Throws: the `JSONSerialization` error when the repaired text is still not JSON.
    static func parse(_ raw: String) throws -> Any {
        let repaired = repair(unwrap(raw))
        do {
            return try JSONSerialization.jsonObject(with: Data(repaired.utf8), options: [.fragmentsAllowed])
        } catch {
            // `{...},{...}` or `{...}{...}`: several objects in one block.
            // A CMS that HTML-escaped the whole block: `{&quot;@type&quot;: ...}`.
            if repaired.contains("&quot;") {
                let unescaped = repaired.replacingOccurrences(of: "&quot;", with: "\"")
                    .replacingOccurrences(of: "&#34;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
                if let value = try? JSONSerialization.jsonObject(with: Data(repair(unescaped).utf8)) { return value }
            }
            if repaired.hasPrefix("{"), let list = try? JSONSerialization.jsonObject(
                with: Data(("[" + separateObjects(repaired) + "]").utf8)) {
                return list
            }
            throw error
        }
    }

    /// Whitespace and the byte-order mark some CMSs leave at the start of a block.
    private static let trimmed = CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{FEFF}"))

    /// The text without `<!-- -->`, `<![CDATA[ ]]>` (also `//`-commented) wrappers and a trailing `;`.
    static func unwrap(_ raw: String) -> String {
        var text = raw.trimmingCharacters(in: trimmed)
        var changed = true
        while changed {
            changed = false
            for (open, close) in [("<!--", "-->"), ("//<![CDATA[", "//]]>"), ("<![CDATA[", "]]>"), ("/*<![CDATA[*/", "/*]]>*/")] {
                if text.hasPrefix(open) {
                    text = String(text.dropFirst(open.count)).trimmingCharacters(in: trimmed)
                    changed = true
                }
                if text.hasSuffix(close) {
                    text = String(text.dropLast(close.count)).trimmingCharacters(in: trimmed)
                    changed = true
                }
            }
            if text.hasSuffix(";") {
                text = String(text.dropLast()).trimmingCharacters(in: trimmed)
                changed = true
            }
        }
        return text
    }

    /// Drops commas before `}`/`]` and escapes raw control characters inside strings.
    static func repair(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var inString = false
        var escaped = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped {
                    escaped = false
                    out.append(byte)
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                    out.append(byte)
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    out.append(byte)
                } else if byte < 0x20 {
                    switch byte {
                    case 0x0A: out += Array("\\n".utf8)
                    case 0x0D: out += Array("\\r".utf8)
                    case 0x09: out += Array("\\t".utf8)
                    default: out += Array(String(format: "\\u%04x", Int(byte)).utf8)
                    }
                } else {
                    out.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
                out.append(byte)
            } else if byte == UInt8(ascii: ",") {
                var next = index + 1
                while next < bytes.count, bytes[next] == 0x20 || bytes[next] == 0x0A || bytes[next] == 0x0D || bytes[next] == 0x09 {
                    next += 1
                }
                if next < bytes.count, bytes[next] == UInt8(ascii: "}") || bytes[next] == UInt8(ascii: "]") {
                    // a trailing comma: drop it
                } else {
                    out.append(byte)
                }
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `{..}{..}` → `{..},{..}` at the top level (strings respected).
    static func separateObjects(_ text: String) -> String {
        var out = ""
        var depth = 0
        var inString = false
        var escaped = false
        var previousClosedTop = false
        for scalar in text.unicodeScalars {
            if inString {
                if escaped { escaped = false } else if scalar == "\\" { escaped = true } else if scalar == "\"" { inString = false }
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\"": inString = true
            case "{", "[":
                if depth == 0, previousClosedTop { out += "," }
                depth += 1
                previousClosedTop = false
            case "}", "]":
                depth -= 1
                if depth == 0 { previousClosedTop = true }
            case ",": previousClosedTop = false
            default: break
            }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
