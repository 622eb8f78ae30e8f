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
    /// VADER without courtesy's valence, for judging complaints (see ``courtesyWords``).
    private let plainAnalyzer: VaderAnalyzer
    private let catalog: AspectCatalog
    private let detector = ComplaintDetector()

    /// A sentence naming the brand counts this many times as much as one that does not.
    static let brandWeight = 3.0
    /// The title counts this many sentences' worth: it is the reviewer's own summary.
    static let titleWeight = 2.0
    /// The closing sentence of a longer text (verdicts come last) counts this much more.
    static let lastSentenceWeight = 1.5
    /// A negative sentence of a long text weighs this much more than a positive one.
    static let negativeSentenceWeight = 1.5
    /// Long texts (more than two sentences) drift positive under VADER: plot summaries, feature
    /// lists and polite softening are worded positively even in negative reviews. Subtracting
    /// this from their sentence mean recentres them.
    static let longTextBias = 0.1
    /// Up to this many bytes a text is scored whole, as VADER does (a tweet's 280 characters).
    static let shortTextBytes = 280
    /// The compound given to a complaint whose words alone look neutral or mildly positive:
    /// just beyond the negative threshold, so the label agrees with the complaint.
    static let complaintCompound = -0.1
    /// A complaint's label turns negative up to this compound when a strong cue decided it;
    /// words more positive than this keep their label while the complaint flag still stands
    /// (and opens a case), as in "Acme is great, love the speeds, but I was charged twice":
    /// mixed words, VADER's moderately positive and more (0.45 here).
    static let mixedCompound = 0.3
    /// VADER's whole-text compound from which a text reads as praise (VADER's own "clearly
    /// positive" zone starts near 0.5).
    static let praiseCompound = 0.5
    /// Courtesy in a message to a company ("please help", "kindly", "dear") is how
    /// customers ask, not what they feel; VADER scores these words positive, which made polite
    /// complaints look like praise. The complaint decision reads the text without them.
    /// (Thanks are kept: in a thank-you they are the sentiment.)
    static let courtesyWords: Set<String> = ["please", "pls", "plz", "kindly", "dear", "help",
                                             "hope", "hoping", "hi", "hello", "hey"]
    /// In what customers write to and about companies, "support" names the help desk ("support
    /// team", "called support"), not approval; VADER's +1.7 made "Acme support was not helpful
    /// at all" positive.
    static let deskWords: Set<String> = ["support"]
    static let contrastWords: Set<String> = ["but", "however", "though", "although", "except", "yet"]
    /// Words this positive, also where they name the brand, are thanks or praise even with a
    /// strong failure or waiting cue in them.
    static let strongPraiseCompound = 0.75
    static let strongPraiseTargeted = 0.3

    /// Which decides: the rules alone, or the trained model reading the rules' evidence.
    public enum Mode: String, Sendable, CaseIterable {
        case rules, model
    }

    public let mode: Mode
    /// Whether the model's reasons name the words and evidence that weighed most (`--explain`,
    /// and what the store keeps); off, scoring skips finding them.
    public var namesWeights = true
    /// The trained model (model mode only: the rules alone never read it, so that
    /// `--rule-features` works while the model awaits retraining).
    let trained: ScorerModel?
    var model: ScorerModel { trained! }

    public init(lexicon: Lexicon, aspects: AspectCatalog = .builtIn, mode: Mode = .model) {
        self.init(lexicon: lexicon, aspects: aspects, mode: mode, model: nil)
    }

    /// A scorer with another model than the built-in one (the training script's cross-validation).
    init(lexicon: Lexicon, aspects: AspectCatalog = .builtIn, mode: Mode, model: ScorerModel?) {
        self.mode = mode
        trained = mode == .model ? model ?? .builtIn : nil
        var product = lexicon
        for word in Self.deskWords where product.valence(of: word) != nil { product.override(word: word, valence: 0) }
        analyzer = VaderAnalyzer(lexicon: product)
        var plain = product
        for word in Self.courtesyWords where plain.valence(of: word) != nil { plain.override(word: word, valence: 0) }
        plainAnalyzer = VaderAnalyzer(lexicon: plain)
        catalog = aspects
    }

    public func score(_ input: ScoreInput) -> Score {
        switch mode {
        case .rules: return rulesScore(input).score
        case .model: return modelScore(input)
        }
    }

    /// The rules' verdict with the evidence behind it (the trained model's rule inputs).
    func rulesScore(_ input: ScoreInput) -> (score: Score, evidence: RuleEvidence) {
        var reasons: [String] = []
        var evidence = RuleEvidence()
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
        var perSentenceFindings: [(findings: [ComplaintDetector.Finding], namesBrand: Bool)] = []
        for (index, part) in parts.enumerated() {
            let words = CueText.words(part.text)
            allWords += words
            let isQuestion = part.text.hasSuffix("?")
            if isQuestion {
                evidence.question = true
                if ComplaintDetector.isInformationQuestion(words) { evidence.informationQuestion = true }
            }
            let sentenceFindings = detector.findings(inWords: words, isQuestion: isQuestion)
            let (scores, found) = analyzer.explain(part.text)
            contributions += found
            var weight = part.weight
            let partWords = brand.isEmpty ? [] : QueryText.words(part.text)
            let namesBrand = !brand.isEmpty && brand.contains { BrandQuery.occurs($0, in: partWords) }
            if namesBrand {
                weight *= Self.brandWeight
                brandSentences += 1
            }
            perSentenceFindings.append((sentenceFindings, namesBrand))
            if parts.count > 2 && index == parts.count - 1 { weight *= Self.lastSentenceWeight }
            sentenceScores.append((scores.compound, weight))
        }

        // Targeted complaint cues: when some sentences of a longer text name the brand, only
        // cues in those sentences and the one after each ("Acme sent my order. It never
        // arrived.") count; "the weather was awful" elsewhere is not a complaint about the brand.
        let scoped = brandSentences > 0 && parts.count > 2
        for (index, entry) in perSentenceFindings.enumerated() {
            let follows = index > 0 && perSentenceFindings[index - 1].namesBrand
            if !scoped || entry.namesBrand || follows { findings += entry.findings }
        }

        // Targeted compound: a short text keeps VADER's whole-text score (what it was built
        // for); a longer one takes the weighted mean of its opinionated sentences.
        var compound = whole.compound
        // (A tweet-length text of a few short sentences is what VADER was built and validated on.)
        let targeted = (parts.count > 2 && input.text.utf8.count > Self.shortTextBytes) || brandSentences > 0 || input.title != nil
        if targeted {
            let opinionated = sentenceScores.filter { abs($0.compound) >= SentimentLabel.threshold }
            // Negativity bias: in a long text, a negative sentence says more about the verdict
            // than a positive one (reviewers soften criticism with praise, not the reverse).
            let weights = opinionated.map { $0.weight * ($0.compound < 0 ? Self.negativeSentenceWeight : 1) }
            let totalWeight = weights.reduce(0, +)
            compound = totalWeight > 0 ? zip(opinionated, weights).reduce(0) { $0 + $1.0.compound * $1.1 } / totalWeight : 0
            // Only a positive drift is recentred: a neutral text stays neutral.
            if parts.count > 2 && compound > 0 { compound = compound - Self.longTextBias }
            if brandSentences > 0 {
                reasons.append("targeted: \(brandSentences) of \(parts.count) sentences name the brand (weight x\(Int(Self.brandWeight)))")
            }
        }
        for c in contributions.sorted(by: { abs($0.valence) > abs($1.valence) }).prefix(5) {
            reasons.append("lexicon: '\(c.word)' (\(Self.format(c.valence)))")
        }

        // What the words say without courtesy, for the complaint decision only.
        let courteous = allWords.contains { Self.courtesyWords.contains($0) }
        let plainWhole = courteous ? plainAnalyzer.polarityScores(input.text).compound : whole.compound
        let decisionCompound = targeted ? compound : plainWhole

        findings += detector.emphasisFindings(in: input.text)
        let opinions = OpinionCue.matches(in: allWords)
        // VADER reads "can't recommend it highly enough" as a negated recommendation: turn it back.
        if compound < 0 && opinions.understatement { compound = -compound }
        let opinionPull = OpinionCue.pull * Double(min(opinions.positive.count, OpinionCue.maxHits) - min(opinions.negative.count, OpinionCue.maxHits))
        compound += opinionPull
        for phrase in opinions.negative.prefix(OpinionCue.maxHits) { reasons.append("verdict phrase: '\(phrase)' (negative)") }
        for phrase in opinions.positive.prefix(OpinionCue.maxHits) { reasons.append("verdict phrase: '\(phrase)' (positive)") }
        // Only @handles decide the addressee: a text without "@" needs no split.
        let handles = input.text.utf8.contains(UInt8(ascii: "@")) ? QueryText.words(input.text) : []
        let addressee = ComplaintDetector.addressee(words: handles, namesBrand: brandSentences > 0)
        evidence.hasHandle = handles.contains { $0.hasPrefix("@") && $0.count > 1 }
        var verdict = detector.verdict(findings: findings, compound: decisionCompound + opinionPull, addressee: addressee)
        evidence.record(verdict: verdict, addressee: addressee, opinions: opinions)
        evidence.vader = whole
        evidence.contrast = allWords.contains { Self.contrastWords.contains($0) }
        evidence.rulesCompound = compound
        evidence.sentences = parts.count
        evidence.bytes = input.text.utf8.count + (input.title?.utf8.count ?? 0)
        evidence.ownTitle = Self.ownTitle(input)
        evidence.long = (parts.count > 2 && input.text.utf8.count > Self.shortTextBytes) || evidence.ownTitle != nil
        // Praise is not a complaint: a text whose words are clearly positive overall is only a
        // complaint when it carries a strong cue ("great speeds, but I was charged twice").
        let hasStrongCue = verdict.findings.contains { $0.weight >= 1 }
        let hasMoneyOrLeaving = verdict.findings.contains { $0.weight >= 1 && ($0.kind == .money || $0.kind == .leaving) }
        let laugh = hasMoneyOrLeaving ? nil : Self.laughter(in: allWords)
        evidence.laughter = laugh != nil
        evidence.praise = (!hasStrongCue && plainWhole >= Self.praiseCompound)
            || (!hasMoneyOrLeaving && plainWhole >= Self.strongPraiseCompound && compound >= Self.strongPraiseTargeted)
        if verdict.isComplaint, let laugh {
            // "sick joke lol", "crappy ones haha": laughter marks banter, not a customer's grievance.
            // Money and leaving cues still count ("charged twice lol").
            verdict.isComplaint = false
            reasons.append("not a complaint: laughter ('\(laugh)') marks banter")
        } else if verdict.isComplaint && !hasStrongCue && plainWhole >= Self.praiseCompound {
            verdict.isComplaint = false
            reasons.append("not a complaint: only weak cues in clearly positive words (\(Self.format(plainWhole)))")
        } else if verdict.isComplaint && !hasMoneyOrLeaving && plainWhole >= Self.strongPraiseCompound
                    && compound >= Self.strongPraiseTargeted {
            // "The outage was fixed in an hour, brilliant service, thank you": a failure named in
            // thanks. Money and leaving cues still count ("love it, but charged twice").
            verdict.isComplaint = false
            reasons.append("not a complaint: the trouble is named in thanks or praise (\(Self.format(plainWhole)))")
        }
        for f in verdict.findings.prefix(6) {
            reasons.append("complaint cue: '\(f.phrase)' (\(f.kind.rawValue)\(f.weight < 1 ? ", weak" : ""))")
        }
        evidence.reasons = reasons
        if verdict.isComplaint {
            if (hasStrongCue && compound < Self.mixedCompound) || compound < SentimentLabel.threshold { compound = min(compound, Self.complaintCompound) }
            reasons.append("complaint: cue strength \(Self.format(verdict.strength)) ≥ \(Self.format(ComplaintDetector.threshold))")
        }

        evidence.rulesComplaint = verdict.isComplaint
        evidence.settledCompound = compound
        var decidedBy = verdict.isComplaint ? "text+complaint" : "text"
        Self.applyRating(input, isComplaint: &verdict.isComplaint, strength: verdict.strength, compound: &compound, decidedBy: &decidedBy, reasons: &reasons)

        let aspectMatches = catalog.matches(inWords: allWords)
        let aspects = aspectMatches.map(\.aspect)
        evidence.aspects = aspects
        evidence.aspectReasons = aspectMatches.map { "aspect: \($0.aspect) ('\($0.cue)')" }
        reasons += evidence.aspectReasons
        let score = Score(compound: compound, pos: whole.pos, neu: whole.neu, neg: whole.neg,
                          isComplaint: verdict.isComplaint, aspects: aspects, reasons: reasons, decidedBy: decidedBy)
        return (score, evidence)
    }

    /// The title when it is the author's own (a review's headline), `nil` when absent or only
    /// the body's opening cut short, as social feeds make titles ("@acme you've taken my…").
    static func ownTitle(_ input: ScoreInput) -> String? {
        guard var title = input.title?.trimmingWhitespace(), !title.isEmpty else { return nil }
        for ellipsis in ["…", "..."] where title.hasSuffix(ellipsis) { title.removeLast(ellipsis.count) }
        title = title.trimmingWhitespace()
        return input.text.trimmingWhitespace().hasPrefix(title) ? nil : input.title?.trimmingWhitespace()
    }

    /// The first laughter marker among the words ("lol", "haha", "hahaha", "lmao", "rofl"), if any.
    static func laughter(in words: [String]) -> String? {
        words.first { w in
            if w == "lol" || w == "lmao" || w == "rofl" || w == "lolol" { return true }
            // haha, hahaha, hehe, ahah...: a run of "ha"/"he" of at least two.
            let bytes = Array(w.utf8)
            guard bytes.count >= 4, bytes.count % 2 == 0 else { return false }
            return stride(from: 0, to: bytes.count, by: 2).allSatisfy { bytes[$0] == 0x68 && (bytes[$0 + 1] == 0x61 || bytes[$0 + 1] == 0x65) }
        }
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
