/// Splits text into sentences for targeted sentiment: after ".", "!" or "?" (runs of them
/// included) followed by whitespace, and at line breaks. Crude on abbreviations ("Dr. Who"),
/// which only costs a slightly different weighting.
enum Sentences {
    static func split(_ text: String) -> [String] {
        var sentences: [String] = []
        var current = ""
        var previousWasEnd = false
        for ch in text {
            if ch.isNewline {
                flush(&current, into: &sentences)
                previousWasEnd = false
                continue
            }
            if previousWasEnd && ch.isWhitespace {
                flush(&current, into: &sentences)
                previousWasEnd = false
                continue
            }
            current.append(ch)
            previousWasEnd = ch == "." || ch == "!" || ch == "?" || (previousWasEnd && (ch == "\"" || ch == ")"))
        }
        flush(&current, into: &sentences)
        return sentences
    }

    private static func flush(_ current: inout String, into sentences: inout [String]) {
        let trimmed = current.trimmingWhitespace()
        if !trimmed.isEmpty { sentences.append(trimmed) }
        current = ""
    }
}

extension String {
    /// The string without leading and trailing whitespace (no Foundation needed).
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first ... last])
    }
}
