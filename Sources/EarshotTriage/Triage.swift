import Foundation
import EarshotDigest
import EarshotScore
import EarshotStore

/// What triage did with one mention.
public struct TriageOutcome: Sendable, Equatable {
    public var openedCase: Int64?
    public var joinedCase: Int64?
    public var reopenedCase: Int64?
    public var openedProblem: Int64?
    /// A case the customer's own positive word resolved ("thanks, sorted!").
    public var resolvedCase: Int64?
    /// A history mention (older than the backfill) that matched a rule and found no open case:
    /// it opened nothing.
    public var keptAsHistory = false
    public var alertsQueued = 0
    public init() {}
}

/// Rules → cases, inside the store transaction of the batch that brought the mention.
///
/// The customer-service model (DESIGN.md): one customer, one case; a customer's new complaint
/// joins their open case, or reopens it shortly after resolution; the same aspect hurting
/// several customers is a problem case of its own, linked to the incidents.
public struct Triage: Sendable {
    public var policy: TriagePolicy
    public init(policy: TriagePolicy) { self.policy = policy }

    /// Applies the rules to a newly stored (or edited) mention.
    ///
    /// A history mention (`isHistory`: published before the backfill horizon) joins the
    /// customer's open case, quietly, but opens, reopens and announces nothing: a first run over
    /// weeks of backlog must not page anyone for last month's posts.
    public func apply(_ m: TriageMention, in tx: StoreTransaction, now: Date, isHistory: Bool = false) throws -> TriageOutcome {
        var outcome = TriageOutcome()
        guard let rule = policy.rules.first(where: { $0.matches(m) }) else {
            if !isHistory, m.score.label == .positive, !m.score.isComplaint {
                outcome.resolvedCase = try customerSaysSorted(m, in: tx, now: now)
            }
            return outcome
        }
        let customer = m.author.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        let caseID: Int64
        // One customer, one case: the same person on any source (by any identity key), else the
        // same name on this source or the same page.
        let byIdentity = try openIncident(of: m.identity, in: tx)
        let openCase = try byIdentity ?? tx.openIncident(sourceID: m.sourceID, customer: customer, url: m.url)
        // The case takes the customer's keys unless it was only found by its page (another person
        // writing about the same URL is not the customer).
        let isTheCustomer = byIdentity != nil || openCase == nil || openCase?.customer == customer
        if let open = openCase {
            caseID = open.id
            if m.publishedAt < open.firstPublishedAt {
                // An earlier word of the customer's (another source, fetched later): the case began then.
                try tx.updateCase(caseID, set: ["first_published_at": m.publishedAt.timeIntervalSince1970])
            }
            if try tx.attachMention(caseID: caseID, mentionID: m.mentionID, now: now) {
                try tx.appendEvent(caseID: caseID, kind: "mention added", actor: policy.actor,
                                   detail: "mention \(m.mentionID)" + (isHistory ? " (history)" : ""), at: now)
                outcome.joinedCase = caseID
                if !isHistory {
                    outcome.alertsQueued += try queue(alert(for: open, event: "mention added", mention: m,
                                                            key: "case-\(caseID)-mention-\(m.mentionID)"), to: rule.channels, tx, now)
                }
            }
        } else if isHistory {
            outcome.keptAsHistory = true
            return outcome
        } else if let resolved = try resolvedIncident(of: m.identity, since: m.publishedAt.addingTimeInterval(-policy.reopenWithin), in: tx)
                    ?? tx.recentlyResolvedIncident(sourceID: m.sourceID, customer: customer, url: m.url,
                                                   since: m.publishedAt.addingTimeInterval(-policy.reopenWithin)) {
            caseID = resolved.id
            try tx.updateCase(caseID, set: ["status": "open", "closed_at": nil, "escalated_at": nil, "acknowledged_at": nil,
                                            "ack_due_at": m.publishedAt.addingTimeInterval(policy.sla[resolved.severity] ?? 86_400).timeIntervalSince1970])
            try tx.attachMention(caseID: caseID, mentionID: m.mentionID, now: now)
            try tx.appendEvent(caseID: caseID, kind: "reopened", actor: policy.actor,
                               detail: "the customer wrote again (mention \(m.mentionID))", at: now)
            outcome.reopenedCase = caseID
            outcome.alertsQueued += try queue(alert(for: resolved, event: "reopened", mention: m, key: "case-\(caseID)-reopened-\(m.mentionID)"),
                                              to: rule.channels, tx, now)
        } else {
            let title = Self.title(for: m, customer: customer)
            caseID = try tx.openCase(NewCase(kind: "incident", severity: rule.severity, title: title, customer: customer,
                                             sourceID: m.sourceID, url: m.url, aspect: m.score.aspects.first, rule: rule.name,
                                             firstPublishedAt: m.publishedAt,
                                             ackDueAt: m.publishedAt.addingTimeInterval(policy.sla[rule.severity] ?? 86_400)),
                                     actor: policy.actor, now: now)
            try tx.attachMention(caseID: caseID, mentionID: m.mentionID, now: now)
            try tx.appendEvent(caseID: caseID, kind: "mention added", actor: policy.actor, detail: "mention \(m.mentionID) (rule: \(rule.name))", at: now)
            outcome.openedCase = caseID
            let record = try tx.caseRecord(id: caseID)!
            outcome.alertsQueued += try queue(alert(for: record, event: "opened", mention: m, key: "case-\(caseID)-opened"),
                                              to: rule.channels, tx, now)
        }
        if isTheCustomer { try tx.addIdentities(m.identity.keys, toCase: caseID) }
        if m.score.label == .negative || m.score.isComplaint {
            try detectProblems(m, incident: caseID, in: tx, now: now, quietly: isHistory, outcome: &outcome)
        }
        return outcome
    }

