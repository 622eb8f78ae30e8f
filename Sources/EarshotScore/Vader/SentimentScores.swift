/// VADER's four numbers for a text.
///
/// `compound` is the normalized sum of word valences in [-1, 1] (rounded to 4 decimals, as
/// vaderSentiment returns it); `pos`, `neu` and `neg` are the shares of the text's sentiment mass
/// that are positive, neutral and negative (rounded to 3 decimals; they sum to about 1, or all
/// are 0 for a text without words).
public struct SentimentScores: Sendable, Equatable, Codable {
    public var compound: Double
    public var pos: Double
    public var neu: Double
    public var neg: Double

    public init(compound: Double, pos: Double, neu: Double, neg: Double) {
        self.compound = compound
        self.pos = pos
        self.neu = neu
        self.neg = neg
    }

    /// All zero: what VADER gives a text without words.
    public static let zero = SentimentScores(compound: 0, pos: 0, neu: 0, neg: 0)

    /// The three-way label of `compound` (the paper's ±0.05 thresholds).
    public var label: SentimentLabel { SentimentLabel(compound: compound) }
}

/// Positive, neutral or negative, from a compound score.
public enum SentimentLabel: String, Codable, Sendable, CaseIterable {
    case positive, neutral, negative

    /// Hutto & Gilbert's recommended thresholds: compound >= 0.05 is positive, <= -0.05 negative.
    public static let threshold = 0.05

    public init(compound: Double) {
        if compound >= Self.threshold {
            self = .positive
        } else if compound <= -Self.threshold {
            self = .negative
        } else {
            self = .neutral
        }
    }
}
