import CLibXML2
import Foundation

/// Reviews written as rated blog comments: the comment list most blogs publish, where a rating plugin
/// (WP Recipe Maker, Tasty Recipes, Comment Rating Field, EasyRecipe, WP Review, site-made stars) puts the
/// commenter's stars in the comment.
///
/// Read when the source has no selectors. On a page without schema.org reviews the rated comments are its
/// reviews; on a page with them, the comments lend those reviews their typeset words and permalinks, and add the
/// rated comments the markup left out (``join(_:comments:shown:)``).
/// - **Comments** are the elements WordPress and its comment plugins give a numbered id: `comment-12`,
///   `li-comment-12`, `div-comment-12`, wpDiscuz's `wpd-comm-12_0` (the outermost element of each number is the
///   comment; a `<dt id="comment-12">` takes its `<dd>` with it). A comment's replies are the numbered elements
///   inside it.
/// - A comment with stars (``CommentStars``) is a review, and so is a top-level comment the page classes as a review
///   (WooCommerce's `li.review`, rated or not); any other is conversation and is left out. The
///   site's own comments (`bypostauthor`, written by the post's author) are never reviews, stars or not: a
///   reply of theirs to a review is that review's owner response.
/// - Author, date and words come from what the page shows: the author's name (`.fn`, `.comment-author-name`,
///   `itemprop=author`, a name in the comment's meta line, a profile link), `<time datetime>` or a visible date
///   (``VisibleDate``), the comment's content block less the rating widget and its label.
struct RatedCommentReader {
    let base: URL?
    let pageLink: String?
    let maximumDepth: Int
    private(set) var entries: [ParsedEntry] = []
    /// Every visitor's comment as the page shows it, rated or not (``join(_:comments:shown:)``).
    private(set) var shown: [Shown] = []
    /// Collects ``shown`` as well (for a page whose reviews come from its schema.org data).
    var collectsShown = false
    /// How the page writes slashed days (``VisibleDate/slashOrder(in:)``).
    var slashOrder: VisibleDate.SlashOrder?

    /// A visitor's comment as the page shows it: its words and its permalink (the page's address and the
    /// comment's element id).
    struct Shown: Equatable {
        let text: String
        let link: String?
    }

    init(base: URL?, pageLink: String?, maximumDepth: Int) {
        self.base = base; self.pageLink = pageLink; self.maximumDepth = maximumDepth
    }

    static let candidateXPath = "//*[starts-with(@id, 'comment-') or starts-with(@id, 'li-comment-') "
        + "or starts-with(@id, 'div-comment-') or starts-with(@id, 'wpd-comm-')]"

    /// The address of an element of the page: the page without its fragment, and the element's id.
    static func permalink(page: String, id: String) -> String {
        (page.split(separator: "#", maxSplits: 1).first.map(String.init) ?? page) + "#" + id
    }

    /// The comment number an element's id names ("comment-12", "li-comment-12", "div-comment-12", "wpd-comm-12_0"),
    /// nil for other ids ("comment-form", "comment-inner-12", "comment-content-12").
    static func commentNumber(_ id: String) -> Substring? {
        for prefix in ["comment-", "li-comment-", "div-comment-", "wpd-comm-"] where id.hasPrefix(prefix) {
            let rest = id.dropFirst(prefix.count)
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty else { return nil }
            let after = rest.dropFirst(digits.count)
            return after.isEmpty || (prefix == "wpd-comm-" && after.first == "_") ? digits : nil
        }
        return nil
    }

    /// One comment: its element (and the `<dd>` of a `<dt>` comment) and the comment it replies to.
    struct Comment {
        let element: HTMLNode
        let scope: [HTMLNode]
        let parent: Int?
    }

