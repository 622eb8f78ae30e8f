import Foundation
import Testing
@testable import EarshotDigest

/// The digest renderers: content and order in every format, quiet days, JSON round trips, and
/// hostile feed text that must never become markup.
@Suite struct DigestRenderTests {
    // MARK: - Content and order

    /// How each format spells a section heading.
    static func heading(_ title: String, _ format: DigestFormat) -> String {
        switch format {
        case .html: return ">\(title)</h2>"
        case .text: return "\n\(title.uppercased())\n"
        case .md: return "\n## \(title)\n"
        case .json: return title
        }
    }

    static let allSections = [
        DigestSummary.Section.headline, DigestSummary.Section.problems, DigestSummary.Section.spikes,
        DigestSummary.Section.trends, DigestSummary.Section.topNegative, DigestSummary.Section.topPositive,
        DigestSummary.Section.cases, DigestSummary.Section.sourceHealth,
    ]

    @Test(arguments: [DigestFormat.html, .text, .md])
    func sampleShowsEverySectionInOrder(format: DigestFormat) throws {
        let output = format.render(DigestSample.report())
        var previous = output.startIndex
        for title in Self.allSections {
            let range = try #require(output.range(of: Self.heading(title, format)), "\(title) missing in \(format)")
            #expect(range.lowerBound > previous, "\(title) out of order in \(format)")
            previous = range.lowerBound
        }
        // Sub-sections of the charts and cases, in order.
        var sub = output.startIndex
        for title in [DigestSummary.Section.volume, DigestSummary.Section.ratings, DigestSummary.Section.aspects,
                      "Overdue (SLA breached)", "Follow-ups due", "Follow-up satisfaction"] {
            let range = try #require(output.range(of: title), "\(title) missing in \(format)")
            #expect(range.lowerBound > sub, "\(title) out of order in \(format)")
            sub = range.lowerBound
        }
    }

