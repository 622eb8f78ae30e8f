import CLibXML2
import Foundation

/// Reviews a shop or review site shows as a list of its own, with no schema.org markup and no comment system:
/// read only when a page has neither (and the source has no selectors).
///
/// - **A review** is an element the page names as one review: a numbered review element (`review-19545412`,
///   `review601e57eb…`, as comment systems number comments), or a run of two or more siblings of one tag and one
///   class that names a single review (`custReview`, `review-block`, `review-item`), or an item (`li`, or a
///   `dt` with its `dd`) of a list inside a reviews section (`reviews`, `box-reviews`, `customer-reviews`).
///   Anything inside a comment list is the rated-comment reader's; a review inside another is part of it.
///   A review app's namespaced class (`spr-review`, `jdgm-rev`, `glsr-review`, `es-review-container`) names one too,
///   and so does an item wrapped alone in a row of alike wrappers (Shopware). With none of these names, a run of
///   alike items that each show stars, a date and a name, and whose heading links nowhere else, is a review list
///   whatever its classes (PrestaShop, OpenCart, a site whose classes are hashes).
/// - A review needs words (a dozen letters at least) and stars, an author or a date: a list of links or a
///   "0 reviews" box is none. A shop's answer inside a review (a block whose class ends in reply, response or
///   answer, or that opens with "Comment from …") is its response, not its words.
/// - Fields come as rated comments read them (``RatedCommentReader``): stars, the author shown (without a
///   leading "by" and a place after the name: "by Donald, CA" is Donald), the date shown, and the words less
///   the title line, the author's details and the helpfulness and report links.
struct VisibleReviewReader {
    let base: URL?
    let pageLink: String?
    let maximumDepth: Int
    private(set) var entries: [ParsedEntry] = []
    /// How the page writes slashed days (``VisibleDate/slashOrder(in:)``).
    var slashOrder: VisibleDate.SlashOrder?

    init(base: URL?, pageLink: String?, maximumDepth: Int) {
        self.base = base; self.pageLink = pageLink; self.maximumDepth = maximumDepth
    }

    mutating func read(_ document: HTMLDocument) {
        let units = Self.units(in: document, order: slashOrder)
        guard !units.isEmpty else { return }
        let starts = Set(units.map(\.element.pointer))
        for unit in units {
            let own = RatedCommentReader.ownElements(of: unit, comments: starts, maximumDepth: maximumDepth)
            // The shop's answers are the review's responses, not its words.
            let answerBlocks = own.elements.filter(Self.isAnswer)
            let answers = answerBlocks.filter { block in
                !answerBlocks.contains(where: { other in other.pointer != block.pointer && RatedCommentReader.isInside(block, other) })
            }
            let elements = own.elements.filter { element in
                !Self.isNoise(element) && !Self.isInsideNoise(element, within: unit)
                    && !answers.contains(where: { $0.pointer == element.pointer || RatedCommentReader.isInside(element, $0) })
            }
            // Stars may sit in a table of the review's ratings by aspect (left out of its words).
            let stars = CommentStars.rating(in: own.elements) ?? Self.pictureRating(in: own.elements)
            let byline = Self.byline(in: elements)
            let shownAuthor = RatedCommentReader.authorShown(in: elements) ?? byline.map { ($0.name, $0.node) } ?? Self.credit(in: own.elements)
            let date = RatedCommentReader.dateShown(in: elements, order: slashOrder) ?? byline.flatMap { line in line.date.map { (WrittenDate(date: $0, offset: nil), line.node) } }
            // A name beside an avatar of initials only where stars and a date say it is a review.
            let bold = shownAuthor == nil ? Self.boldName(in: elements) ?? (stars != nil && date != nil ? Self.initialedName(in: elements) : nil) : nil
            let author = shownAuthor ?? bold
            let boldOnly = shownAuthor == nil && bold != nil
            let widget = stars.map { RatedCommentReader.widgetAndLabels($0.shownBy) } ?? []
            let leftOut = own.elements.filter { Self.isNoise($0) || Self.isDateLine($0) } + widget + [author?.node, date?.node].compactMap { $0 } + answers
            // Words and stars or an author: a teaser list of articles (a title, an excerpt, a date) is no review.
            // A dozen letters at least, unless stars, an author and a date all say it is a review ("Gorgeous.").
            // Stars and a name without words are a review still (a rating left without a comment), in a unit the page
            // names as one review.
            let words = Self.words(of: unit, own: elements, excluding: leftOut + own.replies)
            let text = words.flatMap { RatedCommentReader.letterKey($0).isEmpty ? nil : $0 }
            let permalink = unit.element.attribute("id").flatMap { id in
                Self.isStableID(id) ? pageLink.map { RatedCommentReader.permalink(page: $0, id: id) } : nil
            }
            if text == nil, stars != nil, author != nil, unit.element.tokens("class").contains(where: Self.namesOneReview) {
                var entry = ParsedEntry()
                entry.author = author.flatMap { Self.personName($0.name) }
                (entry.published, entry.publishedOffset) = (date?.date.date, date?.date.offset)
                entry.rating = stars?.rating.value
                entry.bestRating = stars?.rating.best
                entry.link = permalink
                entries.append(entry)
                continue
            }
            // A name only in bold is no proof of a review by itself: stars or a date must say so too.
            let named = author != nil && (!boldOnly || date != nil)
            guard let text, RatedCommentReader.letterKey(text).count >= (stars != nil && author != nil && date != nil ? 1 : 12),
                  stars != nil || named else { continue }
            var entry = ParsedEntry()
            entry.author = author.flatMap { Self.personName($0.name) }
            (entry.published, entry.publishedOffset) = (date?.date.date, date?.date.offset)
            entry.content = text
            entry.rating = stars?.rating.value
            entry.bestRating = stars?.rating.best
            entry.responses = answers.compactMap(Self.answer)
            // A permalink only from an id that names this review (a number, a hash), not a position ("review-item-3").
            entry.link = permalink
            entries.append(entry)
        }
    }

