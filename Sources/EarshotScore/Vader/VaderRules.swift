/// The constants and word lists of vaderSentiment 3.3.2 (Hutto & Gilbert, ICWSM 2014,
/// <https://github.com/cjhutto/vaderSentiment>), kept value for value so scores match it.
enum VaderRules {
    /// Mean intensity increase a booster word ("very", "extremely") adds, measured in the paper.
    static let boosterIncrement = 0.293
    /// Mean intensity decrease a dampener word ("barely", "kinda") adds.
    static let boosterDecrement = -0.293
    /// Extra intensity of a word written in ALL CAPS while other words are not.
    static let capsIncrement = 0.733
    /// Factor applied to a negated valence: flips it and dampens it a little.
    static let negationScalar = -0.74
    /// Per exclamation mark (up to `maxExclamations`), added to the sum's magnitude.
    static let exclamationIncrement = 0.292
    /// More than four exclamation marks add nothing further.
    static let maxExclamations = 4
    /// Per question mark when there are two or three of them.
    static let questionIncrement = 0.18
    /// The fixed amount for four or more question marks.
    static let manyQuestionsAmplifier = 0.96
    /// `normalize`'s alpha: approximately the largest sum expected, so compound = x / sqrt(x² + 15).
    static let normalizationAlpha = 15.0
    /// Weight of a word two places before the scored word relative to the adjacent one.
    static let secondWordDamping = 0.95
    /// Weight of a word three places before the scored word.
    static let thirdWordDamping = 0.9
    /// After "but", later words count 1.5 times and earlier ones half.
    static let afterBut = 1.5
    static let beforeBut = 0.5
    /// "never so good", "never this good": the negation intensifies instead of flipping.
    static let neverSoFactor = 1.25

    /// `NEGATE` in vaderSentiment.py.
    static let negations: [String] = [
        "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt",
        "ain't", "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't",
        "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither",
        "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't",
        "neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere",
        "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
        "oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't",
        "without", "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite",
    ]

    /// The one-word keys of `BOOSTER_DICT`: degree adverbs that raise or lower the next words.
    static let boosters: [String: Double] = {
        let up = ["absolutely", "amazingly", "awfully", "completely", "considerable", "considerably",
                  "decidedly", "deeply", "effing", "enormous", "enormously", "entirely", "especially",
                  "exceptional", "exceptionally", "extreme", "extremely", "fabulously", "flipping",
                  "flippin", "frackin", "fracking", "fricking", "frickin", "frigging", "friggin", "fully",
                  "fuckin", "fucking", "fuggin", "fugging", "greatly", "hella", "highly", "hugely",
                  "incredible", "incredibly", "intensely", "major", "majorly", "more", "most",
                  "particularly", "purely", "quite", "really", "remarkably", "so", "substantially",
                  "thoroughly", "total", "totally", "tremendous", "tremendously", "uber", "unbelievably",
                  "unusually", "utter", "utterly", "very"]
        let down = ["almost", "barely", "hardly", "kinda", "kindof", "kind-of", "less", "little",
                    "marginal", "marginally", "occasional", "occasionally", "partly", "scarce",
                    "scarcely", "slight", "slightly", "somewhat", "sorta", "sortof", "sort-of"]
        var table: [String: Double] = [:]
        for w in up { table[w] = boosterIncrement }
        for w in down { table[w] = boosterDecrement }
        return table
    }()

    /// The two-word keys of `BOOSTER_DICT` ("just enough", "kind of", "sort of"); all dampen.
    static let boosterBigrams: [(VaderWord, VaderWord)] = [(.just, .enough), (.kind, .of), (.sort, .of)]

    /// `SPECIAL_CASES`: idioms whose valence replaces the word's. ("badass" is one token and is
    /// never assembled from a word sequence, so only the multi-word entries can apply.)
    static let specialCases: [([VaderWord], Double)] = [
        ([.the, .shit], 3), ([.the, .bomb], 3), ([.bad, .ass], 1.5), ([.bus, .stop], 0.0),
        ([.yeah, .right], -2), ([.kiss, .of, .death], -1.5), ([.to, .die, .for], 3), ([.beating, .heart], 3.5),
    ]

    /// The value of a special-case idiom spelled by `words`, or `nil`.
    @inline(__always)
    static func specialCase(_ a: VaderWord, _ b: VaderWord, _ c: VaderWord? = nil) -> Double? {
        if a == .other || b == .other { return nil }
        for (seq, value) in specialCases {
            if c == nil {
                if seq.count == 2 && seq[0] == a && seq[1] == b { return value }
            } else if seq.count == 3 && seq[0] == a && seq[1] == b && seq[2] == c! {
                return value
            }
        }
        return nil
    }

    /// Whether two words form a booster bigram; all of them are dampeners.
    @inline(__always)
    static func isBoosterBigram(_ a: VaderWord, _ b: VaderWord) -> Bool {
        if a == .other { return false }
        for (x, y) in boosterBigrams where x == a && y == b { return true }
        return false
    }
}
