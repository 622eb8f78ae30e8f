/// The product scorer: VADER sentiment aimed at the brand, complaint detection, aspects, and the
/// star rating when there is one, combined into one ``Score`` with its reasons.
///
/// - Targeted sentiment: in a text of several sentences, sentences naming a brand term weigh
///   ``brandWeight`` times as much, and the last sentence (where reviews conclude) a little more.
/// - Complaint: ``ComplaintDetector`` cues, weighed with the targeted sentiment.
/// - Rating: at or below 40% of its scale the label is negative whatever the words say; at or
///   above 80% it is positive unless the text is a complaint; in between the text decides.
public struct Scorer: Sendable {
    private let analyzer: VaderAnalyzer
    private let catalog: AspectCatalog
    private let detector = ComplaintDetector()

    /// A sentence naming the brand counts this many times as much as one that does not.
    static let brandWeight = 3.0
    /// The title counts this many sentences' worth: it is the reviewer's own summary.
    static let titleWeight = 2.0
    /// The closing sentence of a longer text (verdicts come last) counts this much more.
    static let lastSentenceWeight = 1.5
    /// Ratings at or below this share of their scale are negative...
    static let negativeRatingShare = 0.4
    /// ...and at or above this share positive (unless the text is a complaint).
    static let positiveRatingShare = 0.8
    /// A negative sentence of a long text weighs this much more than a positive one.
    static let negativeSentenceWeight = 1.5
    /// Long texts (more than two sentences) drift positive under VADER: plot summaries, feature
    /// lists and polite softening are worded positively even in negative reviews. Subtracting
    /// this from their sentence mean recentres them.
    static let longTextBias = 0.1
    /// The compound given to a complaint whose words alone look neutral or positive: just
    /// beyond the negative threshold, so the label agrees with the complaint.
    static let complaintCompound = -0.1

    public init(lexicon: Lexicon, aspects: AspectCatalog = .builtIn) {
        analyzer = VaderAnalyzer(lexicon: lexicon)
        catalog = aspects
    }

