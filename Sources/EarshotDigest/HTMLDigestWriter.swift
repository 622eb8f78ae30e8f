import Foundation

/// Writes the HTML digest.
///
/// Built for e-mail: nested tables 600 px wide, every style inline (mail clients drop `<style>` and
/// `<link>`), no scripts, no images to fetch. The one `<style>` block only improves printing. Every
/// untrusted string goes through `esc` (clean + escape); every link through `UntrustedText.safeLink`.
struct HTMLDigestWriter {
    typealias P = DigestPalette
    let s: DigestSummary
    private var out = ""

    init(_ summary: DigestSummary) { self.s = summary }

    private var report: DigestReport { s.report }

    /// Untrusted text, cleaned, capped and escaped.
    private func esc(_ text: String, limit: Int = 300) -> String { UntrustedText.htmlText(text, limit: limit) }
    private let escape: (String) -> String = { UntrustedText.html($0) }

    // Shared inline styles.
    private let font = "font-family:\(P.font);"
    private var h2: String { "margin:0 0 14px;\(font)font-size:19px;line-height:1.3;font-weight:700;color:\(P.ink);" }
    private var h3: String { "margin:18px 0 8px;\(font)font-size:15px;line-height:1.3;font-weight:700;color:\(P.ink);" }
    private var body: String { "\(font)font-size:14px;line-height:1.5;color:\(P.ink);" }
    private var small: String { "\(font)font-size:13px;line-height:1.5;color:\(P.muted);" }
    private var th: String {
        "\(font)font-size:12px;line-height:1.4;font-weight:700;color:\(P.muted);text-align:left;"
            + "padding:6px 8px;border-bottom:2px solid \(P.rule);text-transform:uppercase;letter-spacing:0.04em;"
    }
    private var td: String {
        "\(font)font-size:14px;line-height:1.45;color:\(P.ink);padding:8px;border-bottom:1px solid \(P.rule);"
            + "vertical-align:top;word-break:break-word;overflow-wrap:anywhere;"
    }

    mutating func render() -> String {
        out = ""
        let title = "\(s.title) · \(UntrustedText.clean(report.brand, limit: 80)) · \(s.periodText)"
        out += "<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"color-scheme\" content=\"light\">\n<meta name=\"supported-color-schemes\" content=\"light\">\n"
        out += "<title>\(UntrustedText.html(title))</title>\n"
        // Printing only; the layout never depends on it.
        out += "<style>@media print{body,.page{background:#ffffff !important}.card{border:0 !important;"
            + "width:100% !important}.section{break-inside:avoid;page-break-inside:avoid}h2,h3{break-after:avoid}"
            + "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}a{color:#000000 !important}}</style>\n"
        out += "</head>\n<body style=\"margin:0;padding:0;background:\(P.page);\">\n"
        // Preview text mail clients show next to the subject; hidden in the message itself.
        out += "<div style=\"display:none;max-height:0;overflow:hidden;mso-hide:all;font-size:1px;line-height:1px;color:\(P.page);\">"
            + escape(preheader) + "</div>\n"
        // No feed text in any attribute, not even the brand: only checked links go into `href`.
        out += "<div role=\"article\" aria-roledescription=\"email\" aria-label=\"\(UntrustedText.html("Earshot \(s.title.lowercased()), \(s.periodText)"))\" lang=\"en\">\n"
        out += "<table role=\"presentation\" class=\"page\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
            + "style=\"background:\(P.page);border-collapse:collapse;\"><tr><td align=\"center\" style=\"padding:24px 10px;\">\n"
        out += "<table role=\"presentation\" class=\"card\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
            + "style=\"width:600px;max-width:100%;background:\(P.card);border:1px solid \(P.rule);border-radius:10px;"
            + "border-collapse:separate;\">\n"
        header()
        if report.isQuiet {
            section {
                $0.out += "<p style=\"margin:0;\($0.body)font-size:16px;\">\($0.s.quietLine($0.escape))</p>"
            }
        } else {
            headline()
            problems()
            spikes()
            trends()
            mentions(report.topNegative, title: DigestSummary.Section.topNegative, negative: true)
            mentions(report.topPositive, title: DigestSummary.Section.topPositive, negative: false)
            cases()
        }
        sourceHealth()
        footer()
        out += "</table>\n</td></tr></table>\n</div>\n</body>\n</html>\n"
        return out
    }