    // MARK: - Who the customer is

    /// The open incident of the customer these keys name, on any source: the first key that finds
    /// one, unless the case's customer has keys that contradict them (another e-mail address or
    /// profile under the same display name is another person).
    func openIncident(of identity: CustomerIdentity, in tx: StoreTransaction) throws -> CaseRecord? {
        for key in identity.keys {
            for c in try tx.openIncidents(identity: key) where !CustomerIdentity.conflict(identity.keys, try tx.identities(ofCase: c.id)) {
                return c
            }
        }
        return nil
    }

    /// The same for an incident resolved since `since` (to reopen rather than open anew).
    func resolvedIncident(of identity: CustomerIdentity, since: Date, in tx: StoreTransaction) throws -> CaseRecord? {
        for key in identity.keys {
            for c in try tx.resolvedIncidents(identity: key, since: since)
            where !CustomerIdentity.conflict(identity.keys, try tx.identities(ofCase: c.id)) {
                return c
            }
        }
        return nil
    }

    // MARK: - The customer's own word

    /// A customer's positive mention in the conversation of their open case ("thanks, sorted!"):
    /// the case is resolved, recorded in its history; returns it.
    func customerSaysSorted(_ m: TriageMention, in tx: StoreTransaction, now: Date) throws -> Int64? {
        let customer = m.author.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        guard let open = try openIncident(of: m.identity, in: tx)
                ?? customer.flatMap({ try tx.openIncident(sourceID: m.sourceID, customer: $0, url: nil) }) else { return nil }
        guard try !tx.caseHolds(open.id, mention: m.mentionID) else { return nil }
        var sameConversation = m.thread != nil && m.thread == open.url.map { String($0.prefix { $0 != "#" }) }
        if !sameConversation, let answered = try tx.mention(itemKey: m.inReplyTo, url: m.inReplyToLink) {
            sameConversation = try tx.incident(ofMention: answered)?.id == open.id
        }
        // Only a word written after the complaint it answers (late data or an older page is not it);
        // asked last, since it reads the whole case.
        guard sameConversation, try tx.latestCustomerMention(ofCase: open.id).map({ $0 < m.publishedAt }) ?? true
        else { return nil }
        try tx.attachMention(caseID: open.id, mentionID: m.mentionID, now: now)
        _ = try CaseLifecycle.apply(.resolve(note: "the customer wrote that it is sorted (mention \(m.mentionID))"), to: open.id,
                                    actor: policy.actor, policy: policy, in: tx, now: now)
        return open.id
    }

