import Foundation
import Testing
@testable import EarshotScore

/// The product scorer: complaints, negation, questions, aspects, ratings, targeting, reasons.
@Suite struct ScoreProductTests {
    private func score(_ text: String, rating: Double? = nil, brand: [String] = []) -> Score? {
        ScoreFixtures.scorer?.score(ScoreInput(text: text, rating: rating, brandTerms: brand))
    }

    @Test(arguments: [
        "@AcmeHelp I was charged twice for my order and still no refund",
        "@AcmeSupport still waiting for a reply after 3 weeks",
        "my router stopped working again, been on hold for an hour @acmecare",
        "@AcmeHelp I can't log in to my account since the update",
        "I'm going to cancel my subscription and switch to a competitor",
        "@AcmeHelp the parcel never arrived",
    ])
    func complaintsAreDetected(text: String) throws {
        let s = try #require(score(text) ?? nil as Score?, "no lexicon")
        #expect(s.isComplaint, "\(s.reasons)")
        #expect(s.label == .negative)
    }

    @Test(arguments: [
        "No problems at all, great service",
        "Thanks @AcmeHelp, sorted in five minutes. Brilliant!",
        "Lovely weather today",
        "@AcmeHelp how do I change the email address on my account?",
    ])
    func nonComplaints(text: String) throws {
        guard let s = score(text) else { return }
        #expect(!s.isComplaint, "\(s.reasons)")
    }

    @Test func laughterMarksBanterButNotAMoneyComplaint() throws {
        guard let joke = score("@anonymous man, that was a sick joke! I'm sorryyy! Lol.") else { return }
        #expect(!joke.isComplaint, "\(joke.reasons)")
        #expect(joke.reasons.contains { $0.contains("laughter") })
        guard let money = score("@AcmeHelp charged twice this month lol, where is my refund") else { return }
        #expect(money.isComplaint, "money cues still count: \(money.reasons)")
        #expect(Scorer.laughter(in: ["ha", "hahaha"]) == "hahaha")
        #expect(Scorer.laughter(in: ["hah", "hash", "lolly"]) == nil)
    }

    @Test func aNegatedVerdictWordIsNotAComplaint() throws {
        guard let s = score("I tried the new recipe and I was not disappointed! The puffs were light and took an hour.") else { return }
        #expect(!s.isComplaint, "\(s.reasons)")
        #expect(s.label == .positive, "\(s.compound) \(s.reasons)")
        #expect(s.reasons.contains("verdict phrase: 'not disappointed' (positive)"))
        guard let t = score("I was disappointed, the recipe failed and took an hour.") else { return }
        #expect(t.reasons.contains("complaint cue: 'disappointed' (service)"), "the plain word still counts: \(t.reasons)")
    }

    @Test func courtesyDoesNotHideAComplaint() throws {
        // VADER alone reads "please help ... thanks" as positive (compound 0.6).
        guard let s = score("@AcmeHelp please help, my tablet stops working every time I charge it. Thanks!") else { return }
        #expect(s.isComplaint, "\(s.reasons)")
        // The courtesy words still count for the label's sentiment of a plain thank-you.
        guard let t = score("@AcmeHelp thanks so much for the help, much appreciated") else { return }
        #expect(!t.isComplaint && t.label == .positive, "\(t.reasons)")
    }

    /// A strong cue makes a complaint whatever the words; the label turns negative only when the
    /// words are not moderately positive or more (a mixed text keeps its label, the flag stands).
    @Test func aComplaintInPraiseKeepsItsLabelButNotAComplaintInMildWords() throws {
        guard let mixed = score("Acme is great, love the speeds, but I was charged twice this month", brand: ["Acme"]) else { return }
        #expect(mixed.isComplaint, "\(mixed.reasons)")
        #expect(mixed.label == .positive, "\(mixed.compound) \(mixed.reasons)")
        guard let mild = score("Acme is fine I guess, but I was charged twice this month", brand: ["Acme"]) else { return }
        #expect(mild.isComplaint, "\(mild.reasons)")
        #expect(mild.label == .negative, "\(mild.compound) \(mild.reasons)")
    }

    @Test func reviewIdiomsDecideTheVerdict() throws {
        guard let praise = score("I can't recommend this book highly enough. Every chapter taught me something.") else { return }
        #expect(praise.reasons.contains("verdict phrase: 'can't recommend ... enough' (positive)"), "\(praise.reasons)")
        #expect(praise.label == .positive)
        guard let pan = score("This seemed too long and too drawn out") else { return }
        #expect(pan.label == .negative, "\(pan.compound) \(pan.reasons)")
    }