    /// "128 mentions, 18.3% negative, 2 recurring problems"
    private var preheader: String {
        if report.isQuiet { return s.quietLine { $0 } }
        var parts = ["\(DigestFormatter.count(report.headline.mentions, "mention"))",
                     "\(DigestFormatter.percent(report.headline.negativeShare)) negative"]
        if !report.problems.isEmpty { parts.append(DigestFormatter.count(report.problems.count, "recurring problem")) }
        if !report.spikes.isEmpty { parts.append(DigestFormatter.count(report.spikes.count, "spike")) }
        if !report.cases.overdue.isEmpty { parts.append("\(report.cases.overdue.count) overdue") }
        return UntrustedText.clean(parts.joined(separator: ", "))
    }

    // MARK: - Frame

    private mutating func header() {
        out += "<tr><td style=\"background:\(P.header);padding:24px 24px 22px;border-radius:9px 9px 0 0;\">"
        out += "<p style=\"margin:0 0 6px;\(font)font-size:12px;line-height:1.4;font-weight:700;letter-spacing:0.12em;"
            + "text-transform:uppercase;color:\(P.headerMuted);\">Earshot · \(escape(s.title))</p>"
        out += "<h1 style=\"margin:0;\(font)font-size:26px;line-height:1.25;font-weight:700;color:#ffffff;\">"
            + "\(esc(report.brand, limit: 80))</h1>"
        out += "<p style=\"margin:6px 0 0;\(font)font-size:14px;line-height:1.5;color:\(P.headerMuted);\">"
            + "\(escape(s.periodText)) · times in \(escape(s.format.zoneName))</p>"
        out += "</td></tr>\n"
    }

    private mutating func footer() {
        out += "<tr><td style=\"padding:18px 24px 22px;border-top:1px solid \(P.rule);\">"
        out += "<p style=\"margin:0;\(small)font-size:12px;\">\(escape(s.generatedText)) Chart days are UTC days. "
            + "Mention text is quoted as published and may be shortened.</p>"
        out += "</td></tr>\n"
    }

    /// One section row of the card.
    private mutating func section(_ title: String? = nil, _ content: (inout HTMLDigestWriter) -> Void) {
        out += "<tr><td class=\"section\" style=\"padding:24px 24px 8px;\">"
        if let title { out += "<h2 style=\"\(h2)\">\(escape(title))</h2>" }
        content(&self)
        out += "</td></tr>\n"
    }

    // MARK: - 1 Headline

    private mutating func headline() {
        section(DigestSummary.Section.headline) { w in
            let rows = w.s.headlineRows
            w.out += "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr>"
            for (i, row) in rows.enumerated() {
                if i > 0 { w.out += "<td width=\"8\" style=\"width:8px;\"></td>" }
                w.out += "<td width=\"25%\" valign=\"top\" style=\"background:#f5f7fa;border-radius:8px;padding:12px 12px 10px;\">"
                w.out += "<p style=\"margin:0;\(w.font)font-size:12px;line-height:1.3;font-weight:600;color:\(P.muted);\">\(w.escape(row.label))</p>"
                w.out += "<p style=\"margin:4px 0 2px;\(w.font)font-size:24px;line-height:1.2;font-weight:700;color:\(P.ink);white-space:nowrap;\">\(w.escape(row.value))</p>"
                w.out += w.deltaLine(row)
                w.out += "<p style=\"margin:2px 0 0;\(w.font)font-size:12px;line-height:1.4;color:\(P.muted);\">was \(w.escape(row.previous))</p>"
                w.out += "</td>"
            }
            w.out += "</tr></table>"
            w.sentimentBar()
            w.out += "<p style=\"margin:6px 0 8px;\(w.small)\">Compared with the \(w.escape(w.s.previousName)) "
                + "(\(w.escape(w.s.format.period(w.report.previousPeriod)))).</p>"
        }
    }

