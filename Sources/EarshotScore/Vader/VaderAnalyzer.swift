/// VADER sentiment analysis (Hutto & Gilbert, "VADER: A Parsimonious Rule-based Model for
/// Sentiment Analysis of Social Media Text", ICWSM 2014), reproducing vaderSentiment 3.3.2's
/// `SentimentIntensityAnalyzer.polarity_scores` number for number, quirks included.
///
/// Each token gets a valence from the lexicon, adjusted by the three words before it (boosters,
/// negations, ALL CAPS emphasis), by "no", "least" and a few idioms; "but" halves what comes
/// before it and raises what follows by half; exclamation and question marks amplify the sum,
/// which is normalized into `compound`.
public struct VaderAnalyzer: Sendable {
    private let tokenizer: VaderTokenizer

    /// One token's final share of the sum, for explanations.
    public struct Contribution: Sendable, Equatable {
        /// The token as written (punctuation stripped).
        public var word: String
        /// Its valence after all rules.
        public var valence: Double
    }

    /// Builds the analyzer's lookup table: the lexicon plus VADER's rule words.
    public init(lexicon: Lexicon) {
        var table = lexicon.words
        for (word, value) in VaderRules.boosters {
            table.update(word) { $0.booster = value }
        }
        for word in VaderRules.negations {
            table.update(word) { $0.isNegation = true }
        }
        for word in VaderWord.allCases where word != .other {
            table.update(word.spelling) { $0.word = word }
        }
        tokenizer = VaderTokenizer(table: table, emoji: lexicon.emoji)
    }

    /// vaderSentiment's `polarity_scores(text)`.
    public func polarityScores(_ text: String) -> SentimentScores {
        analyze(text, contributions: nil)
    }