    /// The reason recorded when a customer's own change of mind resolves their case.
    public static let updatedRatingReason = "customer updated their rating"

    /// A review re-rated or edited: upwards (to 4–5 stars, or a text without stars rewritten
    /// positive) resolves the review's open case with the reason "customer updated their rating";
    /// downwards again (to 1–2 stars, or rewritten negative) reopens a case that reason resolved.
    /// Only a change counts: a typo fixed in a 4-star review resolves nothing. Returns the cases
    /// changed.
    /// - Parameters:
    ///   - previousRating: the rating before this edit, when the edit changed it.
    ///   - previousLabel: the label of the text before this edit.
    public func customerChangedMind(_ m: TriageMention, previousRating: Double?, previousLabel: SentimentLabel?,
                                    in tx: StoreTransaction, now: Date) throws -> [Int64] {
        let better: Bool, worse: Bool
        if let stars = m.normalizedRating {
            var before = m
            before.rating = previousRating
            let was = before.normalizedRating
            better = was.map { $0 < 4 } == true && stars >= 4
            worse = was.map { $0 > 2 } == true && stars <= 2
        } else {
            better = previousLabel != .positive && m.score.label == .positive && !m.score.isComplaint
            worse = previousLabel != .negative && m.score.label == .negative
        }
        guard better || worse else { return [] }
        var changed: [Int64] = []
        for caseID in try tx.casesOfMention(m.mentionID) {
            guard let c = try tx.caseRecord(id: caseID), c.kind == "incident" else { continue }
            if better, ["open", "acknowledged"].contains(c.status) {
                _ = try CaseLifecycle.apply(.resolve(note: Self.updatedRatingReason), to: caseID, actor: policy.actor,
                                            policy: policy, in: tx, now: now)
                changed.append(caseID)
            } else if worse, ["resolved", "closed"].contains(c.status),
                      try tx.events(ofCase: caseID).last(where: { $0.kind == "resolved" })?.detail == Self.updatedRatingReason {
                _ = try CaseLifecycle.apply(.reopen(note: "the customer changed their rating back down"), to: caseID,
                                            actor: policy.actor, policy: policy, in: tx, now: now)
                changed.append(caseID)
            }
        }
        return changed
    }

    // MARK: - The brand's voice

    /// A mention by the brand's own account: never a customer's case. When it answers a customer
    /// (the entry it replies to, an `@handle` of a customer with an open case, the same thread, or
    /// the review it responds to: `answering`), it joins that case as the brand's response, and the
    /// first one sets the case's first response time. Returns the case it answered.
    public func brandReplied(_ m: TriageMention, answering: Int64? = nil, in tx: StoreTransaction, now: Date) throws -> Int64? {
        var target: CaseRecord?
        if answering != nil || m.inReplyTo != nil || m.inReplyToLink != nil {
            // It names what it answers: that customer's case, or none (never a neighbour's).
            let answered = try answering ?? tx.mention(itemKey: m.inReplyTo, url: m.inReplyToLink)
            target = try answered.flatMap { try tx.incident(ofMention: $0) }
        } else {
            for handle in CustomerIdentity.addressedHandles(in: m.body) {
                if let c = try tx.openIncidents(identity: handle).first { target = c; break }
            }
            // The same thread, when exactly one customer has an open case in it.
            if target == nil, let thread = m.thread {
                let open = try tx.openIncidents(thread: thread)
                if open.count == 1 { target = open[0] }
            }
        }
        guard let c = target else { return nil }
        guard try tx.attachMention(caseID: c.id, mentionID: m.mentionID, now: now) else { return c.id }
        let who = m.author ?? "the brand"
        try tx.appendEvent(caseID: c.id, kind: "brand replied", actor: policy.actor,
                           detail: "\(who): “\(Self.excerpt(m.body, limit: 200))” (mention \(m.mentionID))", at: now)
        if c.firstResponseAt == nil || m.publishedAt < c.firstResponseAt! {
            // A reply dated before the complaint (clock skew between sites) counts as immediate.
            try tx.updateCase(c.id, set: ["first_response_at": max(m.publishedAt, c.firstPublishedAt).timeIntervalSince1970])
        }
        return c.id
    }