    private func deltaLine(_ row: DigestSummary.HeadlineRow) -> String {
        guard let delta = row.delta else {
            return "<p style=\"margin:0;\(font)font-size:13px;line-height:1.4;color:\(P.muted);\">no comparison</p>"
        }
        let colour: String
        let verdict: String
        switch row.tone {
        case .good: colour = P.positive; verdict = " · better"
        case .bad: colour = P.negative; verdict = " · worse"
        case .neutral: colour = P.muted; verdict = ""
        }
        let arrow: String
        switch row.direction {
        case .up: arrow = "▲ "
        case .down: arrow = "▼ "
        case .flat: arrow = ""
        }
        let shown = delta.hasPrefix("-") ? "−" + delta.dropFirst() : delta
        return "<p style=\"margin:0;\(font)font-size:13px;line-height:1.4;font-weight:700;color:\(colour);white-space:nowrap;\">"
            + "<span aria-hidden=\"true\">\(arrow)</span>\(escape(String(shown)))\(verdict)</p>"
    }

    /// A proportion bar of positive / neutral / negative, with the counts in words beside it.
    private mutating func sentimentBar() {
        let h = report.headline
        let total = h.positive + h.neutral + h.negative
        out += "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"margin-top:14px;\"><tr>"
        if total > 0 {
            var used = 0
            let parts = [(h.positive, P.positive), (h.neutral, P.neutral), (h.negative, P.negative)].filter { $0.0 > 0 }
            for (i, (value, colour)) in parts.enumerated() {
                let pct = i == parts.count - 1 ? 100 - used : Int((Double(value) / Double(total) * 100).rounded())
                used += pct
                out += "<td width=\"\(pct)%\" height=\"10\" style=\"height:10px;line-height:10px;font-size:0;background:\(colour);"
                    + (i == 0 ? "border-radius:5px 0 0 5px;" : "") + (i == parts.count - 1 ? "border-radius:0 5px 5px 0;" : "")
                    + (i == 0 && parts.count == 1 ? "border-radius:5px;" : "") + "\">&nbsp;</td>"
            }
        }
        out += "</tr></table>"
        out += "<p style=\"margin:8px 0 0;\(body)font-size:13px;\">"
            + legendItem(P.positive, "\(DigestFormatter.int(h.positive)) positive") + " &nbsp; "
            + legendItem(P.neutral, "\(DigestFormatter.int(h.neutral)) neutral") + " &nbsp; "
            + legendItem(P.negative, "\(DigestFormatter.int(h.negative)) negative")
        if h.ratingCount > 0 { out += " &nbsp;·&nbsp; \(DigestFormatter.count(h.ratingCount, "rating"))" }
        out += "</p>"
    }

    private func legendItem(_ colour: String, _ label: String) -> String {
        "<span style=\"white-space:nowrap;\"><span aria-hidden=\"true\" style=\"color:\(colour);font-size:14px;\">■</span> \(escape(label))</span>"
    }

    // MARK: - 2 Problems and spikes

