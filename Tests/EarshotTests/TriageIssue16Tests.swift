import Foundation
import Testing
import EarshotScore
import EarshotStore
import EarshotTriage

/// Issue 16, "who is speaking", at the triage level: identity keys, the brand's replies, a
/// customer's change of mind, merging by hand. End to end (feeds on loopback) in IdentityRunTests.
@Suite
struct TriageIssue16Tests {
    typealias Desk = TriageScenarioTests.Desk
    static let t0 = TriageScenarioTests.t0
    static let hour = TriageScenarioTests.hour

    // MARK: - Identity keys

    @Test(arguments: [
        ("@JaneDoe", nil, nil, ["handle:janedoe"]),
        ("/u/jane_doe", nil, nil, ["handle:jane_doe"]),
        ("jane@example.com (Jane Doe)", nil, nil, ["email:jane@example.com", "name:jane doe"]),
        ("  José   O'Neil ", nil, "https://www.social.example/@jose/", ["url:social.example/@jose", "handle:jose", "name:jose oneil"]),
        ("Guest", "noreply@blogger.com", "https://reviews.example/", []),
        ("/u/[deleted]", nil, nil, []),
        ("Jane Doe", "Jane@Example.com", nil, ["email:jane@example.com", "name:jane doe"]),
    ] as [(String, String?, String?, [String])])
    func identityKeys(author: String, email: String?, profile: String?, expected: [String]) {
        #expect(CustomerIdentity(author: author, email: email, profile: profile).keys == expected)
    }

    @Test func brandAccountsAreHandlesNamesAndDomains() {
        let brand = BrandAccounts(["@acmehelp", "Acme Support", "acme.example"])
        #expect(brand.owns(CustomerIdentity(author: "@AcmeHelp")))
        #expect(brand.owns(CustomerIdentity(author: "acme support")))
        #expect(brand.owns(CustomerIdentity(author: "Tom", email: "tom@help.acme.example")))
        #expect(brand.owns(CustomerIdentity(author: "Tom", profile: "https://acme.example/team/tom")))
        #expect(!brand.owns(CustomerIdentity(author: "Acme Supporter")))
        #expect(!brand.owns(CustomerIdentity(author: "@acmehelpless")))
        #expect(!brand.owns(CustomerIdentity(author: "Jo", email: "jo@notacme.example")))
        #expect(CustomerIdentity.addressedHandles(in: "@jane_doe thanks! mail me at x@acme.example, cc @Bob.") == ["handle:jane_doe", "handle:bob"])
    }

    @Test func theSamePersonOnTwoSourcesHasOneCaseByAnyKey() throws {
        let desk = try Desk()
        let first = try desk.apply(try desk.mention("Jane Doe", on: "forum", at: Self.t0))
        let caseID = try #require(first.openedCase)
        // Another source, another spelling of the name: the same customer.
        var m = try desk.mention("jane  DOE", on: "reviews", at: Self.t0 + Self.hour)
        #expect(try desk.apply(m).joinedCase == caseID)
        // Her e-mail, given once, recognises her later by e-mail alone.
        m = try desk.mention("Jane Doe", on: "news", at: Self.t0 + 2 * Self.hour)
        m.identity = CustomerIdentity(author: "Jane Doe", email: "jane@example.com")
        #expect(try desk.apply(m).joinedCase == caseID)
        m = try desk.mention("J. D.", on: "forum", at: Self.t0 + 3 * Self.hour)
        m.identity = CustomerIdentity(author: "J. D.", email: "JANE@example.com")
        #expect(try desk.apply(m).joinedCase == caseID)
        #expect(try desk.cases(kind: "incident").count == 1)
        #expect(try desk.mentions(caseID).count == 4)
    }

    // MARK: - The brand's voice

    /// Stores a brand post (no score: the brand is no customer) and lets triage thread it.
    func brandReply(_ desk: Desk, _ body: String, at: Date, on source: String = "forum", url: String? = nil,
                    inReplyTo: String? = nil, answering: Int64? = nil) throws -> Int64? {
        var m = try desk.mention("Acme Support", on: source, url: url, at: at)
        m.body = body
        m.inReplyTo = inReplyTo
        try desk.store.write { try $0.markBrand(mentionID: m.mentionID, inReplyTo: inReplyTo) }
        return try desk.store.write { try desk.triage.brandReplied(m, answering: answering, in: $0, now: at) }
    }

