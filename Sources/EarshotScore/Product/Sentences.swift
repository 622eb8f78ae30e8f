/// Splits text into sentences for targeted sentiment: after ".", "!" or "?" (runs of them
/// included) followed by whitespace, and at line breaks. Crude on abbreviations ("Dr. Who"),
/// which only costs a slightly different weighting.
enum Sentences {
    static func split(_ text: String) -> [String] {
        var sentences: [String] = []
        // Scalar by scalar over indices, slicing each sentence out once (a Character walk costs
        // grapheme breaking on every step, and appending scalar by scalar costs more).
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var previousWasEnd = false
        var i = scalars.startIndex
        while i < scalars.endIndex {
            let ch = scalars[i]
            if isNewline(ch) || (previousWasEnd && ch.properties.isWhitespace) {
                flush(text[start ..< i], into: &sentences)
                previousWasEnd = false
                i = scalars.index(after: i)
                start = i
                continue
            }
            previousWasEnd = ch == "." || ch == "!" || ch == "?" || (previousWasEnd && (ch == "\"" || ch == ")"))
            i = scalars.index(after: i)
        }
        flush(text[start ..< scalars.endIndex], into: &sentences)
        return sentences
    }

    /// What `Character.isNewline` calls a line break: LF, VT, FF, CR, NEL, LS and PS.
    private static func isNewline(_ s: Unicode.Scalar) -> Bool {
        (s.value >= 0x0A && s.value <= 0x0D) || s.value == 0x85 || s.value == 0x2028 || s.value == 0x2029
    }

    private static func flush(_ current: Substring, into sentences: inout [String]) {
        let trimmed = current.trimmingWhitespace()
        if !trimmed.isEmpty { sentences.append(trimmed) }
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace (no Foundation needed).
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first ... last])
    }
}