    private mutating func problems() {
        guard !report.problems.isEmpty else { return }
        section(DigestSummary.Section.problems) { w in
            w.out += "<p style=\"margin:-6px 0 12px;\(w.small)\">The same complaint from several customers, tracked as one case.</p>"
            for p in w.report.problems {
                w.out += "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
                    + "style=\"margin:0 0 10px;background:\(P.warningTint);border-left:4px solid \(P.warning);border-radius:4px;\">"
                    + "<tr><td style=\"padding:12px 14px;\">"
                w.out += "<p style=\"margin:0;\(w.body)font-size:15px;\"><strong>\(w.esc(p.aspect, limit: 60))</strong>"
                    + " — \(w.esc(p.title, limit: 160))</p>"
                w.out += "<p style=\"margin:4px 0 0;\(w.body)font-size:13px;color:\(P.warning);font-weight:600;\">"
                    + "\(w.s.problemDetail(p, w.escape))</p>"
                w.out += "</td></tr></table>"
            }
        }
    }

    private mutating func spikes() {
        guard !report.spikes.isEmpty else { return }
        section(DigestSummary.Section.spikes) { w in
            w.out += "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"margin:0 0 10px;\">"
            for spike in w.report.spikes {
                w.out += "<tr><td style=\"\(w.td)\"><span aria-hidden=\"true\" style=\"color:\(P.negative);\">▲</span> "
                    + "\(w.escape(w.s.spikeLine(spike)))</td></tr>"
            }
            w.out += "</table>"
        }
    }

    // MARK: - 3 Charts

    private mutating func trends() {
        let hasRatings = !s.ratingSeries.isEmpty, hasAspects = !s.shownAspects.isEmpty
        guard s.hasVolume || hasRatings || hasAspects else { return }
        section(DigestSummary.Section.trends) { w in
            if w.s.hasVolume {
                w.out += "<h3 style=\"\(w.h3)margin-top:0;\">\(w.escape(DigestSummary.Section.volume))</h3>"
                w.out += "<p style=\"margin:0 0 6px;\(w.body)font-size:12px;\">"
                    + w.legendItem(P.positive, "Positive") + " &nbsp; " + w.legendItem(P.neutral, "Neutral") + " &nbsp; "
                    + w.legendItem(P.negative, "Negative") + "</p>"
                w.out += DigestCharts.volume(w.s)
                w.out += "<p style=\"margin:6px 0 4px;\(w.small)\">\(w.escape(w.s.volumeSentence))</p>"
            }
            if hasRatings {
                w.out += "<h3 style=\"\(w.h3)\">\(w.escape(DigestSummary.Section.ratings))</h3>"
                w.out += DigestCharts.ratings(w.s)
                w.ratingTable()
            }
            if hasAspects {
                w.out += "<h3 style=\"\(w.h3)\">\(w.escape(DigestSummary.Section.aspects))</h3>"
                w.out += DigestCharts.aspects(w.s)
                w.out += "<p style=\"margin:6px 0 4px;\(w.small)\">\(w.s.aspectSentence(w.escape))</p>"
            }
        }
    }

    /// The rating chart's legend and text alternative in one.
    private mutating func ratingTable() {
        out += "<table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"margin:8px 0 4px;border-collapse:collapse;\">"
        out += "<thead><tr><th scope=\"col\" style=\"\(th)\">Source</th><th scope=\"col\" style=\"\(th)text-align:right;\">First</th>"
            + "<th scope=\"col\" style=\"\(th)text-align:right;\">Latest</th><th scope=\"col\" style=\"\(th)text-align:right;\">Change</th>"
            + "<th scope=\"col\" style=\"\(th)text-align:right;\">Ratings</th></tr></thead><tbody>"
        for (i, series) in s.ratingSeries.enumerated() {
            guard let first = series.points.first, let last = series.points.last else { continue }
            let colour = P.series[i % P.series.count]
            let marker = P.seriesMarkers[i % P.seriesMarkers.count]
            let change = last.value - first.value
            let count = series.points.compactMap(\.count).reduce(0, +)
            let right = "\(td)text-align:right;white-space:nowrap;"
            out += "<tr><th scope=\"row\" style=\"\(td)text-align:left;font-weight:600;\">"
                + "<span aria-hidden=\"true\" style=\"color:\(colour);\">\(marker)</span> \(esc(series.source, limit: 60))</th>"
                + "<td style=\"\(right)\">\(DigestFormatter.decimal(first.value))★ <span style=\"color:\(P.muted);font-size:12px;\">\(s.format.day(first.day))</span></td>"
                + "<td style=\"\(right)\">\(DigestFormatter.decimal(last.value))★ <span style=\"color:\(P.muted);font-size:12px;\">\(s.format.day(last.day))</span></td>"
                + "<td style=\"\(right)\">\(series.points.count > 1 ? DigestFormatter.signed(change, decimals: 1).replacingOccurrences(of: "-", with: "−") : "–")</td>"
                + "<td style=\"\(right)\">\(count > 0 ? DigestFormatter.int(count) : "–")</td></tr>"
        }
        out += "</tbody></table>"
    }

