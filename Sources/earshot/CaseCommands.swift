import ArgumentParser
import Foundation
import EarshotApp
import EarshotDigest
import EarshotStore
import EarshotTriage

struct Cases: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases",
        abstract: "Work follow-up cases: list, show, acknowledge, assign, note, resolve, follow up, reopen, close.",
        discussion: "Every change is an event with its actor (--as, default $USER) and time; nothing is deleted.",
        subcommands: [List.self, Show.self, Ack.self, Assign.self, Note.self, Resolve.self, FollowUp.self, Reopen.self, Close.self,
                      Merge.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List cases (open and acknowledged ones by default).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "open, acknowledged, resolved, closed, merged, active (open or acknowledged) or all.") var status: String = "active"
        @Option(help: "critical, high, normal or low.") var severity: String?
        @Option(help: "billing, delivery, support, quality, website/app, account, pricing …") var aspect: String?
        @Option(help: "Only cases assigned to NAME.") var assignee: String?
        @Flag(help: "Print JSON.") var json = false
        func run() throws {
            try guarded {
                let filter = CaseFilter(status: status == "all" ? nil : status, severity: severity, aspect: aspect, assignee: assignee)
                let cases = try global.openStore().read { try $0.cases(filter) }
                if json { printJSON(cases.map(CaseJSON.object)); return }
                if cases.isEmpty { print("no \(status == "all" ? "" : status + " ")cases"); return }
                for c in cases {
                    let due = c.ackDueAt.map { " due " + isoFormatter.string(from: $0) } ?? ""
                    print("#\(c.id)  \(c.kind == "problem" ? "PROBLEM " : "")\(c.severity)  \(c.status)\(due)  \(c.title)\(c.assignee.map { "  → \($0)" } ?? "")")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "A case's history and every mention, with the score's reasons.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: Int64
        @Flag(help: "Print JSON.") var json = false
        func run() throws {
            try guarded {
                let detail = try global.openStore().read { tx -> (CaseRecord, [CaseEvent], [MentionRecord], [CaseRecord], [Int64: [String]]) in
                    guard let c = try tx.caseRecord(id: id) else { throw AppError.notFound("cases: no case #\(id); see `earshot cases list`") }
                    let mentions = try tx.mentionIDs(ofCase: id).compactMap { try tx.mention(id: $0) }
                    var sources: [Int64: [String]] = [:]
                    for m in mentions { sources[m.id] = try tx.sourceNames(ofMention: m.id) }
                    return (c, try tx.events(ofCase: id), mentions, c.kind == "problem" ? try tx.incidents(ofProblem: id) : [], sources)
                }
                let (c, events, mentions, incidents, sources) = detail
                if json {
                    var o = CaseJSON.object(c)
                    o["events"] = events.map { e -> [String: Any] in
                        ["at": iso(e.at), "actor": e.actor, "kind": e.kind, "detail": e.detail.map { $0 as Any } ?? NSNull()]
                    }
                    o["mentions"] = mentions.map { m -> [String: Any] in
                        var o = CaseJSON.mention(m)
                        o["sources"] = sources[m.id] ?? [m.sourceName]
                        return o
                    }
                    o["incidents"] = incidents.map(\.id)
                    printJSON(o)
                    return
                }
                print("Case #\(c.id) — \(c.title)")
                print("  \(c.kind), \(c.severity), \(c.status)\(c.assignee.map { ", assigned to \($0)" } ?? "")\(c.aspect.map { ", aspect \($0)" } ?? "")")
                if let merged = c.mergedInto { print("  merged into case #\(merged): see `earshot cases show \(merged)`") }
                if let answered = c.firstResponseAt {
                    print("  first response by the brand \(isoFormatter.string(from: answered)), \(Triage.duration(answered.timeIntervalSince(c.firstPublishedAt))) after the first mention")
                }
                print("  first mention \(isoFormatter.string(from: c.firstPublishedAt)); opened \(isoFormatter.string(from: c.openedAt))\(c.ackDueAt.map { "; acknowledge by \(isoFormatter.string(from: $0))" } ?? "")")
                if !incidents.isEmpty { print("  incidents: " + incidents.map { "#\($0.id) \($0.customer ?? "")" }.joined(separator: ", ")) }
                print("\nHistory")
                for e in events { print("  \(isoFormatter.string(from: e.at))  \(e.kind)  by \(e.actor)\(e.detail.map { ": \($0)" } ?? "")") }
                print("\nMentions")
                for m in mentions {
                    let seen = sources[m.id].map { $0.count > 1 ? " (also on " + $0.dropFirst().joined(separator: ", ") + ")" : "" } ?? ""
                    print("  [\(m.id)] \(m.isBrand ? "THE BRAND: " : "")\(m.author ?? "anonymous") on \(m.sourceName)\(seen), \(WrittenTime.iso(m.publishedAt, offset: m.publishedOffset))\(m.rating.map { ", rated \($0)/\(m.bestRating ?? 5)" } ?? "")\(m.previousRating.map { " (was \($0))" } ?? "")")
                    if let t = m.title { print("      \(t)") }
                    print("      \(m.body.prefix(600))")
                    if let url = m.url { print("      \(url)") }
                    if let s = m.score {
                        print("      \(s.label) \(String(format: "%.3f", s.compound))\(s.isComplaint ? ", complaint" : "")\(s.aspects.isEmpty ? "" : ", " + s.aspects.joined(separator: ", ")); decided by \(s.decidedBy)")
                        for r in s.reasons { print("        · \(r)") }
                    }
                }
            }
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge", abstract: "Join case B into case A: one customer, one case (B points to A afterwards).",
            discussion: "For the same person whom Earshot could not recognise (another name, another site). B's mentions and history stay; B is left `merged`.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("as"), help: "Who does it (default $USER).") var actor: String = currentUser()
        @Argument(help: "The case that stays.") var survivor: Int64
        @Argument(help: "The case merged into it.") var other: Int64
        func run() throws {
            try guarded {
                let policy = try ActorOptions.policy(global)
                let now = Clock.fromEnvironment().now
                let c = try global.openStore().write { tx -> CaseRecord in
                    do { return try Triage(policy: policy).merge(other, into: survivor, actor: actor, in: tx, now: now) } catch let e as CaseLifecycleError {
                        throw AppError.usage(e.description)
                    }
                }
                print("case #\(other) merged into #\(c.id): \(c.status), \(c.customer ?? c.title)")
            }
        }
    }

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge a case (stops its SLA clock).")
        @OptionGroup var actor: ActorOptions
        @Argument var id: Int64
        func run() throws { try actor.apply(.acknowledge, to: id) }
    }
    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "assign", abstract: "Give a case to one person (one customer, one owner).")
        @OptionGroup var actor: ActorOptions
        @Argument var id: Int64
        @Option(help: "Who owns it now.") var to: String
        func run() throws { try actor.apply(.assign(to: to), to: id) }
    }
    struct Note: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "note", abstract: "Add a note to a case's history.")
        @OptionGroup var actor: ActorOptions
        @Argument var id: Int64
        @Argument var text: String
        func run() throws { try actor.apply(.note(text), to: id) }
    }
    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resolve", abstract: "Resolve a case; a follow-up is scheduled.")
        @OptionGroup var actor: ActorOptions
        @Argument var id: Int64
        @Option var note: String?
        func run() throws { try actor.apply(.resolve(note: note), to: id) }
    }
    struct FollowUp: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "follow-up",
                                                        abstract: "Record the customer's answer to the follow-up (not satisfied reopens).")
        @OptionGroup var actor: ActorOptions
        @Argument var id: Int64
        @Flag(help: "The customer is satisfied (closes the case).") var satisfied = false
        @Flag(help: "The customer is not satisfied (reopens the case).") var unsatisfied = false
        @Option var note: String?
        func validate() throws {
            if satisfied == unsatisfied { throw ValidationError("say --satisfied or --unsatisfied") }
        }
        func run() throws { try actor.apply(.followUp(satisfied: satisfied, note: note), to: id) }
    }
    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Reopen a resolved or closed case.")
        @OptionGroup var actor: ActorOptions
        @Argument var id: Int64
        @Option var note: String?
        func run() throws { try actor.apply(.reopen(note: note), to: id) }
    }
    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a case for good.")
        @OptionGroup var actor: ActorOptions
        @Argument var id: Int64
        @Option var note: String?
        func run() throws { try actor.apply(.close(note: note), to: id) }
    }
}

