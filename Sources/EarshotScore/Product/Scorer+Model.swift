import Foundation

/// The hybrid decision (`scorer: model`, the default).
///
/// The rules run first and their evidence (``RuleEvidence``: VADER's scores, the targeted
/// compound, the complaint cues by kind, negation, questions, addressee, laughter, verdict
/// phrases) becomes input to the trained model beside the text's words (``ScorerModel``). Then:
/// - **complaint** is the complaint model's probability at or above its threshold (chosen by
///   cross-validation for F1); the rules' own verdict is one of its inputs, not the decision;
/// - **label** of a review or long post (a title, or several sentences beyond a tweet's
///   length) is negative when the negative model says so; if it does not while the rules' words
///   were negative, the text is neutral (mixed); a short text keeps the rules' targeted VADER
///   compound (VADER was built and validated on such texts), except that
/// - a short **complaint** in neutral or negative words, or with a strong cue in mildly positive
///   ones, is negative ("the app keeps crashing"); in clearly positive words it keeps its label ("great speeds, but I was charged twice": mixed)
///   unless it is sarcasm: kind words around a strong money cue, or around a strong trouble cue
///   said to the company, with no "but" between ("great, charged twice"). Kind words around a
///   strong trouble cue make a short text a complaint even when the model hesitates;
/// - laughter without a money or leaving cue is banter, not a complaint;
/// - a **star rating** then has its say as in the rules (``applyRating``).
extension Scorer {
    /// From this complaint probability the complaint is negative whatever its words (sarcasm).
    static let confidentComplaint = 0.9
    /// Below this complaint probability, thanks or an information question with no strong cue
    /// is not a complaint.
    static let sureComplaint = 0.7
    /// A short complaint this probable is negative in mildly positive words.
    static let clearComplaint = 0.6
    /// The compound of a long text the negative model calls negative, at most.
    static let modelNegativeCompound = -0.1

    /// The two probabilities alone (for the parity test with the training script).
    func modelProbabilities(_ input: ScoreInput) -> (complaint: Double, negative: Double) {
        let evidence = rulesScore(input).evidence
        var text = input.text
        if let title = evidence.ownTitle { text = title + ". " + input.text }
        let p = model.probabilities(text: text, rules: evidence.values)
        return (p.complaint, p.negative)
    }

    func modelScore(_ input: ScoreInput) -> Score {
        let (_, evidence) = rulesScore(input)
        var text = input.text
        if let title = evidence.ownTitle { text = title + ". " + input.text }
        let rules = evidence.values
        let (pComplaint, pNegative, features) = model.probabilities(text: text, rules: rules)
        var isComplaint = pComplaint >= model.complaint.threshold
        var compound = evidence.rulesCompound
        var reasons = evidence.reasons
        reasons.append("model: complaint p=\(Self.format(pComplaint)) \(isComplaint ? "≥" : "<") \(Self.format(model.complaint.threshold))")
        if evidence.long {
            let negative = pNegative >= model.negative.threshold
            reasons.append("model: negative p=\(Self.format(pNegative)) \(negative ? "≥" : "<") \(Self.format(model.negative.threshold))")
            if negative {
                compound = min(compound, Self.modelNegativeCompound)
            } else if compound <= -SentimentLabel.threshold {
                compound = 0
                reasons.append("model: not negative although the words are; mixed")
            }
        }
        if evidence.long && isComplaint && pNegative < model.negative.threshold {
            // The complaint model learnt from tweets; in a review or long post that the negative
            // model does not find negative, its cues are an aside ("one button was loose, the
            // coat is lovely").
            isComplaint = false
            reasons.append("model: not a complaint: the text as a whole is not negative")
        }
        if !isComplaint && !evidence.long && evidence.praiseWithTrouble && !evidence.laughter && !evidence.praise {
            // (Thanks are left to the model: vetoing praise, as the rules do, lost 18 of the
            // complaint set's complaints, polite ones.)
            // "great, charged twice", "thanks for the car seizing up": kind words around a strong
            // money, failure or waiting cue (27 of the 32 such tweets of the complaint set are
            // complaints; the model, with little data on it, weighs it too lightly).
            isComplaint = true
            reasons.append("complaint: kind words around a strong trouble cue\(evidence.contrast ? " (mixed)" : " (sarcasm)")")
        }
        if !isComplaint && evidence.strongMoneyOrLeaving {
            // Money taken wrongly and a customer about to leave are what support must act on,
            // whatever the tweets' annotators called them (6 of 7 and 4 of 6 in the complaint set).
            isComplaint = true
            reasons.append("complaint: a strong money or leaving cue")
        }
        if isComplaint && pComplaint < Self.sureComplaint && !evidence.strongCue && evidence.vader.compound > -SentimentLabel.threshold
            && (evidence.praise || evidence.informationQuestion) {
            // "@AcmeHelp how do I change the email on my account?", "Thanks @AcmeHelp, sorted in
            // five minutes. Brilliant!": a question asking for information, or thanks, with no
            // strong cue and no negative words, is not a complaint unless the model is sure.
            isComplaint = false
            reasons.append("model: not a complaint: \(evidence.praise ? "thanks or praise" : "a question asking for information") with no strong cue")
        }
        if isComplaint && evidence.question && !evidence.hasHandle && !evidence.strongCue && evidence.vader.compound >= 0
            && (evidence.cueWeights[.frustration] ?? 0) == 0 {
            // "Is the Acme sale still on this weekend?": a question about the brand, put to no
            // one in particular, with no strong cue, frustration or negative words, asks.
            // (Questions put to a company's account are left to the model: in the complaint set
            // most of them are complaints, "@virginmedia is VM down in CV37?".)
            isComplaint = false
            reasons.append("model: not a complaint: a question without trouble, put to no one")
        }
        if isComplaint && evidence.laughter {
            isComplaint = false
            reasons.append("model: not a complaint: laughter marks banter")
        }
        // Sarcasm: kind words around trouble with no "but" between, about money or said to the company.
        let sarcasm = evidence.praiseWithTrouble && !evidence.contrast
            && ((evidence.cueWeights[.money] ?? 0) >= 1 || evidence.addressee == .company)
        if !evidence.long && isComplaint && (compound < SentimentLabel.threshold || sarcasm
                                                || (pComplaint >= Self.clearComplaint && compound < Self.mixedCompound)) {
            compound = min(compound, Self.complaintCompound)
        }
        let which = isComplaint ? model.complaint : (evidence.long ? model.negative : model.complaint)
        // Why, in the model's terms: the words and phrases that pushed hardest, then the rules'
        // evidence that did (their own reasons, the cues and lexicon words, come first).
        for c in namesWeights ? which.contributions(text: text, features: features, rules: rules, words: 5, evidence: 3) : [] {
            reasons.append("\(c.name.hasPrefix("'") ? "weight" : "evidence"): \(c.name) \(c.value >= 0 ? "+" : "")\(Self.format(c.value))")
        }
        var decidedBy = isComplaint ? "model+complaint" : "model"
        let strength = pComplaint >= Self.confidentComplaint ? Self.clearComplaintStrength : 0
        Self.applyRating(input, isComplaint: &isComplaint, strength: strength, compound: &compound, decidedBy: &decidedBy, reasons: &reasons)
        reasons += evidence.aspectReasons
        return Score(compound: compound, pos: evidence.vader.pos, neu: evidence.vader.neu, neg: evidence.vader.neg,
                     isComplaint: isComplaint, aspects: evidence.aspects, reasons: reasons, decidedBy: decidedBy)
    }
}