    // MARK: - Finding the reviews

    /// A class or id that names one numbered review: `review-19545412`, `review601e57eb27d4377f840f0508`.
    static func isNumberedReview(_ name: String) -> Bool {
        var lower = Substring(name.lowercased())
        // A review app's own prefix: `spr-review-171903355` (Shopify Product Reviews).
        if let prefix = vendorPrefix(of: lower, before: "review") { lower = lower.dropFirst(prefix.count) }
        guard lower.hasPrefix("review") else { return false }
        var rest = lower.dropFirst("review".count)
        if rest.first == "-" || rest.first == "_" { rest = rest.dropFirst() }
        return rest.count >= 4 && rest.allSatisfy { $0.isHexDigit } && rest.contains(where: \.isNumber)
    }

    /// An element id that names one review whatever its position: five or more digits or hex characters in a row
    /// (`review-19545412`, `5f6a8a91d3864700094552f6`), not `review-item-3`.
    static func isStableID(_ id: String) -> Bool {
        var run = 0, digits = false
        for c in id {
            if c.isHexDigit { run += 1; digits = digits || c.isNumber; if run >= 5 && digits { return true } } else { run = 0; digits = false }
        }
        return false
    }

    /// The namespace a review app puts before its names, with its separator: `spr-` of `spr-review`, `jdgm-` of
    /// `jdgm-rev`, `glsr-` of `glsr-review`, `stamped-` of `stamped-review`; nil when `word` does not follow one.
    /// Words that make the name something else (`write-review`, `no-review`, `all-reviews`) are no namespace.
    static func vendorPrefix(of lower: Substring, before word: String) -> Substring? {
        guard let range = lower.range(of: word), range.lowerBound > lower.startIndex else { return nil }
        let prefix = lower[..<range.lowerBound]
        let namespace = prefix.trimmingCharacters(in: CharacterSet(charactersIn: "-_"))
        guard prefix.last == "-" || prefix.last == "_", (2...10).contains(namespace.count),
              namespace.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
              !["add", "write", "new", "no", "my", "your", "post", "leave", "submit", "read", "more", "all", "see", "load", "show",
                "sort", "filter", "top", "latest", "recent", "featured", "total", "average", "avg", "summary", "form", "star", "stars",
                "rating", "ratings", "pre", "next", "prev", "previous", "search", "empty", "media", "photo", "video", "widget",
                "header", "footer", "nav", "js", "product"].contains(namespace) else { return nil }
        return prefix
    }

    /// A review app's class for one review: `spr-review`, `jdgm-rev`, `glsr-review` (its namespace, then "review"
    /// or its short "rev", and nothing after).
    static func namesOneAppReview(_ lower: String) -> Bool {
        for word in ["review", "rev"] where lower.hasSuffix(word) {
            if let prefix = vendorPrefix(of: Substring(lower), before: word), prefix.count + word.count == lower.count { return true }
        }
        return false
    }

