/// Recursive-descent parser for ``BrandQuery`` syntax:
///
///     query   = either
///     either  = both { "OR" both }
///     both    = unary { ["AND"] unary }
///     unary   = "-" unary | primary
///     primary = "(" either ")" | '"' words '"' | term
///
/// AND binds tighter than OR, except that a `-` exclusion written at the top level (outside
/// parentheses) excludes from the whole query: see ``scopeTopLevel(_:)``.
struct QueryParser {
    enum Token: Equatable {
        case open, close, or, and, minus
        case term(String)
        case phrase(String)
    }

    private let source: String
    private var tokens: [(token: Token, column: Int)] = []
    private var position = 0

    init(_ source: String) { self.source = source }

    private func fail(_ kind: QueryError.Kind, _ column: Int) -> QueryError {
        QueryError(kind: kind, column: column, query: source)
    }

    mutating func parse() throws -> BrandQuery.Node {
        try tokenize()
        guard !tokens.isEmpty else { throw fail(.empty, 1) }
        let branches = try parseBranches()
        if position < tokens.count {
            let (token, column) = tokens[position]
            _ = token  // parseBranches stops only at a ")" it did not open
            throw fail(.unbalancedClose, column)
        }
        return Self.scopeTopLevel(branches)
    }

    /// One operand of an AND as written; `excludes` when it was written with a leading `-` (as
    /// opposed to a group that happens to hold one, like `(-jobs)`).
    private typealias Part = (node: BrandQuery.Node, excludes: Bool)

    /// The top level read the way social-listening tools (Brandwatch, Talkwalker, Meltwater) read
    /// it: people write `acme OR "acme corp" OR #acme -"acme anvils"` meaning "none of these about
    /// anvils", not "#acme unless anvils". So every `-` operand of a top-level OR branch is taken
    /// out of its branch and applied to the whole query; a branch made only of exclusions
    /// disappears. Inside parentheses ordinary precedence stays, so `(acme -jobs) OR acmecorp`
    /// still says what it says. Positive operands keep their order, exclusions come last.
    private static func scopeTopLevel(_ branches: [[Part]]) -> BrandQuery.Node {
        var kept: [[BrandQuery.Node]] = []
        var exclusions: [BrandQuery.Node] = []
        for branch in branches {
            for part in branch where part.excludes && !exclusions.contains(part.node) {
                exclusions.append(part.node)
            }
            let rest = branch.filter { !$0.excludes }.map(\.node)
            if !rest.isEmpty { kept.append(rest) }
        }
        let positive: [BrandQuery.Node]
        switch kept.count {
        case 0: positive = []   // only exclusions: BrandQuery rejects it (noPositiveTerm)
        case 1: positive = kept[0]   // its operands join the exclusions in one AND, not a nested one
        default: positive = [.any(kept.map(both))]
        }
        return both(positive + exclusions)
    }

    /// The AND of `parts`, or the part itself when there is one.
    private static func both(_ parts: [BrandQuery.Node]) -> BrandQuery.Node {
        parts.count == 1 ? parts[0] : .all(parts)
    }

    private mutating func tokenize() throws {
        let chars = Array(source)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let column = i + 1
            if c.isWhitespace { i += 1; continue }
            switch c {
            case "(": tokens.append((.open, column)); i += 1
            case ")": tokens.append((.close, column)); i += 1
            case "\"", "\u{201C}", "\u{201D}":
                var j = i + 1
                while j < chars.count && !(chars[j] == "\"" || chars[j] == "\u{201D}" || chars[j] == "\u{201C}") { j += 1 }
                guard j < chars.count else { throw fail(.unterminatedQuote, column) }
                let text = String(chars[(i + 1) ..< j])
                guard !QueryText.words(text).isEmpty else { throw fail(.emptyPhrase, column) }
                tokens.append((.phrase(text), column))
                i = j + 1
            case "-" where i + 1 < chars.count && !chars[i + 1].isWhitespace && chars[i + 1] != ")":
                tokens.append((.minus, column)); i += 1
            case "-":
                throw fail(.danglingExclusion, column)
            default:
                var j = i
                while j < chars.count && !chars[j].isWhitespace && chars[j] != "(" && chars[j] != ")" && chars[j] != "\"" { j += 1 }
                let word = String(chars[i ..< j])
                if word == "OR" || word == "|" {
                    tokens.append((.or, column))
                } else if word == "AND" {
                    tokens.append((.and, column))
                } else {
                    tokens.append((.term(word), column))
                }
                i = j
            }
        }
    }

    private var current: (token: Token, column: Int)? { position < tokens.count ? tokens[position] : nil }

    /// An OR inside parentheses, with ordinary precedence.
    private mutating func parseEither() throws -> BrandQuery.Node {
        let branches = try parseBranches().map { Self.both($0.map(\.node)) }
        return branches.count == 1 ? branches[0] : .any(branches)
    }

    /// The branches of an OR, each as the operands of its AND: the top level needs to see them.
    private mutating func parseBranches() throws -> [[Part]] {
        var branches = [try parseBoth()]
        while let (token, column) = current, token == .or {
            position += 1
            guard let next = current, next.token != .close, next.token != .or, next.token != .and else {
                throw fail(.danglingOperator("OR"), column)
            }
            branches.append(try parseBoth())
        }
        return branches
    }

    private mutating func parseBoth() throws -> [Part] {
        var parts: [Part] = []
        while let (token, column) = current {
            if token == .or || token == .close { break }
            if token == .and {
                guard !parts.isEmpty else { throw fail(.danglingOperator("AND"), column) }
                position += 1
                guard let next = current, next.token != .close, next.token != .or, next.token != .and else {
                    throw fail(.danglingOperator("AND"), column)
                }
                continue
            }
            parts.append((try parseUnary(), token == .minus))
        }
        guard !parts.isEmpty else {
            let (token, column) = current ?? (.close, source.count + 1)
            if token == .or { throw fail(.danglingOperator("OR"), column) }
            if current == nil { throw fail(.empty, 1) }
            throw fail(.unbalancedClose, column)
        }
        return parts
    }

    private mutating func parseUnary() throws -> BrandQuery.Node {
        guard let (token, column) = current else { throw fail(.empty, 1) }
        if token == .minus {
            position += 1
            guard let next = current, next.token != .close, next.token != .or, next.token != .and else {
                throw fail(.danglingExclusion, column)
            }
            return .not(try parseUnary())
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws -> BrandQuery.Node {
        guard let (token, column) = current else { throw fail(.empty, 1) }
        position += 1
        switch token {
        case .open:
            if let next = current, next.token == .close { throw fail(.emptyGroup, column) }
            guard current != nil else { throw fail(.unclosedOpen, column) }
            let inner = try parseEither()
            guard let close = current, close.token == .close else { throw fail(.unclosedOpen, column) }
            position += 1
            return inner
        case .term(let text), .phrase(let text):
            let words = QueryText.words(text)
            guard !words.isEmpty else { throw fail(.emptyPhrase, column) }
            return .words(words)
        case .close:
            throw fail(.unbalancedClose, column)
        case .or:
            throw fail(.danglingOperator("OR"), column)
        case .and:
            throw fail(.danglingOperator("AND"), column)
        case .minus:
            throw fail(.danglingExclusion, column)
        }
    }
}
