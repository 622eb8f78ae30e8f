import CLibXML2
import Foundation

/// The stars a rating plugin draws in a blog comment, read the way a person reads them on the page.
///
/// A rating element is one whose class names a rating or stars (`wprm-comment-rating`, `crfp-rating-5`,
/// `fivestar-widget`, `ERRatingComment`) or that carries `data-rating`. Its value comes from, in turn:
/// - `data-rating` (with `data-max-rating`), or an `alt`, `aria-label` or `title` ("5 stars", "Rated 4 out of 5");
/// - a class that ends in the value (`crfp-rating-5`, `rated-4`), or star glyphs as text ("★★★★☆");
/// - stars drawn one element each: full and empty ones told apart by their class (`star full`, `star-empty`,
///   Font Awesome's solid `fas` and regular `far`, `gold`) or, for inline SVG stars, by the shape's fill
///   (a colour is a full star, `none` an empty one, a gradient a half); the scale is the number drawn;
/// - an overlay drawn over the empty stars at a width (`style="width:80%"` is 4 of 5; `width:64px` over a
///   sibling of `80px` is 4 of 5).
enum CommentStars {
    /// The rating in a comment's own elements, and the element that shows it (left out of the comment's words
    /// together with a label beside it, such as "Rating:" or "(5/5)").
    static func rating(in own: [HTMLNode]) -> (rating: ReviewRating, shownBy: HTMLNode)? {
        for element in own where isRatingElement(element) {
            if let rating = read(element), rating.value > 0 {
                return (rating, outermostRatingElement(element, within: own))
            }
        }
        // Star icons drawn loose beside the words, in no widget of their own (OpenCart's Font Awesome stacks in the
        // review's cell): the stars their parent holds (the icons carry no words, so the first stands for them).
        var tried = Set<xmlNodePtr>()
        for element in own where state(of: element) != nil {
            guard let parent = element.parent, tried.insert(parent.pointer).inserted else { continue }
            if let counted = countedStars(in: parent), counted.value > 0 { return (counted, element) }
        }
        return nil
    }

    static func isRatingElement(_ element: HTMLNode) -> Bool {
        element.hasAttribute("data-rating")
            || element.tokens("class").contains { $0.contains("rating") || $0.contains("stars") || $0.contains("star-") || $0.contains("star_") || $0.hasSuffix("star") }
            || isLabelledStars(element) || scoreValue(element) != nil || isShownScore(element)
    }

    /// A score written out beside drawn stars whatever the classes ("4/5" in a span next to five icons, a site whose
    /// classes are hashes): a leaf whose words are only "N/5" or "N/10", with 3 to 10 icons (svg, img, i) in its
    /// parent or the parent's parent.
    static func isShownScore(_ element: HTMLNode) -> Bool {
        guard !element.children.contains(where: \.isElement), let text = HTMLText.text(of: element), text.count <= 9 else { return false }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, parts[0].count <= 3, let value = Double(parts[0].replacingOccurrences(of: ",", with: ".")),
              let best = Double(parts[1]), best == 5 || best == 10, value > 0, value <= best else { return false }
        var up = element.parent
        for _ in 0 ..< 2 {
            guard let here = up, here.isElement else { break }
            // Icons of one kind (all svg, all img, or all classed i), three to ten, a few levels down at most.
            var icons: [String: Int] = [:]
            var many = false
            here.walkElements { inner, depth in
                if inner.hasName("svg") || inner.hasName("img") || (inner.hasName("i") && inner.hasAttribute("class")) {
                    icons[inner.name, default: 0] += 1
                    if icons[inner.name]! > 10 { many = true; return .stop }
                    return .skip
                }
                return depth < 3 ? .descend : .skip
            }
            if !many, icons.count == 1, let count = icons.values.first, (3...10).contains(count) { return true }
            up = here.parent
        }
        return false
    }