struct ActorOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("as"), help: "Who does it (default $USER).") var actor: String = currentUser()

    /// The config's triage policy, or the defaults when there is no config (a store passed alone).
    static func policy(_ global: GlobalOptions) throws -> TriagePolicy {
        if FileManager.default.fileExists(atPath: global.config) { return try global.loadConfig().triagePolicy() }
        return TriagePolicy(rules: [], sla: Config.defaultSLA, escalationChannels: [], followUpAfter: 3 * 86_400,
                            reopenWithin: 14 * 86_400, problemMinimumCustomers: 3, problemWindow: 72 * 3600, problemChannels: [])
    }

    func apply(_ action: CaseAction, to id: Int64) throws {
        try guarded {
            let policy = try Self.policy(global)
            let now = Clock.fromEnvironment().now
            let c = try global.openStore().write { tx -> CaseRecord in
                do { return try CaseLifecycle.apply(action, to: id, actor: actor, policy: policy, in: tx, now: now) } catch let e as CaseLifecycleError {
                    throw AppError.usage(e.description)
                }
            }
            print("case #\(c.id): \(c.status)\(c.assignee.map { ", assigned to \($0)" } ?? "")\(c.followUpDueAt.map { c.status == "resolved" ? ", follow up on \(isoFormatter.string(from: $0))" : "" } ?? "")")
        }
    }
}

