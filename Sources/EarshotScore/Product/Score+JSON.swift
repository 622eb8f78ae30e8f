public extension Score {
    /// The `earshot score` output line (without newline): `compound`, `pos`, `neu`, `neg`,
    /// `label`, `complaint`, `aspects`, and with `includeReasons` also `reasons` and `decided_by`.
    func jsonLine(includeReasons: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(UInt8(ascii: "{"))
        SentimentScores(compound: compound, pos: pos, neu: neu, neg: neg).appendNumbers(to: &out)
        ScoreJSON.appendKey("label", to: &out)
        ScoreJSON.appendString(label.rawValue, to: &out)
        ScoreJSON.appendKey("complaint", to: &out)
        ScoreJSON.appendBool(isComplaint, to: &out)
        ScoreJSON.appendKey("aspects", to: &out)
        ScoreJSON.appendStrings(aspects, to: &out)
        if includeReasons {
            ScoreJSON.appendKey("reasons", to: &out)
            ScoreJSON.appendStrings(reasons, to: &out)
            ScoreJSON.appendKey("decided_by", to: &out)
            ScoreJSON.appendString(decidedBy, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