    /// A review's score shown as its number in an element whose class says so (`score score-9`, Kiyoh's ten-point
    /// marks): the number, when the class and the text agree.
    static func scoreValue(_ element: HTMLNode) -> Double? {
        let tokens = element.tokens("class").map { $0.lowercased() }
        guard tokens.contains(where: { $0.hasSuffix("score") }) else { return nil }
        for token in tokens {
            guard let range = token.range(of: "score-", options: .backwards) else { continue }
            let tail = token[range.upperBound...]
            guard !tail.isEmpty, tail.count <= 2, tail.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Double(tail),
                  value > 0, value <= 10, HTMLText.text(of: element).flatMap({ Double($0) }) == value else { continue }
            return value
        }
        return nil
    }

    /// A picture of stars that says its rating to screen readers, whatever its class (`role="img"
    /// aria-label="4 star rating"`, a site whose classes are hashes).
    static func isLabelledStars(_ element: HTMLNode) -> Bool {
        guard element.attribute("role") == "img", let label = element.attribute("aria-label")?.lowercased(),
              label.contains("star") || label.contains("rated") || label.contains("rating") else { return false }
        return ReviewRating.parse(label) != nil
    }

    /// The rating element's outermost rating ancestor among the comment's elements (the whole widget, label included).
    static func outermostRatingElement(_ element: HTMLNode, within own: [HTMLNode]) -> HTMLNode {
        var outer = element
        while let parent = outer.parent, parent.isElement, isRatingElement(parent), own.contains(where: { $0.pointer == parent.pointer }) {
            outer = parent
        }
        return outer
    }

    static func read(_ element: HTMLNode) -> ReviewRating? {
        if let value = element.attribute("data-rating").flatMap({ ReviewRating.number($0) }), value > 0 {
            return ReviewRating(value: value, best: element.attribute("data-max-rating").flatMap { ReviewRating.number($0) })
        }
        // The value a star widget carries for its script (PrestaShop's `data-grade`, Judge.me's `data-score`).
        for attribute in ["data-grade", "data-score", "data-stars"] {
            if let value = element.attribute(attribute).flatMap({ ReviewRating.number($0) }), value > 0, value <= 10 {
                return ReviewRating(value: value)
            }
        }
        for attribute in ["alt", "aria-label", "title"] {
            if let said = element.attribute(attribute), let rating = ReviewRating.parse(said), rating.value > 0 { return rating }
        }
        if let value = classValue(element) ?? classWord(element) ?? scoreValue(element) { return ReviewRating(value: value) }
        // Star glyphs as text ("★★★★☆", Tasty Recipes' one span per star).
        if let text = HTMLText.text(of: element), text.count <= 20, text.allSatisfy({ "★☆⭐ ".contains($0) }),
           let rating = ReviewRating.parse(text), rating.value > 0 {
            return rating
        }
        // A scale stated beside the drawn stars ("4 von 5", "4 out of 5"), the widget's only words: it says the
        // scale, which counting drawn stars cannot when the empty ones are not marked.
        // ("4/5" alone says it as plainly.)
        if let text = HTMLText.text(of: element), text.count <= 24,
           text.contains(where: \.isLetter) || text.allSatisfy({ $0.isNumber || $0 == "/" || $0 == "." || $0 == "," || $0 == " " }) && text.contains("/"),
           let rating = ReviewRating.parse(text), rating.value > 0, let best = rating.best, (3...10).contains(best), rating.value <= best {
            return rating
        }
        if let counted = countedStars(in: element) { return counted }
        return overlay(in: element)
    }

    /// A value a star sprite's class names in words: `stars five`, `rating four`.
    static func classWord(_ element: HTMLNode) -> Double? {
        let tokens = element.tokens("class").map { $0.lowercased() }
        guard tokens.contains(where: { $0.contains("star") || $0.contains("rating") }) else { return nil }
        let words = ["one": 1.0, "two": 2, "three": 3, "four": 4, "five": 5]
        let values = tokens.compactMap { words[$0] }
        return values.count == 1 ? values[0] : nil
    }