    /// The page's comments in document order.
    static func comments(in document: HTMLDocument) -> [Comment] {
        var numberOf: [xmlNodePtr: Substring] = [:]
        var outermost: [HTMLNode] = []
        for element in document.elements(candidateXPath) {
            guard let number = element.attribute("id").flatMap(commentNumber) else { continue }
            numberOf[element.pointer] = number
            var up = element.parent
            var inner = false
            while let node = up {
                if numberOf[node.pointer] == number { inner = true; break }
                up = node.parent
            }
            if !inner { outermost.append(element) }
        }
        // A theme that numbers no comment: the items classed `comment` of a list classed as the comments
        // (`ol.comments-list > li.comment`), replies nested in them.
        if outermost.isEmpty {
            for item in document.elements("//li[contains(concat(' ', normalize-space(@class), ' '), ' comment ')]") {
                guard let list = item.parent, list.hasName("ol") || list.hasName("ul") else { continue }
                var up: HTMLNode? = list
                var inList = false
                for _ in 0 ..< 6 {
                    guard let here = up else { break }
                    if here.tokens("class").contains(where: { ["comment-list", "comments-list", "commentlist", "children"].contains($0.lowercased()) }) {
                        inList = true; break
                    }
                    up = here.parent
                }
                if inList { outermost.append(item) }
            }
        }
        var index: [xmlNodePtr: Int] = [:]
        for (i, element) in outermost.enumerated() { index[element.pointer] = i }
        return outermost.map { element in
            var scope = [element]
            if element.hasName("dt"), let dd = nextElement(after: element), dd.hasName("dd") { scope.append(dd) }
            return Comment(element: element, scope: scope, parent: owner(of: element.parent, index: index))
        }
    }

    /// The comment an element belongs to: its nearest comment ancestor, or the `<dt>` comment whose `<dd>` holds it.
    static func owner(of node: HTMLNode?, index: [xmlNodePtr: Int]) -> Int? {
        var up = node
        while let here = up {
            if let i = index[here.pointer] { return i }
            if here.hasName("dd"), let dt = previousElement(before: here), let i = index[dt.pointer] { return i }
            up = here.parent
        }
        return nil
    }

    static func nextElement(after node: HTMLNode) -> HTMLNode? { siblingElement(of: node, forward: true) }

    static func previousElement(before node: HTMLNode) -> HTMLNode? { siblingElement(of: node, forward: false) }

    /// The nearest element among the node's following (or preceding) siblings.
    static func siblingElement(of node: HTMLNode, forward: Bool) -> HTMLNode? {
        var sibling = forward ? node.pointer.pointee.next : node.pointer.pointee.prev
        while let here = sibling {
            if here.pointee.type == XML_ELEMENT_NODE { return HTMLNode(here) }
            sibling = forward ? here.pointee.next : here.pointee.prev
        }
        return nil
    }

    mutating func read(_ document: HTMLDocument) {
        let comments = Self.comments(in: document)
        let starts = Set(comments.map(\.element.pointer))
        var entryOf: [Int: Int] = [:]
        var answers: [(comment: Int, to: Int)] = []
        for (i, comment) in comments.enumerated() {
            let byOwner = comment.element.tokens("class").contains("bypostauthor")
            if byOwner {
                if let parent = comment.parent { answers.append((i, parent)) }
                continue
            }
            let own = Self.ownElements(of: comment, comments: starts, maximumDepth: maximumDepth)
            let stars = CommentStars.rating(in: own.elements)
            // A comment the page classes as a review (a shop's review list kept as comments, WooCommerce's
            // `li.review`) is one, rated or not, unless it answers another; any other unrated comment is
            // conversation, wanted only to lend schema.org reviews their typesetting.
            let isReview = stars != nil || (comment.parent == nil && comment.element.tokens("class").contains("review"))
            guard collectsShown || isReview else { continue }
            let text = Self.text(own: own, comment: comment, leaving: stars.map { Self.widgetAndLabels($0.shownBy) } ?? [], order: slashOrder)
            let link = comment.element.attribute("id").flatMap { id in
                pageLink.map { Self.permalink(page: $0, id: id) }
            }
            if collectsShown, let text { shown.append(Shown(text: text, link: link)) }
            // Stars without words are a review still (the words may be an emoticon picture); words without stars only
            // in a comment classed as a review.
            guard isReview, stars != nil || !(text ?? "").isEmpty else { continue }
            var entry = ParsedEntry()
            entry.author = Self.author(in: own.elements)
            let published = Self.dateShown(in: own.elements, order: slashOrder)?.date
            (entry.published, entry.publishedOffset) = (published?.date, published?.offset)
            entry.content = text
            entry.rating = stars?.rating.value
            entry.bestRating = stars?.rating.best
            entry.link = link
            entryOf[i] = entries.count
            entries.append(entry)
        }
        for answer in answers {
            guard let entry = entryOf[answer.to] else { continue }
            let own = Self.ownElements(of: comments[answer.comment], comments: starts, maximumDepth: maximumDepth)
            let widget = CommentStars.rating(in: own.elements).map { Self.widgetAndLabels($0.shownBy) } ?? []
            guard let text = Self.text(own: own, comment: comments[answer.comment], leaving: widget, order: slashOrder), !text.isEmpty else { continue }
            entries[entry].responses.append(ParsedResponse(author: Self.author(in: own.elements), text: text,
                                                           written: Self.dateShown(in: own.elements, order: slashOrder)?.date))
        }
    }