    @Test func aBrandReplyToAHandleThreadsOntoTheCaseAndSetsTheFirstResponseTime() throws {
        let desk = try Desk()
        let complaint = try desk.apply(try desk.mention("@janedoe", on: "forum", at: Self.t0))
        let caseID = try #require(complaint.openedCase)
        #expect(try desk.record(caseID).firstResponseAt == nil)
        let answered = try brandReply(desk, "@JaneDoe sorry, we have refunded you.", at: Self.t0 + 2 * Self.hour, on: "news")
        #expect(answered == caseID)
        #expect(try desk.record(caseID).firstResponseAt == Self.t0 + 2 * Self.hour)
        #expect(try desk.events(caseID).last == "brand replied")
        // A second reply is history, not a new first response.
        #expect(try brandReply(desk, "@janedoe anything else?", at: Self.t0 + 5 * Self.hour) == caseID)
        #expect(try desk.record(caseID).firstResponseAt == Self.t0 + 2 * Self.hour)
        #expect(try desk.mentions(caseID).count == 3)
        // The brand's replies never count as a customer: no second case, no alert of their own.
        #expect(try desk.cases(kind: "incident").count == 1)
        #expect(try desk.outbox().count == 1, "only the case's opening")
        // Median first response in the digest's terms.
        let median = try desk.store.read { try $0.medianFirstResponse(from: Self.t0 - Self.hour, to: Self.t0 + Self.hour) }
        #expect(median?.seconds == 2 * Self.hour && median?.cases == 1)
    }

