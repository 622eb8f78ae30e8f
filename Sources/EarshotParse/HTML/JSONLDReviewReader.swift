import Foundation

/// schema.org `Review`s and the subject's `AggregateRating` out of a page's JSON-LD blocks.
///
/// See https://schema.org/Review and https://json-ld.org/spec/latest/json-ld/. A block holds one
/// object, an array, or an `@graph`; reviews sit at any depth (top level, or in `review` of a Product,
/// LocalBusiness, Organization, Recipe, ...). `@id` references (`{"@id": "#person-1"}`) are followed
/// inside the page. A block that is not JSON even after ``LenientJSON``'s repairs is a warning.
///
/// Who speaks: the author's `email` and `url` (else first `sameAs`), and the business's answer to a review,
/// which schema.org has no property for; see ``responseKeys`` and ``isResponse(_:under:subject:)``.
struct JSONLDReviewReader {
    let base: URL?
    /// The base for `@id`s: the canonical link when the page has one, so that an id such as `#review-1`
    /// does not change with tracking parameters in the fetched URL.
    let identifierBase: URL?
    private(set) var entries: [ParsedEntry] = []
    private(set) var aggregateRating: AggregateRating?
    /// How the page writes slashed days (``VisibleDate/slashOrder(in:)``).
    var slashOrder: VisibleDate.SlashOrder?
    private(set) var warnings: [String] = []
    /// How many blocks were found (parsed or not): the "looked for" part of the empty-page warning.
    private(set) var blockCount = 0

    /// Nodes by `@id`, to follow references.
    private var nodesByID: [String: [String: Any]] = [:]
    /// The `@id`s of reviews already taken (a review listed in `@graph` and referenced from a Product).
    private var seenReviewIDs: Set<String> = []

    /// JSON nesting deeper than this is not walked (a hostile page could nest a million arrays).
    private static let maximumDepth = 64

    /// The review types of schema.org (Review and its subtypes that describe a customer's opinion).
    static let reviewTypes: Set<String> = ["review", "userreview", "criticreview", "employerreview"]
    /// Keys that hold reviews even when a site leaves out their `@type`.
    static let reviewKeys: Set<String> = ["review", "reviews"]
    /// Keys (lowercased) under which sites nest the business's answer in a Review: schema.org's `comment` (a
    /// Review is a CreativeWork, https://schema.org/comment), and names sites made up for want of a standard one.
    static let responseKeys: Set<String> = ["comment", "reviewresponse", "ownerresponse", "response"]
    /// The types of a `comment` that answers rather than chats (https://schema.org/Comment, .../Answer).
    static let responseTypes: Set<String> = ["comment", "answer"]

    init(base: URL?, identifierBase: URL? = nil) {
        self.base = base
        self.identifierBase = identifierBase ?? base
    }

    mutating func read(_ document: HTMLDocument) {
        let scripts = document.elements("//script[@type]").filter {
            $0.attribute("type")?.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("application/ld+json") == true
        }
        blockCount = scripts.count
        var roots: [Any] = []
        for (index, script) in scripts.enumerated() {
            let raw = script.children.filter(\.isText).map(\.content).joined()
            if raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            do {
                roots.append(try LenientJSON.parse(raw))
            } catch {
                warnings.append("JSON-LD block \(index + 1) of \(scripts.count) is not valid JSON; skipped it")
            }
        }
        for root in roots { index(root, depth: 0) }
        for root in roots { visit(root, depth: 0, holdsReviews: false, holder: nil) }
    }

    // MARK: - Walking

    private mutating func index(_ value: Any, depth: Int) {
        guard depth < Self.maximumDepth else { return }
        if let object = value as? [String: Any] {
            if let id = object["@id"] as? String, object.count > 1 {
                // Keep the fullest description of a node that appears several times.
                if (nodesByID[id]?.count ?? 0) < object.count { nodesByID[id] = object }
            }
            for key in object.keys.sorted() { index(object[key]!, depth: depth + 1) }
        } else if let array = value as? [Any] {
            for child in array { index(child, depth: depth + 1) }
        }
    }

    /// - Parameter holder: the object whose `review` property `value` came from (the reviewed business or
    ///   product), when it did: a response whose author is the holder is the business speaking.
    private mutating func visit(_ value: Any, depth: Int, holdsReviews: Bool, holder: [String: Any]?) {
        guard depth < Self.maximumDepth else { return }
        if let array = value as? [Any] {
            for child in array { visit(child, depth: depth + 1, holdsReviews: holdsReviews, holder: holder) }
            return
        }
        guard var object = value as? [String: Any] else { return }
        let isReference = object.count == 1 && object["@id"] != nil
        if isReference {
            // A reference inside `review`: take the node it names, unless it is walked anyway.
            guard holdsReviews, let id = object["@id"] as? String, let target = nodesByID[id] else { return }
            object = target
        }
        let types = Self.types(of: object)
        if !types.isDisjoint(with: Self.reviewTypes) || (holdsReviews && types.isEmpty) {
            takeReview(object, holder: holdsReviews ? holder : nil)
            return
        }
        if aggregateRating == nil {
            if types.contains("aggregaterating") {
                aggregateRating = makeAggregateRating(object)
            } else if let aggregate = object["aggregateRating"] {
                aggregateRating = makeAggregateRating(resolved(aggregate))
            }
        }
        if isReference { return }
        // Sorted keys: dictionaries have no order, and the output must not change from run to run.
        for key in object.keys.sorted() where !key.hasPrefix("@") || key == "@graph" {
            guard let child = object[key] else { continue }
            let holdsReviews = Self.reviewKeys.contains(key.lowercased())
            visit(child, depth: depth + 1, holdsReviews: holdsReviews, holder: holdsReviews ? object : nil)
        }
    }