    /// The comment's own elements, in document order: not its replies (other comments, nested reply lists).
    static func ownElements(of comment: Comment, comments: Set<xmlNodePtr>, maximumDepth: Int) -> Own {
        var own = Own()
        for (n, root) in comment.scope.enumerated() {
            if n > 0 { own.elements.append(root) }
            root.walkElements { element, depth in
                if comments.contains(element.pointer) || isReplyList(element)
                    || (element.hasName("dd") && previousElement(before: element).map { comments.contains($0.pointer) } == true) {
                    own.replies.append(element)
                    return .skip
                }
                own.elements.append(element)
                return depth < maximumDepth ? .descend : .skip
            }
        }
        return own
    }

    /// A comment's own elements (document order) and the replies among them, left out of its words.
    struct Own {
        var elements: [HTMLNode] = []
        var replies: [HTMLNode] = []
    }

    static func isReplyList(_ element: HTMLNode) -> Bool {
        (element.hasName("ul") || element.hasName("ol") || element.hasName("dl") || element.hasName("div")) && element.tokens("class").contains("children")
    }

    static func hasClass(_ element: HTMLNode, in names: Set<String>) -> Bool {
        element.tokens("class").contains { names.contains($0) }
    }

    // MARK: - Fields

    /// The rating widget and the labels beside it ("Rating:", "(5/5)"): not the commenter's words.
    static func widgetAndLabels(_ widget: HTMLNode) -> [HTMLNode] {
        var out = [widget]
        for sibling in widget.parent?.children ?? [] where sibling.isElement && sibling.pointer != widget.pointer {
            if let text = HTMLText.text(of: sibling), CommentStars.isLabel(text) { out.append(sibling) }
        }
        return out
    }

    static let authorClasses: Set<String> = ["fn", "comment-author-name", "comment-author__name", "comment_author", "wpd-comment-author",
                                             "author-name", "comment-author-link"]

    static func author(in own: [HTMLNode]) -> String? { authorShown(in: own)?.name }

