/// Decides whether a text is a complaint: trouble cues, weighed against negation, questions and
/// the text's sentiment.
///
/// A complaint here is what a support team must act on: a failure, a wait, a money problem, a
/// customer about to leave, or a grievance about service. Cues are phrases (``ComplaintCue``);
/// a "no"/"not"/"never" shortly before a negatable cue cancels it ("no problems at all"); an
/// information question ("how do I change my booking?") halves weak cues, while "why"/"how come"
/// questions count as frustration.
struct ComplaintDetector: Sendable {
    /// One cue found in a text.
    struct Finding: Sendable, Equatable {
        var phrase: String
        var kind: ComplaintCue.Kind
        var weight: Double
    }

    /// The verdict with its evidence.
    struct Verdict: Sendable {
        var isComplaint: Bool
        var strength: Double
        var findings: [Finding]
    }

    private let cuesByFirstWord: [String: [ComplaintCue]]

    /// A cue total at or above this is a complaint by itself (one strong cue, or two weak ones).
    static let threshold = 1.0
    /// Negative sentiment adds this much: a weak cue plus clearly negative words is a complaint.
    static let negativeSentimentBonus = 0.5
    /// Naming someone (an @handle) adds this much, and a company (brand term, support handle)
    /// twice as much: complaints are addressed to whoever should fix things.
    static let addressedBonus = 0.25
    /// Extra strength needed when the text names no company: one weak cue and mild negativity
    /// are everyday chatter, not a complaint.
    static let unaddressedMargin = 0.25
    /// Clearly positive sentiment (thanks, praise) subtracts this much.
    static let positiveSentimentPenalty = 0.75

    init(cues: [ComplaintCue] = ComplaintCue.all) {
        var index: [String: [ComplaintCue]] = [:]
        for cue in cues where !cue.words.isEmpty { index[cue.words[0], default: []].append(cue) }
        cuesByFirstWord = index
    }

    /// Words that negate a cue within the three words before it ("no problems", "I was not
    /// disappointed", "you won't be disappointed", "it never broke").
    static let negators: Set<String> = [
        "no", "not", "never", "without", "zero", "nothing", "none", "any", "cannot",
        "don't", "doesn't", "didn't", "won't", "wasn't", "isn't", "aren't", "weren't", "haven't", "hasn't",
        "hadn't", "wouldn't", "couldn't", "shouldn't", "can't", "dont", "doesnt", "didnt", "wont", "wasnt",
        "isnt", "arent", "werent", "havent", "hasnt", "wouldnt", "couldnt", "cant",
    ]

    /// Whether a negator stands within the three words before word `i`.
    static func isNegated(_ words: [String], at i: Int) -> Bool {
        words[max(0, i - 3) ..< i].contains { negators.contains($0) }
    }
    private static let infoQuestionStarts: [[String]] = [
        ["how", "do"], ["how", "can"], ["how", "to"], ["can", "i"], ["can", "you"], ["could", "you"], ["is", "there"],
        ["is", "it"], ["do", "you"], ["does", "anyone"], ["any", "idea"], ["where", "can"], ["what", "is"],
        ["when", "will"], ["will", "i"], ["anyone", "know"], ["anybody", "know"], ["does", "anybody"], ["are", "you"], ["if", "i"], ["do", "i"], ["should", "i"],
    ]

    /// Whether the words open like a request for information (after any leading @handles).
    static func isInformationQuestion(_ words: [String]) -> Bool {
        let body = Array(words.drop { $0.hasPrefix("@") }.prefix(2))
        return infoQuestionStarts.contains { body.starts(with: $0) }
    }

    /// Units of waiting time: "3 weeks", "2.5 hours", "7hr", "three months".
    private static let timeUnits: Set<String> = ["min", "mins", "minute", "minutes", "hr", "hrs", "hour", "hours",
                                                 "day", "days", "week", "weeks", "wk", "wks", "month", "months"]
    private static let numberWords: Set<String> = ["two", "three", "four", "five", "six", "seven", "eight", "nine",
                                                   "ten", "several", "many", "few", "24", "48", "72"]

    /// A waiting time such as "3 weeks" or "7hr" at `i`, as its text, or `nil`.
    private static func waitingTime(_ words: [String], _ i: Int) -> String? {
        let w = words[i]
        if let digitsEnd = w.firstIndex(where: { !($0.isNumber || $0 == ".") }), digitsEnd != w.startIndex,
           timeUnits.contains(String(w[digitsEnd...])) {
            return w
        }
        guard i + 1 < words.count, timeUnits.contains(words[i + 1]) else { return nil }
        if w.allSatisfy({ $0.isNumber || $0 == "." }) && w.first!.isNumber || numberWords.contains(w) {
            return w + " " + words[i + 1]
        }
        return nil
    }

