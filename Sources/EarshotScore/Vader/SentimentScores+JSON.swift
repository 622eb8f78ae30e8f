public extension SentimentScores {
    /// The `earshot score --vader` output line (without newline): the four scores rounded as
    /// vaderSentiment rounds them (compound 4 decimals, shares 3), the label, `"complaint":false`
    /// and `"aspects":[]`, so VADER-only output still satisfies the score contract.
    func jsonLine() -> String {
        var out: [UInt8] = []
        appendJSONLine(to: &out)
        return String(decoding: out.dropLast(), as: UTF8.self)  // without the newline
    }

    /// Appends ``jsonLine()`` and a newline to a byte buffer (for printing many lines fast).
    func appendJSONLine(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        appendNumbers(to: &out)
        ScoreJSON.appendKey("label", to: &out)
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: label.rawValue.utf8)
        out.append(UInt8(ascii: "\""))
        let tail: StaticString = ",\"complaint\":false,\"aspects\":[]}\n"
        tail.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// `"compound":…,"pos":…,"neu":…,"neg":…` with VADER's rounding.
    internal func appendNumbers(to out: inout [UInt8]) {
        ScoreJSON.appendKey("compound", to: &out, first: true)
        ScoreJSON.appendNumber(compound, digits: 4, to: &out)
        ScoreJSON.appendKey("pos", to: &out)
        ScoreJSON.appendNumber(pos, digits: 3, to: &out)
        ScoreJSON.appendKey("neu", to: &out)
        ScoreJSON.appendNumber(neu, digits: 3, to: &out)
        ScoreJSON.appendKey("neg", to: &out)
        ScoreJSON.appendNumber(neg, digits: 3, to: &out)
    }
}
