import CLibXML2
import Foundation

/// Reviews found through a source's configured ``ReviewSelectors``, for pages without schema.org markup.
///
/// Every warning that means "these selectors no longer fit the page" starts with `selectors:`, so the
/// pipeline can mark the source unhealthy: a review container that matches nothing (a redesign?), a
/// field that matches in none of the reviews, dates that do not parse, selectors that do not compile.
///
/// The owner's answers (``ReviewSelectors/response``) sit inside the review container, so the review's own
/// fields skip what lies inside them: the answer's text is never the review's body, nor its author the reviewer.
struct SelectorReviewReader {
    let selectors: ReviewSelectors
    let base: URL?
    let maximumDepth: Int
    private(set) var entries: [ParsedEntry] = []
    private(set) var warnings: [String] = []
    private(set) var nextPageURL: String?

    /// Attributes that carry a rating on star widgets, tried after `ratingAttribute`.
    static let ratingAttributes = ["content", "data-rating", "data-score", "data-value", "aria-label", "title", "value"]

    init(selectors: ReviewSelectors, base: URL?, maximumDepth: Int) {
        self.selectors = selectors
        self.base = base
        self.maximumDepth = maximumDepth
    }

    mutating func read(_ document: HTMLDocument) {
        if let nextPage = selectors.nextPage, let xpath = compile("nextPage", nextPage, relative: false) {
            nextPageURL = firstValue(document, xpath, at: nil, prefer: ["href"], textFallback: false).flatMap { PageLink.resolve($0, against: base) }
        }
        guard let containerXPath = compile("review", selectors.review, relative: false) else { return }
        let containers = document.elements(containerXPath)
        if containers.isEmpty {
            warnings.append("selectors: review container \(quoted(selectors.review)) matched nothing on this page "
                + "(a redesign?); check this source's selectors in earshot.yaml")
            return
        }

        let author = selectors.author.flatMap { compile("author", $0, relative: true) }
        let date = selectors.date.flatMap { compile("date", $0, relative: true) }
        let rating = selectors.rating.flatMap { compile("rating", $0, relative: true) }
        let body = selectors.body.flatMap { compile("body", $0, relative: true) }
        let title = selectors.title.flatMap { compile("title", $0, relative: true) }
        let link = selectors.link.flatMap { compile("link", $0, relative: true) }
        let response = selectors.response.flatMap { compile("response", $0, relative: true) }
        let responseAuthor = selectors.responseAuthor.flatMap { compile("response_author", $0, relative: true) }
        let responseDate = selectors.responseDate.flatMap { compile("response_date", $0, relative: true) }
        let formatter = selectors.dateFormat.map(Self.makeFormatter)

        var hits: [String: Int] = [:]
        var unparsedDates: [String] = []
        var responseCount = 0
        for container in containers {
            var entry = ParsedEntry()
            let answers = response.map { Array(document.elements($0, at: container).prefix(Self.maximumResponses)) } ?? []
            for answer in answers {
                let by = responseAuthor.flatMap { firstNode(document, $0, at: answer) }
                let when = responseDate.flatMap { firstNode(document, $0, at: answer) }
                guard let text = HTMLText.text(of: answer, maximumDepth: maximumDepth, excluding: [by, when].compactMap { $0 })
                else { continue }
                let published = when.flatMap { Self.dateText($0, maximumDepth: maximumDepth) }
                    .flatMap { parseDate($0, formatter: formatter) }
                entry.responses.append(ParsedResponse(author: by.flatMap { Self.value(of: $0, maximumDepth: maximumDepth) },
                                                      text: text, written: published))
                if by != nil { hits["response_author", default: 0] += 1 }
                if when != nil { hits["response_date", default: 0] += 1 }
            }
            responseCount += entry.responses.count
            if let author, let value = firstValue(document, author, at: container, outside: answers) {
                entry.author = value
                hits["author", default: 0] += 1
            }
            if let date,
               let value = firstValue(document, date, at: container, prefer: ["datetime", "content"], outside: answers) {
                hits["date", default: 0] += 1
                if let parsed = parseDate(value, formatter: formatter) {
                    (entry.published, entry.publishedOffset) = (parsed.date, parsed.offset)
                } else {
                    unparsedDates.append(value)
                }
            }
            if let found = readRating(document, rating, at: container) {
                if rating != nil { hits["rating", default: 0] += 1 }
                entry.rating = found.value
                entry.bestRating = found.best ?? selectors.bestRating
                entry.worstRating = found.worst
            }
            if let body, let value = firstValue(document, body, at: container, outside: answers) {
                entry.content = value
                hits["body", default: 0] += 1
            }
            if let title, let value = firstValue(document, title, at: container, outside: answers) {
                entry.title = value
                hits["title", default: 0] += 1
            }
            if let link, let value = firstValue(document, link, at: container, prefer: ["href"], textFallback: false,
                                                outside: answers) {
                entry.link = PageLink.resolve(value, against: base)
                hits["link", default: 0] += 1
            }
            // No field configured at all: the container's text (less the owner's answers) is the review.
            if author == nil, date == nil, rating == nil, body == nil, title == nil {
                entry.content = HTMLText.text(of: container, maximumDepth: maximumDepth, excluding: answers)
            }
            guard entry.content != nil || entry.rating != nil || entry.title != nil else { continue }
            entries.append(entry)
        }

        let fields: [(String, String?)] = [("author", selectors.author), ("date", selectors.date),
                                           ("rating", selectors.rating), ("body", selectors.body),
                                           ("title", selectors.title), ("link", selectors.link)]
        // A response part that matched in none of the answers found (none found: no warning, most reviews
        // have no answer).
        let responseFields: [(String, String?)] = responseCount == 0 ? []
            : [("response_author", selectors.responseAuthor), ("response_date", selectors.responseDate)]
        for (field, selector) in responseFields {
            guard let selector, hits[field, default: 0] == 0,
                  !warnings.contains(where: { $0.hasPrefix("selectors: \(field) ") }) else { continue }
            warnings.append("selectors: \(field) \(quoted(selector)) matched nothing in any of the "
                + "\(responseCount) responses (a redesign?)")
        }
        for (field, selector) in fields {
            guard let selector, hits[field, default: 0] == 0,
                  !warnings.contains(where: { $0.hasPrefix("selectors: \(field) ") }) else { continue }
            warnings.append("selectors: \(field) \(quoted(selector)) matched nothing in any of the "
                + "\(containers.count) reviews (a redesign?)")
        }
        if let example = unparsedDates.first {
            let how = selectors.dateFormat.map { "with dateFormat \(quoted($0))" } ?? "as a date (set dateFormat)"
            warnings.append("selectors: date \(quoted(example)) does not parse \(how) "
                + "(\(unparsedDates.count) of \(containers.count) reviews)")
        }
        if entries.isEmpty {
            warnings.append("selectors: review container \(quoted(selectors.review)) matched \(containers.count) "
                + "elements but none held a review body, title or rating")
        }
    }

