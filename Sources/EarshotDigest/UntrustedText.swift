import Foundation

/// Making feed text safe to show.
///
/// Everything a feed or a customer wrote (excerpts, authors, source names, reasons, case titles,
/// customer names, URLs) goes through `clean` first, then through the escaper of the output format.
/// `clean` removes what could change how the text is *shown* rather than what it says: control
/// characters (ESC starts terminal escape sequences in the text digest), line and paragraph separators
/// (U+2028/U+2029 break lines and some JavaScript string literals), and bidirectional overrides (which
/// can make "gpj.exe" read as "exe.jpg"). It also caps the length so one enormous post cannot bury the
/// digest.
public enum UntrustedText {
    /// Plain, single-line, length-capped text.
    ///
    /// - Parameters:
    ///   - text: the untrusted text.
    ///   - limit: the most characters (grapheme clusters) to keep; longer text ends in "…".
    public static func clean(_ text: String, limit: Int = 300) -> String {
        var scalars = String.UnicodeScalarView()
        var lastWasSpace = true  // drops leading spaces and collapses runs
        // Stop reading a huge text early: 8 scalars per character is more than any real script needs
        // (Zalgo text gets cut sooner, which is fine).
        let budget = limit > 0 ? (limit + 1) * 8 : Int.max
        var cutShort = false
        var kept = 0
        for scalar in text.unicodeScalars {
            if kept >= budget {
                cutShort = true
                break
            }
            kept += 1
            if isLineBreakOrSpace(scalar) {
                if !lastWasSpace { scalars.append(" ") }
                lastWasSpace = true
            } else if isInvisibleControl(scalar) {
                continue
            } else {
                scalars.append(scalar)
                lastWasSpace = false
            }
        }
        var result = String(scalars)
        while result.hasSuffix(" ") { result.removeLast() }
        if cutShort && result.count <= limit {
            return truncate(result + "……", limit: min(limit, result.count + 1))
        }
        return truncate(result, limit: limit)
    }

    static func truncate(_ text: String, limit: Int) -> String {
        guard limit > 0, text.count > limit else { return text }
        var cut = String(text.prefix(max(limit - 1, 0)))
        while cut.hasSuffix(" ") { cut.removeLast() }
        return cut + "…"
    }

    private static func isLineBreakOrSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x2028, 0x2029: return true
        default: return s.properties.isWhitespace
        }
    }

    /// C0 and C1 controls, DEL, bidirectional formatting characters, and the byte-order mark.
    private static func isInvisibleControl(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: return true
        case 0xFFF9...0xFFFB: return true  // interlinear annotation controls
        default: return false
        }
    }

    // MARK: - HTML

    /// Escapes text for HTML element content *and* quoted attribute values (and SVG text).
    ///
    /// Escaping all five of `& < > " '` means the same function is safe in both places, so no call
    /// site has to know which one it is in.
    public static func html(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "`": out += "&#96;"  // old IE treated backticks as attribute quotes
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Cleans and escapes in one step: what every piece of untrusted text in the HTML goes through.
    public static func htmlText(_ text: String, limit: Int = 300) -> String {
        html(clean(text, limit: limit))
    }

    // MARK: - Markdown

    /// Escapes text for inline Markdown (CommonMark + GitHub tables).
    ///
    /// Backslash-escapes every character that can start emphasis, code, links, images, raw HTML,
    /// entities, strikethrough or a table cell, and a leading character that could start a block
    /// (heading, list, quote) if the text ever began a line.
    static func markdown(_ text: String, limit: Int = 300) -> String {
        let cleaned = clean(text, limit: limit)
        var out = ""
        for ch in cleaned {
            switch ch {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "&", "|", "~", "#", "!", "{", "}":
                out.append("\\")
                out.append(ch)
            default:
                out.append(ch)
            }
        }
        if let first = out.first, "-+=".contains(first) { out = "\\" + out }
        // "12. text" or "12) text" at a line start would begin an ordered list.
        let digits = out.prefix(while: { $0.isASCII && $0.isNumber })
        if !digits.isEmpty, let next = out.dropFirst(digits.count).first, next == "." || next == ")" {
            out.insert("\\", at: out.index(out.startIndex, offsetBy: digits.count))
        }
        return out
    }

    // MARK: - Links

    /// The URL if it is a plain absolute http(s) URL that is safe to put in an `href`, else nil.
    ///
    /// Browsers ignore tabs and newlines inside URLs ("java\tscript:"), and entity-decoding happens
    /// before the scheme is read, so this rejects any whitespace, control or bidi character instead
    /// of trying to normalise it, and checks the scheme on the raw text and on the parsed URL.
    static func safeLink(_ raw: String?) -> String? {
        guard let raw, raw.utf8.count <= 4096 else { return nil }
        let text = raw.trimmingCharacters(in: .whitespaces)
        // 2048: the longest URL every mail client and browser still handles.
        guard !text.isEmpty, text.utf8.count <= 2048 else { return nil }
        for scalar in text.unicodeScalars {
            if scalar.value <= 0x20 || isInvisibleControl(scalar) || isLineBreakOrSpace(scalar) { return nil }
            if "<>\"'`\\".unicodeScalars.contains(scalar) { return nil }
        }
        let lower = text.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else { return nil }
        return text
    }

    /// A short name for a link, e.g. "trustpilot.com".
    static func linkHost(_ link: String) -> String {
        guard let host = URL(string: link)?.host else { return "link" }
        let trimmed = host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
        return clean(trimmed, limit: 60)
    }

    /// Percent-encodes a safe link for a Markdown link destination, so parentheses and spaces
    /// cannot end it early.
    static func markdownLinkDestination(_ link: String) -> String {
        var out = ""
        for scalar in link.unicodeScalars {
            switch scalar {
            case "(": out += "%28"
            case ")": out += "%29"
            case " ": out += "%20"
            case "<": out += "%3C"
            case ">": out += "%3E"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