    /// A class that names a single review (not a section of them, nor a part of one).
    static func namesOneReview(_ token: String) -> Bool {
        let lower = token.lowercased()
        if namesOneAppReview(lower) { return true }
        guard let range = lower.range(of: "review"), !lower.contains("preview") else { return false }
        // Whose review before the word (`customer-review`, `product-detail-review-item`, Shopware's), what kind of
        // box after it (`review-item`, `review-block`); a part of one review (`review-item-date`) or a section of
        // them (`reviews`) is neither.
        let before = lower[..<range.lowerBound].filter { $0 != "-" && $0 != "_" }
        let after = lower[range.upperBound...].filter { $0 != "-" && $0 != "_" }
        let whose = ["", "cust", "customer", "user", "product", "productdetail", "detail", "shop", "store", "buyer", "client", "guest"]
            .contains(String(before)) || vendorPrefix(of: Substring(lower), before: "review") != nil   // `es-review-container`
        return whose && ["", "block", "item", "entry", "card", "box", "container", "wrapper", "row", "single", "custitem", "useritem"]
            .contains(String(after))
    }

    /// A class or id that names a section of reviews.
    static func namesReviewSection(_ token: String) -> Bool {
        let lower = token.lowercased()
        return ["reviews", "review-list", "reviewlist", "reviews-list", "box-reviews", "customer-reviews", "product-reviews",
                "user-reviews", "reviews-container", "review-container", "reviewscontainer"].contains(lower)
    }

    static func units(in document: HTMLDocument, order: VisibleDate.SlashOrder? = nil) -> [RatedCommentReader.Comment] {
        var found: [HTMLNode] = []
        var seen = Set<xmlNodePtr>()
        var numbered = Set<xmlNodePtr>()   // a review's own number in its id or class: a review even in a comment list
        func add(_ element: HTMLNode) { if seen.insert(element.pointer).inserted { found.append(element) } }

        var siblings = SiblingCounts { $0.name + "\u{0}" + ($0.attribute("class") ?? "") }
        var cousinCounts: [String: Int] = [:]
        for element in document.elements("//*[@id or @class]") {
            if let id = element.attribute("id"), isNumberedReview(id) { add(element); numbered.insert(element.pointer); continue }
            if element.tokens("class").contains(where: isNumberedReview) { add(element); numbered.insert(element.pointer); continue }
            guard element.tokens("class").contains(where: namesOneReview), let parent = element.parent else { continue }
            let signature = element.attribute("class") ?? ""
            func isAlike(_ node: HTMLNode) -> Bool { node.isElement && node.name == element.name && node.attribute("class") == signature }
            let alikeCount = siblings.count(alike: element, in: parent)
            if alikeCount >= 2 { add(element); continue }
            // One review to a wrapper (or to wrappers two or three deep, a carousel's), the wrappers side by side
            // (Shopware's list): alike as cousins.
            guard alikeCount == 1 else { continue }
            var wrapper = parent
            for _ in 0 ..< 3 {
                guard let above = wrapper.parent, above.isElement else { break }
                let wrapperClass = wrapper.attribute("class")
                // Judged once per wrapper row and kind of review element.
                let key = "\(UInt(bitPattern: above.pointer))\u{0}\(wrapper.name)\u{0}\(wrapperClass ?? "")\u{0}\(element.name)\u{0}\(signature)"
                let cousins: Int
                if let known = cousinCounts[key] {
                    cousins = known
                } else {
                    cousins = above.children.filter { uncle in
                        uncle.isElement && uncle.name == wrapper.name && uncle.attribute("class") == wrapperClass && containsAlike(uncle, depth: 4)
                    }.count
                    cousinCounts[key] = cousins
                }
                if cousins >= 2 { add(element); break }
                guard above.children.filter(\.isElement).count == 1 else { break }
                wrapper = above
            }
            func containsAlike(_ node: HTMLNode, depth: Int) -> Bool {
                var found = false
                node.walkElements { child, level in
                    if isAlike(child) { found = true; return .stop }
                    return level < depth ? .descend : .skip
                }
                return found
            }
        }
        for section in document.elements("//*[@id or @class]") where
            (section.attribute("id").map(namesReviewSection) ?? false) || section.tokens("class").contains(where: namesReviewSection) {
            section.walkElements { element, depth in
                if (element.hasName("ul") || element.hasName("ol")) {
                    for item in element.children where item.isElement && item.hasName("li") { add(item) }
                    return .skip
                }
                if element.hasName("dl") {
                    for item in element.children where item.isElement && item.hasName("dt") { add(item) }
                    return .skip
                }
                return depth < 4 ? .descend : .skip
            }
        }
        // Named nothing we know: a run of alike siblings each of which shows stars, a date and a name is a review list
        // whatever its classes (PrestaShop's `comment row`, `product-comment-list-item`). A product grid's cards show
        // stars but no date, a recipe archive's cards link their heading elsewhere.
        if found.isEmpty {
            for element in starredAndDated(in: document, order: order) { add(element) }
        }
        // Outermost only, in document order, none inside a comment list (the rated-comment reader's) and none in
        // the page's navigation, sidebars, header or footer (teasers of other pages' reviews).
        let all = Set(found.map(\.pointer))
        let outer = found.filter { element in
            var up = element.parent
            while let here = up {
                if all.contains(here.pointer) { return false }
                if here.hasName("aside") || here.hasName("nav") || here.hasName("footer") || here.hasName("header"),
                   !here.tokens("class").contains(where: namesReviewSection), !(here.attribute("id").map(namesReviewSection) ?? false) {
                    return false   // (an `<aside class="reviews">` is the page's review panel)
                }
                if let id = here.attribute("id"), RatedCommentReader.commentNumber(id) != nil { return false }
                if !numbered.contains(element.pointer),
                   here.tokens("class").contains(where: { $0 == "comment-list" || $0 == "commentlist" || $0 == "comments" }) { return false }
                up = here.parent
            }
            return true
        }
        let position = Dictionary(document.elements("//*").enumerated().map { ($1.pointer, $0) }, uniquingKeysWith: { a, _ in a })
        return outer.sorted { (position[$0.pointer] ?? 0) < (position[$1.pointer] ?? 0) }.map { element in
            var scope = [element]
            if element.hasName("dt"), let dd = RatedCommentReader.nextElement(after: element), dd.hasName("dd") { scope.append(dd) }
            return RatedCommentReader.Comment(element: element, scope: scope, parent: nil)
        }
    }