    // MARK: - Fields

    /// The rating: from the rating selector's match, else (with `ratingAttribute` only) from the container.
    private func readRating(_ document: HTMLDocument, _ xpath: String?, at container: HTMLNode) -> ReviewRating? {
        let attributes = (selectors.ratingAttribute.map { [$0.lowercased()] } ?? []) + Self.ratingAttributes
        var candidates: [HTMLNode] = []
        if let xpath {
            guard let value = document.evaluate(xpath, at: container) else { return nil }
            switch value {
            case .nodes(let nodes):
                guard let node = nodes.first else { return nil }
                if node.isElement {
                    candidates = [node]
                } else {
                    return ReviewRating.parse(Self.value(of: node, maximumDepth: maximumDepth) ?? "")
                }
            case .string(let string): return ReviewRating.parse(string)
            case .number(let number): return number.isFinite ? ReviewRating(value: number) : nil
            case .boolean: return nil
            }
        } else if let attribute = selectors.ratingAttribute?.lowercased() {
            guard !attribute.isEmpty, attribute.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                return nil
            }
            candidates = Array(document.elements("descendant-or-self::*[@\(attribute)]", at: container).prefix(1))
        } else {
            return nil
        }
        for node in candidates {
            // The widget's own attributes first, then an inner element carrying ratingAttribute.
            for (index, attribute) in attributes.enumerated() {
                guard let raw = node.attribute(attribute), var rating = ReviewRating.parse(raw) else { continue }
                // data-rating="4" beside aria-label="Rated 4 out of 5": the label gives the scale.
                if rating.best == nil {
                    rating.best = attributes[(index + 1)...].lazy.compactMap { node.attribute($0).flatMap(ReviewRating.parse) }
                        .first(where: { $0.value == rating.value && $0.best != nil })?.best
                }
                return rating
            }
            if let attribute = selectors.ratingAttribute?.lowercased(),
               let inner = node.descendantElements(maximumDepth: maximumDepth).first(where: { $0.hasAttribute(attribute) }),
               let raw = inner.attribute(attribute), let rating = ReviewRating.parse(raw) {
                return rating
            }
            if let text = HTMLText.text(of: node, maximumDepth: maximumDepth), let rating = ReviewRating.parse(text) {
                return rating
            }
        }
        return nil
    }

    /// More answers to one review than any site shows; past it a hostile page only costs time.
    static let maximumResponses = 16

    /// The first node `xpath` selects under `context` (a response's author or date).
    private func firstNode(_ document: HTMLDocument, _ xpath: String, at context: HTMLNode) -> HTMLNode? {
        guard case .nodes(let nodes)? = document.evaluate(xpath, at: context) else { return nil }
        return nodes.first
    }

    /// A date element's machine-readable value (`datetime`, `content`) or else its text.
    static func dateText(_ node: HTMLNode, maximumDepth: Int) -> String? {
        for attribute in ["datetime", "content"] {
            if let raw = node.attribute(attribute), let text = HTMLText.collapse(raw) { return text }
        }
        return value(of: node, maximumDepth: maximumDepth)
    }

    /// Whether `node` lies inside one of `answers` (or is one).
    private static func isInside(_ node: HTMLNode, _ answers: [HTMLNode]) -> Bool {
        var current: HTMLNode? = node
        while let here = current {
            if answers.contains(where: { $0.pointer == here.pointer }) { return true }
            current = here.parent
        }
        return false
    }

    /// The first thing `xpath` selects under `container`, as text: an attribute's or text node's value,
    /// an element's `prefer`red attribute (href for links, datetime for dates) or else its visible text
    /// (unless `textFallback` is false). Nodes inside `outside` (the owner's answers) are passed over.
    private func firstValue(_ document: HTMLDocument, _ xpath: String, at container: HTMLNode?,
                            prefer: [String] = [], textFallback: Bool = true, outside answers: [HTMLNode] = []) -> String? {
        guard let value = document.evaluate(xpath, at: container) else { return nil }
        switch value {
        case .nodes(let nodes):
            for node in nodes {
                if !answers.isEmpty && Self.isInside(node, answers) { continue }
                if node.isElement {
                    for attribute in prefer {
                        if let raw = node.attribute(attribute), let text = HTMLText.collapse(raw) { return text }
                    }
                    // A link selector that hits the element around the link.
                    if prefer.contains("href"),
                       let anchor = node.descendantElements(maximumDepth: maximumDepth).first(where: { $0.hasName("a") && $0.hasAttribute("href") }),
                       let href = anchor.attribute("href") {
                        return href
                    }
                    // An element without the attribute wanted (a link's href) gives no URL: its text is no URL.
                    if !textFallback { continue }
                }
                if let text = Self.value(of: node, maximumDepth: maximumDepth) { return text }
            }
            return nil
        case .string(let string): return HTMLText.collapse(string)
        case .number(let number): return number.isFinite ? JSONText.number(number) : nil
        case .boolean: return nil
        }
    }

    /// Text of an element, attribute or text node.
    static func value(of node: HTMLNode, maximumDepth: Int) -> String? {
        switch node.pointer.pointee.type {
        case XML_ATTRIBUTE_NODE:
            var raw = ""
            var child = node.pointer.pointee.children
            while let text = child {
                if let content = text.pointee.content { raw += String(cString: content) }
                child = text.pointee.next
            }
            return HTMLText.collapse(raw)
        default:
            return HTMLText.text(of: node, maximumDepth: maximumDepth)
        }
    }

    /// The general reader keeps the zone written; a configured `date_format` is read as UTC unless it names a
    /// zone, and then the offset is the one the general reader finds for the same instant (none if it finds none).
    private func parseDate(_ text: String, formatter: DateFormatter?) -> WrittenDate? {
        if let formatter, let date = formatter.date(from: text) {
            let general = DateParser.parseWritten(text)
            return WrittenDate(date: date, offset: general?.date == date ? general?.offset : nil)
        }
        return DateParser.parseWritten(text)
    }

    static func makeFormatter(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        return formatter
    }

    /// The XPath of one configured selector; a warning when it is neither XPath nor the CSS subset.
    private mutating func compile(_ field: String, _ selector: String, relative: Bool) -> String? {
        guard let xpath = SelectorQuery.xpath(selector, relative: relative), isValid(xpath) else {
            warnings.append("selectors: \(field) \(quoted(selector)) is neither valid XPath nor supported CSS; fix it in earshot.yaml")
            return nil
        }
        return xpath
    }

    private func isValid(_ xpath: String) -> Bool {
        let source = Array(xpath.utf8) + [0]
        guard let compiled = source.withUnsafeBufferPointer({ xmlXPathCompile($0.baseAddress) }) else { return false }
        xmlXPathFreeCompExpr(compiled)
        return true
    }

    private func quoted(_ s: String) -> String { "\"" + s + "\"" }
}