    @Test(arguments: [DigestFormat.html, .text, .md])
    func sampleCarriesTheSameFacts(format: DigestFormat) {
        let output = format.render(DigestSample.report())
        for fact in ["412", "17.7%", "+6.5 pp", "366", "3.9/5", "case #412", "9 customers", "19 negative mentions",
                     "Third week in a row", "Jana K.", "Trustpilot", "1-star review", "Honestly the best",
                     "#418", "Parcel marked delivered", "62.5%", "HTTP 503 on the last 4 fetches",
                     "Negative mentions were mostly about delivery (31)"] {
            #expect(output.contains(fact), "\(format) lacks \(fact)")
        }
        if format != .html { #expect(output.contains("▲ +6.5 pp (worse)")) }
    }

    @Test func htmlIsEmailSafeAndAccessible() throws {
        let html = DigestRenderer.html(DigestSample.report())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<html lang=\"en\""))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("src="))
        #expect(html.contains("width=\"600\""))
        // Three charts, each an image labelled by its title and description, with a text alternative.
        for id in ["chart-volume", "chart-ratings", "chart-aspects"] {
            #expect(html.contains("role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\""))
            #expect(html.contains("<title id=\"\(id)-title\">"))
            #expect(html.contains("<desc id=\"\(id)-desc\">"))
        }
        #expect(html.contains("<polyline"))
        #expect(html.contains("<th scope=\"col\""))
        // Headings go h1, h2, h3 without skipping a level.
        let levels = try html.matches(of: Regex("<h([1-6])")).compactMap { match in
            match.output[1].substring.flatMap { Int($0) }
        }
        #expect(levels.first == 1)
        for (a, b) in zip(levels, levels.dropFirst()) { #expect(b <= a + 1) }
        // Sentiment is named in words next to the colours.
        #expect(html.contains("Negative · complaint"))
        #expect(html.contains("73 negative"))
        #expect(html.contains("href=\"https://www.trustpilot.com/reviews/abc123\""))
    }

    // MARK: - Quiet days and empty sections

    static func quietReport(sourceHealth: [SourceHealthItem] = []) -> DigestReport {
        let start = DigestSample.date(7)
        return DigestReport(
            period: DateInterval(start: start, duration: DigestSample.day),
            previousPeriod: DateInterval(start: DigestSample.date(6), duration: DigestSample.day),
            periodName: "day", generatedAt: DigestSample.date(8, 6), brand: "Northwind Coffee",
            headline: Headline(), previousHeadline: Headline.make(positive: 3, neutral: 2, negative: 1),
            dailyVolume: [DayVolume(day: start, positive: 0, neutral: 0, negative: 0)],
            cases: CaseSummary(resolved: 0, open: 4), sourceHealth: sourceHealth)
    }

    @Test(arguments: [DigestFormat.text, .md])
    func quietDayIsOneLine(format: DigestFormat) {
        let report = Self.quietReport()
        #expect(report.isQuiet)
        let output = format.render(report)
        #expect(output == "Quiet day for Northwind Coffee (Mon 9 Nov 2026): no mentions, no problems or spikes, "
            + "no cases opened or due.\n")
    }

    @Test func quietDayInHTMLIsOneLineInTheFrame() {
        let html = DigestRenderer.html(Self.quietReport())
        #expect(html.contains("Quiet day for Northwind Coffee"))
        #expect(!html.contains("<h2"))
        #expect(!html.contains("<svg"))
    }

    @Test(arguments: DigestFormat.allCases.filter { $0 != .json })
    func quietDayStillShowsSourceProblems(format: DigestFormat) {
        let health = SourceHealthItem(name: "Shop reviews", url: "https://shop.example/reviews", state: "stale",
                                      detail: "no new items for 9 days")
        let output = format.render(Self.quietReport(sourceHealth: [health]))
        #expect(output.contains("Quiet day for Northwind Coffee"))
        #expect(output.contains(Self.heading(DigestSummary.Section.sourceHealth, format)))
        #expect(output.contains("no new items for 9 days"))
        for title in Self.allSections.dropLast() { #expect(!output.contains(Self.heading(title, format))) }
    }

    @Test(arguments: [DigestFormat.html, .text, .md])
    func emptySectionsAreLeftOut(format: DigestFormat) {
        var report = DigestSample.report()
        report.problems = []
        report.spikes = []
        report.topPositive = []
        report.ratingTrend = []
        report.sourceHealth = []
        report.cases.followUpsDue = []
        #expect(!report.isQuiet)
        let output = format.render(report)
        for title in [DigestSummary.Section.problems, DigestSummary.Section.spikes, DigestSummary.Section.topPositive,
                      DigestSummary.Section.sourceHealth] {
            #expect(!output.contains(Self.heading(title, format)), "\(title) shown empty in \(format)")
        }
        #expect(!output.contains(DigestSummary.Section.ratings))
        #expect(!output.contains("Follow-ups due"))
        #expect(output.contains(Self.heading(DigestSummary.Section.topNegative, format)))
    }

    // MARK: - JSON

    @Test func jsonRoundTrips() throws {
        let report = DigestSample.report()
        let json = DigestRenderer.json(report)
        #expect(try DigestRenderer.decodeJSON(json) == report)
        #expect(json.contains("\"generatedAt\" : \"2026-11-09T07:00:00Z\""))
        // Sorted keys: "brand" before "cases" before "dailyVolume".
        let keys = ["\"brand\"", "\"cases\"", "\"dailyVolume\"", "\"generatedAt\"", "\"headline\""]
        let positions = keys.compactMap { json.range(of: $0)?.lowerBound }
        #expect(positions.count == keys.count && positions == positions.sorted())
    }

    @Test func jsonRoundTripsHostileText() throws {
        let report = Self.hostileReport(Self.hostile.joined(separator: " "))
        #expect(try DigestRenderer.decodeJSON(DigestRenderer.json(report)) == report)
    }

    @Test func jsonSurvivesNonFiniteNumbers() throws {
        var report = Self.quietReport()
        report.headline.negativeShare = .nan
        report.spikes = [SpikeItem(start: DigestSample.date(7), negatives: 3, baseline: .infinity)]
        let json = DigestRenderer.json(report)
        #expect(json.contains("\"nan\""))
        let back = try DigestRenderer.decodeJSON(json)
        #expect(back.headline.negativeShare.isNaN)
        #expect(back.spikes.first?.baseline == .infinity)
        _ = DigestRenderer.html(report)  // and the page still renders
    }
}