    /// The author's name and the element that shows it.
    static func authorShown(in own: [HTMLNode]) -> (name: String, node: HTMLNode)? {
        let candidates: [() -> HTMLNode?] = [
            { own.first { hasClass($0, in: authorClasses) } },
            { own.first { $0.tokens("itemprop").contains("author") }.map { author in
                own.first { $0.tokens("itemprop").contains("name") && isInside($0, author) } ?? author } },
            { own.first { hasClass($0, in: ["comment-author", "author", "name", "comment-name", "username", "user-name"]) } },
            { own.first { $0.tokens("class").contains { $0.contains("meta") } }.flatMap { meta in
                own.first { ($0.hasName("strong") || $0.hasName("b")) && isInside($0, meta) } } },
            { own.first { link in
                guard link.hasName("a"), let href = link.attribute("href") else { return false }
                return ["/user/", "/users/", "/profile", "/member", "/user_details", "userid=", "/people/"].contains { href.contains($0) }
                    && HTMLText.text(of: link) != nil } },
            // (Bootstrap's `h4`…`h6` classes style a span as that heading.)
            { own.first { ($0.hasName("h4") || $0.hasName("h5") || $0.hasName("h6") || $0.hasName("cite") || isStyledAsHeadingName($0))
                && !$0.tokens("class").contains { $0.contains("subject") || $0.contains("title") } } },
            // A byline line in the comment's meta block: "— Patti on August 31, 2023" (the shortest element that reads so).
            { let content = contentBlock(in: own)
              let metas = Set(own.filter { $0.tokens("class").contains { $0.lowercased().contains("meta") || $0.lowercased().contains("byline") } }
                .map(\.pointer))
              guard !metas.isEmpty else { return nil }
              func inMeta(_ node: HTMLNode) -> Bool {
                  var up: HTMLNode? = node
                  for _ in 0 ..< 12 {
                      guard let here = up else { return false }
                      if metas.contains(here.pointer) { return true }
                      up = here.parent
                  }
                  return false
              }
              return own.compactMap { node -> (HTMLNode, Int)? in
                  guard inMeta(node),
                        !(content.map { isInside(node, $0) || node.pointer == $0.pointer } ?? false),
                        let text = HTMLText.text(of: node), text.count <= 80, bylineName(text) != nil else { return nil }
                  return (node, text.count) }.min { $0.1 < $1.1 }?.0 },
        ]
        for candidate in candidates {
            guard var node = candidate(), var name = HTMLText.text(of: node) else { continue }
            // An author block that holds more than the name ("Grade ★★★★★ Julie M 02/21/2017"): the name in bold.
            if !(node.hasName("strong") || node.hasName("b")),
               name.count > 40 || VisibleDate.parse(name) != nil || name.split(separator: " ").contains(where: { VisibleDate.slashed($0) != nil }),
               let bold = own.first(where: { ($0.hasName("strong") || $0.hasName("b")) && isInside($0, node) }),
               let boldName = HTMLText.text(of: bold) {
                node = bold
                name = boldName
            }
            if let byline = bylineName(name) { name = byline }
            for says in [" says:", " says", " said:", " sagt:", " dit :", " dit:"] where name.lowercased().hasSuffix(says) {
                name = String(name.dropLast(says.count))
            }
            name = name.trimmingCharacters(in: .whitespaces)
            if !name.isEmpty, name.count <= 80 { return (name, node) }
        }
        return nil
    }

