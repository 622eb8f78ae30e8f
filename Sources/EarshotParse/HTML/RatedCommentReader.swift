import Foundation

/// Reviews written as rated blog comments: the comment list most blogs publish (WordPress's
/// `wp_list_comments` markup, `<li id="comment-N" class="comment …">`), where a rating plugin
/// (WP Recipe Maker, Tasty Recipes, site-made stars) puts the commenter's stars in the comment.
///
/// Read only when a page has no schema.org reviews and the source has no selectors. A comment with
/// stars is a review; one without is conversation and is left out, except that the site's own answer
/// (`bypostauthor`, a reply to a rated comment) becomes that review's owner response. Author, date,
/// text and rating come from what the page shows: the author's name (`.fn`, `.comment-author-name`,
/// `.comment-author` less "says"), `<time datetime>` or the visible date ("October 20, 2019 at 9:14 am"),
/// the comment's text without its reply link, and the stars from an `alt`, `aria-label`, `title` or
/// `data-rating` on an element whose class names a rating ("5 stars", "Rated 4 out of 5", "4").
struct RatedCommentReader {
    let base: URL?
    let pageLink: String?
    let maximumDepth: Int
    private(set) var entries: [ParsedEntry] = []

    init(base: URL?, pageLink: String?, maximumDepth: Int) {
        self.base = base; self.pageLink = pageLink; self.maximumDepth = maximumDepth
    }

    /// `wp_list_comments` in its list style (`<li id="comment-N" class="comment">`) or div style.
    static let commentXPath = "//*[self::li or self::div][starts-with(@id, 'comment-') and contains(concat(' ', normalize-space(@class), ' '), ' comment ')]"

    mutating func read(_ document: HTMLDocument) {
        for comment in document.elements(Self.commentXPath) {
            let own = Self.ownElements(of: comment, maximumDepth: maximumDepth)
            guard let rating = Self.rating(in: own) else { continue }
            guard let text = Self.text(own: own, comment: comment), !text.isEmpty else { continue }
            var entry = ParsedEntry()
            entry.author = Self.author(in: own)
            entry.published = Self.date(in: own)
            entry.content = text
            entry.rating = rating.value
            entry.bestRating = rating.best
            if let id = comment.attribute("id"), let page = pageLink {
                entry.link = (page.split(separator: "#", maxSplits: 1).first.map(String.init) ?? page) + "#" + id
            }
            entry.responses = Self.ownerAnswers(to: comment, maximumDepth: maximumDepth)
            entries.append(entry)
        }
    }

    /// The comment's own elements: its replies (nested lists of comments) are other comments.
    static func ownElements(of comment: HTMLNode, maximumDepth: Int) -> [HTMLNode] {
        var out: [HTMLNode] = []
        comment.walkElements { element, depth in
            if isReplyList(element) || ((element.hasName("li") || element.hasName("div")) && (element.attribute("id") ?? "").hasPrefix("comment-")) {
                return .skip
            }
            out.append(element)
            return depth < maximumDepth ? .descend : .skip
        }
        return out
    }

    static func isReplyList(_ element: HTMLNode) -> Bool {
        (element.hasName("ul") || element.hasName("ol") || element.hasName("div")) && element.tokens("class").contains("children")
    }

    static func hasClass(_ element: HTMLNode, containing part: String) -> Bool {
        element.tokens("class").contains { $0.contains(part) }
    }

    static func hasClass(_ element: HTMLNode, in names: Set<String>) -> Bool {
        element.tokens("class").contains { names.contains($0) }
    }

    // MARK: - Fields

    static func rating(in own: [HTMLNode]) -> ReviewRating? {
        for element in own where hasClass(element, containing: "rating") {
            if let value = element.attribute("data-rating").flatMap({ ReviewRating.number($0) }), value > 0 {
                return ReviewRating(value: value, best: element.attribute("data-max-rating").flatMap { ReviewRating.number($0) })
            }
            for attribute in ["alt", "aria-label", "title"] {
                if let said = element.attribute(attribute), let rating = ReviewRating.parse(said), rating.value > 0 { return rating }
            }
            if let counted = countedStars(in: element) { return counted }
        }
        return nil
    }

    /// Stars drawn one element each ("star full", "star-filled", "star active", "star half"): the full ones
    /// count one, a half one a half; the scale is the number of stars drawn.
    static func countedStars(in rating: HTMLNode) -> ReviewRating? {
        var full = 0.0, drawn = 0
        rating.walkElements { element, depth in
            let classes = element.tokens("class")
            guard classes.contains(where: { $0.contains("star") }) else { return depth < 4 ? .descend : .skip }
            let joined = classes.joined(separator: " ")
            if joined.contains("empty") || joined.contains("-off") || joined.contains("outline") {
                drawn += 1
            } else if joined.contains("half") {
                drawn += 1; full += 0.5
            } else if joined.contains("full") || joined.contains("fill") || joined.contains("active") || joined.contains("-on") {
                drawn += 1; full += 1
            } else {
                return depth < 4 ? .descend : .skip
            }
            return .skip
        }
        guard drawn >= 3, full > 0 else { return nil }
        return ReviewRating(value: full, best: Double(drawn))
    }

