import Foundation

/// A configured selector as an XPath expression: XPath as written, or a small CSS subset translated.
///
/// CSS understood: `tag`, `*`, `.class`, `#id`, `[attr]`, `[attr=value]` (also `~=`, `^=`, `$=`, `*=`, `|=`),
/// the descendant combinator (space), the child combinator `>`, and `,` groups. Anything else
/// (pseudo-classes, `+`, `~`) makes the translation fail, which the caller reports as a warning.
enum SelectorQuery {
    /// The XPath for `selector`, or nil when it is neither XPath nor the CSS subset.
    ///
    /// - Parameter relative: true for field selectors, evaluated inside a review container: CSS then
    ///   searches below the container (`.//`), and an absolute XPath (`//span`) is made relative (`.//span`),
    ///   because a field selector that searched the whole page would give every review the first review's author.
    static func xpath(_ selector: String, relative: Bool) -> String? {
        let trimmed = selector.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        if isXPath(trimmed) {
            if relative, trimmed.hasPrefix("/") { return "." + trimmed }
            return trimmed
        }
        var groups: [String] = []
        for group in split(trimmed, at: ",") {
            guard let translated = translate(group, relative: relative) else { return nil }
            groups.append(translated)
        }
        return groups.isEmpty ? nil : groups.joined(separator: " | ")
    }

    /// XPath starts with `/`, `.`, `(` or `@`, names an axis (`::`), or calls a function (`string(...)`).
    static func isXPath(_ selector: String) -> Bool {
        guard let first = selector.first else { return false }
        if first == "." {
            // ".", "./x", "..": XPath; ".class": CSS.
            let second = selector.dropFirst().first
            return second == nil || second == "/" || second == "."
        }
        if "/(@".contains(first) || selector.contains("::") || selector.contains("[@") { return true }
        if let paren = selector.firstIndex(of: "("),
           selector[..<paren].allSatisfy({ $0.isLetter || $0 == "-" }) { return true }
        return false
    }

    // MARK: - CSS

    private static func translate(_ group: String, relative: Bool) -> String? {
        var xpath = relative ? "." : ""
        var combinator = "//"
        var sawCompound = false
        var index = group.startIndex
        while index < group.endIndex {
            let c = group[index]
            if c.isWhitespace { index = group.index(after: index); continue }
            if c == ">" {
                combinator = "/"
                index = group.index(after: index)
                continue
            }
            if c == "+" || c == "~" { return nil }
            guard let (compound, end) = compound(in: group, from: index) else { return nil }
            if !sawCompound, !relative, combinator == "/" { return nil }  // "> x" means nothing without a container
            xpath += combinator + compound
            combinator = "//"
            sawCompound = true
            index = end
        }
        return sawCompound && combinator == "//" ? xpath : nil
    }

    /// One compound selector (`div.review[data-id]`) as an XPath step, and where it ends.
    private static func compound(in text: String, from start: String.Index) -> (String, String.Index)? {
        var index = start
        var tag = "*"
        var predicates: [String] = []
        func name(from i: String.Index) -> (String, String.Index) {
            var end = i
            while end < text.endIndex, text[end].isLetter || text[end].isNumber || "-_".contains(text[end]) {
                end = text.index(after: end)
            }
            return (String(text[i..<end]), end)
        }
        if text[index] == "*" {
            index = text.index(after: index)
        } else if text[index].isLetter {
            let (tagName, end) = name(from: index)
            tag = tagName.lowercased()
            index = end
        }
        while index < text.endIndex {
            let c = text[index]
            if c == "." || c == "#" {
                let (value, end) = name(from: text.index(after: index))
                guard !value.isEmpty else { return nil }
                predicates.append(c == "." ? hasToken("@class", value) : "@id=\(literal(value))")
                index = end
            } else if c == "[" {
                guard let close = text[index...].firstIndex(of: "]"),
                      let predicate = attribute(String(text[text.index(after: index)..<close])) else { return nil }
                predicates.append(predicate)
                index = text.index(after: close)
            } else if c.isWhitespace || c == ">" || c == "+" || c == "~" {
                break
            } else {
                return nil  // a pseudo-class or something else outside the subset
            }
        }
        if index == start { return nil }
        return (tag + predicates.map { "[\($0)]" }.joined(), index)
    }

    /// `attr`, `attr=value`, `attr~=value`, `attr^=value`, `attr$=value`, `attr*=value`, `attr|=value`.
    private static func attribute(_ body: String) -> String? {
        guard let equals = body.firstIndex(of: "=") else {
            let name = body.trimmingCharacters(in: .whitespaces).lowercased()
            return isName(name) ? "@" + name : nil
        }
        var nameEnd = equals
        var op = "="
        if equals > body.startIndex, "~^$*|".contains(body[body.index(before: equals)]) {
            nameEnd = body.index(before: equals)
            op = String(body[nameEnd]) + "="
        }
        let name = body[..<nameEnd].trimmingCharacters(in: .whitespaces).lowercased()
        var value = body[body.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
            value = String(value.dropFirst().dropLast())
        }
        guard isName(name) else { return nil }
        let attr = "@" + name
        switch op {
        case "=": return "\(attr)=\(literal(value))"
        case "~=": return hasToken(attr, value)
        case "^=": return "starts-with(\(attr),\(literal(value)))"
        case "*=": return "contains(\(attr),\(literal(value)))"
        case "$=": return "substring(\(attr),string-length(\(attr))-string-length(\(literal(value)))+1)=\(literal(value))"
        case "|=": return "\(attr)=\(literal(value)) or starts-with(\(attr),\(literal(value + "-")))"
        default: return nil
        }
    }

    private static func isName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || "-_:".contains($0) }
    }

    /// The whitespace-separated token test CSS uses for classes.
    private static func hasToken(_ attr: String, _ token: String) -> String {
        "contains(concat(' ',normalize-space(\(attr)),' '),\(literal(" " + token + " ")))"
    }

    /// An XPath string literal for any text (XPath 1.0 has no escapes: quotes need `concat`).
    static func literal(_ value: String) -> String {
        if !value.contains("'") { return "'\(value)'" }
        if !value.contains("\"") { return "\"\(value)\"" }
        return "concat(" + value.split(separator: "'", omittingEmptySubsequences: false)
            .map { "'\($0)'" }.joined(separator: ",\"'\",") + ")"
    }

    /// Splits at `separator` outside brackets and quotes.
    private static func split(_ text: String, at separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var bracket = 0
        var quote: Character?
        for c in text {
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "[" {
                bracket += 1
            } else if c == "]" {
                bracket -= 1
            } else if c == separator, bracket == 0 {
                parts.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
                continue
            }
            current.append(c)
        }
        parts.append(current.trimmingCharacters(in: .whitespaces))
        return parts.filter { !$0.isEmpty }
    }
}