    /// The name in a byline, "— Patti on August 31, 2023", "Jan op 4 mei 2023": a short name (five words at most, digits
    /// only in a one-word handle), then " on " (am, le, op, el, il) and a date.
    static func bylineName(_ line: String) -> String? {
        for on in [" on ", " am ", " le ", " op ", " el ", " il "] {
            guard let range = line.range(of: on, options: .backwards), VisibleDate.parse(String(line[range.upperBound...])) != nil else { continue }
            var name = line[..<range.lowerBound].trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: "—–-·|")))
            // "Posted by Jane on …", "by Jane on …": the name after "by".
            if let by = name.range(of: "by ", options: [.caseInsensitive, .backwards]),
               by.lowerBound == name.startIndex || name[name.index(before: by.lowerBound)] == " " {
                name = String(name[by.upperBound...])
            }
            // "Marie D. publié le …": the verb after the name is no part of it.
            if let last = name.split(separator: " ").last, bylineVerbs.contains(last.lowercased()) {
                name = String(name.dropLast(last.count)).trimmingCharacters(in: .whitespaces)
            }
            // "Posted on …", "Last updated on …", "Reviewed in the United States on …": a label, no name.
            if name.split(separator: " ").contains(where: { bylineVerbs.contains($0.lowercased()) || bylineLabels.contains($0.lowercased()) }) {
                return nil
            }
            // (Digits only in a handle of one word: "4hmom", "Fred2003".)
            guard !name.isEmpty, name.count <= 40, name.contains(where: \.isLetter), name.split(separator: " ").count <= 5,
                  !name.contains(where: \.isNumber) || !name.contains(" ") else { return nil }
            return name
        }
        return nil
    }

    static let bylineVerbs: Set<String> = ["posted", "published", "reviewed", "written", "commented", "updated", "added", "submitted",
                                           "replied", "wrote", "said", "publié", "publiée", "écrit", "geschrieben", "verfasst",
                                           "veröffentlicht", "geplaatst", "gepost", "pubblicato", "publicado", "publicada",
                                           "edited", "modified", "rated", "purchased", "bought", "ordered", "visited", "stayed",
                                           "asked", "answered", "bewertet", "besucht", "gekauft", "commenté", "acheté"]
    /// Words of a label before a date, never of a name.
    static let bylineLabels: Set<String> = ["last", "originally", "verified", "first", "date", "in", "the", "was", "is", "comment",
                                            "review", "reviews", "datum", "bewertung", "avis", "commentaire"]

    /// True when an element between the node and `top` (or the node itself) is a heading.
    static func inHeading(_ node: HTMLNode, below top: HTMLNode) -> Bool {
        var up: HTMLNode? = node
        while let here = up, here.pointer != top.pointer {
            if ["h1", "h2", "h3", "h4", "h5", "h6"].contains(where: here.hasName) { return true }
            up = here.parent
        }
        return false
    }

    /// A span or the like styled as a heading (Bootstrap's `h4`…`h6` classes) whose words read as a name: letters, no
    /// digits, four words at most, no date.
    static func isStyledAsHeadingName(_ element: HTMLNode) -> Bool {
        guard !element.hasName("div"), element.tokens("class").contains(where: { ["h4", "h5", "h6"].contains($0) }),
              let text = HTMLText.text(of: element), text.count <= 40, text.contains(where: \.isLetter),
              !text.contains(where: \.isNumber), text.split(separator: " ").count <= 4 else { return false }
        return VisibleDate.parse(text) == nil
    }

    static func isInside(_ node: HTMLNode, _ ancestor: HTMLNode) -> Bool {
        var up = node.parent
        while let here = up {
            if here.pointer == ancestor.pointer { return true }
            up = here.parent
        }
        return false
    }

    static let dateClasses: Set<String> = ["comment-meta", "commentmetadata", "comment-metadata", "post-meta", "meta"]

    /// The date and the element that shows it. A visible date names no zone: its offset is nil.
    static func dateShown(in own: [HTMLNode], order: VisibleDate.SlashOrder? = nil) -> (date: WrittenDate, node: HTMLNode)? {
        for node in own where node.hasName("time") {
            if let stamp = node.attribute("datetime").flatMap(DateParser.parseWritten) { return (stamp, node) }
            // A datetime in the page's own format ("6/2/24", Magento's).
            if let day = node.attribute("datetime").flatMap({ VisibleDate.parse($0, order: order) }) { return (WrittenDate(date: day, offset: nil), node) }
        }
        let named = own.filter {
            $0.hasName("time") || hasClass($0, in: dateClasses) || $0.tokens("class").contains { $0.contains("date") || $0.contains("time") }
        }
        // The day of the order, purchase, visit or stay is not the day the review was written: those last.
        func isOtherDay(_ node: HTMLNode) -> Bool {
            node.tokens("class").contains { token in
                let lower = token.lowercased()
                return ["order", "purchase", "experience", "visit", "stay", "bought"].contains(where: lower.contains)
            }
        }
        for node in named where !isOtherDay(node) {
            if let text = HTMLText.text(of: node), text.count <= 120, let date = VisibleDate.parse(text, order: order) {
                return (WrittenDate(date: date, offset: nil), node)
            }
        }
        // A short line of its own that reads as a date ("am <small>27. September 2019 - 19:52.</small>").
        let content = contentBlock(in: own)
        for node in own where node.hasName("small") || node.hasName("span") || node.hasName("a") || node.hasName("p") || node.hasName("em")
            || node.hasName("td") {
            // (Inside the words' block only in a heading: "<h4>NAME <span>on 7.26.2017</span></h4>".)
            if let content, isInside(node, content), !inHeading(node, below: content) { continue }
            if isOtherDay(node) || node.children.contains(where: { $0.isElement && isOtherDay($0) }) { continue }
            if let text = HTMLText.text(of: node), text.count <= 60, let date = VisibleDate.parse(text, order: order) {
                return (WrittenDate(date: date, offset: nil), node)
            }
        }
        for node in named where isOtherDay(node) {
            if let text = HTMLText.text(of: node), text.count <= 120, let date = VisibleDate.parse(text, order: order) {
                return (WrittenDate(date: date, offset: nil), node)
            }
        }
        return nil
    }

    static let replyLinks: Set<String> = ["reply", "comment-reply", "comment-reply-link", "comment-awaiting-moderation"]

    static let leftOut: Set<String> = ["reply", "comment-reply", "comment-reply-link", "comment-author", "comment-meta", "post-meta",
                                       "commentmetadata", "comment-metadata", "comment-header", "says", "comment-awaiting-moderation"]

    /// The element holding the comment's words: `.comment-content`, `.comment-text`, `.wpd-comment-text`, `.format_text`.
    static func contentBlock(in own: [HTMLNode]) -> HTMLNode? {
        own.first { element in
            element.tokens("class").contains { token in
                guard !token.contains("meta"), !token.contains("author"), !token.contains("date") else { return false }
                return token.contains("content") || (token.contains("comment") && token.contains("text")) || token.hasSuffix("_text")
                    || token == "comment-entry"
            }
        }
    }

    /// The comment's words: its content block, else the comment less its author line, date and reply link;
    /// without the rating widget either way.
    static func text(own: Own, comment: Comment, leaving widget: [HTMLNode], order: VisibleDate.SlashOrder? = nil) -> String? {
        let author = authorShown(in: own.elements)?.node, date = dateShown(in: own.elements, order: order)?.node
        var shown = [author, date].compactMap { $0 }
        if let author, let date, let line = bylineLine(author: author, date: date, within: comment.scope) { shown.append(line) }
        if let content = contentBlock(in: own.elements) {
            let links = own.elements.filter { hasClass($0, in: replyLinks) && isInside($0, content) }
            return HTMLText.text(of: content, excluding: own.replies + widget + links + shown.filter { isInside($0, content) })
        }
        let excluded = own.elements.filter { hasClass($0, in: leftOut) || $0.hasName("footer") || $0.hasName("header") } + widget + own.replies + shown
        let parts = comment.scope.enumerated().compactMap { n, root -> String? in
            n == 0 && comment.scope.count > 1 ? nil : HTMLText.text(of: root, excluding: excluded)
        }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    /// The line that holds both the author and the date ("Margaret Olsen (verified owner) – March 3, 2024", "Jane on
    /// Jun 14, 2023"): their nearest common element, when little else is in it (a badge, a dash, "on", "Posted by").
    /// None of it is the reviewer's words.
    static func bylineLine(author: HTMLNode, date: HTMLNode, within scope: [HTMLNode]) -> HTMLNode? {
        var ancestors: [xmlNodePtr] = []
        var up = author.parent
        while let here = up, !scope.contains(where: { $0.pointer == here.pointer }) { ancestors.append(here.pointer); up = here.parent }
        up = date.parent
        while let here = up, !scope.contains(where: { $0.pointer == here.pointer }) {
            if ancestors.contains(here.pointer) {
                // One line: inline elements only (a block inside is more than the byline: the comment's body).
                var blocks = false
                here.walkElements { element, _ in
                    if ["p", "div", "ul", "ol", "li", "blockquote", "table", "section", "article", "dl", "header", "footer"]
                        .contains(where: element.hasName) { blocks = true; return .skip }
                    return .descend
                }
                guard !blocks, let whole = HTMLText.text(of: here) else { return nil }
                let rest = HTMLText.text(of: here, excluding: [author, date]) ?? ""
                return whole.count <= 160 && rest.count <= 40 ? here : nil
            }
            up = here.parent
        }
        return nil
    }

    // MARK: - Joined with schema.org reviews

    /// A page's schema.org reviews joined with its comments:
    /// - **Permalinks.** A review that is one of the visitor comments (the same words, as typed or as typeset)
    ///   and has no address of its own (or only the page's) takes the comment's permalink. Its identity then does
    ///   not hang on its words, and is the same whether the page's markup lists it or only its comment list does.
    /// - **Words as shown.** A review body is often the raw text ("I've", "--", "...") that the page prints
    ///   typeset ("I’ve", "–", "…"): where the comment differs only in that typesetting, its words replace the
    ///   body, only for a review whose identity does not come from its words.
    /// - **Left out.** The rated comments a recipe plugin left out of its markup (it marks the newest, or the
    ///   first page), when every marked review is one of the rated comments; none when any marked review is not
    ///   a rated comment of the page (the two lists are then different things).
    ///
    /// `entries` come with the ids and links that name one review each (``ReviewPageParser/distinctIdentities(_:pageLinks:base:)``).
    static func join(_ entries: [ParsedEntry], comments: [ParsedEntry], shown: [Shown]) -> [ParsedEntry] {
        guard !entries.isEmpty else { return entries }
        func ownsAddress(_ entry: ParsedEntry) -> Bool { !(entry.id ?? "").isEmpty || !(entry.link ?? "").isEmpty }
        func lend(_ link: String?, to entry: inout ParsedEntry) {
            if let link, !ownsAddress(entry) { entry.link = link }
        }
        var joined = entries

        var byTypeset: [String: [Int]] = [:]
        for (i, comment) in shown.enumerated() {
            let key = typesetKey(comment.text)
            if key.count >= 12 { byTypeset[key, default: []].append(i) }
        }
        var taken = Set<Int>()
        for n in joined.indices {
            guard let content = joined[n].content,
                  let i = byTypeset[typesetKey(content)]?.first(where: { !taken.contains($0) }) else { continue }
            taken.insert(i)
            lend(shown[i].link, to: &joined[n])
            if ownsAddress(joined[n]) { joined[n].content = shown[i].text }
        }

        // Every marked review's rated comment: the one whose permalink it took above (all of those first, so two
        // near-alike reviews never share one), else the first free one with its letters. Each lends its permalink
        // whatever else the page holds, so the review's identity does not depend on how many others are marked.
        let prefix = 40
        var byLetters: [String: [Int]] = [:]
        for (i, comment) in comments.enumerated() {
            byLetters[String(letterKey(comment.content ?? "").prefix(prefix)), default: []].append(i)
        }
        var matchOf: [Int: Int] = [:]
        var used = Set<Int>()
        for n in entries.indices {
            guard let link = joined[n].link, let i = comments.indices.first(where: { comments[$0].link == link && !used.contains($0) })
            else { continue }
            matchOf[n] = i
            used.insert(i)
        }
        for n in entries.indices where matchOf[n] == nil {
            let key = String(letterKey(entries[n].content ?? "").prefix(prefix))
            guard key.count >= 12, let i = byLetters[key]?.first(where: { !used.contains($0) }) else { continue }
            matchOf[n] = i
            used.insert(i)
            lend(comments[i].link, to: &joined[n])
        }
        // The rated comments the markup left out join only when every marked review is one of the rated comments.
        guard comments.count > entries.count, matchOf.count == entries.count else { return joined }
        return joined + comments.enumerated().filter { !used.contains($0.offset) }.map(\.element)
    }

    /// The text as typed on a keyboard: typographic quotes, dashes, ellipsis and spaces as their plain forms,
    /// whitespace dropped. Two texts with the same key differ only in how they were typeset.
    static func typesetKey(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\u{2018}", "\u{2019}", "\u{201A}", "\u{2032}": out.append("'")
            case "\u{201C}", "\u{201D}", "\u{201E}", "\u{2033}": out.append("\"")
            case "\u{2013}", "\u{2014}", "\u{2212}": out.append("-")
            case "\u{2026}": out.append(contentsOf: "...".unicodeScalars)
            case "\u{00D7}": out.append("x")
            default:
                if !scalar.properties.isWhitespace { out.append(scalar) }
            }
        }
        // "--" typed becomes one dash typeset; WordPress draws typed smileys as emoji.
        var key = String(out).replacingOccurrences(of: "--", with: "-")
        for (typed, drawn) in [(":-)", ":)"), (";-)", ";)"), (":-(", ":("), (":-D", ":D"), (":-P", ":P"),
                               ("\u{1F642}", ":)"), ("\u{1F609}", ";)"), ("\u{1F641}", ":("), ("\u{1F600}", ":D"), ("\u{1F61B}", ":P")]
        where key.contains(typed) {
            key = key.replacingOccurrences(of: typed, with: drawn)
        }
        return key
    }

    /// The text's letters and digits, lowercased, without anything between them.
    static func letterKey(_ text: String) -> String {
        String(String.UnicodeScalarView(text.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }))
    }
}
