import Foundation

/// What the digest says, worked out once and shared by every format, so HTML, text and Markdown
/// carry the same content.
///
/// Sentences that quote untrusted text take the output format's escaper; everything else here is
/// made of numbers and fixed words.
struct DigestSummary {
    enum Direction { case up, down, flat }
    /// Whether a change is good news, bad news, or neither (more mentions is neither).
    enum Tone { case good, bad, neutral }

    struct HeadlineRow {
        let label: String
        let value: String
        let previous: String
        /// nil when there is nothing to compare with.
        let delta: String?
        let direction: Direction
        let tone: Tone

        /// "up", "down", "no change": the words that go with the arrow.
        var directionWord: String {
            switch direction {
            case .up: return "up"
            case .down: return "down"
            case .flat: return "no change"
            }
        }
    }

    enum Section {
        static let headline = "At a glance"
        static let problems = "Recurring problems"
        static let spikes = "Spikes in negative mentions"
        static let trends = "Trends"
        static let volume = "Daily mentions, last 30 days"
        static let ratings = "Ratings by review source"
        static let aspects = "What negative mentions are about"
        static let topNegative = "Top negative mentions"
        static let topPositive = "Top positive mentions"
        static let cases = "Cases"
        static let sourceHealth = "Source health"
    }

    /// How many items of a list the digest shows before "and N more".
    static let listLimit = 10
    /// How many aspects the bar chart shows; more bars stop being readable at 600 px.
    static let aspectLimit = 8

    let report: DigestReport
    let format: DigestFormatter

    init(_ report: DigestReport) {
        self.report = report
        self.format = DigestFormatter(timeZone: report.timeZone)
    }

    // MARK: - Titles

    /// "Weekly digest", "Daily digest", "Digest".
    var title: String {
        switch report.periodName {
        case "day": return "Daily digest"
        case "week": return "Weekly digest"
        case "month": return "Monthly digest"
        default: return "Digest"
        }
    }

    var periodText: String { format.period(report.period) }

    /// "previous week"
    var previousName: String {
        switch report.periodName {
        case "day", "week", "month": return "previous \(report.periodName)"
        default: return "previous period"
        }
    }

    var generatedText: String {
        "Generated \(format.dateTime(report.generatedAt)) \(format.zoneName) by Earshot."
    }

    /// The whole digest on a quiet day.
    func quietLine(_ escape: (String) -> String) -> String {
        let what: String
        switch report.periodName {
        case "day": what = "Quiet day"
        case "week": what = "Quiet week"
        case "month": what = "Quiet month"
        default: what = "Quiet period"
        }
        return "\(what) for \(escape(report.brand)) (\(periodText)): no mentions, no problems or spikes, "
            + "no cases opened or due."
    }

    // MARK: - Headline

    var headlineRows: [HeadlineRow] {
        let now = report.headline
        let before = report.previousHeadline
        var rows: [HeadlineRow] = []

        let mentionDelta = now.mentions - before.mentions
        var mentionText = mentionDelta == 0 ? "no change" : DigestFormatter.signed(Double(mentionDelta), decimals: 0)
        if mentionDelta != 0 && before.mentions > 0 {
            let relative = Double(mentionDelta) / Double(before.mentions)
            mentionText += " (" + DigestFormatter.signed(relative * 100, decimals: 0) + "%)"
        }
        rows.append(HeadlineRow(
            label: "Mentions", value: DigestFormatter.int(now.mentions), previous: DigestFormatter.int(before.mentions),
            delta: mentionText, direction: Self.direction(Double(mentionDelta), threshold: 0.5), tone: .neutral))

        // Thresholds are half of the last shown digit, so "no change" never sits beside a visible delta.
        let shareDelta = now.negativeShare - before.negativeShare
        let shareDirection = Self.direction(shareDelta, threshold: 0.0005)
        rows.append(HeadlineRow(
            label: "Negative share", value: DigestFormatter.percent(now.negativeShare),
            previous: DigestFormatter.percent(before.negativeShare),
            delta: shareDirection == .flat ? "no change" : DigestFormatter.percentagePoints(shareDelta),
            direction: shareDirection, tone: shareDirection == .up ? .bad : shareDirection == .down ? .good : .neutral))

        let netDelta = now.netSentiment - before.netSentiment
        let netDirection = Self.direction(netDelta, threshold: 0.005)
        rows.append(HeadlineRow(
            label: "Net sentiment", value: DigestFormatter.signed(now.netSentiment, decimals: 2),
            previous: DigestFormatter.signed(before.netSentiment, decimals: 2),
            delta: netDirection == .flat ? "no change" : DigestFormatter.signed(netDelta, decimals: 2),
            direction: netDirection, tone: netDirection == .up ? .good : netDirection == .down ? .bad : .neutral))

        let ratingValue = now.averageRating.map { DigestFormatter.decimal($0) + "/5" } ?? "no ratings"
        let ratingPrevious = before.averageRating.map { DigestFormatter.decimal($0) + "/5" } ?? "no ratings"
        if let a = now.averageRating, let b = before.averageRating {
            let d = a - b
            let dir = Self.direction(d, threshold: 0.05)
            rows.append(HeadlineRow(
                label: "Average rating", value: ratingValue, previous: ratingPrevious,
                delta: dir == .flat ? "no change" : DigestFormatter.signed(d, decimals: 1),
                direction: dir, tone: dir == .up ? .good : dir == .down ? .bad : .neutral))
        } else {
            rows.append(HeadlineRow(
                label: "Average rating", value: ratingValue, previous: ratingPrevious,
                delta: nil, direction: .flat, tone: .neutral))
        }
        return rows
    }

