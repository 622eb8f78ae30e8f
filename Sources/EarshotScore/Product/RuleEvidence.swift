import Foundation

/// What the rules found in one text, as numbers: the trained model's inputs beside the words.
///
/// The rules know things a bag of words trained on a thousand tweets cannot learn: VADER's
/// lexicon and its negation and intensity handling, the complaint cues and which of them a
/// negation cancels, questions asking for information, whom the text addresses. The model
/// weighs this evidence with the words (``ScorerModel``). `earshot score --rule-features`
/// prints these values so that the training script (`Scripts/train-scorer`) reads exactly what
/// the scorer computes; changing a feature means training again (the model names
/// ``RuleEvidence/version``).
struct RuleEvidence: Sendable {
    /// Bumped whenever a feature's meaning changes; the model file must name the same.
    static let version = 6

    var vader = SentimentScores(compound: 0, pos: 0, neu: 1, neg: 0)
    /// The rules' targeted compound with verdict phrases, before the complaint and rating say.
    var rulesCompound = 0.0
    /// The rules' compound after their complaint decision, before the rating.
    var settledCompound = 0.0
    var rulesComplaint = false
    var strength = 0.0
    var strongCue = false
    /// A strong money cue ("charged twice", "want a refund") or leaving cue ("cancel my account").
    var strongMoneyOrLeaving = false
    /// Positive words around a strong trouble cue (not a mere verdict word): sarcasm such as
    /// "great, charged twice" or "thanks for the car seizing up", or mixed praise and grievance.
    var praiseWithTrouble: Bool {
        vader.compound > 0 && (cueWeights[.money] ?? 0) + (cueWeights[.failure] ?? 0) + (cueWeights[.waiting] ?? 0) >= 1 && strongCue
    }
    /// Cue weight found per kind, in ``ComplaintCue/Kind`` order.
    var cueWeights: [ComplaintCue.Kind: Double] = [:]
    var question = false
    /// Some @handle: the text is put to someone.
    var hasHandle = false
    /// A contrast word ("but", "however", "though", "except"): praise and grievance side by side.
    var contrast = false
    var informationQuestion = false
    var addressee = ComplaintDetector.Addressee.nobody
    /// Thanks or praise: only weak cues in clearly positive words, or trouble named in strong
    /// praise without a money or leaving cue ("fixed the outage in an hour, brilliant").
    var praise = false
    /// Laughter (lol, haha) without a money or leaving cue: banter.
    var laughter = false
    var positiveVerdicts = 0
    var negativeVerdicts = 0
    var sentences = 0
    var bytes = 0
    /// A review or long post: a title, or more than two sentences beyond a tweet's length.
    var long = false
    /// The title when it is not just the body's opening (see ``Scorer/ownTitle(_:)``).
    var ownTitle: String?
    /// The rules' reasons up to their complaint decision (lexicon words, cues, laughter, praise).
    var reasons: [String] = []
    /// The rules' aspect reasons, kept for the model's explanation.
    var aspectReasons: [String] = []
    var aspects: [String] = []

    mutating func record(verdict: ComplaintDetector.Verdict, addressee: ComplaintDetector.Addressee,
                         opinions: (negative: [String], positive: [String], understatement: Bool)) {
        strength = verdict.strength
        strongCue = verdict.findings.contains { $0.weight >= 1 }
        strongMoneyOrLeaving = verdict.findings.contains { $0.weight >= 1 && ($0.kind == .money || $0.kind == .leaving) }
        for f in verdict.findings { cueWeights[f.kind, default: 0] += f.weight }
        self.addressee = addressee
        positiveVerdicts = opinions.positive.count
        negativeVerdicts = opinions.negative.count
    }

    static let kinds: [ComplaintCue.Kind] = [.waiting, .money, .failure, .leaving, .service, .frustration]

    /// Feature names, in the order of ``values``.
    static let names: [String] = ["vader_compound", "vader_pos", "vader_neg", "rules_compound", "settled_compound",
                                  "rules_complaint", "cue_strength", "strong_cue"]
        + kinds.map { "cue_\($0.rawValue)" }
        + ["question", "information_question", "addressed_someone", "addressed_company", "laughter",
           "verdict_positive", "verdict_negative", "long_text", "length", "praise_with_trouble"]

    /// The features, each in a small range (at most a few units) so that one regularisation suits all.
    var values: [Double] {
        func flag(_ b: Bool) -> Double { b ? 1 : 0 }
        var v: [Double] = [vader.compound, vader.pos, vader.neg, max(-1, min(1, rulesCompound)), max(-1, min(1, settledCompound)),
                           flag(rulesComplaint), min(3, strength), flag(strongCue)]
        for kind in Self.kinds { v.append(min(2, cueWeights[kind] ?? 0)) }
        v += [flag(question), flag(informationQuestion), flag(addressee >= .someone), flag(addressee == .company),
              flag(laughter), Double(min(positiveVerdicts, 4)) / 2, Double(min(negativeVerdicts, 4)) / 2, flag(long),
              (Double(bytes) + 1).squareRoot() / 20, flag(praiseWithTrouble)]
        return v
    }
}

public extension Scorer {
    /// The rules' evidence on one input as a JSON array in ``RuleEvidence/names`` order (each number
    /// printed so that it reads back exactly): what `Scripts/train-scorer` trains on.
    func ruleFeatureLine(_ input: ScoreInput) -> String {
        "[" + rulesScore(input).evidence.values.map { $0.description }.joined(separator: ",") + "]"
    }

    /// A scorer in model mode with the model in a file written by `Scripts/train-scorer`
    /// (for its cross-validation of the whole decision); errors name the line.
    init(lexicon: Lexicon, modelFile path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let body = text.components(separatedBy: "#\"\"\"\n").dropFirst().first?.components(separatedBy: "\"\"\"#").first ?? text
        self.init(lexicon: lexicon, mode: .model, model: try ScorerModel(text: body))
    }

    /// The names of ``ruleFeatureLine(_:)``'s values.
    static var ruleFeatureNames: [String] { RuleEvidence.names }
    static var ruleFeatureVersion: Int { RuleEvidence.version }
}