    @Test func aBrandReplyFindsItsCaseByInReplyToByThreadOrAsAReviewResponse() throws {
        let desk = try Desk()
        let a = try desk.mention("Ann", on: "forum", url: "https://forum.example/t/42#p1", at: Self.t0)
        let caseA = try #require(try desk.apply(a).openedCase)
        let b = try desk.mention("Bob", on: "reviews", at: Self.t0)
        let caseB = try #require(try desk.apply(b).openedCase)
        let c = try desk.mention("Cat", on: "news", at: Self.t0)
        let caseC = try #require(try desk.apply(c).openedCase)
        // The same forum topic, another post.
        #expect(try brandReply(desk, "Sorry to hear that, we are on it.", at: Self.t0 + Self.hour, url: "https://forum.example/t/42#p7") == caseA)
        // Atom thr:in-reply-to names the entry answered (its item key).
        #expect(try brandReply(desk, "We've sent an engineer.", at: Self.t0 + Self.hour, on: "news", inReplyTo: "item-3") == caseC)
        // A review's owner response.
        #expect(try brandReply(desk, "Thank you for the review.", at: Self.t0 + Self.hour, on: "reviews", answering: b.mentionID) == caseB)
        // A post that answers nobody is stored but joins no case.
        #expect(try brandReply(desk, "Our new tariffs are out!", at: Self.t0 + Self.hour, on: "news") == nil)
        for id in [caseA, caseB, caseC] { #expect(try desk.record(id).firstResponseAt == Self.t0 + Self.hour) }
    }

    // MARK: - The customer changes their mind

    func rated(_ desk: Desk, _ m: TriageMention, stars: Double, label: SentimentLabel) -> TriageMention {
        var m = m
        m.rating = stars; m.bestRating = 5; m.worstRating = 1
        let compound = label == .positive ? 0.8 : (label == .negative ? -0.8 : 0)
        m.score = Score(compound: compound, pos: 0, neu: 0.5, neg: 0.5, isComplaint: false, aspects: [], reasons: [], decidedBy: "rating")
        return m
    }

    @Test func aReviewRatedUpResolvesItsCaseAndRatedDownAgainReopensIt() throws {
        let desk = try Desk()
        let review = rated(desk, try desk.mention("Rita", on: "reviews", at: Self.t0), stars: 1, label: .negative)
        let caseID = try #require(try desk.apply(review).openedCase)
        func changed(_ m: TriageMention, from stars: Double?, label: SentimentLabel?, at t: Date) throws -> [Int64] {
            try desk.store.write { try desk.triage.customerChangedMind(m, previousRating: stars, previousLabel: label, in: $0, now: t) }
        }
        let up = rated(desk, review, stars: 4, label: .positive)
        #expect(try changed(up, from: 1, label: .negative, at: Self.t0 + Self.hour) == [caseID])
        let resolved = try desk.record(caseID)
        #expect(resolved.status == "resolved")
        #expect(try desk.store.read { try $0.events(ofCase: caseID) }.last?.detail == Triage.updatedRatingReason)
        // The same review edited again, its rating unchanged (a typo fixed): nothing to do.
        #expect(try changed(up, from: nil, label: .positive, at: Self.t0 + 2 * Self.hour).isEmpty)
        let down = rated(desk, review, stars: 2, label: .negative)
        #expect(try changed(down, from: 4, label: .positive, at: Self.t0 + 3 * Self.hour) == [caseID])
        #expect(try desk.record(caseID).status == "open")
        #expect(try desk.events(caseID).suffix(2) == ["resolved", "reopened"])
        // Only a change moves a case: an open case of a 4-star review (a complaint in words) whose text is edited stays open.
        #expect(try changed(up, from: nil, label: .negative, at: Self.t0 + 4 * Self.hour).isEmpty)
        #expect(try desk.record(caseID).status == "open")
        // A case a person resolved is not reopened by a low rating: that is the customer's old word.
        _ = try desk.act(.resolve(note: "refunded"), on: caseID, at: Self.t0 + 5 * Self.hour)
        #expect(try changed(down, from: 4, label: .positive, at: Self.t0 + 6 * Self.hour).isEmpty)
    }

    @Test func theCustomersOwnSortedInTheThreadResolvesTheCase() throws {
        let desk = try Desk()
        let complaint = try desk.mention("Priya", on: "forum", url: "https://forum.example/t/48217#p1", at: Self.t0)
        // (A one-word name: recognised on its own source only.)
        let caseID = try #require(try desk.apply(complaint).openedCase)
        // Positive, but elsewhere: not about this case.
        var elsewhere = try desk.mention("Priya", on: "news", url: "https://news.example/x", at: Self.t0 + Self.hour, compound: 0.7, complaint: false)
        elsewhere.score = Score(compound: 0.7, pos: 0.6, neu: 0.4, neg: 0, isComplaint: false, aspects: [], reasons: [], decidedBy: "text")
        #expect(try desk.apply(elsewhere).resolvedCase == nil)
        #expect(try desk.record(caseID).status == "open")
        var sorted = try desk.mention("Priya", on: "forum", url: "https://forum.example/t/48217#p9", at: Self.t0 + 2 * Self.hour)
        sorted.score = Score(compound: 0.8, pos: 0.7, neu: 0.3, neg: 0, isComplaint: false, aspects: [], reasons: [], decidedBy: "text")
        #expect(try desk.apply(sorted).resolvedCase == caseID)
        #expect(try desk.record(caseID).status == "resolved")
        #expect(try desk.mentions(caseID).contains(sorted.mentionID))
    }

    // MARK: - Merge by hand

    @Test func mergingTwoCasesKeepsBothHistoriesAndPointsToTheSurvivor() throws {
        let desk = try Desk()
        let a = try #require(try desk.complaint("Sam Lee", on: "forum", at: Self.t0 + Self.hour).openedCase)
        let b = try #require(try desk.complaint("@samlee", on: "reviews", at: Self.t0).openedCase)
        _ = try desk.act(.resolve(note: "done"), on: a, at: Self.t0 + 2 * Self.hour)
        let merged = try desk.store.write { try desk.triage.merge(b, into: a, actor: "dana", in: $0, now: Self.t0 + 3 * Self.hour) }
        #expect(merged.status == "open", "b was still open: the customer still waits")
        #expect(merged.firstPublishedAt == Self.t0)
        #expect(try desk.mentions(a).count == 2)
        let other = try desk.record(b)
        #expect(other.status == "merged" && other.mergedInto == a)
        #expect(try desk.events(b).last == "merged")
        #expect(try desk.events(a).contains("merged"))
        // The handle now leads to the survivor.
        #expect(try desk.complaint("@SamLee", on: "news", at: Self.t0 + 4 * Self.hour).joinedCase == a)
        // Refused: itself, twice, unknown.
        #expect(throws: CaseLifecycleError.self) { try desk.store.write { try desk.triage.merge(a, into: a, actor: "dana", in: $0, now: Self.t0) } }
        #expect(throws: CaseLifecycleError.self) { try desk.store.write { try desk.triage.merge(b, into: a, actor: "dana", in: $0, now: Self.t0) } }
        #expect(throws: CaseLifecycleError.self) { try desk.store.write { try desk.triage.merge(999, into: a, actor: "dana", in: $0, now: Self.t0) } }
    }

    @Test func recurringProblemsCountPeopleNotSpellingsAndNeverTheBrand() throws {
        let desk = try Desk()
        try desk.complaint("Jane Doe", on: "forum", at: Self.t0, aspects: ["billing"])
        #expect(try desk.complaint("jane doe", on: "reviews", at: Self.t0 + Self.hour, aspects: ["billing"]).openedProblem == nil)
        #expect(try brandReply(desk, "@bob we are on it, Jane Doe too", at: Self.t0 + Self.hour) == nil)
        #expect(try desk.complaint("Bob", on: "news", at: Self.t0 + 2 * Self.hour, aspects: ["billing"]).openedProblem == nil,
                "Jane twice and Bob are two customers")
        let opened = try desk.complaint("Cat", on: "forum", at: Self.t0 + 3 * Self.hour, aspects: ["billing"])
        let problem = try #require(opened.openedProblem)
        #expect(try desk.store.read { try $0.customerCount(ofProblem: problem) } == 3)
    }