    /// A value named by a class: `crfp-rating-5`, `rating-4`, `rated-3`, `stars-5` (not `star-2`: that numbers one star).
    static func classValue(_ element: HTMLNode) -> Double? {
        for token in element.tokens("class") {
            for marker in ["rating-", "rated-", "stars-"] {
                guard let range = token.range(of: marker, options: .backwards) else { continue }
                let tail = token[range.upperBound...]
                guard !tail.isEmpty, tail.count <= 2, tail.allSatisfy({ $0.isASCII && $0.isNumber }),
                      let value = Double(tail), value > 0, value <= 10 else { continue }
                return value
            }
        }
        return nil
    }

    enum Star { case full, half, empty }

    /// Stars drawn one element each; the full ones count one, a half one a half; the scale is the number drawn.
    static func countedStars(in rating: HTMLNode) -> ReviewRating? {
        var full = 0.0, drawn = 0
        rating.walkElements { element, depth in
            // A bare `star` beside `star star_on` ones (PrestaShop 1.6's) is an empty one: its full siblings say so.
            let bare = element.isElement && element.tokens("class") == ["star"] && !element.children.contains(where: \.isElement)
                && (element.parent?.children.contains { state(of: $0) == .full } ?? false)
            // A plain Font Awesome `fa-star` beside outline `fa-star-o` ones is a full one: the outlines say so.
            let solid = element.isElement && element.tokens("class").contains("fa-star")
                && (element.parent?.children.contains { $0.isElement && $0.tokens("class").contains("fa-star-o") } ?? false)
            guard let star = state(of: element) ?? (bare ? .empty : solid ? .full : nil) else { return depth < 5 ? .descend : .skip }
            drawn += 1
            switch star {
            case .full: full += 1
            case .half: full += 0.5
            case .empty: break
            }
            return .skip
        }
        guard drawn >= 3, drawn <= 10, full > 0 else { return nil }
        return ReviewRating(value: full, best: Double(drawn))
    }

    /// One drawn star's state, nil when the element is no single star (or does not say).
    static func state(of element: HTMLNode) -> Star? {
        let classes = element.tokens("class").map { $0.lowercased() }
        // A Font Awesome stack: a solid star over the outline is full, the outline alone empty (OpenCart's).
        if classes.contains("fa-stack") {
            let layers = element.children.filter(\.isElement).flatMap { $0.tokens("class") }
            if layers.contains("fa-star") { return .full }
            if layers.contains("fa-star-o") { return .empty }
        }
        // A star icon: its class names a star, or a rating and its state (BigCommerce's `icon--ratingFull`, Shopware's
        // `point-rating point-full`).
        if let picture = pictureStar(element) { return picture }
        let named = classes.joined(separator: " ")
        guard named.contains("star") || (named.contains("rating") && ["full", "fill", "empty", "blank", "half"].contains(where: named.contains))
        else { return nil }
        if classes.contains(where: { $0.contains("empty") || $0.contains("blank") || $0.hasSuffix("-off") || $0.hasSuffix("_off") || $0.contains("outline") || $0.contains("unfilled")
            || $0.hasSuffix("star-o") || $0 == "far" || $0 == "fa-regular" }) {
            return .empty
        }
        if classes.contains(where: { $0.contains("half") }) { return .half }
        if classes.contains(where: { $0.contains("full") || $0.contains("fill") || $0.contains("active") || $0.hasSuffix("-on") || $0.hasSuffix("_on")
            || ["fas", "fa-solid", "gold", "selected", "checked", "on", "rated"].contains($0) }) {
            return .full
        }
        return svgStar(element)
    }

    /// A star drawn as a picture whose file says its state (WP-PostRatings' `rating_on.gif`, `rating_half.gif`,
    /// `rating_off.gif`; `star-full.png`, `star_empty.svg`), in an element whose class names a rating or stars.
    static func pictureStar(_ element: HTMLNode) -> Star? {
        guard element.hasName("img"), let src = element.attribute("src")?.lowercased(),
              let file = src.split(separator: "/").last?.split(separator: ".").first else { return nil }
        let words = file.split(whereSeparator: { $0 == "_" || $0 == "-" })
        guard words.contains(where: { $0 == "rating" || $0 == "star" || $0 == "stars" }) else { return nil }
        // (in a rating: the picture's class or one of its three nearest ancestors' names a rating or stars)
        var up: HTMLNode? = element
        var inRating = false
        for _ in 0 ..< 4 {
            guard let here = up, here.isElement else { break }
            if here.tokens("class").contains(where: { let lower = $0.lowercased(); return lower.contains("rating") || lower.contains("star") }) {
                inRating = true; break
            }
            up = here.parent
        }
        guard inRating else { return nil }
        if words.contains(where: { ["off", "empty", "blank", "grey", "gray"].contains($0) }) { return .empty }
        if words.contains("half") { return .half }
        if words.contains(where: { ["on", "full", "filled", "gold"].contains($0) }) { return .full }
        return nil
    }