    private static func direction(_ delta: Double, threshold: Double) -> Direction {
        guard delta.isFinite else { return .flat }
        if delta >= threshold { return .up }
        if delta <= -threshold { return .down }
        return .flat
    }

    /// "31 positive · 70 neutral · 27 negative · 46 ratings"
    var sentimentLine: String {
        let h = report.headline
        var parts = ["\(DigestFormatter.int(h.positive)) positive", "\(DigestFormatter.int(h.neutral)) neutral",
                     "\(DigestFormatter.int(h.negative)) negative"]
        if h.ratingCount > 0 { parts.append(DigestFormatter.count(h.ratingCount, "rating")) }
        return parts.joined(separator: " · ")
    }

    // MARK: - Problems and spikes

    /// "9 customers since 28 Oct 2026 · case #412, open"
    func problemDetail(_ p: ProblemItem, _ escape: (String) -> String) -> String {
        "\(DigestFormatter.count(p.customers, "customer")) since \(format.date(p.since)) · case #\(p.caseID), "
            + escape(UntrustedText.clean(p.status, limit: 30))
    }

    /// "Tue 3 Nov, 14:00–18:00: 19 negative mentions, 7.6× the usual 2.5"
    func spikeLine(_ s: SpikeItem) -> String {
        var line = "\(format.span(s.start, s.end)): \(DigestFormatter.count(s.negatives, "negative mention"))"
        if s.baseline > 0 && s.baseline.isFinite {
            let factor = Double(s.negatives) / s.baseline
            line += ", \(DigestFormatter.decimal(factor))× the usual \(DigestFormatter.decimal(s.baseline))"
        } else {
            line += " (usually none)"
        }
        return line
    }

    // MARK: - Charts' text alternatives

    var hasVolume: Bool { report.dailyVolume.contains { $0.total > 0 } }
    var ratingSeries: [RatingSeries] { report.ratingTrend.filter { !$0.points.isEmpty } }
    var shownAspects: [AspectCount] {
        Array(report.negativeAspects.filter { $0.count > 0 }.prefix(Self.aspectLimit))
    }

    /// One sentence that says what the daily volume chart shows.
    var volumeSentence: String {
        let days = report.dailyVolume
        let total = days.reduce(0) { $0 + $1.total }
        let negative = days.reduce(0) { $0 + $1.negative }
        let positive = days.reduce(0) { $0 + $1.positive }
        var sentence = "\(DigestFormatter.count(total, "mention")) over \(DigestFormatter.count(days.count, "day")): "
            + "\(DigestFormatter.int(positive)) positive, \(DigestFormatter.int(total - positive - negative)) neutral, "
            + "\(DigestFormatter.int(negative)) negative."
        if let busiest = days.max(by: { $0.total < $1.total }), busiest.total > 0 {
            sentence += " Busiest day \(format.day(busiest.day)) (\(DigestFormatter.int(busiest.total)))."
        }
        if let worst = days.max(by: { $0.negative < $1.negative }), worst.negative > 0 {
            sentence += " Most negative day \(format.day(worst.day)) (\(DigestFormatter.int(worst.negative)) negative)."
        }
        return sentence
    }

    /// "Trustpilot went from 4.3 to 3.9 stars (12 ratings)."
    func ratingSentence(_ series: RatingSeries, _ escape: (String) -> String) -> String {
        let name = escape(UntrustedText.clean(series.source, limit: 40))
        guard let first = series.points.first, let last = series.points.last else { return "" }
        let ratings = series.points.compactMap(\.count).reduce(0, +)
        let countText = ratings > 0 ? " (\(DigestFormatter.count(ratings, "rating")))" : ""
        if series.points.count == 1 {
            return "\(name): \(DigestFormatter.decimal(last.value)) stars on \(format.day(last.day))\(countText)."
        }
        return "\(name) went from \(DigestFormatter.decimal(first.value)) stars on \(format.day(first.day)) "
            + "to \(DigestFormatter.decimal(last.value)) on \(format.day(last.day))\(countText)."
    }

