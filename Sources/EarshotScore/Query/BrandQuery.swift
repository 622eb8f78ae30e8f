import Foundation
/// A saved search for a brand: which texts mention it.
///
/// Syntax (case-insensitive, matching whole words):
/// - `acme` a term; it also matches `#acme` and `@acme`. `@acme` and `#acme` match only the
///   handle or the tag.
/// - `"acme corp"` an exact phrase (consecutive words).
/// - `acme widgets` both (implicit AND; `AND` may be written), `acme OR acmecorp` either.
/// - `-jobs` exclusion; `(a OR b) -c` grouping. AND binds tighter than OR.
/// - A `-` exclusion written at the top level (outside parentheses) excludes from the whole
///   query, as in social-listening tools: `acme OR #acme -anvils` is `(acme OR #acme) -anvils`,
///   not `acme OR (#acme -anvils)`. Inside parentheses it binds like any AND operand, so
///   `(acme -jobs) OR acmecorp` still matches "acmecorp jobs".
///
/// ``understood`` shows how a query was read, fully parenthesised (`earshot check` prints it).
///
/// ```swift
/// let q = try BrandQuery("(acme OR @acme_help) -\"acme jobs\"")
/// q.matches("Thanks @Acme_Help, sorted!")   // true
/// ```
public struct BrandQuery: Sendable {
    indirect enum Node: Sendable, Equatable {
        /// Words in sequence; `exactForm` keeps a leading @/# meaningful.
        case words([String])
        case all([Node])
        case any([Node])
        case not(Node)
    }

    /// The query as written.
    public let source: String
    let root: Node

    /// The positive terms and phrases (not under an exclusion), lower-cased, in order, for
    /// targeted sentiment (``ScoreInput/brandTerms``).
    public let terms: [String]
    /// ASCII needles (each positive term's first word, lower-cased, without @/#) when the query
    /// cannot match a text that contains none of them; nil when that shortcut does not hold.
    let needles: [[UInt8]]?

    /// Parses a query.
    /// - Throws: ``QueryError`` naming the column of the first problem.
    public init(_ source: String) throws {
        self.source = source
        var parser = QueryParser(source)
        root = try parser.parse()
        var collected: [String] = []
        Self.collectTerms(root, negated: false, into: &collected)
        guard !collected.isEmpty else {
            throw QueryError(kind: .noPositiveTerm, column: 1, query: source)
        }
        var seen: Set<String> = []
        terms = collected.filter { seen.insert($0).inserted }
        // The query is monotone in its positive terms: with every positive term absent and every
        // excluded one absent too (the most favourable case) it must still fail for the shortcut.
        let firstWords = terms.compactMap { QueryText.words($0).first.map { String($0.drop { $0 == "@" || $0 == "#" }) } }
        if !Self.evaluate(root, []) && firstWords.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 < 0x80 } }) {
            needles = firstWords.map { Array($0.utf8) }
        } else {
            needles = nil
        }
    }

    /// The query as the parser understood it, every compound group in parentheses: AND and OR
    /// written out, exclusions as `-`, phrases of several words in double quotes, e.g.
    /// `((acme OR "acme corp" OR #acme) AND -"acme anvils")`. Words appear as they are matched
    /// (lower-cased, `t-mobile` as the phrase `"t mobile"`), so that a surprise shows. It parses
    /// back to the same query.
    public var understood: String { Self.render(root) }

    private static func render(_ node: Node) -> String {
        switch node {
        case .words(let w): return w.count == 1 ? w[0] : "\"\(w.joined(separator: " "))\""
        case .all(let nodes): return "(" + nodes.map(render).joined(separator: " AND ") + ")"
        case .any(let nodes): return "(" + nodes.map(render).joined(separator: " OR ") + ")"
        // `-(-acme)` rather than `--acme`, which reads like a typo.
        case .not(let n): if case .not = n { return "-(\(render(n)))" } else { return "-" + render(n) }
        }
    }

    /// Whether `text` satisfies the query.
    public func matches(_ text: String) -> Bool {
        if let needles, !Self.containsAny(needles, in: text) { return false }
        let words = QueryText.words(text)
        return Self.evaluate(root, words)
    }

    private static func collectTerms(_ node: Node, negated: Bool, into out: inout [String]) {
        switch node {
        case .words(let w): if !negated { out.append(w.joined(separator: " ")) }
        case .all(let nodes), .any(let nodes): for n in nodes { collectTerms(n, negated: negated, into: &out) }
        case .not(let n): collectTerms(n, negated: !negated, into: &out)
        }
    }

    private static func evaluate(_ node: Node, _ words: [String]) -> Bool {
        switch node {
        case .words(let phrase): return occurs(phrase, in: words)
        case .all(let nodes): return nodes.allSatisfy { evaluate($0, words) }
        case .any(let nodes): return nodes.contains { evaluate($0, words) }
        case .not(let n): return !evaluate(n, words)
        }
    }

    /// Phrase occurrence; a plain query word also matches the text's @word and #word.
    static func occurs(_ phrase: [String], in words: [String]) -> Bool {
        guard !phrase.isEmpty, words.count >= phrase.count else { return false }
        outer: for start in 0 ... words.count - phrase.count {
            for (k, p) in phrase.enumerated() {
                let w = words[start + k]
                if w == p { continue }
                if let first = w.first, first == "@" || first == "#", p.first != "@", p.first != "#", w.dropFirst() == p {
                    continue
                }
                continue outer
            }
            return true
        }
        return false
    }

    /// Whether any needle occurs in the text, ASCII case-insensitively (a cheap pre-filter: most
    /// feed items never name the brand, and tokenising them all cost a tenth of a run).
    static func containsAny(_ needles: [[UInt8]], in text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var lowered = [UInt8](repeating: 0, count: bytes.count)
            for i in 0 ..< bytes.count {
                let b = bytes[i]
                lowered[i] = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
            }
            return needles.contains { needle in
                guard let first = needle.first, needle.count <= lowered.count else { return false }
                var i = 0
                let last = lowered.count - needle.count
                while i <= last {
                    if lowered[i] == first {
                        var k = 1
                        while k < needle.count && lowered[i + k] == needle[k] { k += 1 }
                        if k == needle.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }
}