    // MARK: - 4 Mentions

    private mutating func mentions(_ items: [MentionItem], title: String, negative: Bool) {
        guard !items.isEmpty else { return }
        section(title) { w in
            let colour = negative ? P.negative : P.positive
            let tint = negative ? P.negativeTint : P.positiveTint
            for m in items.prefix(DigestSummary.listLimit) {
                w.out += "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
                    + "style=\"margin:0 0 12px;border:1px solid \(P.rule);border-left:4px solid \(colour);border-radius:4px;\">"
                    + "<tr><td style=\"padding:12px 14px;word-break:break-word;overflow-wrap:anywhere;\">"
                var label = [negative ? "Negative" : "Positive"]
                if m.isComplaint { label.append("complaint") }
                w.out += "<p style=\"margin:0 0 6px;\"><span style=\"display:inline-block;padding:1px 8px;border-radius:10px;"
                    + "background:\(tint);color:\(colour);\(w.font)font-size:12px;line-height:1.5;font-weight:700;\">"
                    + "\(label.joined(separator: " · "))</span></p>"
                w.out += "<p style=\"margin:0 0 8px;\(w.body)font-size:15px;\">“\(w.esc(m.excerpt, limit: 400))”</p>"
                var meta = w.s.mentionMeta(m, w.escape)
                if let link = UntrustedText.safeLink(m.link) {
                    meta.append("<a href=\"\(UntrustedText.html(link))\" style=\"color:\(P.accent);text-decoration:underline;\">"
                        + "Open on \(w.escape(UntrustedText.linkHost(link)))</a>")
                } else if let link = m.link, !UntrustedText.clean(link).isEmpty {
                    meta.append("link: \(w.esc(link, limit: 80))")  // not http(s): shown, never linked
                }
                w.out += "<p style=\"margin:0;\(w.small)\">\(meta.joined(separator: " · "))</p>"
                if let reasons = w.s.mentionReasons(m, w.escape) {
                    w.out += "<p style=\"margin:4px 0 0;\(w.small)font-style:italic;\">\(reasons)</p>"
                }
                w.out += "</td></tr></table>"
            }
            if items.count > DigestSummary.listLimit {
                w.out += "<p style=\"margin:0 0 8px;\(w.small)\">and \(items.count - DigestSummary.listLimit) more.</p>"
            }
        }
    }

    // MARK: - 5 Cases