// MARK: - Hostile feed text

extension DigestRenderTests {
    /// The usual XSS vectors, terminal escapes and Unicode tricks. Any of them may arrive as a
    /// review, an author name, a feed title or a link.
    static let hostile: [String] = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "javascript:alert(1)",
        " JaVaScRiPt:alert(document.cookie)",
        "java\tscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "\" onmouseover=\"alert(1)",
        "' onfocus='alert(1)' autofocus='",
        "x\" onmouseover=alert(1) x=\"",
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "</title><script>alert(1)</script>",
        "</desc></svg><img src=x onerror=alert(1)>",
        "</text><foreignObject><iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<p style=\"width:expression(alert(1))\">x</p>",
        "</style><style>body{background:url(https://evil.example/track.png)}</style>",
        "<a href=\"javascript:alert(1)\">click</a>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<!--<img src=x onerror=alert(1)>-->",
        "]]><script>alert(1)</script>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;",
        "line\u{2028}separator\u{2029}<script>alert(1)</script>",
        "\u{202E}gpj.exe",
        "\u{1B}[2J\u{1B}[31mterminal escape\u{07}",
        "[click me](javascript:alert(1)) ![x](https://evil.example/x.png) <https://evil.example>",
        "# heading\n- item\n| a | b |\n```\ncode",
        "https://example.com/\" onmouseover=\"alert(1)",
        "https://example.com/<script>alert(1)</script>",
        String(repeating: "<script>alert(1)</script>", count: 2_000) + String(repeating: "A", count: 50_000),
    ]

    /// A report in which every untrusted field holds `payload`.
    static func hostileReport(_ payload: String) -> DigestReport {
        var r = DigestSample.report()
        r.brand = payload
        r.problems = [ProblemItem(caseID: 1, aspect: payload, customers: 3, since: DigestSample.date(1),
                                  status: payload, title: payload)]
        r.ratingTrend = [RatingSeries(source: payload, points: [RatingPoint(day: DigestSample.date(0), value: 3),
                                                                RatingPoint(day: DigestSample.date(5), value: 2)])]
        r.negativeAspects = [AspectCount(aspect: payload, count: 5)]
        let mention = MentionItem(id: 1, excerpt: payload, author: payload, source: payload, link: payload,
                                  published: DigestSample.date(2), compound: -0.9, rating: 1, bestRating: 5,
                                  reasons: [payload, payload], isComplaint: true, aspects: [payload])
        r.topNegative = [mention]
        r.topPositive = [mention]
        let item = CaseItem(id: 2, title: payload, severity: payload, status: payload, customer: payload,
                            openedAt: DigestSample.date(1), dueAt: DigestSample.date(2), aspect: payload)
        r.cases.overdue = [item]
        r.cases.followUpsDue = [item]
        r.cases.newCases = [item]
        r.sourceHealth = [SourceHealthItem(name: payload, url: payload, state: payload, detail: payload)]
        return r
    }

    /// Elements and attributes the HTML writer itself uses; anything else came from a feed.
    static let allowedTags: Set<String> = [
        "!doctype", "html", "head", "meta", "title", "style", "body", "div", "span", "table", "thead", "tbody",
        "tr", "td", "th", "p", "h1", "h2", "h3", "strong", "a", "br",
        "svg", "g", "desc", "rect", "line", "polyline", "polygon", "circle", "text",
    ]
    static let allowedAttributes: Set<String> = [
        "lang", "dir", "charset", "name", "content", "role", "aria-roledescription", "aria-label", "aria-labelledby",
        "aria-hidden", "class", "id", "width", "height", "cellpadding", "cellspacing", "border", "align", "valign",
        "style", "scope", "href", "xmlns", "viewbox", "font-family", "font-size", "font-weight", "text-anchor",
        "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "fill", "stroke", "stroke-width",
        "stroke-linejoin", "stroke-linecap", "points",
    ]

    @Test(arguments: hostile)
    func hostileTextNeverBecomesHTML(payload: String) throws {
        let html = DigestRenderer.html(Self.hostileReport(payload))
        let tags = try HTMLTagScanner.scan(html)
        #expect(!tags.isEmpty)
        for tag in tags where tag.name != "!doctype" {
            #expect(Self.allowedTags.contains(tag.name), "unexpected <\(tag.name)> from \(payload.prefix(60))")
            // Feed text never lands in an attribute; only checked http(s) URLs do, in href.
            for (name, value) in tag.attributes {
                #expect(Self.allowedAttributes.contains(name), "unexpected attribute \(name) on <\(tag.name)>")
                #expect(!name.hasPrefix("on"), "event handler \(name)")
                let lower = value.lowercased()
                for bad in ["javascript:", "vbscript:", "data:", "url(", "expression", "@import", "<", ">"] {
                    #expect(!lower.contains(bad), "\(name)=\"\(value.prefix(80))\" holds \(bad)")
                }
                if name == "href" {
                    #expect(lower.hasPrefix("https://") || lower.hasPrefix("http://"), "href \(value.prefix(80))")
                }
            }
        }
        // The one <style> block is ours and the same whatever the feed said.
        let styles = html.components(separatedBy: "<style>").dropFirst().map { $0.components(separatedBy: "</style>")[0] }
        #expect(styles == [Self.printStyle])
        #expect(html.components(separatedBy: "<title id=").count - 1 == 3)  // one per chart, all ours
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("\u{2028}") && !html.contains("\u{2029}") && !html.contains("\u{202E}"))
        #expect(!html.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }

    static let printStyle = DigestRenderer.html(DigestSample.report())
        .components(separatedBy: "<style>")[1].components(separatedBy: "</style>")[0]

    @Test func entityEncodedPayloadStaysText() {
        let html = DigestRenderer.html(Self.hostileReport("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;"))
        let md = DigestRenderer.markdown(Self.hostileReport("&lt;b&gt;"))
        #expect(md.contains("\\&lt;b\\&gt;"))
    }

    @Test func unsafeLinksAreShownButNeverLinked() {
        let html = DigestRenderer.html(Self.hostileReport("javascript:alert(1)"))
        #expect(!html.contains("href=\"javascript"))
        #expect(html.contains("link: javascript:alert(1)"))
        let md = DigestRenderer.markdown(Self.hostileReport("javascript:alert(1)"))
        #expect(!md.contains("](javascript"))
    }

    @Test func longTextIsShortened() {
        let long = String(repeating: "word ", count: 10_000)
        let html = DigestRenderer.html(Self.hostileReport(long))
        #expect(html.utf8.count < 200_000)
        #expect(html.contains("word…"))
        let text = DigestRenderer.text(Self.hostileReport(String(repeating: "x", count: 5_000)))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= TextDigestWriter.width })
    }

    @Test(arguments: hostile)
    func hostileTextNeverBecomesMarkdown(payload: String) throws {
        let md = DigestRenderer.markdown(Self.hostileReport(payload))
        // We write no HTML into Markdown, so every angle bracket must be an escaped one from a feed.
        let unescaped = try NSRegularExpression(pattern: #"(?<!\\)[<>]"#)
        #expect(unescaped.numberOfMatches(in: md, range: NSRange(md.startIndex..., in: md)) == 0)
        // Every link is ours and goes to http(s).
        let link = try NSRegularExpression(pattern: #"(?<!\\)\]\(([^)]*)\)"#)
        for match in link.matches(in: md, range: NSRange(md.startIndex..., in: md)) {
            let target = (md as NSString).substring(with: match.range(at: 1)).lowercased()
            #expect(target.hasPrefix("https://") || target.hasPrefix("http://"), "link to \(target.prefix(80))")
        }
        // No feed text starts a line, so none can open a heading or a code block: the only headings
        // are the title and our own section names.
        let ours = Set(Self.allSections + [DigestSummary.Section.volume, DigestSummary.Section.ratings,
                                            DigestSummary.Section.aspects, "Overdue (SLA breached)", "Follow-ups due",
                                            "New cases", "Follow-up satisfaction"])
        for (n, line) in md.split(separator: "\n").enumerated() {
            #expect(!line.hasPrefix("```") && !line.hasPrefix("~~~"))
            guard line.hasPrefix("#"), n > 0 else { continue }
            let title = line.drop(while: { $0 == "#" }).dropFirst()
            #expect(ours.contains(String(title)), "feed text made a heading: \(line.prefix(60))")
        }
    }

    @Test(arguments: hostile)
    func hostileTextCannotDriveATerminal(payload: String) {
        let text = DigestRenderer.text(Self.hostileReport(payload))
        #expect(!text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) })
        #expect(!text.unicodeScalars.contains { [0x2028, 0x2029, 0x202E, 0x2066, 0x200F].contains($0.value) })
    }

    @Test(arguments: [
        ("https://example.com/a?b=1&c=2", true), ("http://example.com", true), ("HTTPS://EXAMPLE.COM/x", true),
        ("  https://example.com/x  ", true),
        ("javascript:alert(1)", false), ("JAVASCRIPT:alert(1)", false), ("data:text/html,x", false),
        ("vbscript:x", false), ("//evil.example/x", false), ("/relative", false), ("https://", false),
        ("java\nscript:alert(1)", false), ("https://exa mple.com", false), ("https://example.com/\"x", false),
        ("https://example.com/<x>", false), ("https://example.com/\u{202E}x", false), ("", false),
        ("https://example.com/" + String(repeating: "a", count: 3_000), false),
    ])
    func onlyHTTPLinks(link: String, isSafe: Bool) {
        #expect((UntrustedText.safeLink(link) != nil) == isSafe, "\(link.prefix(60))")
    }

    @Test func htmlEscapesAllFiveCharacters() {
        #expect(UntrustedText.html("<a href='x' title=\"y\">&</a>")
            == "&lt;a href=&#39;x&#39; title=&quot;y&quot;&gt;&amp;&lt;/a&gt;")
    }

    @Test(arguments: [
        ("*bold* _it_ `code` [l](u)", "\\*bold\\* \\_it\\_ \\`code\\` \\[l\\](u)"),
        ("- item", "\\- item"), ("1. first", "1\\. first"), ("# title", "\\# title"), ("a | b", "a \\| b"),
        ("<b>x</b>", "\\<b\\>x\\</b\\>"),
    ])
    func markdownEscapes(raw: String, escaped: String) {
        #expect(UntrustedText.markdown(raw) == escaped)
    }

    @Test func cleaningRemovesControlsAndSeparators() {
        #expect(UntrustedText.clean("a\u{2028}b\u{2029}c\u{1B}[31m\u{202E}d\n\n e\u{0}") == "a b c[31md e")
        #expect(UntrustedText.clean(String(repeating: "é", count: 50), limit: 10) == String(repeating: "é", count: 9) + "…")
    }
}