enum CaseJSON {
    static func object(_ c: CaseRecord) -> [String: Any] {
        ["id": c.id, "kind": c.kind, "status": c.status, "severity": c.severity, "title": c.title, "customer": c.customer ?? NSNull(),
         "aspect": c.aspect ?? NSNull(), "assignee": c.assignee ?? NSNull(), "problem_id": c.problemID ?? NSNull(),
         "opened_at": iso(c.openedAt), "first_published_at": iso(c.firstPublishedAt), "ack_due_at": iso(c.ackDueAt),
         "escalated_at": iso(c.escalatedAt), "resolved_at": iso(c.resolvedAt), "follow_up_due_at": iso(c.followUpDueAt),
         "satisfied": c.satisfied ?? NSNull(), "first_response_at": iso(c.firstResponseAt),
         "merged_into": c.mergedInto ?? NSNull()]
    }
    static func mention(_ m: MentionRecord) -> [String: Any] {
        ["id": m.id, "source": m.sourceName, "author": m.author ?? NSNull(), "title": m.title ?? NSNull(), "text": m.body,
         "link": m.url ?? NSNull(), "published_at": iso(m.publishedAt),
         "published_local": WrittenTime.iso(m.publishedAt, offset: m.publishedOffset), "fetched_at": iso(m.fetchedAt), "rating": m.rating ?? NSNull(),
         "previous_rating": m.previousRating ?? NSNull(), "label": m.score?.label ?? NSNull(), "compound": m.score?.compound ?? NSNull(),
         "complaint": m.score?.isComplaint ?? NSNull(), "aspects": m.score?.aspects ?? [], "reasons": m.score?.reasons ?? [],
         "by_brand": m.isBrand]
    }
}
