import Foundation

/// Inline SVG charts for the HTML digest.
///
/// No scripts, no external fonts or images, no CSS classes: each chart is one `<svg role="img">`
/// labelled by its own `<title>` and `<desc>` (the desc is the same sentence printed under the chart,
/// so mail clients that strip SVG still show the numbers). Every string from a feed that lands in a
/// chart goes through `UntrustedText.htmlText` and only ever into text nodes, never into attributes.
enum DigestCharts {
    /// Drawing width: the 600 px card minus 24 px padding each side.
    static let width = 552.0

    // MARK: - Daily volume, stacked by sentiment

    static func volume(_ summary: DigestSummary) -> String {
        let days = summary.report.dailyVolume
        let height = 200.0
        let left = 36.0, right = 6.0, top = 22.0, bottom = 26.0
        let plotW = width - left - right, plotH = height - top - bottom
        let (maxY, step) = niceScale(Double(days.map(\.total).max() ?? 0))
        let slot = plotW / Double(max(days.count, 1))
        let barW = max(slot * 0.72, 1)

        var svg = open(id: "chart-volume", height: height, title: DigestSummary.Section.volume,
                       desc: summary.volumeSentence)
        // The report's own period, shaded, so "this week" stands out against the 30 days.
        if let first = days.firstIndex(where: { $0.day >= startOfUTCDay(summary.report.period.start) }),
           let last = days.lastIndex(where: { $0.day < summary.report.period.end }), first <= last {
            let x = left + Double(first) * slot
            svg += rect(x, top - 18, Double(last - first + 1) * slot, plotH + 18, fill: "#f1f4f9")
            svg += text(x + Double(last - first + 1) * slot / 2, top - 6, "this \(summary.report.periodName.count <= 5 ? summary.report.periodName : "period")",
                        size: 10, fill: DigestPalette.muted, anchor: "middle")
        }
        svg += yGrid(left: left, right: width - right, top: top, plotH: plotH, maxY: maxY, step: step) { v in
            DigestFormatter.int(Int(v))
        }
        for (i, d) in days.enumerated() {
            let x = left + Double(i) * slot + (slot - barW) / 2
            var y = top + plotH
            var bar = "<g><title>\(summary.format.day(d.day)): \(d.negative) negative, \(d.neutral) neutral, "
                + "\(d.positive) positive</title>"
            for (value, colour) in [(d.negative, DigestPalette.negative), (d.neutral, DigestPalette.neutral),
                                    (d.positive, DigestPalette.positive)] where value > 0 {
                let h = Double(value) / maxY * plotH
                y -= h
                // A 1 px white gap between segments keeps them apart without relying on colour.
                bar += rect(x, y, barW, max(h - 1, 0.8), fill: colour)
            }
            svg += bar + "</g>"
            // Label every 7th day counting back from the last, so the newest day is always labelled.
            if (days.count - 1 - i) % 7 == 0 {
                svg += text(x + barW / 2, height - 8, summary.format.day(d.day), size: 10,
                            fill: DigestPalette.muted, anchor: "middle")
            }
        }
        svg += line(left, top + plotH, width - right, top + plotH, stroke: "#9aa5b4")
        return svg + "</svg>"
    }

    // MARK: - Rating trend per source