    // MARK: - Reading one review

    private mutating func takeReview(_ review: [String: Any], holder: [String: Any]?) {
        if let id = review["@id"] as? String {
            guard seenReviewIDs.insert(id).inserted else { return }
        }
        var entry = ParsedEntry()
        entry.title = text(review["name"]) ?? text(review["headline"])
        let author = name(review["author"]) != nil ? review["author"] : review["creator"]
        entry.author = name(author)
        (entry.authorEmail, entry.authorURI) = contact(author)
        let published = written(review["datePublished"]) ?? written(review["dateCreated"])
        (entry.published, entry.publishedOffset) = (published?.date, published?.offset)
        let modified = written(review["dateModified"])
        (entry.updated, entry.updatedOffset) = (modified?.date, modified?.offset)
        let body = text(review["reviewBody"]) ?? text(review["text"])
        let description = text(review["description"])
        entry.content = body ?? description
        entry.summary = body != nil && description != body ? description : nil
        if let rating = rating(review["reviewRating"]) {
            entry.rating = rating.value
            entry.bestRating = rating.best
            entry.worstRating = rating.worst
        }
        let url = link(review["url"])
        entry.link = url
        entry.id = identifier(review["@id"]) ?? url
        let subject = (review["itemReviewed"].map(resolved) as? [String: Any]) ?? holder
        entry.responses = responses(in: review, subject: subject)
        // An object with nothing a reader could use is not a review (`"review": {"@type": "Review"}` stubs).
        guard entry.content != nil || entry.rating != nil || entry.title != nil else { return }
        entries.append(entry)
        if aggregateRating == nil, let subject = review["itemReviewed"] as? [String: Any],
           let aggregate = subject["aggregateRating"] {
            aggregateRating = makeAggregateRating(resolved(aggregate))
        }
    }

    // MARK: - Who speaks

    /// The e-mail and profile link of an author (the first, when there are several): `email` (a
    /// `mailto:` link or an address) and `url`, else the first `sameAs`. A plain-string author has neither.
    private func contact(_ value: Any?) -> (email: String?, uri: String?) {
        if let array = value as? [Any] { return array.first.map { contact($0) } ?? (nil, nil) }
        guard let object = value as? [String: Any] else { return (nil, nil) }
        let node = resolved(object) as? [String: Any] ?? object
        let email = MailAddress.bare(text(node["email"]))
        return (email, link(node["url"]) ?? link(node["sameAs"]))
    }

    /// The business's answers nested in `review` (see ``responseKeys``), in key order then array order.
    private func responses(in review: [String: Any], subject: [String: Any]?) -> [ParsedResponse] {
        var found: [ParsedResponse] = []
        for key in review.keys.sorted() where Self.responseKeys.contains(key.lowercased()) {
            let values = review[key].map { $0 as? [Any] ?? [$0] } ?? []
            for value in values.prefix(Self.maximumResponses) {
                let node = resolved(value)
                if let object = node as? [String: Any] {
                    guard isResponse(object, under: key.lowercased(), subject: subject),
                          let body = text(object["text"]) ?? text(object["reviewBody"]) ?? text(object["description"])
                    else { continue }
                    found.append(ParsedResponse(author: name(object["author"]), text: body,
                                                written: written(object["datePublished"]) ?? written(object["dateCreated"])))
                } else if key.lowercased() != "comment", let body = text(node) {
                    // `"reviewResponse": "Thank you..."`: the key alone says who speaks.
                    found.append(ParsedResponse(text: body))
                }
            }
        }
        return found
    }

    /// More answers to one review than any site shows; past it a hostile page only costs time.
    private static let maximumResponses = 16

    /// Whether a node nested in a Review is the business answering. Under a site's own key
    /// (`reviewResponse`...) it is. Under `comment`, where other customers may chat too, it is when its author
    /// is the reviewed subject (same `@id` or name), an author typed as anything but a Person (an Organization,
    /// a LocalBusiness...), or when a Comment or Answer has no Person for an author: pages that show an owner's
    /// reply rarely say more. A Person's comment (another customer) is not an answer.
    private func isResponse(_ node: [String: Any], under key: String, subject: [String: Any]?) -> Bool {
        if key != "comment" { return true }
        let rawAuthor = (node["author"] as? [Any])?.first ?? node["author"]
        let author = rawAuthor.map(resolved)
        if let subject, let author, isSame(author, subject) { return true }
        let authorTypes = (author as? [String: Any]).map(Self.types(of:)) ?? []
        if !authorTypes.isEmpty { return !authorTypes.contains("person") }
        return !Self.types(of: node).isDisjoint(with: Self.responseTypes)
    }