    /// Scores every line of `input` (UTF-8 texts separated by "\n", as `earshot score --vader`
    /// reads them) and appends one ``SentimentScores/jsonLine()`` per line to `out`.
    ///
    /// This is the bulk path for the CLI: lines are scored in place, without making a `String`
    /// per line, unless a line holds non-ASCII bytes (then it is decoded, repairing bad UTF-8).
    public func appendJSONLines(forLinesIn input: [UInt8], to out: inout [UInt8]) {
        input.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {
                var end = start
                var ascii = true
                while end < all.count && all[end] != 0x0A {
                    if all[end] >= 0x80 { ascii = false }
                    end += 1
                }
                let line = UnsafeBufferPointer(rebasing: all[start ..< end])
                let scores = ascii ? analyze(bytes: line, contributions: nil)
                    : analyze(String(decoding: line, as: UTF8.self), contributions: nil)
                scores.appendJSONLine(to: &out)
                start = end + 1
            }
        }
    }

    /// The scores and every token with a non-zero valence.
    public func explain(_ text: String) -> (scores: SentimentScores, contributions: [Contribution]) {
        var contributions: [Contribution] = []
        let scores = analyze(text, contributions: &contributions)
        return (scores, contributions)
    }

    private func analyze(_ text: String, contributions: UnsafeMutablePointer<[Contribution]>?) -> SentimentScores {
        var text = text
        return text.withUTF8 { original in
            if let expanded = tokenizer.expandingEmoji(original) {
                return expanded.withUnsafeBufferPointer { analyze(bytes: $0, contributions: contributions) }
            }
            return analyze(bytes: original, contributions: contributions)
        }
    }

    private func analyze(bytes: UnsafeBufferPointer<UInt8>, contributions: UnsafeMutablePointer<[Contribution]>?) -> SentimentScores {
        var tokens: [VaderToken] = []
        tokens.reserveCapacity(bytes.count / 4 + 4)
        var exclamations = 0
        var questions = 0
        for b in bytes {
            if b == 0x21 { exclamations += 1 } else if b == 0x3F { questions += 1 }
        }
        tokenizer.tokens(bytes, into: &tokens)
        if tokens.isEmpty { return .zero }

        var sentiments = valences(tokens)
        applyBut(tokens, &sentiments)
        if let contributions {
            for (token, valence) in zip(tokens, sentiments) where valence != 0 {
                let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[token.range]), as: UTF8.self)
                contributions.pointee.append(Contribution(word: word, valence: valence))
            }
        }
        return Self.scores(sentiments, exclamations: exclamations, questions: questions)
    }

    /// Calls `analyze` with an `inout` array passed as a pointer, so the fast path passes `nil`.
    private func analyze(_ text: String, contributions: inout [Contribution]) -> SentimentScores {
        withUnsafeMutablePointer(to: &contributions) { analyze(text, contributions: $0) }
    }

    /// One valence per token (`sentiment_valence` in vaderSentiment), before the "but" rule.
    private func valences(_ t: [VaderToken]) -> [Double] {
        let n = t.count
        var upper = 0
        for token in t where token.isUpper { upper += 1 }
        // Caps emphasis counts only when some, not all, tokens are ALL CAPS.
        let isCapDiff = upper > 0 && upper < n
        var sentiments = [Double](repeating: 0, count: n)
        for i in 0 ..< n {
            let token = t[i]
            if token.booster != nil { continue }
            if i < n - 1 && token.word == .kind && t[i + 1].word == .of { continue }
            guard let base = token.valence else { continue }
            var valence = base
            // "no" before a lexicon word negates it instead of counting itself.
            if token.word == .no && i != n - 1 && t[i + 1].isInLexicon { valence = 0 }
            if (i > 0 && t[i - 1].word == .no) || (i > 1 && t[i - 2].word == .no)
                || (i > 2 && t[i - 3].word == .no && (t[i - 1].word == .or || t[i - 1].word == .nor)) {
                valence = base * VaderRules.negationScalar
            }
            if token.isUpper && isCapDiff {
                valence += valence > 0 ? VaderRules.capsIncrement : -VaderRules.capsIncrement
            }
            for startI in 0 ..< 3 where i > startI && !t[i - (startI + 1)].isInLexicon {
                var s = Self.scalarIncDec(t[i - (startI + 1)], valence: valence, isCapDiff: isCapDiff)
                if startI == 1 && s != 0 { s = s * VaderRules.secondWordDamping }
                if startI == 2 && s != 0 { s = s * VaderRules.thirdWordDamping }
                valence = valence + s
                valence = Self.negationCheck(valence, t, startI, i)
                if startI == 2 { valence = Self.specialIdioms(valence, t, i) }
            }
            valence = Self.leastCheck(valence, t, i)
            sentiments[i] = valence
        }
        return sentiments
    }

    /// `scalar_inc_dec`: the booster's push, signed like the valence, plus caps emphasis.
    @inline(__always)
    private static func scalarIncDec(_ word: VaderToken, valence: Double, isCapDiff: Bool) -> Double {
        guard var scalar = word.booster else { return 0 }
        if valence < 0 { scalar *= -1 }
        if word.isUpper && isCapDiff {
            if valence > 0 { scalar += VaderRules.capsIncrement } else { scalar -= VaderRules.capsIncrement }
        }
        return scalar
    }

    /// `_negation_check`: a negation 1–3 words back flips the valence, except "never so/this"
    /// (intensifies) and "without doubt" (leaves it).
    private static func negationCheck(_ valence: Double, _ t: [VaderToken], _ startI: Int, _ i: Int) -> Double {
        switch startI {
        case 0:
            return t[i - 1].isNegation ? valence * VaderRules.negationScalar : valence
        case 1:
            if t[i - 2].word == .never && (t[i - 1].word == .so || t[i - 1].word == .this) {
                return valence * VaderRules.neverSoFactor
            } else if t[i - 2].word == .without && t[i - 1].word == .doubt {
                return valence
            } else if t[i - 2].isNegation {
                return valence * VaderRules.negationScalar
            }
            return valence
        default:
            // vaderSentiment's condition reads `A and B or C`, so a "so"/"this" right before the
            // word intensifies even without "never": kept as written.
            if (t[i - 3].word == .never && (t[i - 2].word == .so || t[i - 2].word == .this))
                || (t[i - 1].word == .so || t[i - 1].word == .this) {
                return valence * VaderRules.neverSoFactor
            } else if t[i - 3].word == .without && (t[i - 2].word == .doubt || t[i - 1].word == .doubt) {
                return valence
            } else if t[i - 3].isNegation {
                return valence * VaderRules.negationScalar
            }
            return valence
        }
    }

    /// `_special_idioms_check` (only reached with three words before `i`).
    private static func specialIdioms(_ valence: Double, _ t: [VaderToken], _ i: Int) -> Double {
        var valence = valence
        let w0 = t[i].word, w1 = t[i - 1].word, w2 = t[i - 2].word, w3 = t[i - 3].word
        if let v = VaderRules.specialCase(w1, w0) ?? VaderRules.specialCase(w2, w1, w0)
            ?? VaderRules.specialCase(w2, w1) ?? VaderRules.specialCase(w3, w2, w1)
            ?? VaderRules.specialCase(w3, w2) {
            valence = v
        }
        let n = t.count
        if n - 1 > i, let v = VaderRules.specialCase(w0, t[i + 1].word) { valence = v }
        if n - 1 > i + 1, let v = VaderRules.specialCase(w0, t[i + 1].word, t[i + 2].word) { valence = v }
        // Booster bigrams before the word ("kind of", "sort of", "just enough"); no booster key
        // has three words, so of `threetwoone`, `threetwo`, `twoone` only the last two can match.
        if VaderRules.isBoosterBigram(w3, w2) { valence = valence + VaderRules.boosterDecrement }
        if VaderRules.isBoosterBigram(w2, w1) { valence = valence + VaderRules.boosterDecrement }
        return valence
    }

    /// `_least_check`: "least good" flips, "at least good" and "very least good" do not.
    @inline(__always)
    private static func leastCheck(_ valence: Double, _ t: [VaderToken], _ i: Int) -> Double {
        if i > 1 && !t[i - 1].isInLexicon && t[i - 1].word == .least {
            if t[i - 2].word != .at && t[i - 2].word != .very { return valence * VaderRules.negationScalar }
        } else if i > 0 && !t[i - 1].isInLexicon && t[i - 1].word == .least {
            return valence * VaderRules.negationScalar
        }
        return valence
    }

    /// `_but_check`, including its quirk: each value is located with `list.index(value)`, i.e.
    /// the first equal value, so repeated valences can be scaled twice or at the wrong place.
    private func applyBut(_ t: [VaderToken], _ sentiments: inout [Double]) {
        guard let bi = t.firstIndex(where: { $0.word == .but }) else { return }
        for k in sentiments.indices {
            let value = sentiments[k]
            let si = sentiments.firstIndex(of: value)!
            if si < bi {
                sentiments[si] = value * VaderRules.beforeBut
            } else if si > bi {
                sentiments[si] = value * VaderRules.afterBut
            }
        }
    }

    /// `score_valence`: punctuation emphasis, normalization, and the positive/neutral/negative shares.
    static func scores(_ sentiments: [Double], exclamations: Int, questions: Int) -> SentimentScores {
        var sum = 0.0
        for s in sentiments { sum += s }
        let amplifier = punctuationAmplifier(exclamations: exclamations, questions: questions)
        if sum > 0 { sum += amplifier } else if sum < 0 { sum -= amplifier }
        let compound = normalize(sum)

        var posSum = 0.0, negSum = 0.0, neutral = 0
        for s in sentiments {
            // Each sentiment-bearing word also counts as one word of text, hence the ±1.
            if s > 0 { posSum += s + 1 }
            if s < 0 { negSum += s - 1 }
            if s == 0 { neutral += 1 }
        }
        if posSum > abs(negSum) { posSum += amplifier } else if posSum < abs(negSum) { negSum -= amplifier }
        let total = posSum + abs(negSum) + Double(neutral)
        return SentimentScores(
            compound: PythonRounding.round(compound, 4),
            pos: PythonRounding.round(abs(posSum / total), 3),
            neu: PythonRounding.round(abs(Double(neutral) / total), 3),
            neg: PythonRounding.round(abs(negSum / total), 3))
    }

    /// Exclamation marks add 0.292 each up to four; two or three question marks add 0.18 each,
    /// more add 0.96 (the paper's measured intensity increases). A single "?" adds nothing.
    static func punctuationAmplifier(exclamations: Int, questions: Int) -> Double {
        let ep = Double(min(exclamations, VaderRules.maxExclamations)) * VaderRules.exclamationIncrement
        var qm = 0.0
        if questions > 1 {
            qm = questions <= 3 ? Double(questions) * VaderRules.questionIncrement : VaderRules.manyQuestionsAmplifier
        }
        return ep + qm
    }

    /// `normalize`: x / sqrt(x² + alpha), clamped to [-1, 1].
    static func normalize(_ score: Double) -> Double {
        let n = score / (score * score + VaderRules.normalizationAlpha).squareRoot()
        return min(1, max(-1, n))
    }
}
