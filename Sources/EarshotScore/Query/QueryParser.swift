/// Recursive-descent parser for ``BrandQuery`` syntax:
///
///     query   = either
///     either  = both { "OR" both }
///     both    = unary { ["AND"] unary }
///     unary   = "-" unary | primary
///     primary = "(" either ")" | '"' words '"' | term
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
        let node = try parseEither()
        if position < tokens.count {
            let (token, column) = tokens[position]
            _ = token  // parseEither stops only at a ")" it did not open
            throw fail(.unbalancedClose, column)
        }
        return node
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

    private mutating func parseEither() throws -> BrandQuery.Node {
        var parts = [try parseBoth()]
        while let (token, column) = current, token == .or {
            position += 1
            guard let next = current, next.token != .close, next.token != .or, next.token != .and else {
                throw fail(.danglingOperator("OR"), column)
            }
            parts.append(try parseBoth())
        }
        return parts.count == 1 ? parts[0] : .any(parts)
    }

    private mutating func parseBoth() throws -> BrandQuery.Node {
        var parts: [BrandQuery.Node] = []
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
            parts.append(try parseUnary())
        }
        guard !parts.isEmpty else {
            let (token, column) = current ?? (.close, source.count + 1)
            if token == .or { throw fail(.danglingOperator("OR"), column) }
            if current == nil { throw fail(.empty, 1) }
            throw fail(.unbalancedClose, column)
        }
        return parts.count == 1 ? parts[0] : .all(parts)
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