    /// The cues in `words` (one sentence), longest phrase first at each place.
    func findings(inWords words: [String], isQuestion: Bool) -> [Finding] {
        var found: [Finding] = []
        let infoQuestion = isQuestion && Self.isInformationQuestion(words)
        var i = 0
        while i < words.count {
            if let time = Self.waitingTime(words, i) {
                found.append(Finding(phrase: time, kind: .waiting, weight: 0.5))
                i += 1
                continue
            }
            var key = words[i]
            if key.hasPrefix("#") && key.count > 1 && cuesByFirstWord[key] == nil { key.removeFirst() }
            guard let candidates = cuesByFirstWord[key] else { i += 1; continue }
            var best: ComplaintCue?
            for cue in candidates where cue.words.count <= words.count - i {
                var matches = true
                for k in 1 ..< max(1, cue.words.count) where words[i + k] != cue.words[k] { matches = false; break }
                if matches && (best == nil || cue.words.count > best!.words.count) { best = cue }
            }
            guard let cue = best else { i += 1; continue }
            let negated = cue.isNegatable && Self.isNegated(words, at: i)
            if !negated {
                var weight = cue.weight
                // An information question names trouble to ask about it ("is there an outage
                // map?"): its failure and waiting cues count half; money and leaving stay whole.
                if infoQuestion && (weight < 1 || cue.kind == .failure || cue.kind == .waiting) { weight /= 2 }
                found.append(Finding(phrase: cue.phrase, kind: cue.kind, weight: weight))
            }
            i += cue.words.count
        }
        return found
    }

    /// Whom a text is addressed to: complaints are written to companies, often to their
    /// support accounts.
    enum Addressee: Int, Comparable, Sendable {
        /// No @handle and no brand term.
        case nobody
        /// Some @handle: a company or a person.
        case someone
        /// A brand term, or a handle that reads like a support desk (@XboxSupport, @ZARA_Care,
        /// @AskPlayStation, @ChryslerCares).
        case company

        static func < (a: Addressee, b: Addressee) -> Bool { a.rawValue < b.rawValue }
    }

    private static let supportHandleParts = ["support", "care", "help", "service", "cs", "custserv", "team"]

    /// The addressee judged from a text's words (@handles) and whether it names the brand.
    static func addressee(words: [String], namesBrand: Bool) -> Addressee {
        if namesBrand { return .company }
        var result = Addressee.nobody
        for w in words where w.hasPrefix("@") && w.count > 1 {
            let handle = w.dropFirst()
            if handle.hasPrefix("ask") || supportHandleParts.contains(where: { handle.contains($0) }) { return .company }
            result = .someone
        }
        return result
    }

    /// Emphasis that signals exasperation: "??", "?!" and words shouted in capitals
    /// ("PLEASE STOP", "NEVER AGAIN"; four letters or more, handles and tags excepted).
    func emphasisFindings(in text: String) -> [Finding] {
        var found: [Finding] = []
        let bytes = Array(text.utf8)
        let question = UInt8(ascii: "?"), bang = UInt8(ascii: "!")
        for i in bytes.indices.dropLast() where (bytes[i] == question && (bytes[i + 1] == question || bytes[i + 1] == bang))
            || (bytes[i] == bang && bytes[i + 1] == question) {
            found.append(Finding(phrase: "?!", kind: .frustration, weight: 0.5))
            break
        }
        // A shouted word: a whitespace-separated run whose letters (ASCII; four or more) are all
        // capitals, not a handle, tag or link.
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x20 && bytes[end] != 0x0A && bytes[end] != 0x09 { end += 1 }
            let word = bytes[start ..< end]
            if let first = word.first, first != UInt8(ascii: "@"), first != UInt8(ascii: "#"), !word.contains(UInt8(ascii: "/")) {
                var upper = 0, lower = 0
                for b in word {
                    if b >= 0x41 && b <= 0x5A { upper += 1 } else if (b >= 0x61 && b <= 0x7A) || b >= 0x80 { lower += 1 }
                }
                if upper >= 4 && lower == 0 {
                    let letters = word.filter { $0 >= 0x41 && $0 <= 0x5A }
                    found.append(Finding(phrase: String(decoding: letters, as: UTF8.self), kind: .frustration, weight: 0.5))
                    break
                }
            }
            start = end + 1
        }
        return found
    }

    /// Weighs findings with sentiment: `compound` is the text's (targeted) VADER compound.
    func verdict(findings: [Finding], compound: Double, addressee: Addressee) -> Verdict {
        var seen: Set<String> = []
        let unique = findings.filter { seen.insert($0.phrase).inserted }
        // Strong cues count fully; weak cues together count at most one strong cue's worth,
        // so a long text does not become a complaint by piling up "why" and "really".
        let strong = unique.filter { $0.weight >= 1 }.reduce(0) { $0 + $1.weight }
        let weak = min(1.0, unique.filter { $0.weight < 1 }.reduce(0) { $0 + $1.weight })
        var strength = strong + weak
        if compound <= -0.5 {
            strength += Self.negativeSentimentBonus * 1.5
        } else if compound <= -0.3 {
            strength += Self.negativeSentimentBonus
        } else if compound <= -0.05 {
            strength += Self.negativeSentimentBonus / 2
        }
        if compound >= 0.5 { strength -= Self.positiveSentimentPenalty }
        if addressee >= .someone { strength += Self.addressedBonus }
        if addressee == .company { strength += Self.addressedBonus }
        // A strong cue is enough; weak cues need a company to talk to or negative words;
        // without any cue, only clearly negative words addressed to a company count.
        let hasStrong = unique.contains { $0.weight >= 1 }
        let eligible = hasStrong
            || (!unique.isEmpty && (addressee >= .someone || compound <= -0.05))
            || (addressee == .company && compound <= -0.3)
        // Texts not addressed to a company (chatter between people) need more evidence.
        let needed = addressee == .company ? Self.threshold : Self.threshold + Self.unaddressedMargin
        return Verdict(isComplaint: eligible && strength >= needed, strength: strength, findings: unique)
    }
}
