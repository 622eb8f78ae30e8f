import Foundation
import GRDB
import EarshotDigest

/// The numbers a digest needs, aggregated in SQL so a day of a million-mention store stays fast.
extension StoreTransaction {
    /// Fills a digest report for `period`, compared with the period of the same length before it.
    ///
    /// - Parameters:
    ///   - staleAfter: a source whose last success is older than this (and older than three of its
    ///     intervals) is reported stale.
    public func digestReport(period: DateInterval, periodName: String, brand: String, now: Date,
                             staleAfter: TimeInterval = 2 * 86_400) throws -> DigestReport {
        let previous = DateInterval(start: period.start.addingTimeInterval(-period.duration), duration: period.duration)
        let from = period.start.timeIntervalSince1970, to = period.end.timeIntervalSince1970
        return DigestReport(
            period: period, previousPeriod: previous, periodName: periodName, generatedAt: now, brand: brand,
            headline: try headline(previous: false, period), previousHeadline: try headline(previous: true, previous),
            problems: try problemItems(until: period.end),
            spikes: try spikes(from: period.start, to: period.end).map {
                SpikeItem(start: $0.startedAt, end: $0.endedAt, negatives: $0.negatives, baseline: $0.baseline)
            },
            dailyVolume: try dailyVolume(endingAt: period.end, days: 30),
            ratingTrend: try ratingTrend(endingAt: period.end, days: 30),
            negativeAspects: try negativeAspects(from: from, to: to),
            topNegative: try topMentions(from: from, to: to, negative: true),
            topPositive: try topMentions(from: from, to: to, negative: false),
            cases: try caseSummary(period: period, now: now),
            sourceHealth: try sourceHealth(now: now, staleAfter: staleAfter))
    }

    func headline(previous: Bool, _ p: DateInterval) throws -> Headline {
        let row = try Row.fetchOne(db, sql: """
            SELECT COUNT(*) AS n,
                   COALESCE(SUM(label = 'positive'), 0) AS pos,
                   COALESCE(SUM(label = 'neutral'), 0) AS neu,
                   COALESCE(SUM(label = 'negative'), 0) AS neg
            FROM scores WHERE published_at >= ? AND published_at < ?
            """, arguments: [p.start.timeIntervalSince1970, p.end.timeIntervalSince1970])!
        // Ratings normalised to 1–5 stars whatever the page's scale.
        let rating = try Row.fetchOne(db, sql: """
            SELECT AVG(1 + 4.0 * (rating - COALESCE(worst_rating, 1)) / (COALESCE(best_rating, 5) - COALESCE(worst_rating, 1))) AS avg,
                   COUNT(*) AS n
            FROM mentions WHERE rating IS NOT NULL AND COALESCE(best_rating, 5) > COALESCE(worst_rating, 1)
              AND published_at >= ? AND published_at < ?
            """, arguments: [p.start.timeIntervalSince1970, p.end.timeIntervalSince1970])!
        let count: Int = rating["n"]
        return Headline.make(positive: row["pos"], neutral: row["neu"], negative: row["neg"],
                             averageRating: count > 0 ? rating["avg"] : nil, ratingCount: count)
    }

    func problemItems(until end: Date) throws -> [ProblemItem] {
        try Row.fetchAll(db, sql: """
            SELECT c.id, c.aspect, c.first_published_at, c.status, c.title,
                   (\(StoreTransaction.problemCustomersSQL)) AS customers
            FROM cases c WHERE c.kind = 'problem' AND c.opened_at < ?
              AND (c.status IN ('open', 'acknowledged') OR c.resolved_at >= ?)
            ORDER BY customers DESC, c.id
            """, arguments: [end.timeIntervalSince1970 + 86_400, end.timeIntervalSince1970 - 86_400]).map { row in
            ProblemItem(caseID: row["id"], aspect: row["aspect"] ?? "", customers: row["customers"],
                        since: Date(timeIntervalSince1970: row["first_published_at"]), status: row["status"], title: row["title"])
        }
    }

