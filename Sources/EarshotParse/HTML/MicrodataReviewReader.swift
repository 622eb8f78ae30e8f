import CLibXML2
import Foundation

/// schema.org `Review`s and `AggregateRating` written as HTML microdata (`itemscope`, `itemtype`, `itemprop`),
/// or as RDFa Lite (`vocab`, `typeof`, `property`, `resource`: the same model under other attribute names).
///
/// Follows https://html.spec.whatwg.org/multipage/microdata.html: an item's properties are the
/// `itemprop` elements under it that no nearer `itemscope` owns; a property on an element with
/// `itemscope` is a nested item (author, reviewRating). Pages often put the machine value in a
/// `content` attribute on any element, so that attribute wins wherever it appears. `itemref` is not followed.
///
/// Who speaks: the author item's `email`, `url` and `sameAs`, and the business's answer nested in the
/// review, read by the rules of ``JSONLDReviewReader`` (``JSONLDReviewReader/responseKeys``).
struct MicrodataReviewReader {
    /// The attributes that make items, types, properties and identifiers in one syntax.
    struct Syntax {
        let scope: String, type: String, property: String, id: String
        static let microdata = Syntax(scope: "itemscope", type: "itemtype", property: "itemprop", id: "itemid")
        static let rdfaLite = Syntax(scope: "typeof", type: "typeof", property: "property", id: "resource")
    }

    let base: URL?
    let maximumDepth: Int
    let syntax: Syntax
    private(set) var entries: [ParsedEntry] = []
    private(set) var aggregateRating: AggregateRating?
    /// How the page writes slashed days (``VisibleDate/slashOrder(in:)``).
    var slashOrder: VisibleDate.SlashOrder?

    init(base: URL?, maximumDepth: Int, syntax: Syntax = .microdata) {
        self.base = base
        self.maximumDepth = maximumDepth
        self.syntax = syntax
    }

    func isItem(_ node: HTMLNode) -> Bool { node.hasAttribute(syntax.scope) }

    /// One microdata item: its element, its types, and its properties by lowercased name, in document order.
    struct Item {
        let element: HTMLNode
        let types: Set<String>
        let properties: [String: [HTMLNode]]

        func first(_ name: String) -> HTMLNode? { properties[name.lowercased()]?.first }
    }

    mutating func read(_ document: HTMLDocument) {
        guard let root = document.root else { return }
        let scopes = root.descendantElements(maximumDepth: maximumDepth).filter { isItem($0) }
        for scope in scopes {
            let types = types(of: scope)
            if !types.isDisjoint(with: JSONLDReviewReader.reviewTypes) {
                if let entry = makeEntry(item(scope)) { entries.append(entry) }
            } else if aggregateRating == nil,
                      types.contains("aggregaterating") || scope.tokens(syntax.property).contains("aggregaterating") {
                aggregateRating = makeAggregateRating(item(scope))
            }
        }
    }

    func item(_ element: HTMLNode) -> Item {
        var properties: [String: [HTMLNode]] = [:]
        let owned = element.descendantElements(maximumDepth: maximumDepth, skipping: { isItem($0) })
        for node in owned {
            for name in node.tokens(syntax.property) {
                // Full URLs name properties too ("http://schema.org/reviewBody").
                let local = name.split(whereSeparator: { $0 == "/" || $0 == ":" || $0 == "#" }).last.map(String.init) ?? name
                properties[local, default: []].append(node)
            }
        }
        return Item(element: element, types: types(of: element), properties: properties)
    }

    // MARK: - Building

    private func makeEntry(_ review: Item) -> ParsedEntry? {
        var entry = ParsedEntry()
        entry.title = review.first("name").flatMap(text) ?? review.first("headline").flatMap(text)
        let author = review.first("author").flatMap { authorName($0) != nil ? $0 : nil } ?? review.first("creator")
        entry.author = author.flatMap(authorName)
        if let author, isItem(author) {
            let person = item(author)
            entry.authorEmail = person.first("email").flatMap(email)
            entry.authorURI = (person.first("url") ?? person.first("sameAs")).flatMap(link)
        }
        let published = (review.first("datePublished") ?? review.first("dateCreated")).flatMap(written)
        (entry.published, entry.publishedOffset) = (published?.date, published?.offset)
        let modified = review.first("dateModified").flatMap(written)
        (entry.updated, entry.updatedOffset) = (modified?.date, modified?.offset)
        let body = review.first("reviewBody").flatMap(text) ?? review.first("text").flatMap(text)
        let description = review.first("description").flatMap(text)
        entry.content = body ?? description
        entry.summary = body != nil && description != body ? description : nil
        if let ratingNode = review.first("reviewRating") {
            let rating: ReviewRating?
            if isItem(ratingNode) {
                let ratingItem = item(ratingNode)
                rating = ratingItem.first("ratingValue").flatMap { value in numberOrRating(value).map { found in
                    var rating = found
                    rating.best = ratingItem.first("bestRating").flatMap(number) ?? found.best
                    rating.worst = ratingItem.first("worstRating").flatMap(number)
                    // Stars given as a percentage ("80%" of 100, Magento's): the stars shown, out of five.
                    if rating.best == 100, (0...100).contains(rating.value),
                       [value.attribute("content"), text(value)].contains(where: { $0?.contains("%") == true }) {
                        rating = ReviewRating(value: CommentStars.halves(rating.value / 20), best: 5, worst: nil)
                    }
                    return rating
                } }
            } else {
                rating = numberOrRating(ratingNode)
            }
            entry.rating = rating?.value
            entry.bestRating = rating?.best
            entry.worstRating = rating?.worst
        }
        let url = review.first("url").flatMap(link)
        entry.link = url
        entry.id = review.element.attribute(syntax.id).flatMap { PageLink.resolve($0, against: base) } ?? url
        entry.responses = responses(in: review)
        guard entry.content != nil || entry.rating != nil || entry.title != nil else { return nil }
        return entry
    }