    public func score(_ input: ScoreInput) -> Score {
        var reasons: [String] = []
        let whole = analyzer.polarityScores(input.text)
        let brand = input.brandTerms.map { QueryText.words($0) }.filter { !$0.isEmpty }

        // Sentence by sentence: sentiment, cues, brand mentions.
        var parts: [(text: String, weight: Double)] = Sentences.split(input.text).map { ($0, 1.0) }
        if let title = input.title?.trimmingWhitespace(), !title.isEmpty { parts.insert((title, Self.titleWeight), at: 0) }
        var findings: [ComplaintDetector.Finding] = []
        var allWords: [String] = []
        var sentenceScores: [(compound: Double, weight: Double)] = []
        var contributions: [VaderAnalyzer.Contribution] = []
        var brandSentences = 0
        for (index, part) in parts.enumerated() {
            let words = CueText.words(part.text)
            allWords += words
            let isQuestion = part.text.hasSuffix("?")
            findings += detector.findings(inWords: words, isQuestion: isQuestion)
            let (scores, found) = analyzer.explain(part.text)
            contributions += found
            var weight = part.weight
            if !brand.isEmpty && brand.contains(where: { BrandQuery.occurs($0, in: QueryText.words(part.text)) }) {
                weight *= Self.brandWeight
                brandSentences += 1
            }
            if parts.count > 2 && index == parts.count - 1 { weight *= Self.lastSentenceWeight }
            sentenceScores.append((scores.compound, weight))
        }

        // Targeted compound: a short text keeps VADER's whole-text score (what it was built
        // for); a longer one takes the weighted mean of its opinionated sentences.
        var compound = whole.compound
        if parts.count > 2 || brandSentences > 0 || input.title != nil {
            let opinionated = sentenceScores.filter { abs($0.compound) >= SentimentLabel.threshold }
            // Negativity bias: in a long text, a negative sentence says more about the verdict
            // than a positive one (reviewers soften criticism with praise, not the reverse).
            let weights = opinionated.map { $0.weight * ($0.compound < 0 ? Self.negativeSentenceWeight : 1) }
            let totalWeight = weights.reduce(0, +)
            compound = totalWeight > 0 ? zip(opinionated, weights).reduce(0) { $0 + $1.0.compound * $1.1 } / totalWeight : 0
            if parts.count > 2 { compound -= Self.longTextBias }
            if brandSentences > 0 {
                reasons.append("targeted: \(brandSentences) of \(parts.count) sentences name the brand (weight x\(Int(Self.brandWeight)))")
            }
        }
        for c in contributions.sorted(by: { abs($0.valence) > abs($1.valence) }).prefix(5) {
            reasons.append("lexicon: '\(c.word)' (\(Self.format(c.valence)))")
        }

        findings += detector.emphasisFindings(in: input.text)
        let opinions = OpinionCue.matches(in: allWords)
        compound += OpinionCue.pull * Double(min(opinions.positive.count, OpinionCue.maxHits) - min(opinions.negative.count, OpinionCue.maxHits))
        for phrase in opinions.negative.prefix(OpinionCue.maxHits) { reasons.append("verdict phrase: '\(phrase)' (negative)") }
        for phrase in opinions.positive.prefix(OpinionCue.maxHits) { reasons.append("verdict phrase: '\(phrase)' (positive)") }
        let addressee = ComplaintDetector.addressee(words: QueryText.words(input.text), namesBrand: brandSentences > 0)
        let verdict = detector.verdict(findings: findings, compound: compound, addressee: addressee)
        for f in verdict.findings.prefix(6) {
            reasons.append("complaint cue: '\(f.phrase)' (\(f.kind.rawValue)\(f.weight < 1 ? ", weak" : ""))")
        }
        if verdict.isComplaint {
            compound = min(compound, Self.complaintCompound)
            reasons.append("complaint: cue strength \(Self.format(verdict.strength)) ≥ \(Self.format(ComplaintDetector.threshold))")
        }

        var decidedBy = verdict.isComplaint ? "text+complaint" : "text"
        if let rating = input.rating {
            let worst = input.worstRating ?? 1, best = input.bestRating ?? 5
            if best > worst {
                let share = min(1, max(0, (rating - worst) / (best - worst)))
                // Maps the scale onto [-1, 1]: 1/5 -> -1, 3/5 -> 0, 5/5 -> 1.
                let ratingCompound = share * 2 - 1
                let shown = "rating \(Self.format(rating))/\(Self.format(best))"
                if share <= Self.negativeRatingShare {
                    compound = min(compound, min(ratingCompound, -SentimentLabel.threshold))
                    decidedBy = verdict.isComplaint ? "rating+complaint" : "rating"
                    reasons.append("\(shown) ≤ \(Int(Self.negativeRatingShare * 100))%: negative")
                } else if share >= Self.positiveRatingShare {
                    if verdict.isComplaint {
                        reasons.append("\(shown) ≥ \(Int(Self.positiveRatingShare * 100))% but the text is a complaint")
                    } else {
                        compound = max(compound, max(ratingCompound, SentimentLabel.threshold))
                        decidedBy = "rating"
                        reasons.append("\(shown) ≥ \(Int(Self.positiveRatingShare * 100))%: positive")
                    }
                } else {
                    reasons.append("\(shown) in the middle of the scale: the text decides")
                }
            }
        }

        let aspects = catalog.aspects(inWords: allWords)
        for a in aspects {
            if let cue = catalog.firstCue(of: a, inWords: allWords) { reasons.append("aspect: \(a) ('\(cue)')") }
        }
        return Score(compound: compound, pos: whole.pos, neu: whole.neu, neg: whole.neg,
                     isComplaint: verdict.isComplaint, aspects: aspects, reasons: reasons, decidedBy: decidedBy)
    }

    /// Short number text for reasons: "-2.5", "1", "0.75".
    static func format(_ x: Double) -> String {
        var out: [UInt8] = []
        let r = PythonRounding.round(x, 2)
        PythonRounding.appendDecimal(r, digits: 2, to: &out)
        var s = String(decoding: out, as: UTF8.self)
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }
}
