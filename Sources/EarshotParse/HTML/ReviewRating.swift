import Foundation

/// A review's rating as a page states it: the value and, when the page says so, the scale.
struct ReviewRating: Equatable {
    var value: Double
    var best: Double?
    var worst: Double?

    /// A number from a schema.org value: a JSON number, or a string such as "4", "4.5", "4,5" or "4.5 stars".
    static func number(_ any: Any?) -> Double? {
        switch any {
        case let number as NSNumber:
            if String(cString: number.objCType) == "c" { return nil }  // JSON true/false: not a rating
            let value = number.doubleValue
            return value.isFinite ? value : nil
        case let string as String:
            return leadingNumber(in: string)?.value
        case let array as [Any]:
            return array.lazy.compactMap { number($0) }.first
        case let object as [String: Any]:
            return number(object["@value"])
        default:
            return nil
        }
    }

    /// A count ("212", 212, "1,234", "1.234", "1 234"): separators dropped, since a count is a whole number.
    static func count(_ any: Any?) -> Int? {
        if let string = any as? String {
            let digits = string.drop(while: { !($0.isASCII && $0.isNumber) })
                .prefix(while: { ($0.isASCII && $0.isNumber) || ",. \u{A0}\u{202F}'".contains($0) })
                .filter { $0.isASCII && $0.isNumber }
            return digits.count <= 18 ? Int(digits) : nil
        }
        guard let value = number(any), value >= 0, value < 1e18 else { return nil }
        return Int(value)
    }

    /// Reads a rating out of visible text or an attribute: "4", "4.5", "4,5", "4/5", "4 out of 5",
    /// "Rated 2 out of 5 stars", "4.5 von 5", "★★★★☆".
    ///
    /// - Returns: nil when the text holds no number and no star glyphs.
    static func parse(_ text: String) -> ReviewRating? {
        if let first = leadingNumber(in: text) {
            var rating = ReviewRating(value: first.value)
            let rest = text[first.end...]
            // The scale follows the value: "/5", "out of 5", "of 5", "von 5", "sur 5", "de 5", "su 5", "van 5".
            let lowered = rest.lowercased()
            let trimmed = lowered.drop(while: { $0.isWhitespace })
            for joiner in ["/", "out of", "of", "von", "sur", "de", "su", "van", "из"] where trimmed.hasPrefix(joiner) {
                let after = String(trimmed.dropFirst(joiner.count))
                if let best = leadingNumber(in: after), after.prefix(upTo: best.start).allSatisfy(\.isWhitespace) {
                    rating.best = best.value
                }
                break
            }
            return rating
        }
        // Star glyphs: filled ones count, the total is the scale.
        let filled = text.filter { "★⭐".contains($0) }.count
        let empty = text.filter { "☆".contains($0) }.count
        if filled + empty > 0 {
            return ReviewRating(value: Double(filled), best: empty > 0 ? Double(filled + empty) : nil)
        }
        return nil
    }

    /// The first decimal number in `text` (a comma is a decimal mark when a digit follows it).
    static func leadingNumber(in text: String) -> (value: Double, start: String.Index, end: String.Index)? {
        guard let start = text.firstIndex(where: { $0.isASCII && $0.isNumber }) else { return nil }
        var end = start
        var literal = ""
        var sawMark = false
        while end < text.endIndex {
            let c = text[end]
            if c.isASCII, c.isNumber {
                literal.append(c)
            } else if (c == "." || c == ","), !sawMark {
                let next = text.index(after: end)
                guard next < text.endIndex, text[next].isASCII, text[next].isNumber else { break }
                literal.append(".")
                sawMark = true
            } else {
                break
            }
            end = text.index(after: end)
        }
        // A minus sign right before the digits (worstRating -1 on some sites' scales).
        var begin = start
        if start > text.startIndex, text[text.index(before: start)] == "-" {
            literal = "-" + literal
            begin = text.index(before: start)
        }
        guard let value = Double(literal), value.isFinite else { return nil }
        return (value, begin, end)
    }
}
