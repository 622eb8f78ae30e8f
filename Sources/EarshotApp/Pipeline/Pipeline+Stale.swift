import Foundation
import EarshotStore
import EarshotTriage

extension Pipeline {
    /// Marks the sources whose newest item is older than their `stale_after` as stale, telling
    /// `escalate_to` once per stale spell; a source that brings something new again recovers.
    ///
    /// A feed that still answers 200 but has not published for weeks looks healthy to the fetch
    /// stage: the newest item's date is what shows it went quiet (a moved forum, a dead search).
    /// Only sources that answered at least once and are not failing, gone or paused count: those
    /// are already reported as such. A source that never brought a dated item is measured
    /// from when it was added. Returns how many turned stale.
    func markStaleSources(in tx: StoreTransaction, now: Date) throws -> Int {
        var turned = 0
        // Most sources share their settings' text: decode each distinct one once per run.
        var limits: [String: TimeInterval?] = [:]
        for source in try tx.sources() where source.lastSuccessAt != nil && source.pausedAt == nil
            && source.failures == 0 && source.goneSince == nil {
            let key = source.settings ?? ""
            if limits[key] == nil { limits[key] = .some(SourceSettings.decode(source.settings).staleAfter) }
            let limit = (limits[key] ?? nil) ?? Config.defaultStaleAfter(kind: source.kind)
            let newest = source.newestItemAt ?? source.createdAt
            let isStale = now.timeIntervalSince(newest) > limit
            if isStale && source.staleSince == nil {
                try tx.setStale(sourceID: source.id, since: now)
                turned += 1
                let what = source.newestItemAt.map { "its newest item is from \(Triage.day($0))" } ?? "it has brought no dated item"
                let alert = Alert(key: "source-\(source.id)-stale-\(Int(newest.timeIntervalSince1970))", event: "source stale",
                                  subject: "Source gone quiet: \(source.name)",
                                  text: "\(source.name) still answers, but \(what): nothing new for over \(Self.days(limit)) (its stale_after). Check that \(source.url) is still where your customers talk, or set `stale_after:` for it.",
                                  fields: ["source": source.name, "url": source.url,
                                           "newest_item": source.newestItemAt.map { Triage.iso.string(from: $0) } ?? ""],
                                  thread: "source-\(source.id)")
                for channel in config.escalationChannels {
                    try tx.enqueueAlert(key: alert.key, channel: channel, subject: alert.subject, payload: alert.payloadJSON(), now: now)
                }
                logger.warning("source stale", metadata: ["source": "\(source.name)", "newest_item": "\(what)"])
            } else if !isStale && source.staleSince != nil {
                try tx.setStale(sourceID: source.id, since: nil)
                logger.notice("source no longer stale", metadata: ["source": "\(source.name)"])
            }
        }
        return turned
    }

    static func days(_ t: TimeInterval) -> String {
        t >= 86_400 ? "\(Int((t / 86_400).rounded())) days" : "\(Int((t / 3600).rounded())) hours"
    }
}
