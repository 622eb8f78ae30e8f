import Foundation

/// Writes the plain-text and the Markdown digest: the same content as the HTML, in the same order,
/// with charts as sparklines and small tables.
///
/// Plain text strips control characters from untrusted text (an ESC in a review must not reach a
/// terminal); Markdown also backslash-escapes it and links only http(s) URLs.
struct TextDigestWriter {
    let s: DigestSummary
    let md: Bool
    private var lines: [String] = []

    init(_ summary: DigestSummary, markdown: Bool) {
        self.s = summary
        self.md = markdown
    }

    /// The width plain text wraps at: fits a classic 80-column terminal with a margin.
    static let width = 78

    private var report: DigestReport { s.report }

    /// Escapes already-cleaned text for the output.
    private var escape: (String) -> String {
        md ? { UntrustedText.markdown($0, limit: 100_000) } : { $0 }
    }

    /// Untrusted text: cleaned, capped, escaped.
    private func esc(_ text: String, limit: Int = 300) -> String {
        md ? UntrustedText.markdown(text, limit: limit) : UntrustedText.clean(text, limit: limit)
    }

    mutating func render() -> String {
        lines = []
        if report.isQuiet {
            lines.append(s.quietLine(escape))
            if !report.sourceHealth.isEmpty {
                blank()
                sourceHealth()
            }
            return lines.joined(separator: "\n") + "\n"
        }
        header()
        headline()
        problems()
        spikes()
        trends()
        mentions(report.topNegative, title: DigestSummary.Section.topNegative, negative: true)
        mentions(report.topPositive, title: DigestSummary.Section.topPositive, negative: false)
        cases()
        sourceHealth()
        blank()
        lines.append(md ? "*\(s.generatedText)*" : s.generatedText)
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Pieces

    private mutating func blank() {
        if let last = lines.last, !last.isEmpty { lines.append("") }
    }

    private mutating func heading(_ title: String, level: Int = 2) {
        blank()
        if md {
            lines.append(String(repeating: "#", count: level) + " " + title)
            lines.append("")
        } else if level <= 2 {
            lines.append(title.uppercased())
            lines.append(String(repeating: "=", count: min(title.count, Self.width)))
        } else {
            lines.append(title)
            lines.append(String(repeating: "-", count: min(title.count, Self.width)))
        }
    }

    /// Wraps plain text at `width`; Markdown is left to the renderer (one line per paragraph).
    private mutating func para(_ text: String, indent: String = "", first: String? = nil) {
        if md {
            lines.append((first ?? indent) + text)
            return
        }
        lines.append(contentsOf: Self.wrap(text, first: first ?? indent, rest: indent))
    }

    static func wrap(_ text: String, first: String, rest: String, width: Int = width) -> [String] {
        var result: [String] = []
        var current = first
        var currentHasWord = false
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = Substring(word)
            // Hard-break words longer than a line (URLs, hostile strings) so nothing runs off screen.
            while word.count > width - rest.count {
                if currentHasWord { result.append(current); current = rest; currentHasWord = false }
                let room = max(width - current.count, 10)
                result.append(current + word.prefix(room))
                word = word.dropFirst(room)
                current = rest
            }
            if word.isEmpty { continue }
            if currentHasWord && current.count + 1 + word.count > width {
                result.append(current)
                current = rest
                currentHasWord = false
            }
            current += (currentHasWord ? " " : "") + word
            currentHasWord = true
        }
        if currentHasWord || result.isEmpty { result.append(current) }
        return result
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    /// A Markdown table row; cells are already escaped.
    private func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }

    // MARK: - Header and headline

    private mutating func header() {
        if md {
            lines.append("# \(esc(report.brand, limit: 80)) — \(s.title)")
            lines.append("")
            lines.append("\(s.periodText) · times in \(s.format.zoneName)")
        } else {
            para("Earshot · \(s.title) · \(esc(report.brand, limit: 80))")
            lines.append("\(s.periodText) · times in \(s.format.zoneName)")
        }
    }