    /// Joins case `other` into `survivor` by hand (`earshot cases merge`): its mentions, customer
    /// identities and problem link move over, both histories say so, and `other` is left `merged`,
    /// pointing to the survivor. An open case merged into a resolved one reopens it: the customer
    /// still waits.
    public func merge(_ other: Int64, into survivor: Int64, actor: String, in tx: StoreTransaction, now: Date) throws -> CaseRecord {
        func fail(_ why: String) -> CaseLifecycleError { CaseLifecycleError(description: "cases: cannot merge #\(other) into #\(survivor): \(why)") }
        guard other != survivor else { throw fail("they are the same case") }
        guard let a = try tx.caseRecord(id: survivor) else { throw CaseLifecycleError(description: "cases: no case #\(survivor); see `earshot cases list`") }
        guard let b = try tx.caseRecord(id: other) else { throw CaseLifecycleError(description: "cases: no case #\(other); see `earshot cases list`") }
        guard a.mergedInto == nil else { throw fail("#\(survivor) was itself merged into #\(a.mergedInto!); merge into that one") }
        guard b.mergedInto == nil else { throw fail("#\(other) was already merged into #\(b.mergedInto!)") }
        guard a.kind == b.kind else { throw fail("one is a problem and the other an incident") }
        for id in try tx.mentionIDs(ofCase: other) { try tx.attachMention(caseID: survivor, mentionID: id, now: now) }
        try tx.moveIdentities(from: other, to: survivor)
        try tx.mergeCaseColumns(survivor: survivor, other: other)
        try tx.repointMerged(from: other, to: survivor)
        try tx.appendEvent(caseID: survivor, kind: "merged", actor: actor,
                           detail: "case #\(other) (\(b.customer ?? b.title)) joined this case", at: now)
        try tx.updateCase(other, set: ["status": "merged", "merged_into": survivor, "closed_at": now.timeIntervalSince1970])
        try tx.appendEvent(caseID: other, kind: "merged", actor: actor, detail: "merged into case #\(survivor)", at: now)
        if ["open", "acknowledged"].contains(b.status), !["open", "acknowledged"].contains(a.status) {
            _ = try CaseLifecycle.apply(.reopen(note: "case #\(other), still open, was merged into it"), to: survivor,
                                        actor: actor, policy: policy, in: tx, now: now)
        }
        return try tx.caseRecord(id: survivor)!
    }

    /// Records a changed rating on the cases of an edited review, and tells the case's channels.
    public func ratingChanged(_ m: TriageMention, from previous: Double, in tx: StoreTransaction, now: Date) throws {
        guard let rating = m.rating else { return }
        let direction = rating > previous ? "raised" : "lowered"
        for caseID in try tx.casesOfMention(m.mentionID) {
            let detail = "\(m.author ?? "the customer") \(direction) their rating from \(Self.number(previous)) to \(Self.number(rating))"
            try tx.appendEvent(caseID: caseID, kind: "rating changed", actor: policy.actor, detail: detail, at: now)
            if let record = try tx.caseRecord(id: caseID) {
                let channels = policy.rules.first(where: { $0.name == record.rule })?.channels ?? policy.escalationChannels
                var a = alert(for: record, event: "rating changed", mention: m, key: "case-\(caseID)-rating-\(m.mentionID)-\(Self.number(rating))")
                a.text = "Case #\(caseID): \(detail). " + a.text
                _ = try queue(a, to: channels, tx, now)
            }
        }
    }

