import Foundation

/// schema.org `Review`s and `AggregateRating` written as HTML microdata (`itemscope`, `itemtype`, `itemprop`).
///
/// Follows https://html.spec.whatwg.org/multipage/microdata.html: an item's properties are the
/// `itemprop` elements under it that no nearer `itemscope` owns; a property on an element with
/// `itemscope` is a nested item (author, reviewRating). Pages often put the machine value in a
/// `content` attribute on any element, so that attribute wins wherever it appears. `itemref` is not followed.
struct MicrodataReviewReader {
    let base: URL?
    let maximumDepth: Int
    private(set) var entries: [ParsedEntry] = []
    private(set) var aggregateRating: AggregateRating?

    init(base: URL?, maximumDepth: Int) {
        self.base = base
        self.maximumDepth = maximumDepth
    }

    /// One microdata item: its element, its types, and its properties by lowercased name, in document order.
    struct Item {
        let element: HTMLNode
        let types: Set<String>
        let properties: [String: [HTMLNode]]

        func first(_ name: String) -> HTMLNode? { properties[name.lowercased()]?.first }
    }

    mutating func read(_ document: HTMLDocument) {
        guard let root = document.root else { return }
        let scopes = root.descendantElements(maximumDepth: maximumDepth).filter { $0.hasAttribute("itemscope") }
        for scope in scopes {
            let types = Self.types(of: scope)
            if !types.isDisjoint(with: JSONLDReviewReader.reviewTypes) {
                if let entry = makeEntry(item(scope)) { entries.append(entry) }
            } else if aggregateRating == nil,
                      types.contains("aggregaterating") || scope.tokens("itemprop").contains("aggregaterating") {
                aggregateRating = makeAggregateRating(item(scope))
            }
        }
    }

    func item(_ element: HTMLNode) -> Item {
        var properties: [String: [HTMLNode]] = [:]
        let owned = element.descendantElements(maximumDepth: maximumDepth, skipping: { $0.hasAttribute("itemscope") })
        for node in owned {
            for name in node.tokens("itemprop") {
                // Full URLs name properties too ("http://schema.org/reviewBody").
                let local = name.split(whereSeparator: { $0 == "/" || $0 == ":" || $0 == "#" }).last.map(String.init) ?? name
                properties[local, default: []].append(node)
            }
        }
        return Item(element: element, types: Self.types(of: element), properties: properties)
    }

    // MARK: - Building

    private func makeEntry(_ review: Item) -> ParsedEntry? {
        var entry = ParsedEntry()
        entry.title = review.first("name").flatMap(text) ?? review.first("headline").flatMap(text)
        entry.author = review.first("author").flatMap(authorName) ?? review.first("creator").flatMap(authorName)
        entry.published = (review.first("datePublished") ?? review.first("dateCreated")).flatMap(date)
        entry.updated = review.first("dateModified").flatMap(date)
        let body = review.first("reviewBody").flatMap(text) ?? review.first("text").flatMap(text)
        let description = review.first("description").flatMap(text)
        entry.content = body ?? description
        entry.summary = body != nil && description != body ? description : nil
        if let ratingNode = review.first("reviewRating") {
            let rating: ReviewRating?
            if ratingNode.hasAttribute("itemscope") {
                let ratingItem = item(ratingNode)
                rating = ratingItem.first("ratingValue").flatMap(numberOrRating).map { found in
                    var rating = found
                    rating.best = ratingItem.first("bestRating").flatMap(number) ?? found.best
                    rating.worst = ratingItem.first("worstRating").flatMap(number)
                    return rating
                }
            } else {
                rating = numberOrRating(ratingNode)
            }
            entry.rating = rating?.value
            entry.bestRating = rating?.best
            entry.worstRating = rating?.worst
        }
        let url = review.first("url").flatMap(link)
        entry.link = url
        entry.id = review.element.attribute("itemid").flatMap { PageLink.resolve($0, against: base) } ?? url
        guard entry.content != nil || entry.rating != nil || entry.title != nil else { return nil }
        return entry
    }

    private func makeAggregateRating(_ aggregate: Item) -> AggregateRating? {
        guard let value = aggregate.first("ratingValue").flatMap(number) else { return nil }
        let count = (aggregate.first("ratingCount") ?? aggregate.first("reviewCount")).flatMap { node in
            [node.attribute("content"), node.attribute("value"), text(node)].lazy.compactMap { ReviewRating.count($0) }.first
        }
        return AggregateRating(value: value, best: aggregate.first("bestRating").flatMap(number),
                               worst: aggregate.first("worstRating").flatMap(number), count: count)
    }

    // MARK: - Property values

    /// A text property: `content` when given, else the element's visible text.
    private func text(_ node: HTMLNode) -> String? {
        if let content = node.attribute("content"), let text = HTMLText.collapse(content) { return text }
        if node.hasName("meta") { return nil }
        return HTMLText.text(of: node, maximumDepth: maximumDepth)
    }

    private func authorName(_ node: HTMLNode) -> String? {
        if node.hasAttribute("itemscope") {
            let person = item(node)
            return person.first("name").flatMap(text) ?? HTMLText.text(of: node, maximumDepth: maximumDepth)
        }
        return text(node)
    }

    private func date(_ node: HTMLNode) -> Date? {
        for candidate in [node.attribute("datetime"), node.attribute("content"), text(node)] {
            if let candidate, let date = DateParser.parse(candidate) { return date }
        }
        return nil
    }

    private func number(_ node: HTMLNode) -> Double? {
        for candidate in [node.attribute("content"), node.attribute("value"), text(node)] {
            if let candidate, let value = ReviewRating.leadingNumber(in: candidate)?.value { return value }
        }
        return nil
    }

    private func numberOrRating(_ node: HTMLNode) -> ReviewRating? {
        for candidate in [node.attribute("content"), node.attribute("value"), text(node)] {
            if let candidate, let rating = ReviewRating.parse(candidate) { return rating }
        }
        return nil
    }

    private func link(_ node: HTMLNode) -> String? {
        let raw = node.attribute("href") ?? node.attribute("content") ?? node.attribute("src") ?? text(node)
        return PageLink.resolve(raw, against: base)
    }

    /// The lowercased local names in `itemtype` ("https://schema.org/Review" → "review").
    static func types(of element: HTMLNode) -> Set<String> {
        Set((element.attribute("itemtype") ?? "").split(whereSeparator: { $0.isWhitespace }).map { type in
            (type.split(whereSeparator: { $0 == "/" || $0 == ":" || $0 == "#" }).last.map(String.init) ?? String(type)).lowercased()
        })
    }
}