    @Test func questionsAboutARefundAreWeak() throws {
        guard let s = score("any idea when the refund arrives?") else { return }
        // An information question with one weak money cue is not yet a complaint...
        #expect(!s.isComplaint)
        #expect(s.aspects.contains("billing"))
        // ...but an impatient one is.
        guard let t = score("@AcmeHelp why is my refund still not here after 3 weeks??") else { return }
        #expect(t.isComplaint)
    }

    @Test func reasonsNameTheEvidence() throws {
        guard let s = score("@AcmeHelp terrible: charged twice", rating: 1) else { return }
        #expect(s.reasons.contains { $0.hasPrefix("lexicon: 'terrible'") })
        #expect(s.reasons.contains("complaint cue: 'charged twice' (money)"))
        #expect(s.reasons.contains { $0.hasPrefix("rating 1/5") })
        #expect(s.decidedBy == "rating+complaint")
    }

    @Test func lowRatingIsNegativeWhateverTheWords() throws {
        guard let s = score("Great book, I loved the pictures!", rating: 2) else { return }
        #expect(s.label == .negative)
        #expect(s.decidedBy == "rating")
    }

    @Test func highRatingIsPositiveUnlessAComplaint() throws {
        guard let s = score("It was okay I guess", rating: 5),
              let c = score("@AcmeHelp five stars for the product but I was charged twice and no refund yet", rating: 5)
        else { return }
        #expect(s.label == .positive)
        #expect(s.decidedBy == "rating")
        #expect(c.isComplaint)
        #expect(c.label == .negative)
        #expect(c.decidedBy == "model+complaint")
    }

    @Test func ratingScaleIsRespected() throws {
        guard let scorer = ScoreFixtures.scorer else { return }
        // 4 on a 0...10 scale is 40%: negative.
        let s = scorer.score(ScoreInput(text: "fine", rating: 4, bestRating: 10, worstRating: 0))
        #expect(s.label == .negative)
    }

    @Test func brandSentencesWeighMost() throws {
        let text = "The weather was awful and the train was horrible. Anyway. Acme fixed my laptop and it is great."
        guard let targeted = score(text, brand: ["acme"]) else { return }
        #expect(targeted.label == .positive, "\(targeted.compound) \(targeted.reasons)")
        #expect(targeted.reasons.contains { $0.hasPrefix("targeted:") })
    }

    @Test(arguments: [
        ("My invoice shows a charge I don't recognise", "billing"),
        ("The courier left the parcel in the rain", "delivery"),
        ("The agent on the phone was rude", "support"),
        ("Cheaply made, it fell apart in a week", "quality"),
        ("The app crashes every time I open it", "website"),
        ("I'm locked out of my account", "account"),
        ("Way too expensive for what you get", "pricing"),
    ])
    func aspectsAreFound(text: String, aspect: String) {
        #expect(ScoreFixtures.aspects.aspects(in: text).contains(aspect))
    }

    @Test func aspectCueWordBoundaries() {
        #expect(!ScoreFixtures.aspects.aspects(in: "a billion reasons").contains("billing"))
    }

    @Test func aspectCatalogParsesAndRejects() throws {
        var catalog = try AspectCatalog.parse("# comment\nbilling: bill, invoice*\n\nsupport: on hold\n")
        #expect(catalog.aspects(in: "Invoices are late and I was on hold") == ["billing", "support"])
        catalog.add(aspect: "delivery", cues: ["parcel"])
        #expect(catalog.aspects(in: "the parcel") == ["delivery"])
        #expect(throws: ScoreError.self) { try AspectCatalog.parse("billing bill, invoice") }
    }

    @Test func builtInCatalogNeverCrashes() {
        let catalog = AspectCatalog.builtIn
        #expect(!catalog.aspectNames.isEmpty || catalog.warning != nil)
    }

    @Test func jsonLineKeys() throws {
        guard let s = score("@AcmeHelp charged twice") else { return }
        let object = try JSONSerialization.jsonObject(with: Data(s.jsonLine(includeReasons: true).utf8)) as? [String: Any]
        let keys = Set(object?.keys.map { $0 } ?? [])
        #expect(keys.isSuperset(of: ["compound", "pos", "neu", "neg", "label", "complaint", "aspects", "reasons"]))
        let plain = try JSONSerialization.jsonObject(with: Data(s.jsonLine(includeReasons: false).utf8)) as? [String: Any]
        #expect(plain?["reasons"] == nil)
        #expect(plain?["complaint"] as? Bool == true)
    }
}