    @Test func aBrandPostOnAPageWithSeveralCustomersJoinsNoneOfThem() throws {
        let desk = try Desk()
        _ = try desk.apply(try desk.mention("Ann Lee", on: "reviews", url: "https://reviews.example/acme#review-1", at: Self.t0))
        _ = try desk.apply(try desk.mention("Bob Ray", on: "reviews", url: "https://reviews.example/acme#review-2", at: Self.t0))
        #expect(try brandReply(desk, "Thanks for all your reviews!", at: Self.t0 + Self.hour, on: "reviews",
                               url: "https://reviews.example/acme#response-9") == nil, "which customer? nobody's case gets it")
        // A reply that names an entry with no case joins no neighbour either.
        #expect(try brandReply(desk, "Glad you like it!", at: Self.t0 + Self.hour, on: "reviews",
                               url: "https://reviews.example/acme#response-10", inReplyTo: "id:unknown") == nil)
    }

    @Test func aCopyIsTheSameAuthorsSameWordsWithinTwoDays() throws {
        let desk = try Desk()
        let original = try desk.mention("Jo Park", on: "forum", at: Self.t0)
        try desk.store.write { tx in
            try tx.db.execute(sql: "UPDATE mentions SET fingerprint = 'fp-x', url = 'https://forum.example/t/1' WHERE id = ?", arguments: [original.mentionID])
        }
        func copy(author: String?, at: Date, url: String? = nil, fingerprint: String? = "fp-x") throws -> Int64? {
            try desk.store.read { try $0.original(sourceID: desk.sources["news"]!, fingerprint: fingerprint, author: author, url: url,
                                                    around: at, isBrand: false) }
        }
        #expect(try copy(author: "Jo Park", at: Self.t0 + Self.hour) == original.mentionID)
        #expect(try copy(author: "Jo Park", at: Self.t0 + Self.hour, url: "https://forum.example/t/1", fingerprint: nil) == original.mentionID)
        #expect(try copy(author: "Someone Else", at: Self.t0 + Self.hour) == nil, "another author's same words are their own")
        #expect(try copy(author: "Someone Else", at: Self.t0, url: "https://forum.example/t/1", fingerprint: nil) == nil)
        #expect(try copy(author: "Jo Park", at: Self.t0 + 5 * 86_400) == nil, "saying it again days later is a new mention")
    }
}