    static func author(in own: [HTMLNode]) -> String? {
        let named = own.first { hasClass($0, in: ["fn", "comment-author-name"]) }
            ?? own.first { hasClass($0, in: ["comment-author", "author-name"]) }
        guard let node = named, var name = HTMLText.text(of: node) else { return nil }
        for says in [" says:", " says", " said:"] where name.lowercased().hasSuffix(says) {
            name = String(name.dropLast(says.count))
        }
        name = name.trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? nil : name
    }

    static func date(in own: [HTMLNode]) -> Date? {
        if let stamp = own.lazy.compactMap({ $0.hasName("time") ? $0.attribute("datetime") : nil }).compactMap(DateParser.parse).first {
            return stamp
        }
        let candidates = own.filter { $0.hasName("time") || hasClass($0, in: ["comment-meta", "commentmetadata", "comment-metadata", "comment-date", "comment-time"]) }
        for node in candidates {
            if let text = HTMLText.text(of: node), let date = VisibleDate.parse(text) { return date }
        }
        return nil
    }

    static let leftOut: Set<String> = ["reply", "comment-reply", "comment-reply-link", "comment-author", "comment-meta",
                                       "commentmetadata", "comment-metadata", "comment-header", "says", "comment-awaiting-moderation"]

    /// The comment's words: its content block (`.comment-content`, `.comment-text`), else the comment less
    /// its author line, date and reply link.
    static func text(own: [HTMLNode], comment: HTMLNode) -> String? {
        let replies = own.filter(isReplyList)
        if let content = own.first(where: { hasClass($0, in: ["comment-content", "comment-text", "comment-entry"]) }) {
            return HTMLText.text(of: content, excluding: replies)
        }
        let excluded = own.filter { hasClass($0, in: leftOut) || $0.hasName("footer") || $0.hasName("header") }
        let nested = comment.children.filter(isReplyList)
        return HTMLText.text(of: comment, excluding: excluded + nested)
    }

    /// The site's answers among the comment's direct replies (`bypostauthor`: written by the post's author).
    static func ownerAnswers(to comment: HTMLNode, maximumDepth: Int) -> [ParsedResponse] {
        var answers: [ParsedResponse] = []
        for list in comment.children.filter(isReplyList) {
            for reply in list.children where reply.hasName("li") && reply.tokens("class").contains("bypostauthor") {
                let own = ownElements(of: reply, maximumDepth: maximumDepth)
                guard let text = Self.text(own: own, comment: reply), !text.isEmpty else { continue }
                answers.append(ParsedResponse(author: author(in: own), text: text, published: date(in: own)))
            }
        }
        return answers
    }
}

/// A date as a page shows it to people: "October 20, 2019", "Oct 20, 2019 at 9:14 pm", "20 October 2019",
/// "20. Oktober 2019" is not read (English month names only). The time, when given, is taken as UTC
/// (the page does not say its zone); without one, the day at 00:00 UTC.
enum VisibleDate {
    static let months: [String: Int] = {
        var m: [String: Int] = [:]
        let names = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
        for (i, name) in names.enumerated() { m[name] = i + 1; m[String(name.prefix(3))] = i + 1 }
        m["sept"] = 9
        return m
    }()

    static func parse(_ text: String) -> Date? {
        let words = text.lowercased().split(whereSeparator: { $0.isWhitespace || $0 == "," }).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ".")) }
        var month: Int?, day: Int?, year: Int?, hour = 0, minute = 0
        for (i, word) in words.enumerated() {
            if month == nil, let m = months[word] { month = m; continue }
            if let n = Int(word.filter(\.isNumber)), !word.contains(":") {
                let suffix = word.drop(while: \.isNumber)
                if n >= 1000, n <= 2999, year == nil, suffix.isEmpty { year = n; continue }
                if n >= 1, n <= 31, day == nil, ["", "st", "nd", "rd", "th"].contains(String(suffix)) { day = n; continue }
            }
            if word.contains(":") {
                let parts = word.split(separator: ":")
                if parts.count >= 2, let h = Int(parts[0]), let m = Int(parts[1].prefix(2)), h < 24, m < 60 {
                    hour = h; minute = m
                    let marker = i + 1 < words.count ? words[i + 1] : String(parts[1].dropFirst(2))
                    if marker.hasPrefix("pm"), hour < 12 { hour += 12 }
                    if marker.hasPrefix("am"), hour == 12 { hour = 0 }
                }
            }
        }
        guard let month, let day, let year else { return nil }
        var components = DateComponents()
        components.year = year; components.month = month; components.day = day; components.hour = hour; components.minute = minute
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == day else { return nil }
        return date
    }
}