    private mutating func cases() {
        guard s.hasCases else { return }
        let c = report.cases
        section(DigestSummary.Section.cases) { w in
            w.out += "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr>"
            let tiles: [(String, Int, String)] = [("Opened", c.opened, P.ink), ("Resolved", c.resolved, P.ink),
                                                  ("Open now", c.open, P.ink),
                                                  ("Overdue", c.overdue.count, c.overdue.isEmpty ? P.ink : P.negative)]
            for (i, tile) in tiles.enumerated() {
                if i > 0 { w.out += "<td width=\"8\" style=\"width:8px;\"></td>" }
                w.out += "<td width=\"25%\" style=\"background:#f5f7fa;border-radius:8px;padding:10px 12px;\">"
                    + "<p style=\"margin:0;\(w.font)font-size:12px;font-weight:600;color:\(P.muted);\">\(tile.0)</p>"
                    + "<p style=\"margin:2px 0 0;\(w.font)font-size:22px;font-weight:700;color:\(tile.2);\">\(DigestFormatter.int(tile.1))</p></td>"
            }
            w.out += "</tr></table>"
            if let wait = c.medianFirstResponse {
                w.out += "<p style=\"margin:10px 0 0;\(w.font)font-size:14px;color:\(P.ink);\">Median time to first response: <strong>"
                    + DigestFormatter.wait(wait) + "</strong> (\(DigestFormatter.int(c.answered)) case\(c.answered == 1 ? "" : "s") answered)</p>"
            }
            w.caseTable(c.overdue, title: "Overdue (SLA breached)", dueLabel: "Due", urgent: true)
            w.caseTable(c.followUpsDue, title: "Follow-ups due", dueLabel: "Follow up by", urgent: false)
            w.caseTable(c.newCases, title: "New cases", dueLabel: "Due", urgent: false)
            w.satisfaction()
        }
    }

    private mutating func caseTable(_ items: [CaseItem], title: String, dueLabel: String, urgent: Bool) {
        guard !items.isEmpty else { return }
        out += "<h3 style=\"\(h3)\">\(escape(title))</h3>"
        out += "<table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"border-collapse:collapse;margin:0 0 6px;\">"
        out += "<thead><tr><th scope=\"col\" style=\"\(th)\">Case</th><th scope=\"col\" width=\"80\" style=\"\(th)width:80px;\">Severity</th>"
            + "<th scope=\"col\" width=\"130\" style=\"\(th)width:130px;\">\(escape(dueLabel))</th></tr></thead><tbody>"
        for item in items.prefix(DigestSummary.listLimit) {
            var who: [String] = []
            if let customer = item.customer, !UntrustedText.clean(customer).isEmpty { who.append(esc(customer, limit: 60)) }
            if let aspect = item.aspect, !UntrustedText.clean(aspect).isEmpty { who.append(esc(aspect, limit: 40)) }
            who.append(esc(item.status, limit: 30))
            who.append("opened \(s.format.dateTime(item.openedAt))")
            out += "<tr><td style=\"\(td)\"><strong>#\(item.id)</strong> \(esc(item.title, limit: 160))"
                + "<br><span style=\"\(small)font-size:12px;\">\(who.joined(separator: " · "))</span></td>"
                + "<td style=\"\(td)white-space:nowrap;\">\(severityBadge(item.severity))</td>"
                + "<td style=\"\(td)white-space:nowrap;\(urgent ? "color:\(P.negative);font-weight:600;" : "")\">"
                + "\(item.dueAt.map { s.format.dateTime($0) } ?? "–")</td></tr>"
        }
        out += "</tbody></table>"
        if items.count > DigestSummary.listLimit {
            out += "<p style=\"margin:0 0 8px;\(small)\">and \(items.count - DigestSummary.listLimit) more.</p>"
        }
    }

    /// The severity as a word on a tint; the colour only repeats what the word says.
    private func severityBadge(_ severity: String) -> String {
        let word = UntrustedText.clean(severity, limit: 20)
        let (fg, bg): (String, String)
        switch word.lowercased() {
        case "critical", "high", "urgent": (fg, bg) = (P.negative, P.negativeTint)
        case "medium", "normal": (fg, bg) = (P.warning, P.warningTint)
        default: (fg, bg) = (P.muted, "#eef1f5")
        }
        return "<span style=\"display:inline-block;padding:1px 8px;border-radius:10px;background:\(bg);color:\(fg);"
            + "font-size:12px;font-weight:700;\">\(escape(word))</span>"
    }

