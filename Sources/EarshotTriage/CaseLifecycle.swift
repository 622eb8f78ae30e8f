import Foundation
import EarshotStore

/// What a person does to a case from the command line. Each action is one event with its
/// actor and time; nothing is ever deleted.
public enum CaseAction: Sendable, Equatable {
    case acknowledge
    case assign(to: String)
    case note(String)
    case resolve(note: String?)
    case followUp(satisfied: Bool, note: String?)
    case reopen(note: String?)
    case close(note: String?)
}

public struct CaseLifecycleError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

public enum CaseLifecycle {
    /// Applies an action, checking that it makes sense in the case's state.
    public static func apply(_ action: CaseAction, to id: Int64, actor: String, policy: TriagePolicy,
                             in tx: StoreTransaction, now: Date) throws -> CaseRecord {
        guard let c = try tx.caseRecord(id: id) else {
            throw CaseLifecycleError(description: "cases: no case #\(id); see `earshot cases list`")
        }
        if let survivor = c.mergedInto {
            // A merged case is history: only a note may still be added to it.
            if case .note = action {} else {
                throw CaseLifecycleError(description: "cases: case #\(id) was merged into #\(survivor); work that case (`earshot cases show \(survivor)`)")
            }
        }
        let t = now.timeIntervalSince1970
        func refuse(_ why: String) -> CaseLifecycleError { CaseLifecycleError(description: "cases: case #\(id) is \(c.status); \(why)") }
        let active = ["open", "acknowledged"].contains(c.status)
        switch action {
        case .acknowledge:
            guard c.status == "open" else { throw refuse("only an open case can be acknowledged") }
            try tx.updateCase(id, set: ["status": "acknowledged", "acknowledged_at": t])
            try tx.appendEvent(caseID: id, kind: "acknowledged", actor: actor, detail: nil, at: now)
        case .assign(let who):
            guard active else { throw refuse("reopen it first (`earshot cases reopen \(id)`)") }
            // One customer, one case, one owner: reassigning is recorded, never silent.
            try tx.updateCase(id, set: ["assignee": who])
            try tx.appendEvent(caseID: id, kind: "assigned", actor: actor,
                               detail: c.assignee.map { "from \($0) to \(who)" } ?? "to \(who)", at: now)
        case .note(let text):
            try tx.appendEvent(caseID: id, kind: "note", actor: actor, detail: text, at: now)
        case .resolve(let note):
            guard active else { throw refuse("only an open or acknowledged case can be resolved") }
            try tx.updateCase(id, set: ["status": "resolved", "resolved_at": t, "acknowledged_at": c.acknowledgedAt?.timeIntervalSince1970 ?? t,
                                        "follow_up_due_at": t + policy.followUpAfter, "followed_up_at": nil, "satisfied": nil])
            try tx.appendEvent(caseID: id, kind: "resolved", actor: actor, detail: note, at: now)
        case .followUp(let satisfied, let note):
            guard c.status == "resolved" else { throw refuse("a follow-up is recorded on a resolved case") }
            try tx.updateCase(id, set: ["followed_up_at": t, "satisfied": satisfied])
            try tx.appendEvent(caseID: id, kind: satisfied ? "follow-up: satisfied" : "follow-up: not satisfied", actor: actor, detail: note, at: now)
            if satisfied {
                try tx.updateCase(id, set: ["status": "closed", "closed_at": t])
                try tx.appendEvent(caseID: id, kind: "closed", actor: actor, detail: "the customer is satisfied", at: now)
            } else {
                try reopen(c, actor: actor, detail: "the customer is not satisfied", policy: policy, tx: tx, now: now)
            }
        case .reopen(let note):
            guard !active else { throw refuse("it is already open") }
            try reopen(c, actor: actor, detail: note, policy: policy, tx: tx, now: now)
        case .close(let note):
            guard c.status != "closed" else { throw refuse("it is already closed") }
            try tx.updateCase(id, set: ["status": "closed", "closed_at": t])
            try tx.appendEvent(caseID: id, kind: "closed", actor: actor, detail: note, at: now)
        }
        return try tx.caseRecord(id: id)!
    }

    static func reopen(_ c: CaseRecord, actor: String, detail: String?, policy: TriagePolicy, tx: StoreTransaction, now: Date) throws {
        try tx.updateCase(c.id, set: ["status": "open", "closed_at": nil, "escalated_at": nil, "acknowledged_at": nil,
                                      "ack_due_at": now.addingTimeInterval(policy.sla[c.severity] ?? 86_400).timeIntervalSince1970])
        try tx.appendEvent(caseID: c.id, kind: "reopened", actor: actor, detail: detail, at: now)
    }
}