/// A small HTML tag reader for the tests: every `<` the writer emits starts a tag (feed text is
/// escaped, and our `<style>` holds no `<`), so reading every `<` as a tag, with no raw-text
/// elements, sees at least as many tags as a browser would build.
struct HTMLTagScanner {
    struct Tag { let name: String; let attributes: [(String, String)] }
    struct Malformed: Error { let at: Int }

    static func scan(_ html: String) throws -> [Tag] {
        let chars = Array(html.unicodeScalars)
        var tags: [Tag] = []
        var i = 0
        while i < chars.count {
            guard chars[i] == "<" else { i += 1; continue }
            i += 1
            if i < chars.count && chars[i] == "/" {  // closing tag
                while i < chars.count && chars[i] != ">" { i += 1 }
                i += 1
                continue
            }
            var name = ""
            while i < chars.count, !" \n\t/>".unicodeScalars.contains(chars[i]) { name.unicodeScalars.append(chars[i]); i += 1 }
            name = name.lowercased()
            guard !name.isEmpty else { throw Malformed(at: i) }
            var attributes: [(String, String)] = []
            while i < chars.count && chars[i] != ">" {
                if " \n\t/".unicodeScalars.contains(chars[i]) { i += 1; continue }
                var attr = ""
                while i < chars.count, !" \n\t/>=".unicodeScalars.contains(chars[i]) { attr.unicodeScalars.append(chars[i]); i += 1 }
                var value = ""
                if i < chars.count && chars[i] == "=" {
                    i += 1
                    if i < chars.count && (chars[i] == "\"" || chars[i] == "'") {
                        let quote = chars[i]
                        i += 1
                        while i < chars.count && chars[i] != quote { value.unicodeScalars.append(chars[i]); i += 1 }
                        i += 1
                    } else {
                        while i < chars.count, !" \n\t>".unicodeScalars.contains(chars[i]) { value.unicodeScalars.append(chars[i]); i += 1 }
                    }
                }
                attributes.append((attr.lowercased(), value))
            }
            i += 1
            tags.append(Tag(name: name, attributes: attributes))
        }
        return tags
    }
}


