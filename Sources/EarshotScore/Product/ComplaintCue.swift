/// A phrase that signals a customer complaint, with the kind of trouble it names.
///
/// Weights: 1.0 for a cue that is a complaint on its own ("charged twice", "never arrived");
/// 0.5 for one that needs support from another cue or from negative sentiment ("refund", "again").
struct ComplaintCue: Sendable {
    enum Kind: String, Sendable {
        case waiting, money, failure, leaving, service, frustration
    }

    var words: [String]
    var kind: Kind
    var weight: Double
    /// Whether a preceding "no", "not", "never", "without", "zero" cancels it
    /// ("no problems at all"). Cues that already contain a negation are never negatable.
    var isNegatable: Bool

    var phrase: String { words.joined(separator: " ") }

    /// Strong and weak cues, written for customer-service messages and product reviews.
    static let all: [ComplaintCue] = {
        var cues: [ComplaintCue] = []
        func add(_ kind: Kind, _ weight: Double, negatable: Bool = false, _ phrases: [String]) {
            for p in phrases { cues.append(ComplaintCue(words: CueText.words(p), kind: kind, weight: weight, isNegatable: negatable)) }
        }
        add(.waiting, 1.0, ["still waiting", "been waiting", "waiting for a reply", "waiting for a response",
                            "no reply", "no response", "no answer", "not responded", "never responded",
                            "haven't heard", "have not heard", "haven't received", "have not received",
                            "not received", "never received", "on hold for", "been on hold", "still on hold",
                            "still no", "still not", "still haven't", "still hasn't", "still doesn't", "still can't",
                            "still isn't", "yet to receive", "yet to hear", "ignored", "ignoring", "no one has",
                            "nobody has", "no one will", "no callback", "no call back", "never called back",
                            "waiting on a call", "waited", "overdue"])
        add(.waiting, 0.5, ["asap", "already", "times", "what's happening", "what is happening", "waiting", "delayed", "delay", "delays", "late", "hours", "so long", "how long", "again",
                            "yet again", "3rd time", "third time", "second time", "every time", "days later"])
        add(.money, 1.0, ["charged twice", "double charged", "charged me twice", "overcharged", "over charged",
                          "charged me", "money back", "ripped off", "rip off", "ripoff", "scam", "scammed",
                          "hidden fee", "hidden fees", "full refund", "want a refund", "want my money",
                          "still no refund", "no refund", "stole", "stealing", "fraud", "waste of money",
                          "not worth the money", "save your money"])
        add(.money, 0.5, ["refund", "refunded", "charged", "charge", "billing issue", "fee", "fees"])
        add(.failure, 1.0, ["stopped working", "stops working", "stop working", "no longer working", "no longer works",
                            "not working", "doesn't work", "does not work", "don't work", "didn't work", "won't work",
                            "isn't working", "wasn't working", "never works", "never arrived", "hasn't arrived",
                            "has not arrived", "didn't arrive", "not arrived", "never came", "never showed",
                            "didn't show up", "never delivered", "not delivered", "wasn't delivered", "can't log in",
                            "cannot log in", "can't login", "can't sign in", "unable to log", "unable to",
                            "can't access", "cannot access", "keeps dropping", "keeps crashing", "keeps freezing",
                            "keeps failing", "keeps saying", "keeps telling", "crashes", "wrong item", "wrong order",
                            "missing item", "missing items", "malfunction", "malfunctioning", "outage", "no signal",
                            "no service", "no internet", "no wifi", "stranded", "cancelled my", "canceled my",
                            "lost my", "fell apart", "died", "stopped", "won't let me", "wont let me",
                            "doesn't let me", "error message", "not fixed", "fix this", "fix it", "sort it out",
                            "sort this out", "returned it", "return it", "sent it back", "poorly made", "poor quality",
                            "piece of junk", "junk", "garbage", "useless", "unusable", "worthless", "stuck", "unsafe",
                            "dangerous", "where is my", "where's my", "what happened to my", "lose my business",
                            "#nothappy", "not happy", "wtf", "smh", "no way to"])
        // Words naming a bad state: "it never broke", "nothing was damaged" are not complaints.
        add(.failure, 1.0, negatable: true, ["broken", "broke", "crashed", "faulty", "defective", "damaged"])
        add(.failure, 0.5, negatable: true, ["problem", "problems", "issue", "issues", "error", "errors", "bug", "bugs",
                                             "glitch", "trouble", "fault", "down", "missing", "lost", "wrong", "failed",
                                             "fails", "failure", "complaint", "complain", "disconnected", "declined",
                                             "cancelled", "canceled", "resolve", "fix"])
        add(.leaving, 1.0, ["cancel my subscription", "cancel my account", "cancel my order", "cancelling my",
                            "canceling my", "switching to", "switch to", "moving to", "never again", "never using",
                            "never use", "never buying", "never buy", "never shopping", "never flying",
                            "last time i", "going elsewhere", "take my business", "lost a customer",
                            "lost my business", "won't be back", "will not be back", "not coming back",
                            "don't buy", "do not buy", "don't waste", "do not waste", "avoid", "stay away"])
        add(.service, 1.0, ["customer service is", "terrible service", "poor service", "bad service", "worst service",
                            "awful service", "horrible service", "worst customer", "poor customer", "useless", "joke",
                            "#fail", "fail", "#poorcustomerservice", "#badservice", "#customerservice", "fed up",
                            "sick of", "tired of", "not happy", "unhappy", "not impressed", "worst", "please stop",
                            "stop sending", "not available", "out of stock", "sold out", "check engine",
                            "held hostage"])
        // Verdict words a negation turns round: "not disappointed", "you won't be let down".
        add(.service, 1.0, negatable: true, ["rude", "unhelpful", "unacceptable", "ridiculous", "disgraceful",
                                             "disgusting", "appalling", "shocking", "pathetic", "incompetent",
                                             "disappointed", "disappointing", "frustrated", "frustrating", "upset",
                                             "dissatisfied", "unimpressed", "crappy", "rubbish", "dirty", "filthy",
                                             "awful", "terrible", "horrible", "let down", "waste of time", "wasted",
                                             "pissed", "infuriating", "furious", "livid", "annoyed"])
        add(.frustration, 0.5, ["why", "how come", "how is it", "what's the point", "seriously", "really",
                                "please help", "pls help", "help", "need help", "explain", "supposed to",
                                "can't", "cannot", "won't", "doesn't", "didn't", "never", "nobody", "no one",
                                "anyone", "even", "only", "instead", "told", "said"])
        // Negated verbs: in a message to a company, "not", "won't", "isn't" mostly describe
        // something that does not happen as it should. Weak: they need company.
        add(.failure, 0.5, ["not", "don't", "dont", "doesn't", "doesnt", "didn't", "didnt", "isn't", "isnt",
                            "wasn't", "wasnt", "haven't", "havent", "hasn't", "hasnt", "won't", "wont",
                            "can't", "cant", "couldn't", "wouldn't", "aren't", "weren't", "no longer"])
        return cues
    }()
}