    /// Escalates, once, every open case past its acknowledgement deadline.
    public func escalateOverdue(in tx: StoreTransaction, now: Date) throws -> [Int64] {
        var escalated: [Int64] = []
        for record in try tx.overdueUnescalatedCases(at: now) {
            try tx.updateCase(record.id, set: ["escalated_at": now.timeIntervalSince1970])
            let late = Self.duration(now.timeIntervalSince(record.ackDueAt ?? now))
            try tx.appendEvent(caseID: record.id, kind: "escalated", actor: policy.actor,
                               detail: "not acknowledged \(late) after its \(record.severity) deadline", at: now)
            // One escalation per deadline: a reopened case that waits again is escalated again.
            let deadline = Int((record.ackDueAt ?? now).timeIntervalSince1970)
            let a = Alert(key: "case-\(record.id)-escalated-\(deadline)", event: "escalated",
                          subject: "Escalated: case #\(record.id) \(record.title)",
                          text: "Case #\(record.id) (\(record.severity)) has waited \(late) past its acknowledgement deadline: \(record.title). Acknowledge it with `earshot cases ack \(record.id)`.",
                          fields: Self.fields(record), thread: "case-\(record.id)")
            _ = try queue(a, to: policy.escalationChannels, tx, now)
            escalated.append(record.id)
        }
        return escalated
    }

    /// Announces, once, each resolved case whose follow-up is due.
    public func announceFollowUps(in tx: StoreTransaction, now: Date) throws -> [Int64] {
        var due: [Int64] = []
        for record in try tx.dueFollowUps(at: now) {
            let since = record.resolvedAt ?? record.openedAt
            if try tx.events(ofCase: record.id).contains(where: { $0.kind == "follow-up due" && $0.at >= since }) { continue }
            try tx.appendEvent(caseID: record.id, kind: "follow-up due", actor: policy.actor, detail: nil, at: now)
            let a = Alert(key: "case-\(record.id)-followup-\(Int(since.timeIntervalSince1970))", event: "follow-up due",
                          subject: "Follow up: case #\(record.id) \(record.title)",
                          text: "Case #\(record.id) was resolved; ask \(record.customer ?? "the customer") whether it is sorted, then record it with `earshot cases follow-up \(record.id) --satisfied` or `--unsatisfied`.",
                          fields: Self.fields(record), thread: "case-\(record.id)")
            _ = try queue(a, to: policy.escalationChannels, tx, now)
            due.append(record.id)
        }
        return due
    }

    // MARK: - Problems

    /// Opens a problem case when an aspect hurts enough distinct customers within the window,
    /// or attaches the incident to the aspect's open problem. `quietly` (a history mention) only
    /// attaches, silently: it opens no problem and sends nothing.
    func detectProblems(_ m: TriageMention, incident: Int64, in tx: StoreTransaction, now: Date, quietly: Bool = false,
                        outcome: inout TriageOutcome) throws {
        for aspect in m.score.aspects {
            if let problem = try tx.openProblem(aspect: aspect) {
                try tx.linkIncident(incident, toProblem: problem.id)
                if try tx.attachMention(caseID: problem.id, mentionID: m.mentionID, now: now) {
                    try tx.appendEvent(caseID: problem.id, kind: "mention added", actor: policy.actor,
                                       detail: "incident #\(incident), mention \(m.mentionID)" + (quietly ? " (history)" : ""), at: now)
                    if quietly { continue }
                    // One update per incident: a later mention of the same incident finds its key queued, and
                    // the alert is not made at all (most of a big problem's joins are such).
                    let key = "problem-\(problem.id)-incident-\(incident)"
                    let channels = try policy.problemChannels.filter { try !tx.alertQueued(key: key, channel: $0) }
                    guard !channels.isEmpty else { continue }
                    let customers = try tx.customerCount(ofProblem: problem.id)
                    let a = Alert(key: key, event: "problem update",
                                  subject: "Re: Recurring \(aspect) problem (case #\(problem.id))",
                                  text: "Another customer hit the \(aspect) problem (case #\(problem.id)): \(m.author ?? "someone") on \(m.sourceName). \(customers) customers so far.",
                                  fields: Self.fields(problem), thread: "case-\(problem.id)")
                    outcome.alertsQueued += try queue(a, to: channels, tx, now)
                }
                continue
            }
            if quietly { continue }
            guard let window = try problemWindow(aspect: aspect, around: m.publishedAt, in: tx) else { continue }
            let (from, to, authors) = window
            // The problem holds exactly the mentions whose authors were counted, so the customers
            // it shows (and the digest counts) are never fewer than `min_customers`; an incident
            // already part of another aspect's problem lends its mention but stays linked there.
            let members = try tx.negativeIncidentMentions(aspect: aspect, from: from, to: to)
            let since = min(from, members.map(\.at).min() ?? from)
            let problemID = try tx.openCase(NewCase(kind: "problem", severity: "high",
                                                    title: "Recurring \(aspect) problem",
                                                    customer: nil, sourceID: nil, url: nil, aspect: aspect, rule: "recurring problem",
                                                    firstPublishedAt: since,
                                                    ackDueAt: now.addingTimeInterval(policy.sla["high"] ?? 4 * 3600)),
                                            actor: policy.actor, now: now)
            var linked: [Int64] = []
            for member in members + [(at: m.publishedAt, customer: "", name: "", mentionID: m.mentionID, caseID: incident)] {
                try tx.attachMention(caseID: problemID, mentionID: member.mentionID, now: now)
                if !linked.contains(member.caseID) {
                    try tx.linkIncident(member.caseID, toProblem: problemID)
                    linked.append(member.caseID)
                }
            }
            try tx.appendEvent(caseID: problemID, kind: "linked", actor: policy.actor,
                               detail: "incidents " + linked.sorted().map { "#\($0)" }.joined(separator: ", "), at: now)
            outcome.openedProblem = problemID
            let record = try tx.caseRecord(id: problemID)!
            let a = Alert(key: "problem-\(problemID)-opened", event: "problem opened",
                          subject: "Recurring \(aspect) problem (case #\(problemID))",
                          text: "\(authors.count) customers report a \(aspect) problem since \(Self.day(since)): \(authors.prefix(6).joined(separator: ", ")). Problem case #\(problemID) links their incidents.",
                          fields: Self.fields(record), thread: "case-\(problemID)")
            outcome.alertsQueued += try queue(a, to: policy.problemChannels, tx, now)
        }
    }