    /// How many of a parent's children are alike (the same `signature`), each parent's children counted once: a list of
    /// thousands of items stays linear however many of them ask.
    struct SiblingCounts {
        let signature: (HTMLNode) -> String
        private var counts: [xmlNodePtr: [String: Int]] = [:]
        init(signature: @escaping (HTMLNode) -> String) { self.signature = signature }

        mutating func count(alike element: HTMLNode, in parent: HTMLNode) -> Int {
            if counts[parent.pointer] == nil {
                var byKind: [String: Int] = [:]
                for child in parent.children where child.isElement { byKind[signature(child), default: 0] += 1 }
                counts[parent.pointer] = byKind
            }
            return counts[parent.pointer]?[signature(element)] ?? 0
        }
    }

    /// A date the page shows in words it cannot be read from ("2 weeks ago"): a short element whose class names a date
    /// or time. No part of the review's words.
    static func isDateLine(_ element: HTMLNode) -> Bool {
        element.tokens("class").contains { token in
            token.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).contains { $0 == "date" || $0 == "time" || $0 == "timestamp" || $0 == "ago" }
        } && (HTMLText.text(of: element)?.count ?? 0) <= 40
    }

    static let readMore: Set<String> = ["read more", "see more", "show more", "more", "read less", "mehr lesen", "weiterlesen",
                                        "lire la suite", "voir plus", "lees meer", "leer más", "ver más", "leggi tutto"]

    static let zebraClasses: Set<String> = ["odd", "even", "alt", "normal", "highlight", "first", "last", "row-odd", "row-even",
                                            "first-child", "last-child", "active", "selected"]

    /// Items of a list of alike siblings (one tag, one class, two or more) that each show stars and a visible date:
    /// the nearest such item above each star widget of the page.
    static func starredAndDated(in document: HTMLDocument, order: VisibleDate.SlashOrder?) -> [HTMLNode] {
        var groups: [xmlNodePtr: [HTMLNode]] = [:]   // by parent
        var parents: [xmlNodePtr] = []
        var seen = Set<xmlNodePtr>()
        // Zebra classes (`normal`/`highlight`, `odd`/`even`) do not make two items unalike.
        var siblings = SiblingCounts { node in
            node.name + "\u{0}" + node.tokens("class").filter { !zebraClasses.contains($0.lowercased()) }.joined(separator: " ")
        }
        var climbed: [xmlNodePtr: Int] = [:]   // each ancestor met, and how many steps the climb still had there
        for widget in document.elements("//*[@class or @data-rating or @role='img']") where CommentStars.isRatingElement(widget)
            && !(widget.parent.map(CommentStars.isRatingElement) ?? false) {
            var up: HTMLNode? = widget
            for step in 0 ..< 8 {
                guard let here = up, let parent = here.parent, parent.isElement else { break }
                // An ancestor met from another widget with as many steps left was judged then, and above it too.
                if let before = climbed[here.pointer], before >= 8 - step { break }
                climbed[here.pointer] = 8 - step
                // (not the stars themselves, which repeat too: an item has words)
                if here.attribute("class")?.isEmpty == false, siblings.count(alike: here, in: parent) >= 2,
                   RatedCommentReader.letterKey(HTMLText.text(of: here) ?? "").count >= 12 {
                    if seen.insert(here.pointer).inserted {
                        if groups[parent.pointer] == nil { parents.append(parent.pointer) }
                        groups[parent.pointer, default: []].append(here)
                    }
                    break
                }
                up = parent
            }
        }
        var items: [HTMLNode] = []
        for parent in parents {
            let members = groups[parent] ?? []
            let reviews = members.filter { item in
                var own: [HTMLNode] = []
                item.walkElements { element, depth in own.append(element); return depth < 12 ? .descend : .skip }
                // Stars, a date and a name; not a teaser whose heading links to another page (a recipe or post card).
                let teaser = own.contains { heading in
                    (heading.hasName("h1") || heading.hasName("h2") || heading.hasName("h3") || heading.hasName("h4"))
                        && own.contains { $0.hasName("a") && RatedCommentReader.isInside($0, heading) && !($0.attribute("href") ?? "#").hasPrefix("#") }
                }
                return !teaser && CommentStars.rating(in: own) != nil && RatedCommentReader.dateShown(in: own, order: order) != nil
                    && (RatedCommentReader.authorShown(in: own) != nil || credit(in: own) != nil || boldName(in: own) != nil
                        || initialedName(in: own) != nil)
            }
            if reviews.count >= 2 { items += reviews }
        }
        return items
    }

    // MARK: - Fields

    /// Parts of a review that are not its words, stars, author or date: its title line, the reviewer's
    /// details, votes, report and reply links.
    static func isNoise(_ element: HTMLNode) -> Bool {
        // (A heading that is the byline, "4hmom on 7.26.2017", holds the author and the date: no title.)
        if element.hasName("h1") || element.hasName("h2") || element.hasName("h3") || element.hasName("h4") || element.hasName("h5") {
            if let text = HTMLText.text(of: element), text.count <= 80, RatedCommentReader.bylineName(text) != nil { return false }
            return true
        }
        if element.hasName("button") || element.hasName("form") || element.hasName("script") || element.hasName("style") {
            return true
        }
        // A control that opens the rest of the words ("Read more"), whatever its element and class.
        if !element.hasName("p"), let text = HTMLText.text(of: element), text.count <= 20, readMore.contains(text.lowercased()) {
            return true
        }

        return element.tokens("class").contains { token in
            let lower = token.lowercased()
            return lower == "title" || lower == "caption" || lower.hasSuffix("-title") || lower.hasSuffix("_title") || lower == "headline"
                || lower.hasPrefix("title-") || lower.hasPrefix("title_")
                || lower.contains("helpful") || lower.contains("useful") || lower.contains("report") || lower.contains("flag") || lower.contains("vote")
                || lower.contains("button")
                || lower.contains("footer") || lower.contains("author-data") || lower.contains("reviewer-data")
                || lower.contains("pros") || lower.contains("cons") || lower == "reply" || lower.contains("reply-")
                || lower.hasPrefix("ratings-") || lower.hasSuffix("-ratings")
        }
    }

    /// A rating drawn as one picture whose file names the value: `4_forks.png`, `stars_4.gif`, `rating-4-5.png`.
    static func pictureRating(in own: [HTMLNode]) -> (rating: ReviewRating, shownBy: HTMLNode)? {
        for image in own where image.hasName("img") {
            let named = (image.attribute("class") ?? "") + " " + (image.attribute("src") ?? "")
            let lower = named.lowercased()
            guard ["rating", "star", "fork"].contains(where: { lower.contains($0) }), let src = image.attribute("src") else { continue }
            let file = src.split(separator: "/").last.map { $0.split(separator: ".").first.map(String.init) ?? "" } ?? ""
            // "stars@2x" is a picture's resolution, not a rating.
            let plain = file.replacingOccurrences(of: "@2x", with: "").replacingOccurrences(of: "@3x", with: "")
            let numbers = plain.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            // "4_forks", "stars_4": one number from 1 to 5 ("rating-4-5": four and a half).
            if numbers.count == 1, (1...5).contains(numbers[0]) { return (ReviewRating(value: Double(numbers[0])), image) }
            if numbers.count == 2, (0...4).contains(numbers[0]), numbers[1] == 5 { return (ReviewRating(value: Double(numbers[0]) + 0.5), image) }
        }
        return nil
    }

    /// The author in a credit line ("kristiea from CHICAGO, IL"): an element whose class names a credit or a reviewer.
    static func credit(in own: [HTMLNode]) -> (name: String, node: HTMLNode)? {
        for element in own where element.tokens("class").contains(where: {
            let lower = $0.lowercased()
            return lower == "credit" || lower.contains("byline") || lower.contains("reviewer") || lower.contains("nickname")
                || namesAuthor(lower)
        }) {
            guard var text = HTMLText.text(of: element), text.count <= 80 else { continue }
            // "theo.r on Sep 17, 2023", "Posted by Rick on 2nd Jul 2024": the name before the date.
            for on in [" on ", " am ", " le ", " op ", " el ", " il "] {
                if let range = text.range(of: on, options: .backwards), VisibleDate.parse(String(text[range.upperBound...])) != nil {
                    text = String(text[..<range.lowerBound])
                }
            }
            if let posted = text.range(of: "Posted by ", options: [.caseInsensitive, .anchored]) { text = String(text[posted.upperBound...]) }
            // "Marie D. publié" (le 14/03/2024): the verb before the date is no part of the name.
            for verb in [" publié", " posted", " written", " reviewed", " geschrieben", " verfasst", " écrit", " geplaatst"]
            where text.lowercased().hasSuffix(verb) {
                text = String(text.dropLast(verb.count))
            }
            if let name = personName(text) { return (name, element) }
        }
        return nil
    }

    /// A name set in bold outside the review's paragraphs (OpenCart's `<td><strong>Bev</strong></td>`): short, with a
    /// letter, no date, not a title.
    static func boldName(in own: [HTMLNode]) -> (name: String, node: HTMLNode)? {
        for element in own where element.hasName("strong") || element.hasName("b")
            || element.tokens("class").contains(where: { $0 == "bold" || $0 == "strong" }) {
            // (within the review: its paragraphs lie a few levels down at most)
            var up = element.parent, inParagraph = false, levels = 0
            while let here = up, !inParagraph, levels < 3 { inParagraph = here.hasName("p") || isTextBlock(here); up = here.parent; levels += 1 }
            guard !inParagraph, let text = HTMLText.text(of: element), text.count <= 40, text.contains(where: \.isLetter),
                  VisibleDate.parse(text) == nil, let name = personName(text) else { continue }
            return (name, element)
        }
        return nil
    }

    /// A name beside its avatar of initials ("j" then "jipysn", "JD" then "Jane Doe"): a leaf of one to three letters,
    /// and the next leaf with words, a short one (four words at most) whose initials (or first letters) they are.
    static func initialedName(in own: [HTMLNode]) -> (name: String, node: HTMLNode)? {
        func isLeaf(_ node: HTMLNode) -> Bool { !node.children.contains(where: \.isElement) }
        for (i, avatar) in own.enumerated() where isLeaf(avatar) {
            guard let initials = HTMLText.text(of: avatar), (1...3).contains(initials.count), initials.allSatisfy(\.isLetter) else { continue }
            // Two or three letters ("US" before "United States") only in an element named as an avatar.
            if initials.count > 1 {
                var up: HTMLNode? = avatar, named = false
                for _ in 0 ..< 3 {
                    guard let here = up, here.isElement else { break }
                    if here.tokens("class").contains(where: { let lower = $0.lowercased()
                        return lower.contains("avatar") || lower.contains("initial") || lower.contains("monogram") }) { named = true; break }
                    up = here.parent
                }
                guard named else { continue }
            }
            guard let next = own[(i + 1)...].first(where: { isLeaf($0) && HTMLText.text(of: $0) != nil }),
                  let shown = HTMLText.text(of: next), shown.count <= 40, shown.contains(where: \.isLetter) else { continue }
            let words = shown.split(separator: " ")
            guard words.count <= 4, VisibleDate.parse(shown) == nil else { continue }
            let lower = initials.lowercased()
            let theirs = String(words.compactMap(\.first)).lowercased()
            guard lower == theirs || (lower.count == 1 && shown.lowercased().hasPrefix(lower)), let name = personName(shown) else { continue }
            return (name, next)
        }
        return nil
    }

    /// A class whose last word names the author: `jdgm-rev__author`, `glsr-review-author`, `review-author-name`.
    static func namesAuthor(_ lower: String) -> Bool {
        let words = lower.split(whereSeparator: { $0 == "-" || $0 == "_" })
        guard words.count >= 2 else { return false }
        if words.last == "author" || (words.last == "name" && ["author", "customer", "reviewer", "client", "buyer", "consumer"]
            .contains(String(words.dropLast().last ?? ""))) { return true }
        // `kiyoh-name`, `customer-name`: a name that is no product's, shop's or file's.
        return words.count == 2 && words.last == "name" && !["product", "item", "shop", "store", "company", "brand", "file", "user",
                                                              "site", "page", "category", "variant", "option", "field", "input"].contains(String(words[0]))
    }

    /// A block that holds the shop's answer to the review: a class whose last word is `reply` or `response`
    /// or `answer` (`spr-review-reply`, `jdgm-rev__reply`, `glsr-review-response`, `netreviews_website_answer`), not a reply
    /// link or button.
    static func isAnswer(_ element: HTMLNode) -> Bool {
        guard !element.hasName("a"), !element.hasName("button"), !element.hasName("form") else { return false }
        if element.tokens("class").contains(where: { token in
            let words = token.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" })
            return words.count >= 2 && (words.last == "reply" || words.last == "response" || words.last == "answer")
        }) { return true }
        // A block that says it is the owner's ("Comment from Dana K. of …", "Response from the owner"), whatever its class.
        guard element.hasName("div") || element.hasName("section") || element.hasName("blockquote") || element.hasName("aside"),
              element.children.filter(\.isElement).count >= 2, let text = HTMLText.text(of: element) else { return false }
        let lower = text.prefix(40).lowercased()
        return answerOpenings.contains { lower.hasPrefix($0) }
    }

    static let answerOpenings = ["comment from ", "response from ", "reply from ", "réponse de ", "antwort von ", "reactie van ",
                                 "owner response", "business owner", "respuesta de "]

    /// The shop's answer in a block: its words less the line that names who answers ("Saltmarsh Candle Co.",
    /// "replied:", "Response from …"), and that name when one is shown.
    static func answer(in block: HTMLNode) -> ParsedResponse? {
        var named: [HTMLNode] = []
        var name: String?
        block.walkElements { element, _ in
            let words = element.tokens("class").flatMap { $0.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }) }
            if let last = words.last, ["shop", "replier", "author", "name", "title", "heading"].contains(last) || element.hasName("h3")
                || element.hasName("h4") || element.hasName("h5") {
                named.append(element)
                if name == nil, let text = HTMLText.text(of: element), text.count <= 80 {
                    let cleaned = personName(text.replacingOccurrences(of: "Response from ", with: "").replacingOccurrences(of: "replied:", with: ""))
                    if let cleaned, !cleaned.isEmpty { name = cleaned }
                }
                return .skip
            }
            if element.tokens("class").contains(where: { $0.lowercased().contains("wrapper") }),
               let text = HTMLText.text(of: element), text.count <= 80, text.hasSuffix(":") {
                named.append(element)
                return .skip
            }
            return .descend
        }
        guard let text = HTMLText.text(of: block, excluding: named), RatedCommentReader.letterKey(text).count >= 2 else { return nil }
        return ParsedResponse(author: name, text: text, written: nil)
    }

    static func isInsideNoise(_ element: HTMLNode, within unit: RatedCommentReader.Comment) -> Bool {
        var up = element.parent
        while let here = up, !unit.scope.contains(where: { $0.pointer == here.pointer }) {
            if isNoise(here) { return true }
            up = here.parent
        }
        return false
    }

    /// The review's words: its text block (a class that names the body, text or content), else its paragraphs,
    /// else a `dt` review's `dd` or the element itself; without what `excluding` names.
    static func words(of unit: RatedCommentReader.Comment, own: [HTMLNode], excluding: [HTMLNode]) -> String? {
        // A block named as the review's words (`review-text`, `reviewText`, `review-body`) before any other text block.
        let named = own.first { element in
            element.tokens("class").contains { token in
                let lower = token.lowercased()
                return lower.contains("review") && ["text", "body", "content"].contains(where: lower.contains)
                    && !["title", "author", "date", "meta", "rating", "star", "name", "profile", "avatar", "header", "footer", "hidden"]
                        .contains(where: lower.contains)
            }
        }
        // A text block that holds another (`kiyoh-item-body` around `kiyoh-text` and a recommendation line): the inner one.
        let blocks = own.filter(isTextBlock)
        let innermost = blocks.first { outer in !blocks.contains { $0.pointer != outer.pointer && RatedCommentReader.isInside($0, outer) } }
        if let block = named ?? innermost, let text = HTMLText.text(of: block, excluding: excluding) {
            return text
        }
        let paragraphs = own.filter { p in (p.hasName("p") || p.hasName("blockquote")) && !excluding.contains(where: { $0.pointer == p.pointer }) }
            .compactMap { HTMLText.text(of: $0, excluding: excluding) }
        if !paragraphs.isEmpty { return paragraphs.joined(separator: " ") }
        let roots = unit.scope.count > 1 ? Array(unit.scope.dropFirst()) : unit.scope
        let parts = roots.compactMap { HTMLText.text(of: $0, excluding: excluding) }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    /// An element whose class names a review's words: `body`, `comment`, `review-text`, `reviewBody`, `content`
    /// (not `smallText`: a class that merely ends in "text").
    static func isTextBlock(_ element: HTMLNode) -> Bool {
        element.tokens("class").contains { token in
            let lower = token.lowercased()
            guard !["title", "author", "date", "meta", "header", "footer", "rating", "star", "name", "screen-reader", "sr-only", "hidden",
                    "profile", "avatar"]
                .contains(where: { lower.contains($0) })
            else { return false }
            let words = ["body", "text", "content", "description", "message", "comment"]
            return words.contains(lower) || words.contains { word in
                lower.hasSuffix("-" + word) || lower.hasSuffix("_" + word) || (lower.hasPrefix("review") && lower.hasSuffix(word))
            }
        }
    }

    /// "Review by Anna / (Posted on 28-02-2015)", "Recenzje wg Anna / (Dodano 28-02-2015)": a meta line that names
    /// the author after a "by" and may give the date.
    static func byline(in own: [HTMLNode]) -> (name: String, date: Date?, node: HTMLNode)? {
        for element in own where element.tokens("class").contains(where: { $0.lowercased().contains("meta") || $0.lowercased().contains("byline") }) {
            guard let text = HTMLText.text(of: element), text.count <= 120 else { continue }
            for by in [" by ", " von ", " par ", " door ", " wg ", " od ", " di ", " por ", " af ", " av "] {
                guard let range = (" " + text).range(of: by) else { continue }
                let after = (" " + text)[range.upperBound...]
                let name = after.prefix { $0 != "/" && $0 != "(" && $0 != "|" && $0 != "," && $0 != "\n" }
                    .trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, name.count <= 60 else { continue }
                let rest = String(after.dropFirst(name.count)).trimmingCharacters(in: CharacterSet(charactersIn: " /|()"))
                let date = rest.split(whereSeparator: { $0 == "(" || $0 == ")" }).lazy.compactMap { VisibleDate.parse(String($0)) }.first
                return (name, date, element)
            }
        }
        return nil
    }

    /// The name in an author line: "by Donald, CA" → "Donald", "kristiea from CHICAGO, IL" → "kristiea".
    static func personName(_ shown: String) -> String? {
        var name = shown.trimmingCharacters(in: .whitespacesAndNewlines)
        for by in ["by ", "von ", "par ", "door ", "wg ", "od ", "di ", "por "] where name.lowercased().hasPrefix(by) {
            name = String(name.dropFirst(by.count))
        }
        // A label before the "by": "Review by Caleb R.", "Posted by Rick", "Avis par Camille".
        for by in [" by ", " von ", " par ", " door ", " por "] {
            if let range = name.range(of: by, options: .caseInsensitive), name[..<range.lowerBound].count <= 16,
               name[..<range.lowerBound].allSatisfy({ $0.isLetter || $0 == " " }) {
                name = String(name[range.upperBound...])
                break
            }
        }
        for from in [" from ", " aus ", " de "] {
            if let range = name.range(of: from) { name = String(name[..<range.lowerBound]) }
        }
        // ", CA" after the name: a state or country code.
        if let comma = name.lastIndex(of: ","), name[name.index(after: comma)...].trimmingCharacters(in: .whitespaces).count == 2,
           name[name.index(after: comma)...].trimmingCharacters(in: .whitespaces).allSatisfy({ $0.isUppercase }) {
            name = String(name[..<comma])
        }
        name = name.trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "/|,-")))
        return name.isEmpty ? nil : name
    }
}