    private mutating func headline() {
        heading(DigestSummary.Section.headline)
        let rows = s.headlineRows
        func change(_ r: DigestSummary.HeadlineRow) -> String {
            guard let delta = r.delta else { return "no comparison" }
            let arrow = r.direction == .up ? "▲ " : r.direction == .down ? "▼ " : ""
            let verdict = r.tone == .good ? " (better)" : r.tone == .bad ? " (worse)" : ""
            return arrow + delta + verdict
        }
        if md {
            lines.append(row(["", "Now", "Change", "Previous"]))
            lines.append("|---|--:|---|--:|")
            for r in rows { lines.append(row(["**\(r.label)**", r.value, change(r), r.previous])) }
            lines.append("")
        } else {
            for r in rows {
                lines.append("  " + pad(r.label, 16) + padLeft(r.value, 10) + "   " + pad(change(r), 24) + " was " + r.previous)
            }
        }
        para(s.sentimentLine, indent: md ? "" : "  ")
        if md { lines.append("") }  // a separate paragraph, not a soft-wrapped continuation
        para("Compared with the \(s.previousName) (\(s.format.period(report.previousPeriod))).", indent: md ? "" : "  ")
    }

    // MARK: - Problems and spikes

    private mutating func problems() {
        guard !report.problems.isEmpty else { return }
        heading(DigestSummary.Section.problems)
        for p in report.problems {
            let title = md ? "**\(esc(p.aspect, limit: 60))** — \(esc(p.title, limit: 160))"
                : "\(esc(p.aspect, limit: 60)) — \(esc(p.title, limit: 160))"
            para(title, indent: "  ", first: md ? "- " : "* ")
            if md { lines[lines.count - 1] += "  " }  // hard line break
            para(s.problemDetail(p, escape), indent: "  ")
        }
    }

    private mutating func spikes() {
        guard !report.spikes.isEmpty else { return }
        heading(DigestSummary.Section.spikes)
        for spike in report.spikes { para(s.spikeLine(spike), indent: "  ", first: md ? "- " : "* ") }
    }

    // MARK: - Charts

    private mutating func trends() {
        guard s.hasVolume || !s.ratingSeries.isEmpty || !s.shownAspects.isEmpty else { return }
        heading(DigestSummary.Section.trends)
        if s.hasVolume { volume() }
        if !s.ratingSeries.isEmpty { ratings() }
        if !s.shownAspects.isEmpty { aspects() }
    }

    private mutating func volume() {
        heading(DigestSummary.Section.volume, level: 3)
        let days = report.dailyVolume
        let totals = days.map(\.total), negatives = days.map(\.negative)
        // Each line on its own scale: negatives are a small share, on the shared scale they would be flat.
        let scale = totals.max() ?? 0
        let first = days.first.map { s.format.day($0.day) } ?? ""
        let last = days.last.map { s.format.day($0.day) } ?? ""
        if md {
            lines.append(row(["", "\(first) → \(last)", "Peak"]))
            lines.append("|---|---|--:|")
            lines.append(row(["All mentions", "`\(Self.sparkline(totals, max: scale))`", "\(totals.max() ?? 0)"]))
            lines.append(row(["Negative", "`\(Self.sparkline(negatives, max: negatives.max() ?? 0))`", "\(negatives.max() ?? 0)"]))
            lines.append("")
        } else {
            let spark = Self.sparkline(totals, max: scale)
            lines.append("  All mentions  " + spark + "  peak \(totals.max() ?? 0)")
            lines.append("  Negative      " + Self.sparkline(negatives, max: negatives.max() ?? 0) + "  peak \(negatives.max() ?? 0)")
            let gap = max(spark.count - first.count - last.count, 1)
            lines.append("                " + first + String(repeating: " ", count: gap) + last)
        }
        para(s.volumeSentence, indent: md ? "" : "  ")
    }