    /// Whether an author is the reviewed subject: the same `@id`, or the same name (ignoring case).
    private func isSame(_ author: Any, _ subject: [String: Any]) -> Bool {
        if let id = (author as? [String: Any])?["@id"] as? String, id == subject["@id"] as? String { return true }
        guard let authorName = name(author), let subjectName = name(subject) else { return false }
        return authorName.caseInsensitiveCompare(subjectName) == .orderedSame
    }

    private func rating(_ value: Any?) -> ReviewRating? {
        guard let value else { return nil }
        let resolvedValue = resolved(value)
        if let object = resolvedValue as? [String: Any] {
            guard let raw = object["ratingValue"] else { return nil }
            // "4/5" as a ratingValue states its own scale.
            var rating: ReviewRating
            if let string = raw as? String, let parsed = ReviewRating.parse(string) {
                rating = parsed
            } else if let number = ReviewRating.number(raw) {
                rating = ReviewRating(value: number)
            } else {
                return nil
            }
            rating.best = ReviewRating.number(object["bestRating"]) ?? rating.best
            rating.worst = ReviewRating.number(object["worstRating"])
            return rating
        }
        if let string = resolvedValue as? String { return ReviewRating.parse(string) }
        return ReviewRating.number(resolvedValue).map { ReviewRating(value: $0) }
    }

    private func makeAggregateRating(_ value: Any) -> AggregateRating? {
        guard let object = value as? [String: Any], let average = ReviewRating.number(object["ratingValue"]) else {
            return nil
        }
        return AggregateRating(value: average, best: ReviewRating.number(object["bestRating"]),
                               worst: ReviewRating.number(object["worstRating"]),
                               count: ReviewRating.count(object["ratingCount"]) ?? ReviewRating.count(object["reviewCount"]))
    }

    // MARK: - Values

    /// A node in place of a `{"@id": ...}` reference, when the page describes it elsewhere.
    private func resolved(_ value: Any) -> Any {
        if let object = value as? [String: Any], object.count == 1, let id = object["@id"] as? String,
           let target = nodesByID[id] {
            return target
        }
        return value
    }

    /// Plain text of a JSON-LD value: markup stripped, entities decoded, whitespace collapsed.
    private func text(_ value: Any?) -> String? {
        switch value {
        case let string as String: return HTMLText.plain(string)
        case let number as NSNumber: return number.stringValue
        case let array as [Any]: return array.lazy.compactMap { self.text($0) }.first
        case let object as [String: Any]: return text(object["@value"])
        default: return nil
        }
    }

    /// An author: a plain string, a Person/Organization (its name), or several of them joined with ", ".
    private func name(_ value: Any?) -> String? {
        switch value {
        case let string as String:
            return HTMLText.plain(string)
        case let array as [Any]:
            let names = array.compactMap { name($0) }
            return names.isEmpty ? nil : names.joined(separator: ", ")
        case let object as [String: Any]:
            let node = resolved(object) as? [String: Any] ?? object
            return text(node["name"]) ?? text(node["alternateName"])
                ?? [text(node["givenName"]), text(node["familyName"])].compactMap { $0 }.joined(separator: " ").nilIfEmpty
        default:
            return nil
        }
    }

    private func written(_ value: Any?) -> WrittenDate? {
        guard let text = text(value) else { return nil }
        // A date in the page's display format ("18th Jul 2024"): the day, no zone.
        return DateParser.parseWritten(text) ?? VisibleDate.parse(text, order: slashOrder).map { WrittenDate(date: $0, offset: nil) }
    }

    private func link(_ value: Any?) -> String? {
        switch value {
        case let string as String: return PageLink.resolve(string, against: base)
        case let array as [Any]: return array.lazy.compactMap { self.link($0) }.first
        case let object as [String: Any]: return link(object["@id"]) ?? link(object["url"])
        default: return nil
        }
    }

    /// An `@id` as an identifier; blank-node ids (`_:b0`) name nothing outside this block.
    private func identifier(_ value: Any?) -> String? {
        guard let id = value as? String, !id.hasPrefix("_:") else { return nil }
        return PageLink.resolve(id, against: identifierBase)
    }

    /// The lowercased local names of `@type` ("Review", "schema:Review", "https://schema.org/Review", arrays).
    static func types(of object: [String: Any]) -> Set<String> {
        var raw: [String] = []
        if let type = object["@type"] as? String { raw = [type] } else if let types = object["@type"] as? [Any] {
            raw = types.compactMap { $0 as? String }
        }
        return Set(raw.map { type in
            let local = type.split(whereSeparator: { $0 == "/" || $0 == ":" || $0 == "#" }).last.map(String.init) ?? type
            return local.trimmingCharacters(in: .whitespaces).lowercased()
        })
    }
}

fileprivate extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