    /// A star drawn as one inline SVG: a shape filled with a colour is full, with `none` empty, with a gradient half.
    static func svgStar(_ element: HTMLNode) -> Star? {
        var svgs = 0
        var fills: [String] = []
        element.walkElements { child, depth in
            if child.hasName("svg") { svgs += 1 }
            if child.hasName("path") || child.hasName("polygon") || child.hasName("rect") || child.hasName("circle") {
                if let fill = child.attribute("fill") { fills.append(fill.lowercased().trimmingCharacters(in: .whitespaces)) }
            }
            return depth < 5 ? .descend : .skip
        }
        guard svgs == 1, !fills.isEmpty else { return nil }
        if fills.contains(where: { $0.hasPrefix("url(") }) { return .half }
        if fills.allSatisfy({ $0 == "none" || $0 == "transparent" }) { return .empty }
        return .full
    }

    /// An overlay drawn over the stars at a width: a percentage of the scale, or pixels over a full-width sibling.
    static func overlay(in rating: HTMLNode) -> ReviewRating? {
        var found: ReviewRating?
        rating.walkElements { element, depth in
            guard let width = element.attribute("style").flatMap(cssWidth) else { return depth < 4 ? .descend : .skip }
            let siblings = element.parent?.children.filter { $0.isElement && $0.pointer != element.pointer } ?? []
            // A width outside the scale (negative, over 100 %) draws no rating: look further in.
            guard width.value >= 0, !width.percent || width.value <= 100 else { return depth < 4 ? .descend : .skip }
            if width.percent {
                let drawn = siblings.filter { $0.tokens("class").contains { $0.contains("star") } }.count
                let scale = (3...10).contains(drawn) ? Double(drawn) : 5
                found = ReviewRating(value: halves(width.value / 100 * scale), best: scale)
                return .stop
            }
            for sibling in siblings {
                if let full = sibling.attribute("style").flatMap(cssWidth), !full.percent, full.value > 0, full.value >= width.value {
                    found = ReviewRating(value: halves(width.value / full.value * 5), best: 5)
                    return .stop
                }
            }
            return depth < 4 ? .descend : .skip
        }
        return found
    }

    static func halves(_ value: Double) -> Double { (value * 2).rounded() / 2 }

    /// The `width` of an inline style ("width:80%", "height: 16px; width: 80px"), not `max-width` or `min-width`.
    static func cssWidth(_ style: String) -> (value: Double, percent: Bool)? {
        for declaration in style.split(separator: ";") {
            let parts = declaration.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "width" else { continue }
            let value = parts[1].trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "!important", with: "")
                .trimmingCharacters(in: .whitespaces)
            if value.hasSuffix("%"), let number = Double(value.dropLast()) { return (number, true) }
            if value.hasSuffix("px"), let number = Double(value.dropLast(2)) { return (number, false) }
        }
        return nil
    }

    /// True for a label that only names the rating shown beside it: "Rating:", "Recipe Rating:", "(5/5)", "4 out of 5".
    static func isLabel(_ text: String) -> Bool {
        guard text.count <= 30 else { return false }
        let words = text.lowercased().split(whereSeparator: { !$0.isLetter })
        let allowed: Set<Substring> = ["rating", "recipe", "rated", "rate", "stars", "star", "out", "of", "sur", "von", "note",
                                       "bewertung", "your", "my"]
        return words.allSatisfy { allowed.contains($0) } && !text.filter({ $0.isLetter || $0.isNumber }).isEmpty
    }
}
