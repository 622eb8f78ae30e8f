/// Phrases that give away a reviewer's verdict even when the surrounding words look friendly
/// ("I wanted to like it", "save your money") or hostile ("not a bad word to say").
///
/// VADER scores words; reviews state verdicts in idioms it does not know, and long reviews
/// retell plots and list features in positive words even when the verdict is negative. Each
/// phrase found pulls the compound by ``pull`` (at most ``maxHits`` phrases count per side).
enum OpinionCue {
    /// Pull of one phrase on the compound score.
    static let pull = 0.15
    /// At most this many phrases per side count, so a rant does not saturate the score.
    static let maxHits = 4

    static let negative: [[String]] = [
        "waste of", "don't buy", "do not buy", "not worth", "disappointed", "disappointing", "disappointment",
        "boring", "returned it", "returning it", "return it", "refund", "poorly", "save your money", "one star",
        "1 star", "zero stars", "two stars", "2 stars", "not recommend", "wouldn't recommend", "would not recommend",
        "can't recommend", "cannot recommend", "wanted to like", "wanted to love", "expected more", "was expecting",
        "not what i expected", "unfortunately", "at best", "mediocre", "too bad", "fell apart", "stopped working",
        "doesn't work", "didn't work", "does not work", "junk", "useless", "waste", "don't waste", "avoid",
        "misleading", "nothing new", "not good", "not great", "not very good", "could have been", "should have been",
        "poor", "lacks", "lacking", "bland", "dull", "tedious", "annoying", "pointless", "skip this", "sent it back",
        "piece of junk", "cheaply made", "not impressed", "not happy", "overrated", "over rated", "save yourself",
        // dashed expectations and advice to go elsewhere
        "i expected", "was hoping", "hoping for", "supposed to be", "look elsewhere", "buy something else",
        "there are better", "not for me", "didn't like", "did not like", "not worth it", "what a shame", "sadly",
        "wish i had", "wish i hadn't", "flimsy", "broken", "returned",
        // what reviewers say of a book, film or product that failed them
        "not as good as", "least favorite", "least favourite", "outdated", "out of date", "dated", "repetitive",
        "repetitious", "predictable", "shallow", "superficial", "simplistic", "contrived", "little substance",
        "no substance", "nothing special", "so so", "rehash", "filler", "drags", "dragged",
        "plodding", "plods", "couldn't finish", "could not finish", "gave up on", "stopped reading", "waste of time",
        "too long", "too short", "too slow", "too predictable", "too simple", "too simplistic", "too complicated",
        "too expensive", "too small", "too big", "too little", "too thin", "too shallow", "too dry", "too technical",
        "too basic", "too repetitive", "too contrived", "too drawn out", "too difficult", "too heavy", "too weak",
        "too wordy", "too preachy", "too vague", "too general", "too many", "drawn out", "not even", "merely",
    ].map { CueText.words($0) }

    static let positive: [[String]] = [
        "highly recommend", "highly recommended", "five stars", "5 stars", "must read", "must have", "well worth",
        "love it", "loved it", "love this", "recommend it", "recommend this", "works great", "works well",
        "worth every", "favorite", "favourite", "can't put it down", "couldn't put it down", "a keeper",
        "exceeded my expectations", "no complaints", "no problems", "never had a problem", "happy with",
    ].map { CueText.words($0) }

    /// Phrases by first word: (phrase, isNegative).
    private static let byFirstWord: [String: [([String], Bool)]] = {
        var index: [String: [([String], Bool)]] = [:]
        for p in negative where !p.isEmpty { index[p[0], default: []].append((p, true)) }
        for p in positive where !p.isEmpty { index[p[0], default: []].append((p, false)) }
        return index
    }()

    /// Negative phrases that a negation before them turns positive ("not disappointed", "never
    /// boring", "you won't be disappointed"); phrases with their own negation ("don't buy") and
    /// advice ("avoid") are not among them.
    private static let turnable: Set<[String]> = Set([
        "disappointed", "disappointing", "disappointment", "boring", "poorly", "mediocre", "junk", "useless",
        "misleading", "poor", "lacking", "bland", "dull", "tedious", "annoying", "pointless", "flimsy", "broken",
        "overrated", "predictable", "repetitive", "shallow", "superficial", "contrived", "dated", "outdated", "drags",
        "waste of time", "too long", "too slow", "too expensive", "too technical", "too basic", "too complicated",
    ].map { CueText.words($0) })

    /// "I can't recommend it highly enough": a negated recommendation that is praise.
    private static func isPraiseByUnderstatement(_ words: [String], at i: Int, phrase: [String]) -> Bool {
        guard phrase.last == "recommend", phrase.count == 2 else { return false }
        let after = words[(i + phrase.count) ..< min(words.count, i + phrase.count + 5)]
        return after.contains("enough")
    }

    /// The phrases of each side found in `words` (each phrase once, in order of appearance), and
    /// whether one of the positive ones is an understatement ("can't recommend ... enough").
    static func matches(in words: [String]) -> (negative: [String], positive: [String], understatement: Bool) {
        var neg: [String] = [], pos: [String] = []
        var understatement = false
        for (i, word) in words.enumerated() {
            for (phrase, negativePhrase) in byFirstWord[word] ?? [] where i + phrase.count <= words.count {
                guard words[i ..< i + phrase.count].elementsEqual(phrase) else { continue }
                var text = phrase.joined(separator: " ")
                var isNegative = negativePhrase
                if isNegative && turnable.contains(phrase) && ComplaintDetector.isNegated(words, at: i) {
                    isNegative = false
                    text = "not " + text
                } else if isNegative && isPraiseByUnderstatement(words, at: i, phrase: phrase) {
                    isNegative = false
                    understatement = true
                    text += " ... enough"
                }
                if isNegative {
                    if !neg.contains(text) { neg.append(text) }
                } else if !pos.contains(text) {
                    pos.append(text)
                }
            }
        }
        // "don't waste" contains "waste", "poorly" contains "poor": count the longer phrase only.
        neg = neg.filter { short in !neg.contains { $0 != short && $0.contains(short) } }
        return (neg, pos, understatement)
    }
}
