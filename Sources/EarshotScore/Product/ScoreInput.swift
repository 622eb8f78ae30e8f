/// What the product scorer looks at for one mention or review.
public struct ScoreInput: Sendable {
    /// The body text.
    public var text: String
    /// A review title or post subject; it counts as an extra, heavier sentence.
    public var title: String?
    /// The star rating, when the source has one.
    public var rating: Double?
    /// The best possible rating (default 5).
    public var bestRating: Double?
    /// The worst possible rating (default 1).
    public var worstRating: Double?
    /// Names, @handles and #tags of the monitored brand: sentences naming them weigh most.
    public var brandTerms: [String]

    public init(text: String, title: String? = nil, rating: Double? = nil, bestRating: Double? = nil,
                worstRating: Double? = nil, brandTerms: [String] = []) {
        self.text = text
        self.title = title
        self.rating = rating
        self.bestRating = bestRating
        self.worstRating = worstRating
        self.brandTerms = brandTerms
    }
}