    private mutating func ratings() {
        heading(DigestSummary.Section.ratings, level: 3)
        let series = s.ratingSeries
        if md {
            lines.append(row(["Source", "Trend", "First", "Latest", "Ratings"]))
            lines.append("|---|---|--:|--:|--:|")
        }
        let nameWidth = min(series.map { UntrustedText.clean($0.source, limit: 24).count }.max() ?? 0, 24)
        for r in series {
            guard let first = r.points.first, let last = r.points.last else { continue }
            // Fixed 1...5 scale, so a flat line means a steady rating, not a zoomed-in wobble.
            let spark = Self.sparkline(r.points.map { max(($0.value - 1) / 4, 0) * 1000 }.map { Int($0.isFinite ? $0 : 0) },
                                       max: 1000, zeroMark: "▁")
            let count = r.points.compactMap(\.count).reduce(0, +)
            if md {
                lines.append(row([esc(r.source, limit: 60), "`\(spark)`", "\(DigestFormatter.decimal(first.value))★",
                                  "\(DigestFormatter.decimal(last.value))★", count > 0 ? DigestFormatter.int(count) : "–"]))
            } else {
                lines.append("  " + pad(esc(r.source, limit: 24), nameWidth) + "  " + spark + "  "
                             + "\(DigestFormatter.decimal(first.value)) → \(DigestFormatter.decimal(last.value)) stars"
                             + (count > 0 ? " (\(DigestFormatter.count(count, "rating")))" : ""))
            }
        }
        if md { lines.append("") }
        para(series.map { s.ratingSentence($0, escape) }.joined(separator: " "), indent: md ? "" : "  ")
    }

    private mutating func aspects() {
        heading(DigestSummary.Section.aspects, level: 3)
        let shown = s.shownAspects
        let top = shown.map(\.count).max() ?? 1
        // 30 columns of bar leave room for a 22-character label and the count in 78 columns.
        func bar(_ n: Int) -> String { String(repeating: "█", count: max(Int((Double(n) / Double(top) * 30).rounded()), 1)) }
        if md {
            lines.append(row(["Aspect", "Negative mentions", ""]))
            lines.append("|---|--:|---|")
            for a in shown { lines.append(row([esc(a.aspect, limit: 40), DigestFormatter.int(a.count), bar(a.count)])) }
            lines.append("")
        } else {
            let labelWidth = min(shown.map { UntrustedText.clean($0.aspect, limit: 22).count }.max() ?? 0, 22)
            for a in shown {
                lines.append("  " + pad(esc(a.aspect, limit: 22), labelWidth) + "  " + bar(a.count) + " " + DigestFormatter.int(a.count))
            }
        }
        para(s.aspectSentence(escape), indent: md ? "" : "  ")
    }

    /// "▁▂▅█": one character per value, eight levels; zero is a dot so it is not mistaken for "a few".
    static func sparkline(_ values: [Int], max top: Int, zeroMark: Character = "·") -> String {
        let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        guard top > 0 else { return String(repeating: zeroMark, count: values.count) }
        return String(values.map { v -> Character in
            if v <= 0 { return zeroMark }
            let level = Int((Double(v) / Double(top) * 8).rounded(.up))
            return blocks[min(max(level, 1), 8) - 1]
        })
    }

    // MARK: - Mentions

    private mutating func mentions(_ items: [MentionItem], title: String, negative: Bool) {
        guard !items.isEmpty else { return }
        heading(title)
        for (i, m) in items.prefix(DigestSummary.listLimit).enumerated() {
            let number = "\(i + 1). "
            let indent = String(repeating: " ", count: number.count + (md ? 0 : 2))
            var label = negative ? "Negative" : "Positive"
            if m.isComplaint { label += " · complaint" }
            let quote = "“\(esc(m.excerpt, limit: 400))”"
            if md {
                lines.append(number + "**\(label):** " + quote + "  ")
            } else {
                para("[\(label)] " + quote, indent: indent, first: "  " + number)
            }
            var meta = s.mentionMeta(m, escape)
            if let link = UntrustedText.safeLink(m.link) {
                meta.append(md ? "[Open on \(escape(UntrustedText.linkHost(link)))](\(UntrustedText.markdownLinkDestination(link)))" : link)
            } else if let link = m.link, !UntrustedText.clean(link).isEmpty {
                meta.append("link: " + esc(link, limit: 80))
            }
            if md {
                lines.append(indent + meta.joined(separator: " · ") + (s.mentionReasons(m, escape) == nil ? "" : "  "))
                if let reasons = s.mentionReasons(m, escape) { lines.append(indent + "*\(reasons)*") }
            } else {
                para(meta.joined(separator: " · "), indent: indent)
                if let reasons = s.mentionReasons(m, escape) { para(reasons, indent: indent) }
            }
            if md || i < min(items.count, DigestSummary.listLimit) - 1 { lines.append("") }
        }
        if items.count > DigestSummary.listLimit {
            para("and \(items.count - DigestSummary.listLimit) more.", indent: md ? "" : "  ")
        }
    }