    /// A window of `problemWindow` length around `time` in which at least `problemMinimumCustomers`
    /// distinct customers (incidents) wrote a negative mention of `aspect`: its bounds and the
    /// customers' names.
    ///
    /// Batches arrive in any order (a later mention may be stored before an earlier one of the
    /// same wave), so every window that contains `time` is tried, with two pointers over the
    /// mentions of [time − window, time + window] in time order.
    func problemWindow(aspect: String, around time: Date, in tx: StoreTransaction) throws -> (Date, Date, [String])? {
        let w = policy.problemWindow
        let members = try tx.negativeIncidentMentions(aspect: aspect, from: time.addingTimeInterval(-w), to: time.addingTimeInterval(w + 1))
        let rows = members.map { ($0.at, $0.customer) }
        let names = Dictionary(members.map { ($0.customer, $0.name) }, uniquingKeysWith: { first, _ in first })
        guard Set(rows.map(\.1)).count >= policy.problemMinimumCustomers else { return nil }
        var counts: [String: Int] = [:]
        var end = 0
        for start in rows.indices where rows[start].0 <= time {
            while end < rows.count && rows[end].0 <= rows[start].0.addingTimeInterval(w) {
                counts[rows[end].1, default: 0] += 1
                end += 1
            }
            if counts.count >= policy.problemMinimumCustomers && rows[end - 1].0 >= time {
                let customers = rows[start..<end].map(\.1).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                return (rows[start].0, rows[end - 1].0.addingTimeInterval(1), customers.map { names[$0] ?? $0 })
            }
            counts[rows[start].1]! -= 1
            if counts[rows[start].1] == 0 { counts[rows[start].1] = nil }
        }
        return nil
    }

    // MARK: - Alerts

    func queue(_ alert: Alert, to channels: [String], _ tx: StoreTransaction, _ now: Date) throws -> Int {
        var queued = 0
        for channel in channels where try tx.enqueueAlert(key: alert.key, channel: channel, subject: alert.subject,
                                                          payload: alert.payloadJSON(), now: now) {
            queued += 1
        }
        return queued
    }

