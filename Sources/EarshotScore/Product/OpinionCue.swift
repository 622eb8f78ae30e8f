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

    /// The phrases of each side found in `words` (each phrase once, in order of appearance).
    static func matches(in words: [String]) -> (negative: [String], positive: [String]) {
        var neg: [String] = [], pos: [String] = []
        for (i, word) in words.enumerated() {
            for (phrase, isNegative) in byFirstWord[word] ?? [] where i + phrase.count <= words.count {
                guard words[i ..< i + phrase.count].elementsEqual(phrase) else { continue }
                let text = phrase.joined(separator: " ")
                if isNegative {
                    if !neg.contains(text) { neg.append(text) }
                } else if !pos.contains(text) {
                    pos.append(text)
                }
            }
        }
        // "don't waste" contains "waste", "poorly" contains "poor": count the longer phrase only.
        neg = neg.filter { short in !neg.contains { $0 != short && $0.contains(short) } }
        return (neg, pos)
    }
}
