/// The words of a text as brand queries see them: lower-cased runs of letters, digits, `_` and
/// inner apostrophes, each optionally starting with `@` (a handle) or `#` (a tag).
/// "T-Mobile" is two words and "AT&T" too, so the same split applied to query terms and texts
/// makes such names match as phrases.
enum QueryText {
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            while let last = current.last, last == "'" { current.removeLast() }
            // A possessive names the brand too: "Acme's prices" matches `acme`.
            if current.count > 2, current.last == "s", current[current.index(current.endIndex, offsetBy: -2)] == "'" {
                current.removeLast(2)
            }
            if !current.isEmpty, !(current.count == 1 && (current.first == "@" || current.first == "#")) {
                words.append(String(current))
            }
            current = String.UnicodeScalarView()
        }
        for scalar in text.lowercased().unicodeScalars {
            let s: Unicode.Scalar = scalar == "\u{2019}" ? "'" : scalar
            let isWordScalar = s.isASCII
                ? (s >= "a" && s <= "z") || (s >= "0" && s <= "9") || s == "_"
                : s.properties.isAlphabetic || s.properties.numericType != nil
            if isWordScalar {
                current.append(s)
            } else if (s == "@" || s == "#") && current.isEmpty {
                current.append(s)
            } else if s == "'" && !current.isEmpty && current.last != "@" && current.last != "#" {
                current.append(s)
            } else {
                flush()
            }
        }
        flush()
        return words
    }
}