    private mutating func satisfaction() {
        let points = s.satisfactionPoints
        guard !points.isEmpty else { return }
        out += "<h3 style=\"\(h3)\">Follow-up satisfaction</h3>"
        out += "<table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"border-collapse:collapse;margin:0 0 6px;\">"
        out += "<thead><tr><th scope=\"col\" style=\"\(th)\">Period from</th><th scope=\"col\" style=\"\(th)text-align:right;\">Satisfied</th>"
            + "<th scope=\"col\" style=\"\(th)\">Rate</th></tr></thead><tbody>"
        for p in points.suffix(8) {
            let rate = p.rate ?? 0
            let pct = Int((rate * 100).rounded())
            out += "<tr><td style=\"\(td)white-space:nowrap;\">\(s.format.date(p.periodStart))</td>"
                + "<td style=\"\(td)text-align:right;white-space:nowrap;\">\(p.satisfied) of \(p.total)</td>"
                + "<td style=\"\(td)\" width=\"55%\"><table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr>"
                + "<td width=\"72%\"><table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"background:#e6ebf1;border-radius:4px;\"><tr>"
                + (pct > 0 ? "<td width=\"\(pct)%\" height=\"10\" style=\"height:10px;font-size:0;line-height:10px;background:\(P.positive);border-radius:4px;\">&nbsp;</td>" : "")
                + (pct < 100 ? "<td height=\"10\" style=\"height:10px;font-size:0;line-height:10px;\">&nbsp;</td>" : "")
                + "</tr></table></td><td style=\"padding-left:8px;\(font)font-size:13px;font-weight:700;color:\(P.ink);white-space:nowrap;\">"
                + "\(DigestFormatter.percent(rate))</td></tr></table></td></tr>"
        }
        out += "</tbody></table>"
        out += "<p style=\"margin:6px 0 4px;\(small)\">\(escape(s.satisfactionSentence))</p>"
    }

    // MARK: - 6 Source health

    private mutating func sourceHealth() {
        guard !report.sourceHealth.isEmpty else { return }
        section(DigestSummary.Section.sourceHealth) { w in
            w.out += "<table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"border-collapse:collapse;margin:0 0 8px;\">"
            w.out += "<thead><tr><th scope=\"col\" width=\"34%\" style=\"\(w.th)width:34%;\">Source</th><th scope=\"col\" width=\"80\" style=\"\(w.th)width:80px;\">State</th>"
                + "<th scope=\"col\" style=\"\(w.th)\">Detail</th></tr></thead><tbody>"
            for item in w.report.sourceHealth {
                let name = w.esc(item.name, limit: 60)
                let linked = UntrustedText.safeLink(item.url).map {
                    "<a href=\"\(UntrustedText.html($0))\" style=\"color:\(P.accent);text-decoration:underline;\">\(name)</a>"
                } ?? name
                var detail = w.esc(item.detail, limit: 200)
                if let since = item.since { detail += " <span style=\"color:\(P.muted);\">since \(w.s.format.date(since))</span>" }
                w.out += "<tr><th scope=\"row\" style=\"\(w.td)text-align:left;font-weight:600;\">\(linked)</th>"
                    + "<td style=\"\(w.td)white-space:nowrap;\">\(w.stateBadge(item.state))</td>"
                    + "<td style=\"\(w.td)\">\(detail)</td></tr>"
            }
            w.out += "</tbody></table>"
        }
    }

    private func stateBadge(_ state: String) -> String {
        let word = UntrustedText.clean(state, limit: 20)
        let (fg, bg): (String, String)
        switch word.lowercased() {
        case "failing", "gone", "unhealthy": (fg, bg) = (P.negative, P.negativeTint)
        case "stale", "moved": (fg, bg) = (P.warning, P.warningTint)
        default: (fg, bg) = (P.muted, "#eef1f5")
        }
        return "<span style=\"display:inline-block;padding:1px 8px;border-radius:10px;background:\(bg);color:\(fg);"
            + "font-size:12px;font-weight:700;\">\(escape(word))</span>"
    }
}