    static func ratings(_ summary: DigestSummary) -> String {
        let series = summary.ratingSeries
        let height = 180.0
        let left = 36.0, right = 10.0, top = 12.0, bottom = 26.0
        let plotW = width - left - right, plotH = height - top - bottom
        let values = series.flatMap { $0.points.map(\.value) }.filter(\.isFinite)
        // Zoom to the data (ratings mostly live between 3.5 and 4.5) but never past 1...5 and never
        // narrower than one star, so small wobbles do not look like collapses.
        var lo = max(1, ((values.min() ?? 1) - 0.25).rounded(.down))
        var hi = min(5, ((values.max() ?? 5) + 0.25).rounded(.up))
        if hi - lo < 1 { if hi < 5 { hi += 1 } else { lo -= 1 } }
        let step = hi - lo > 2 ? 1.0 : 0.5
        let days = series.flatMap { $0.points.map(\.day) }
        let t0 = days.min() ?? Date(), t1 = days.max() ?? Date()
        let span = max(t1.timeIntervalSince(t0), 1)
        func px(_ d: Date) -> Double { days.count < 2 || t1 == t0 ? left + plotW / 2 : left + d.timeIntervalSince(t0) / span * plotW }
        func py(_ v: Double) -> Double { top + (hi - min(max(v, lo), hi)) / (hi - lo) * plotH }

        let sentence = series.map { summary.ratingSentence($0, { $0 }) }.joined(separator: " ")
        var svg = open(id: "chart-ratings", height: height, title: DigestSummary.Section.ratings,
                       desc: UntrustedText.clean(sentence, limit: 1000))
        var v = lo
        while v <= hi + 0.001 {
            let y = py(v)
            svg += line(left, y, width - right, y, stroke: DigestPalette.grid)
            svg += text(left - 6, y + 3.5, DigestFormatter.decimal(v) + "★", size: 10, fill: DigestPalette.muted, anchor: "end")
            v += step
        }
        for (i, s) in series.enumerated() {
            let colour = DigestPalette.series[i % DigestPalette.series.count]
            let points = s.points.filter { $0.value.isFinite }
            svg += "<g><title>\(UntrustedText.htmlText(s.source, limit: 60))</title>"
            if points.count > 1 {
                let coords = points.map { "\(fmt(px($0.day))),\(fmt(py($0.value)))" }.joined(separator: " ")
                svg += "<polyline points=\"\(coords)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" "
                    + "stroke-linejoin=\"round\" stroke-linecap=\"round\"/>"
            }
            for p in points {
                svg += marker(i, px(p.day), py(p.value), colour: colour)
            }
            svg += "</g>"
        }
        if t1 > t0 {
            svg += text(left, height - 8, summary.format.day(t0), size: 10, fill: DigestPalette.muted)
            svg += text(width - right, height - 8, summary.format.day(t1), size: 10, fill: DigestPalette.muted, anchor: "end")
        }
        return svg + "</svg>"
    }

    /// Circle, square, diamond, triangle…: the same shapes as `DigestPalette.seriesMarkers`.
    private static func marker(_ index: Int, _ x: Double, _ y: Double, colour: String) -> String {
        let r = 3.5
        switch index % 6 {
        case 1, 5:
            let fill = index % 6 == 5 ? "#ffffff" : colour
            return "<rect x=\"\(fmt(x - r))\" y=\"\(fmt(y - r))\" width=\"\(fmt(2 * r))\" height=\"\(fmt(2 * r))\" fill=\"\(fill)\" stroke=\"\(colour)\" stroke-width=\"1.5\"/>"
        case 2:
            return "<polygon points=\"\(fmt(x)),\(fmt(y - r - 1)) \(fmt(x + r + 1)),\(fmt(y)) \(fmt(x)),\(fmt(y + r + 1)) \(fmt(x - r - 1)),\(fmt(y))\" fill=\"\(colour)\"/>"
        case 3:
            return "<polygon points=\"\(fmt(x)),\(fmt(y - r - 1)) \(fmt(x + r + 1)),\(fmt(y + r)) \(fmt(x - r - 1)),\(fmt(y + r))\" fill=\"\(colour)\"/>"
        case 4:
            return "<circle cx=\"\(fmt(x))\" cy=\"\(fmt(y))\" r=\"\(fmt(r))\" fill=\"#ffffff\" stroke=\"\(colour)\" stroke-width=\"1.5\"/>"
        default:
            return "<circle cx=\"\(fmt(x))\" cy=\"\(fmt(y))\" r=\"\(fmt(r))\" fill=\"\(colour)\"/>"
        }
    }

    // MARK: - Aspects of negative mentions, horizontal bars