    /// "Negative mentions were mostly about delivery (14), refund (9) and app (5)."
    func aspectSentence(_ escape: (String) -> String) -> String {
        let shown = shownAspects
        let parts = shown.map { "\(escape(UntrustedText.clean($0.aspect, limit: 40))) (\(DigestFormatter.int($0.count)))" }
        var sentence = "Negative mentions were mostly about "
        if parts.count <= 1 {
            sentence += parts.first ?? "nothing in particular"
        } else {
            sentence += parts.dropLast().joined(separator: ", ") + " and " + parts.last!
        }
        sentence += "."
        let hidden = report.negativeAspects.filter { $0.count > 0 }.count - shown.count
        if hidden > 0 { sentence += " \(DigestFormatter.count(hidden, "other aspect")) not shown." }
        return sentence
    }

    // MARK: - Mentions and cases

    /// "Trustpilot · Jane D. · Tue 3 Nov, 14:05 · 1/5 stars"; author and source escaped.
    func mentionMeta(_ m: MentionItem, _ escape: (String) -> String) -> [String] {
        var parts: [String] = []
        if let author = m.author, !UntrustedText.clean(author).isEmpty {
            parts.append(escape(UntrustedText.clean(author, limit: 60)))
        }
        parts.append(escape(UntrustedText.clean(m.source, limit: 60)))
        if let published = m.published { parts.append(format.dateTime(published)) }
        if let rating = m.rating { parts.append("\(DigestFormatter.rating(rating, best: m.bestRating)) stars") }
        parts.append("score \(DigestFormatter.signed(m.compound, decimals: 2))")
        return parts
    }

    /// "Flagged: 1-star review; mentions refund" or nil.
    func mentionReasons(_ m: MentionItem, _ escape: (String) -> String) -> String? {
        var reasons = m.reasons.map { UntrustedText.clean($0, limit: 80) }.filter { !$0.isEmpty }.map(escape)
        if m.isComplaint && reasons.isEmpty { reasons = ["complaint"] }
        let aspects = m.aspects.map { UntrustedText.clean($0, limit: 40) }.filter { !$0.isEmpty }.map(escape)
        var line = ""
        if !reasons.isEmpty { line = "Flagged: " + reasons.prefix(6).joined(separator: "; ") }
        if !aspects.isEmpty {
            line += (line.isEmpty ? "" : ". ") + "About: " + aspects.prefix(6).joined(separator: ", ")
        }
        return line.isEmpty ? nil : line
    }

    /// "Customer: Jane D. · opened Mon 2 Nov, 09:00 · due Tue 3 Nov, 09:00"
    func caseMeta(_ c: CaseItem, _ escape: (String) -> String, due label: String = "due") -> String {
        var parts: [String] = []
        if let customer = c.customer, !UntrustedText.clean(customer).isEmpty {
            parts.append(escape(UntrustedText.clean(customer, limit: 60)))
        }
        if let aspect = c.aspect, !UntrustedText.clean(aspect).isEmpty {
            parts.append(escape(UntrustedText.clean(aspect, limit: 40)))
        }
        parts.append("opened \(format.dateTime(c.openedAt))")
        if let due = c.dueAt { parts.append("\(label) \(format.dateTime(due))") }
        return parts.joined(separator: " · ")
    }

    var hasCases: Bool {
        let c = report.cases
        return c.opened > 0 || c.resolved > 0 || c.open > 0 || !c.overdue.isEmpty || !c.followUpsDue.isEmpty
            || !c.newCases.isEmpty || c.satisfaction.contains { $0.total > 0 }
    }

    var satisfactionPoints: [SatisfactionPoint] { report.cases.satisfaction.filter { $0.total > 0 } }

    /// "Follow-up satisfaction: 8 of 10 satisfied (80.0%) in the latest period."
    var satisfactionSentence: String {
        let points = satisfactionPoints
        guard let last = points.last, let rate = last.rate else { return "" }
        var s = "\(DigestFormatter.int(last.satisfied)) of \(DigestFormatter.int(last.total)) customers followed up "
            + "in the period from \(format.date(last.periodStart)) were satisfied (\(DigestFormatter.percent(rate)))."
        let satisfied = points.reduce(0) { $0 + $1.satisfied }
        let total = points.reduce(0) { $0 + $1.total }
        if points.count > 1 {
            s += " Over \(DigestFormatter.count(points.count, "period")): \(DigestFormatter.percent(Double(satisfied) / Double(total)))."
        }
        return s
    }

    /// Every section the digest will show, in order; used by tests and by the renderers to skip
    /// empty sections.
    var sections: [String] {
        var s: [String] = []
        if report.isQuiet {
            if !report.sourceHealth.isEmpty { s.append(Section.sourceHealth) }
            return s
        }
        s.append(Section.headline)
        if !report.problems.isEmpty { s.append(Section.problems) }
        if !report.spikes.isEmpty { s.append(Section.spikes) }
        if hasVolume || !ratingSeries.isEmpty || !shownAspects.isEmpty { s.append(Section.trends) }
        if !report.topNegative.isEmpty { s.append(Section.topNegative) }
        if !report.topPositive.isEmpty { s.append(Section.topPositive) }
        if hasCases { s.append(Section.cases) }
        if !report.sourceHealth.isEmpty { s.append(Section.sourceHealth) }
        return s
    }
}
