/// The star rating's say in a ``Score``.
extension Scorer {
    /// Ratings at or below this share of their scale are negative whatever the words say...
    static let negativeRatingShare = 0.4
    /// ...and at or above this share positive, unless the text is a clear complaint (a strong cue).
    static let positiveRatingShare = 0.8
    /// A high rating gives way only to a clear complaint: cue strength of two strong cues, or
    /// one strong cue with negative words ("great speeds but I was charged twice").
    static let clearComplaintStrength = 1.75

    /// Lets a rating overrule the text: low ratings make the score negative (the customer said
    /// so in the one unambiguous field), high ones positive unless the words complain.
    /// The rating is placed on its scale (`worstRating`...`bestRating`, default 1...5).
    static func applyRating(_ input: ScoreInput, isComplaint: inout Bool, strength: Double, compound: inout Double,
                            decidedBy: inout String, reasons: inout [String]) {
        guard let rating = input.rating else { return }
        let worst = input.worstRating ?? 1, best = input.bestRating ?? 5
        guard best > worst else {
            reasons.append("rating ignored: best \(format(best)) is not above worst \(format(worst))")
            return
        }
        // The share as people read a rating: 4 of 5 stars is 80 %, 2 of 5 is 40 %. (On a scale
        // that does not start at 1 or 0, the position between worst and best.)
        let share = worst == 1 || worst == 0 ? min(1, max(0, rating / best)) : min(1, max(0, (rating - worst) / (best - worst)))
        // Maps the scale onto [-1, 1]: 1/5 -> -1, 3/5 -> 0, 5/5 -> 1.
        let ratingCompound = min(1, max(-1, ((rating - worst) / (best - worst)) * 2 - 1))
        let shown = "rating \(Self.format(rating))/\(Self.format(best))"
        if share <= Self.negativeRatingShare {
            compound = min(compound, min(ratingCompound, -SentimentLabel.threshold))
            decidedBy = isComplaint ? "rating+complaint" : "rating"
            reasons.append("\(shown) ≤ \(Int(Self.negativeRatingShare * 100))%: negative")
        } else if share >= Self.positiveRatingShare {
            if isComplaint && strength >= Self.clearComplaintStrength {
                reasons.append("\(shown) ≥ \(Int(Self.positiveRatingShare * 100))% but the text is a complaint")
            } else {
                if isComplaint { reasons.append("weak complaint cues overruled by the rating") }
                isComplaint = false
                compound = max(compound, max(ratingCompound, SentimentLabel.threshold))
                decidedBy = "rating"
                reasons.append("\(shown) ≥ \(Int(Self.positiveRatingShare * 100))%: positive")
            }
        } else {
            reasons.append("\(shown) in the middle of the scale: the text decides")
        }
    }
}
