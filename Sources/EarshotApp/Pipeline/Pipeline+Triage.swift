import Foundation
import EarshotStore
import EarshotTriage

/// What triage does with a stored mention and at the end of a run: one implementation, used by
/// `earshot run` and replayed by `earshot backtest` (which must decide exactly as a run would).
extension Pipeline {
    /// A customer's new or edited mention: the rules (a case opened, joined or reopened, a problem),
    /// then, when it is new, the brand's replies to it that were stored before it (another source
    /// came first).
    static func triageCustomer(_ m: TriageMention, itemKey: String, isNew: Bool, isHistory: Bool, triage: Triage,
                               in tx: StoreTransaction, now: Date, counts: inout BatchCounts) throws {
        let outcome = try triage.apply(m, in: tx, now: now, isHistory: isHistory)
        if outcome.openedCase != nil { counts.opened += 1 }
        if outcome.joinedCase != nil { counts.joined += 1 }
        if outcome.reopenedCase != nil { counts.reopened += 1 }
        if outcome.openedProblem != nil { counts.problems += 1 }
        if outcome.resolvedCase != nil { counts.resolved += 1 }
        guard isNew else { return }
        for reply in try tx.brandMentions(answering: itemKey) where reply.id < m.mentionID {
            let r = TriageMention(mentionID: reply.id, sourceID: reply.sourceID, sourceName: reply.sourceName, author: reply.author,
                                  url: reply.url, title: reply.title, body: reply.body, publishedAt: reply.publishedAt, rating: nil,
                                  bestRating: nil, worstRating: nil, score: Self.unscored)
            if try triage.brandReplied(r, answering: m.mentionID, in: tx, now: now) != nil { counts.brandReplies += 1 }
        }
    }

    /// A post of the brand's own: joins the case of the customer it answers.
    static func triageBrand(_ reply: TriageMention, triage: Triage, in tx: StoreTransaction, now: Date,
                            counts: inout BatchCounts) throws {
        if try triage.brandReplied(reply, in: tx, now: now) != nil { counts.brandReplies += 1 }
    }

    /// What a run does by the clock once its documents are stored: overdue cases escalated,
    /// follow-ups announced, bursts of negatives found (announced only after `horizon`).
    struct ClockWork {
        var escalated: [Int64]
        var followUps: [Int64]
        var spikes: SpikeDetector.Change
    }

    static func clockWork(triage: Triage, in tx: StoreTransaction, now: Date, horizon: Date) throws -> ClockWork {
        ClockWork(escalated: try triage.escalateOverdue(in: tx, now: now),
                  followUps: try triage.announceFollowUps(in: tx, now: now),
                  spikes: try SpikeDetector(channels: triage.policy.problemChannels).evaluate(in: tx, now: now, alertsFrom: horizon))
    }
}