// MARK: - Sample report

/// A realistic week for a coffee brand, built by hand: every section has something in it.
enum DigestSample {
    static let day: TimeInterval = 86_400
    /// Monday 2 November 2026, 00:00 UTC.
    static let weekStart = Date(timeIntervalSince1970: 1_793_577_600)

    static func date(_ dayOffset: Double, _ hour: Double = 0) -> Date {
        weekStart.addingTimeInterval(dayOffset * day + hour * 3600)
    }

    static func report() -> DigestReport {
        let period = DateInterval(start: weekStart, duration: 7 * day)
        let previous = DateInterval(start: date(-7), duration: 7 * day)
        // 30 days ending Sunday 8 November; a delivery problem builds up in the last week.
        var volume: [DayVolume] = []
        for i in 0..<30 {
            let d = date(Double(i - 23))
            let weekday = i % 7
            let base = 9 + (weekday == 5 || weekday == 6 ? 4 : 0) + (i * 7) % 5
            let negative = i >= 23 ? 3 + (i - 23) * 2 % 7 + (i == 25 ? 9 : 0) : 1 + (i * 3) % 3
            volume.append(DayVolume(day: d, positive: base - 2 + i % 4, neutral: base, negative: negative))
        }
        let trust = RatingSeries(source: "Trustpilot", points: (0..<6).map {
            RatingPoint(day: date(Double(-25 + $0 * 5)), value: [4.4, 4.3, 4.35, 4.2, 3.9, 3.7][$0], count: [8, 11, 9, 12, 15, 19][$0])
        })
        let google = RatingSeries(source: "Google Maps", points: (0..<6).map {
            RatingPoint(day: date(Double(-25 + $0 * 5)), value: [4.1, 4.2, 4.2, 4.25, 4.3, 4.2][$0], count: [5, 4, 7, 6, 8, 6][$0])
        })
        let appStore = RatingSeries(source: "App Store", points: (0..<6).map {
            RatingPoint(day: date(Double(-25 + $0 * 5)), value: [3.6, 3.8, 3.7, 3.9, 3.5, 3.2][$0], count: nil)
        })
        return DigestReport(
            period: period, previousPeriod: previous, periodName: "week",
            generatedAt: date(7, 7), brand: "Northwind Coffee", timeZone: "UTC",
            headline: Headline(mentions: 412, negative: 73, positive: 181, neutral: 158, negativeShare: 73.0 / 412,
                               netSentiment: (181.0 - 73) / 412, averageRating: 3.9, ratingCount: 46),
            previousHeadline: Headline(mentions: 366, negative: 41, positive: 175, neutral: 150, negativeShare: 41.0 / 366,
                                       netSentiment: (175.0 - 41) / 366, averageRating: 4.2, ratingCount: 38),
            problems: [
                ProblemItem(caseID: 412, aspect: "delivery", customers: 9, since: date(-5, 10), status: "open",
                            title: "Orders to Berlin arriving 3–5 days late"),
                ProblemItem(caseID: 415, aspect: "refund", customers: 4, since: date(2, 16), status: "acknowledged",
                            title: "Refunds for cancelled subscriptions not received"),
            ],
            spikes: [SpikeItem(start: date(3, 14), end: date(3, 18), negatives: 19, baseline: 2.5)],
            dailyVolume: volume,
            ratingTrend: [trust, google, appStore],
            negativeAspects: [AspectCount(aspect: "delivery", count: 31), AspectCount(aspect: "refund", count: 14),
                              AspectCount(aspect: "packaging", count: 9), AspectCount(aspect: "app", count: 7),
                              AspectCount(aspect: "taste", count: 5), AspectCount(aspect: "price", count: 4),
                              AspectCount(aspect: "customer service", count: 3)],
            topNegative: [
                MentionItem(id: 9001, excerpt: "Third week in a row my order shows up late. Tracking says delivered, the box is nowhere. Support just sends the same template.",
                            author: "Jana K.", source: "Trustpilot", link: "https://www.trustpilot.com/reviews/abc123",
                            published: date(3, 14.2), compound: -0.86, rating: 1, bestRating: 5,
                            reasons: ["1-star review", "mentions delivery", "says support did not help"], isComplaint: true,
                            aspects: ["delivery", "customer service"]),
                MentionItem(id: 9002, excerpt: "Cancelled my subscription a month ago and still waiting for the refund. Not happy.",
                            author: "@mkoehler", source: "Mastodon", link: "https://mastodon.social/@mkoehler/1130",
                            published: date(4, 9.5), compound: -0.62, reasons: ["mentions refund"], isComplaint: true,
                            aspects: ["refund"]),
                MentionItem(id: 9003, excerpt: "The new bags tear when you open them. Coffee everywhere.",
                            author: nil, source: "Reddit r/coffee", link: "https://www.reddit.com/r/coffee/comments/xyz",
                            published: date(5, 20), compound: -0.44, reasons: ["negative tone"], aspects: ["packaging"]),
            ],
            topPositive: [
                MentionItem(id: 9101, excerpt: "Honestly the best single-origin I have had this year. The Ethiopia Guji is stunning.",
                            author: "Priya S.", source: "Google Maps", link: "https://maps.google.com/?cid=42",
                            published: date(1, 11), compound: 0.91, rating: 5, bestRating: 5, reasons: ["5-star review"],
                            aspects: ["taste"]),
                MentionItem(id: 9102, excerpt: "Shout-out to the barista team at the Hauptstraße shop, always friendly.",
                            author: "Tom", source: "Instagram", link: nil, published: date(6, 8), compound: 0.78,
                            aspects: ["staff"]),
            ],
            cases: CaseSummary(
                opened: 11, resolved: 7, open: 14,
                overdue: [
                    CaseItem(id: 418, title: "Parcel marked delivered but never arrived", severity: "high", status: "open",
                             customer: "Jana K.", openedAt: date(3, 14.5), dueAt: date(4, 14.5), aspect: "delivery"),
                    CaseItem(id: 409, title: "Charged twice for November box", severity: "medium", status: "acknowledged",
                             customer: "Ali R.", openedAt: date(0, 9), dueAt: date(2, 9), aspect: "billing"),
                ],
                followUpsDue: [
                    CaseItem(id: 377, title: "Wrong grind size shipped", severity: "low", status: "resolved",
                             customer: "Sam P.", openedAt: date(-6, 10), dueAt: date(7, 10)),
                ],
                newCases: [
                    CaseItem(id: 421, title: "Refund not received after cancellation", severity: "medium", status: "open",
                             customer: "@mkoehler", openedAt: date(4, 9.6), dueAt: date(5, 9.6), aspect: "refund"),
                ],
                satisfaction: [
                    SatisfactionPoint(periodStart: date(-21), satisfied: 6, total: 8),
                    SatisfactionPoint(periodStart: date(-14), satisfied: 9, total: 10),
                    SatisfactionPoint(periodStart: date(-7), satisfied: 7, total: 9),
                    SatisfactionPoint(periodStart: date(0), satisfied: 5, total: 8),
                ]),
            sourceHealth: [
                SourceHealthItem(name: "Trustpilot reviews", url: "https://www.trustpilot.com/review/northwind.example",
                                 state: "failing", detail: "HTTP 503 on the last 4 fetches", since: date(5, 3)),
                SourceHealthItem(name: "Coffee forum RSS", url: "https://forum.example/feed.xml", state: "moved",
                                 detail: "301 to https://forum.example/rss; update earshot.yaml", since: date(6)),
            ])
    }
}