    func dailyVolume(endingAt end: Date, days: Int) throws -> [DayVolume] {
        let endDay = (end.timeIntervalSince1970 / 86_400).rounded(.up) * 86_400
        let start = endDay - Double(days) * 86_400
        var byDay: [Int: DayVolume] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT CAST(published_at / 86400 AS INTEGER) AS day,
                   SUM(label = 'positive') AS pos, SUM(label = 'neutral') AS neu, SUM(label = 'negative') AS neg
            FROM scores WHERE published_at >= ? AND published_at < ? GROUP BY day
            """, arguments: [start, endDay]) {
            let day: Int = row["day"]
            byDay[day] = DayVolume(day: Date(timeIntervalSince1970: Double(day) * 86_400), positive: row["pos"], neutral: row["neu"], negative: row["neg"])
        }
        let first = Int(start / 86_400)
        return (first..<(first + days)).map { byDay[$0] ?? DayVolume(day: Date(timeIntervalSince1970: Double($0) * 86_400), positive: 0, neutral: 0, negative: 0) }
    }

    /// One series per review source: the page's own aggregate rating when it was seen on at least
    /// two days, else the daily mean of the reviews published that day.
    func ratingTrend(endingAt end: Date, days: Int) throws -> [RatingSeries] {
        let start = end.timeIntervalSince1970 - Double(days) * 86_400
        func point(_ row: Row, value: Double, count: Int?) -> RatingPoint {
            RatingPoint(day: Date(timeIntervalSince1970: Double(row["day"] as Int) * 86_400), value: value, count: count)
        }
        var aggregate: [String: [RatingPoint]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT s.name, CAST(a.at / 86400 AS INTEGER) AS day, a.value, a.best, a.worst, a.count
            FROM aggregate_ratings a JOIN sources s ON s.id = a.source_id
            WHERE a.at >= ? AND a.at < ? AND a.id IN (SELECT MAX(id) FROM aggregate_ratings GROUP BY source_id, CAST(at / 86400 AS INTEGER))
            ORDER BY s.name, day
            """, arguments: [start, end.timeIntervalSince1970]) {
            let best: Double = row["best"] ?? 5, worst: Double = row["worst"] ?? 1, value: Double = row["value"]
            aggregate[row["name"], default: []].append(point(row, value: best > worst ? 1 + 4 * (value - worst) / (best - worst) : value,
                                                             count: row["count"]))
        }
        var daily: [String: [RatingPoint]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT s.name, CAST(m.published_at / 86400 AS INTEGER) AS day, COUNT(*) AS n,
                   AVG(1 + 4.0 * (m.rating - COALESCE(m.worst_rating, 1)) / (COALESCE(m.best_rating, 5) - COALESCE(m.worst_rating, 1))) AS avg
            FROM mentions m JOIN sources s ON s.id = m.source_id
            WHERE m.rating IS NOT NULL AND COALESCE(m.best_rating, 5) > COALESCE(m.worst_rating, 1)
              AND m.published_at >= ? AND m.published_at < ?
            GROUP BY s.name, day ORDER BY s.name, day
            """, arguments: [start, end.timeIntervalSince1970]) {
            daily[row["name"], default: []].append(point(row, value: row["avg"], count: row["n"]))
        }
        return Set(aggregate.keys).union(daily.keys).sorted().compactMap { name in
            if let a = aggregate[name], a.count >= 2 { return RatingSeries(source: name, points: a) }
            if let d = daily[name] { return RatingSeries(source: name, points: d) }
            return aggregate[name].map { RatingSeries(source: name, points: $0) }
        }
    }

    func negativeAspects(from: Double, to: Double) throws -> [AspectCount] {
        var counts: [String: Int] = [:]
        for aspects in try String.fetchAll(db, sql: """
            SELECT aspects FROM scores WHERE label = 'negative' AND aspects != '' AND published_at >= ? AND published_at < ?
            """, arguments: [from, to]) {
            for aspect in aspects.split(separator: ",") { counts[String(aspect), default: 0] += 1 }
        }
        return counts.map { AspectCount(aspect: $0.key, count: $0.value) }.sorted { ($0.count, $1.aspect) > ($1.count, $0.aspect) }
    }

    func topMentions(from: Double, to: Double, negative: Bool, limit: Int = 5) throws -> [MentionItem] {
        let sql = Self.mentionSelect + """
             WHERE sc.published_at >= ? AND sc.published_at < ? AND sc.label = ?
             ORDER BY sc.complaint \(negative ? "DESC" : "ASC"), sc.compound \(negative ? "ASC" : "DESC") LIMIT ?
            """
        return try Row.fetchAll(db, sql: sql, arguments: [from, to, negative ? "negative" : "positive", limit]).map { row in
            let m = MentionRecord(row: row)
            let flat = m.body.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return MentionItem(id: m.id, excerpt: flat.count > 240 ? String(flat.prefix(239)) + "…" : flat, author: m.author,
                               source: m.sourceName, link: m.url, published: m.publishedAt, compound: m.score?.compound ?? 0,
                               rating: m.rating, bestRating: m.bestRating, reasons: m.score?.reasons ?? [],
                               isComplaint: m.score?.isComplaint ?? false, aspects: m.score?.aspects ?? [])
        }
    }

    func caseSummary(period: DateInterval, now: Date) throws -> CaseSummary {
        let from = period.start.timeIntervalSince1970, to = period.end.timeIntervalSince1970
        let at = min(now, period.end).timeIntervalSince1970
        func items(_ sql: String, _ args: StatementArguments) throws -> [CaseItem] {
            try Row.fetchAll(db, sql: "SELECT * FROM cases WHERE " + sql + " ORDER BY id LIMIT 50", arguments: args).map {
                let c = CaseRecord(row: $0)
                return CaseItem(id: c.id, title: c.title, severity: c.severity, status: c.status, customer: c.customer,
                                openedAt: c.openedAt, dueAt: c.status == "resolved" ? c.followUpDueAt : c.ackDueAt, aspect: c.aspect)
            }
        }
        let opened = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cases WHERE first_published_at >= ? AND first_published_at < ?", arguments: [from, to]) ?? 0
        let resolved = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cases WHERE resolved_at >= ? AND resolved_at < ?", arguments: [from, to]) ?? 0
        let open = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cases WHERE status IN ('open', 'acknowledged')") ?? 0
        var satisfaction: [SatisfactionPoint] = []
        // Weekly satisfaction over the last eight weeks before the period's end.
        for week in (0..<8).reversed() {
            let end = to - Double(week) * 7 * 86_400, start = end - 7 * 86_400
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(satisfied), 0) AS ok FROM cases WHERE followed_up_at >= ? AND followed_up_at < ?",
                                       arguments: [start, end])!
            let n: Int = row["n"]
            if n > 0 { satisfaction.append(SatisfactionPoint(periodStart: Date(timeIntervalSince1970: start), satisfied: row["ok"], total: n)) }
        }
        let response = try medianFirstResponse(from: period.start, to: period.end)
        return CaseSummary(
            opened: opened, resolved: resolved, open: open,
            overdue: try items("status = 'open' AND ack_due_at IS NOT NULL AND ack_due_at <= ?", [at]),
            followUpsDue: try items("status = 'resolved' AND followed_up_at IS NULL AND follow_up_due_at <= ?", [at]),
            newCases: try items("first_published_at >= ? AND first_published_at < ?", [from, to]),
            satisfaction: satisfaction, medianFirstResponse: response?.seconds, answered: response?.cases ?? 0)
    }

    func sourceHealth(now: Date, staleAfter: TimeInterval) throws -> [SourceHealthItem] {
        var items: [SourceHealthItem] = []
        for s in try sources() {
            if s.pausedAt != nil, let since = s.goneSince, now.timeIntervalSince(since) >= 7 * 86_400 {
                items.append(SourceHealthItem(name: s.name, url: s.url, state: "gone",
                                              detail: "\(s.lastError ?? "not found") for over a week; fetching stopped. Fix the URL in the config or remove the source",
                                              since: since))
            } else if s.pausedAt != nil {
                items.append(SourceHealthItem(name: s.name, url: s.url, state: "paused",
                                              detail: "paused after \(s.failures) failures in a row: \(s.lastError ?? "unknown error"); fix it, then `earshot sources resume \(s.name)`",
                                              since: s.pausedAt))
            } else if let since = s.goneSince, now.timeIntervalSince(since) >= 7 * 86_400 {
                items.append(SourceHealthItem(name: s.name, url: s.url, state: "gone", detail: s.lastError ?? "the server says it is gone", since: since))
            } else if s.failures > 0 {
                items.append(SourceHealthItem(name: s.name, url: s.url, state: "failing",
                                              detail: "\(s.failures) failure\(s.failures == 1 ? "" : "s") in a row: \(s.lastError ?? "unknown error")", since: s.lastErrorAt))
            } else if let unhealthy = s.unhealthy {
                items.append(SourceHealthItem(name: s.name, url: s.url, state: "unhealthy", detail: unhealthy, since: s.lastFetchAt))
            } else if s.staleSince != nil {
                let newest = s.newestItemAt.map { "its newest item is from \(ISO8601DateFormatter().string(from: $0).prefix(10))" }
                    ?? "it has brought no dated item"
                items.append(SourceHealthItem(name: s.name, url: s.url, state: "stale",
                                              detail: "it answers, but \(newest): check it is still where customers talk (stale_after)",
                                              since: s.staleSince))
            } else if let last = s.lastSuccessAt, now.timeIntervalSince(last) > max(staleAfter, 3 * s.interval) {
                items.append(SourceHealthItem(name: s.name, url: s.url, state: "stale", detail: "no successful fetch since then", since: last))
            }
            if let moved = s.movedFrom, let at = s.movedAt, now.timeIntervalSince(at) < 14 * 86_400 {
                items.append(SourceHealthItem(name: s.name, url: s.url, state: "moved", detail: "moved permanently from \(moved)", since: at))
            }
        }
        return items
    }
}
