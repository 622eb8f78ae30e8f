/// The product scorer's verdict on one text: sentiment, complaint, aspects, and why.
public struct Score: Sendable, Codable, Equatable {
    /// The deciding polarity in [-1, 1], rounded to 4 decimals; `label` is derived from it.
    public var compound: Double
    /// VADER's shares of positive, neutral and negative wording in the whole text.
    public var pos: Double
    public var neu: Double
    public var neg: Double
    public var label: SentimentLabel
    public var isComplaint: Bool
    /// Aspects mentioned (billing, delivery, support, ...), in catalog order.
    public var aspects: [String]
    /// Human-readable evidence, e.g. "complaint cue: 'charged twice' (money)".
    public var reasons: [String]
    /// Which signal set the label: "text", "text+complaint", "rating", "rating+complaint".
    public var decidedBy: String

    public init(compound: Double, pos: Double, neu: Double, neg: Double, isComplaint: Bool,
                aspects: [String], reasons: [String], decidedBy: String) {
        self.compound = PythonRounding.round(min(1, max(-1, compound)), 4)
        self.pos = pos
        self.neu = neu
        self.neg = neg
        self.label = SentimentLabel(compound: self.compound)
        self.isComplaint = isComplaint
        self.aspects = aspects
        self.reasons = reasons
        self.decidedBy = decidedBy
    }
}