    // MARK: - Who speaks

    /// The business's answers nested in `review`: properties named as ``JSONLDReviewReader/responseKeys``
    /// (`comment`, `reviewResponse`...), in page order, taken on the same terms (see ``isResponse(_:under:subject:)``).
    private func responses(in review: Item) -> [ParsedResponse] {
        let subject = subjectName(of: review)
        var found: [(node: HTMLNode, response: ParsedResponse)] = []
        for (key, nodes) in review.properties where JSONLDReviewReader.responseKeys.contains(key.lowercased()) {
            for node in nodes {
                if isItem(node) {
                    let answer = item(node)
                    let bodyNode = answer.first("text") ?? answer.first("reviewBody") ?? answer.first("description")
                    guard isResponse(answer, under: key.lowercased(), subject: subject), let body = bodyNode.flatMap(text)
                    else { continue }
                    let published = (answer.first("datePublished") ?? answer.first("dateCreated")).flatMap(written)
                    found.append((node, ParsedResponse(author: answer.first("author").flatMap(authorName), text: body,
                                                       written: published)))
                } else if key.lowercased() != "comment", let body = text(node) {
                    found.append((node, ParsedResponse(text: body)))   // the property's name says who speaks
                }
            }
        }
        guard found.count > 1 else { return found.map(\.response) }
        // Properties come by name from a dictionary: page order from the nodes' positions.
        let order = review.element.descendantElements(maximumDepth: maximumDepth).enumerated()
            .reduce(into: [xmlNodePtr: Int]()) { $0[$1.element.pointer] = $1.offset }
        return found.sorted { order[$0.node.pointer, default: 0] < order[$1.node.pointer, default: 0] }.map(\.response)
    }

    /// Whether a nested item is the business answering: under a site's own property name it is; under
    /// `comment` when its author is the reviewed subject (by name), is an item typed as anything but a Person,
    /// or when a Comment or Answer has no Person for an author (``JSONLDReviewReader``'s rule).
    private func isResponse(_ answer: Item, under key: String, subject: String?) -> Bool {
        if key != "comment" { return true }
        let author = answer.first("author")
        if let subject, let name = author.flatMap(authorName), name.caseInsensitiveCompare(subject) == .orderedSame {
            return true
        }
        if let author, isItem(author), !types(of: author).isEmpty {
            return !types(of: author).contains("person")
        }
        return !answer.types.isDisjoint(with: JSONLDReviewReader.responseTypes)
    }

    /// The name of what `review` reviews: its `itemReviewed` item, else the item whose `review` property it is.
    private func subjectName(of review: Item) -> String? {
        if let reviewed = review.first("itemReviewed"), isItem(reviewed) {
            return item(reviewed).first("name").flatMap(text)
        }
        guard review.element.tokens(syntax.property).contains(where: JSONLDReviewReader.reviewKeys.contains) else { return nil }
        var ancestor = review.element.parent
        while let node = ancestor, node.isElement {
            if isItem(node) { return item(node).first("name").flatMap(text) }
            ancestor = node.parent
        }
        return nil
    }

    /// An e-mail property: a `mailto:` link, `content`, or the text.
    private func email(_ node: HTMLNode) -> String? {
        MailAddress.bare(node.attribute("href") ?? text(node))
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
        if isItem(node) {
            let person = item(node)
            return person.first("name").flatMap(text) ?? HTMLText.text(of: node, maximumDepth: maximumDepth)
        }
        return text(node)
    }

    private func written(_ node: HTMLNode) -> WrittenDate? {
        let candidates = [node.attribute("datetime"), node.attribute("content"), text(node)].compactMap { $0 }
        for candidate in candidates {
            if let date = DateParser.parseWritten(candidate) { return date }
        }
        // A date in the page's display format ("6/2/24", "18th Jul 2024", "March 14, 2024 10:21"): the day, no zone.
        for candidate in candidates {
            if let day = VisibleDate.parse(candidate, order: slashOrder) { return WrittenDate(date: day, offset: nil) }
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
        let raw = node.attribute("href") ?? node.attribute("content") ?? node.attribute("src") ?? node.attribute("resource") ?? text(node)
        return PageLink.resolve(raw, against: base)
    }

    /// The lowercased local names in `itemtype` or `typeof` ("https://schema.org/Review", "schema:Review" → "review").
    func types(of element: HTMLNode) -> Set<String> {
        Set((element.attribute(syntax.type) ?? "").split(whereSeparator: { $0.isWhitespace }).map { type in
            (type.split(whereSeparator: { $0 == "/" || $0 == ":" || $0 == "#" }).last.map(String.init) ?? String(type)).lowercased()
        })
    }
}