    static func aspects(_ summary: DigestSummary) -> String {
        let aspects = summary.shownAspects
        let rowH = 26.0, top = 4.0
        let labelW = 150.0, countW = 44.0
        let height = top * 2 + rowH * Double(aspects.count)
        let maxCount = Double(aspects.map(\.count).max() ?? 1)
        var svg = open(id: "chart-aspects", height: height, title: DigestSummary.Section.aspects,
                       desc: summary.aspectSentence { $0 })
        for (i, a) in aspects.enumerated() {
            let y = top + Double(i) * rowH
            let barW = max(Double(a.count) / maxCount * (width - labelW - countW), 2)
            svg += text(labelW - 10, y + rowH / 2 + 4, UntrustedText.clean(a.aspect, limit: 22), size: 12,
                        fill: DigestPalette.ink, anchor: "end")
            svg += rect(labelW, y + 5, barW, rowH - 10, fill: DigestPalette.negative, radius: 2)
            svg += text(labelW + barW + 6, y + rowH / 2 + 4, DigestFormatter.int(a.count), size: 12,
                        fill: DigestPalette.ink, weight: "600")
        }
        return svg + "</svg>"
    }

    // MARK: - Pieces

    /// The opening tag, title and description. `title` and `desc` are plain text and escaped here.
    private static func open(id: String, height: Double, title: String, desc: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\" "
            + "width=\"\(fmt(width))\" height=\"\(fmt(height))\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" "
            + "font-family=\"\(DigestPalette.font.replacingOccurrences(of: "'", with: ""))\" "
            + "style=\"display:block;max-width:100%;height:auto;\">"
            + "<title id=\"\(id)-title\">\(UntrustedText.html(title))</title>"
            + "<desc id=\"\(id)-desc\">\(UntrustedText.html(desc))</desc>"
    }

    /// Text is escaped here, so callers pass plain (cleaned) text.
    private static func text(_ x: Double, _ y: Double, _ content: String, size: Double, fill: String,
                             anchor: String = "start", weight: String = "400") -> String {
        "<text x=\"\(fmt(x))\" y=\"\(fmt(y))\" font-size=\"\(fmt(size))\" fill=\"\(fill)\" "
            + "text-anchor=\"\(anchor)\" font-weight=\"\(weight)\">\(UntrustedText.html(content))</text>"
    }

    private static func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, radius: Double = 0) -> String {
        "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(w))\" height=\"\(fmt(h))\" fill=\"\(fill)\""
            + (radius > 0 ? " rx=\"\(fmt(radius))\"" : "") + "/>"
    }

    private static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String) -> String {
        "<line x1=\"\(fmt(x1))\" y1=\"\(fmt(y1))\" x2=\"\(fmt(x2))\" y2=\"\(fmt(y2))\" stroke=\"\(stroke)\" stroke-width=\"1\"/>"
    }

    private static func yGrid(left: Double, right: Double, top: Double, plotH: Double, maxY: Double, step: Double,
                              label: (Double) -> String) -> String {
        var out = ""
        var v = 0.0
        while v <= maxY + 0.001 {
            let y = top + plotH - v / maxY * plotH
            if v > 0 { out += line(left, y, right, y, stroke: DigestPalette.grid) }
            out += text(left - 6, y + 3.5, label(v), size: 10, fill: DigestPalette.muted, anchor: "end")
            v += step
        }
        return out
    }

    /// A round maximum and step for an axis: 1, 2 or 5 times a power of ten, about four steps.
    static func niceScale(_ maximum: Double) -> (max: Double, step: Double) {
        guard maximum > 0, maximum.isFinite else { return (4, 1) }
        let raw = maximum / 4
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let stepWhole = max(step.rounded(.up), 1)
        return ((maximum / stepWhole).rounded(.up) * stepWhole, stepWhole)
    }

    static func startOfUTCDay(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
    }

    /// Coordinates with at most one decimal, to keep the markup small.
    static func fmt(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (v * 10).rounded() / 10
        return r == r.rounded() && abs(r) < 1e9 ? String(Int(r)) : String(r)
    }
}