    // MARK: - Cases

    private mutating func cases() {
        guard s.hasCases else { return }
        let c = report.cases
        heading(DigestSummary.Section.cases)
        para("Opened \(c.opened) · Resolved \(c.resolved) · Open now \(c.open) · Overdue \(c.overdue.count)"
             + (c.medianFirstResponse.map { " · First response \(DigestFormatter.wait($0)) (median of \(c.answered) answered)" } ?? ""),
             indent: md ? "" : "  ")
        caseList(c.overdue, title: "Overdue (SLA breached)", due: "due")
        caseList(c.followUpsDue, title: "Follow-ups due", due: "follow up by")
        caseList(c.newCases, title: "New cases", due: "due")
        satisfaction()
    }

    private mutating func caseList(_ items: [CaseItem], title: String, due: String) {
        guard !items.isEmpty else { return }
        heading(title, level: 3)
        for item in items.prefix(DigestSummary.listLimit) {
            let severity = esc(item.severity, limit: 20)
            let head = md ? "**#\(item.id)** \(severity): \(esc(item.title, limit: 160))"
                : "#\(item.id) [\(severity)] \(esc(item.title, limit: 160))"
            para(head, indent: md ? "  " : "    ", first: md ? "- " : "  * ")
            if md { lines[lines.count - 1] += "  " }
            let meta = esc(item.status, limit: 30) + " · " + s.caseMeta(item, escape, due: due)
            para(meta, indent: md ? "  " : "    ")
        }
        if items.count > DigestSummary.listLimit {
            para("and \(items.count - DigestSummary.listLimit) more.", indent: md ? "" : "  ")
        }
    }

    private mutating func satisfaction() {
        let points = s.satisfactionPoints
        guard !points.isEmpty else { return }
        heading("Follow-up satisfaction", level: 3)
        // 20 columns of bar: 5% per character.
        func bar(_ rate: Double) -> String {
            let full = Int((rate * 20).rounded())
            return String(repeating: "█", count: full) + String(repeating: "░", count: 20 - full)
        }
        if md {
            lines.append(row(["Period from", "Satisfied", "Rate", ""]))
            lines.append("|---|--:|--:|---|")
        }
        for p in points.suffix(8) {
            let rate = p.rate ?? 0
            if md {
                lines.append(row([s.format.date(p.periodStart), "\(p.satisfied) of \(p.total)", DigestFormatter.percent(rate), "`\(bar(rate))`"]))
            } else {
                lines.append("  " + pad(s.format.date(p.periodStart), 12) + "  " + bar(rate) + "  "
                             + padLeft("\(p.satisfied) of \(p.total)", 9) + "  " + DigestFormatter.percent(rate))
            }
        }
        if md { lines.append("") }
        para(s.satisfactionSentence, indent: md ? "" : "  ")
    }

    // MARK: - Source health

    private mutating func sourceHealth() {
        guard !report.sourceHealth.isEmpty else { return }
        heading(DigestSummary.Section.sourceHealth)
        for item in report.sourceHealth {
            let name = esc(item.name, limit: 60)
            let state = esc(item.state, limit: 20)
            var line: String
            if md {
                let linked = UntrustedText.safeLink(item.url).map { "[\(name)](\(UntrustedText.markdownLinkDestination($0)))" } ?? name
                line = "**\(state)**: \(linked) — \(esc(item.detail, limit: 200))"
            } else {
                line = "[\(state)] \(name) — \(esc(item.detail, limit: 200))"
            }
            if let since = item.since { line += " (since \(s.format.date(since)))" }
            if !md, let url = UntrustedText.safeLink(item.url) { line += " " + url }
            para(line, indent: md ? "  " : "    ", first: md ? "- " : "  * ")
        }
    }
}