    func alert(for record: CaseRecord, event: String, mention m: TriageMention, key: String) -> Alert {
        let excerpt = Self.excerpt(m.body, limit: 280)
        let who = m.author ?? "someone"
        let verb: String
        switch event {
        case "opened": verb = "New \(record.severity) case #\(record.id)"
        case "reopened": verb = "Case #\(record.id) reopened"
        default: verb = "Case #\(record.id) update"
        }
        var fields = Self.fields(record)
        fields["mention_id"] = String(m.mentionID)
        fields["source"] = m.sourceName
        fields["author"] = m.author ?? ""
        fields["link"] = m.url ?? ""
        fields["compound"] = Self.threeDecimals(m.score.compound)
        fields["reasons"] = m.score.reasons.joined(separator: "; ")
        fields["published"] = Self.isoUTC(m.publishedAt)
        // The writer's clock, as the source wrote it ("2020-07-16T18:03:36-07:00" is 17 July in UTC); UTC when the
        // source named no zone, as the board and the export show it.
        fields["published_local"] = WrittenTime.iso(m.publishedAt, offset: m.publishedOffset)
        return Alert(key: key, event: event, subject: "\(verb): \(record.title)",
                     text: "\(verb): \(who) on \(m.sourceName) — “\(excerpt)”" + (m.url.map { " \($0)" } ?? ""),
                     fields: fields, thread: "case-\(record.id)")
    }

    /// `iso.string(from:)` without the formatter (which rounds to the millisecond, then drops the fraction), for
    /// dates after 1582 (the formatter's calendar is Julian before).
    static func isoUTC(_ date: Date) -> String {
        WrittenTime.iso(Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000), offset: nil)
    }

    /// `String(format: "%.3f", v)`, by the C library's formatter directly (the same digits, without Foundation's
    /// format parsing: one per alert).
    static func threeDecimals(_ v: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 48) { buffer in
            let n = withVaList([v]) { vsnprintf(buffer.baseAddress!, 48, "%.3f", $0) }
            guard n > 0, n < 48 else { return String(format: "%.3f", v) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: Int(n)).bindMemory(to: UInt8.self), as: UTF8.self)
        }
    }

    static func fields(_ record: CaseRecord) -> [String: String] {
        var f: [String: String] = ["case_id": String(record.id), "kind": record.kind, "severity": record.severity,
                                   "status": record.status, "title": record.title]
        if let c = record.customer { f["customer"] = c }
        if let a = record.aspect { f["aspect"] = a }
        return f
    }

    static func title(for m: TriageMention, customer: String?) -> String {
        let what = m.score.isComplaint ? (m.score.aspects.first.map { "\($0) complaint" } ?? "complaint") : "negative mention"
        return "\(what.prefix(1).uppercased() + what.dropFirst()) from \(customer ?? "an anonymous customer") on \(m.sourceName)"
    }

    static func excerpt(_ text: String, limit: Int) -> String {
        asciiExcerpt(text, limit: limit) ?? characterExcerpt(text, limit: limit)
    }

    static func characterExcerpt(_ text: String, limit: Int) -> String {
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return flat.count <= limit ? flat : String(flat.prefix(limit - 1)) + "…"
    }

    /// The same for ASCII text, on bytes (one character per byte; CR LF, one character, is whitespace
    /// either way); nil for any other text.
    static func asciiExcerpt(_ text: String, limit: Int) -> String? {
        text.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(min(bytes.count, limit + 1))
            var pendingSpace = false
            for b in bytes {
                if b == 0x20 || (0x09...0x0D).contains(b) { pendingSpace = !out.isEmpty; continue }
                if pendingSpace { out.append(0x20); pendingSpace = false }
                out.append(b)
                if out.count > limit { break }
            }
            if out.count <= limit { return String(decoding: out, as: UTF8.self) }
            return String(decoding: out.prefix(limit - 1), as: UTF8.self) + "…"
        } ?? nil
    }

    static func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v) }

    nonisolated(unsafe) public static let iso = ISO8601DateFormatter()

    /// "2026-11-20": a date as alerts write it.
    public static func day(_ d: Date) -> String { String(iso.string(from: d).prefix(10)) }

    /// "45 min", "3 h 10 min", "2 d 4 h": a wait as a support lead reads it.
    public static func duration(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds))
        if s >= 86_400 { return "\(s / 86_400) d \(s % 86_400 / 3600) h" }
        if s >= 3600 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        return "\(s / 60) min"
    }
}
