import Foundation

/// A brand query: terms, "exact phrases", OR, implicit AND, -exclusions, parentheses,
/// @handles and #tags; case-insensitive, matched on word boundaries.
public struct BrandQuery: Sendable {
    indirect enum Node: Sendable {
        case phrase(String)
        case and([Node])
        case or([Node])
        case not(Node)
    }

    let root: Node
    public let source: String

    public init(_ source: String) throws {
        self.source = source
        var parser = QueryParser(source)
        root = try parser.parseQuery()
    }

    /// The positive terms and phrases, lower-cased (for targeted sentiment).
    public var terms: [String] {
        func collect(_ n: Node, negated: Bool) -> [String] {
            switch n {
            case .phrase(let p): return negated ? [] : [p]
            case .and(let list), .or(let list): return list.flatMap { collect($0, negated: negated) }
            case .not(let inner): return collect(inner, negated: !negated)
            }
        }
        return collect(root, negated: false)
    }

    public func matches(_ text: String) -> Bool {
        let haystack = Array(text.lowercased().unicodeScalars)
        func eval(_ n: Node) -> Bool {
            switch n {
            case .phrase(let p): return Self.contains(haystack, Array(p.unicodeScalars))
            case .and(let list): return list.allSatisfy(eval)
            case .or(let list): return list.contains(where: eval)
            case .not(let inner): return !eval(inner)
            }
        }
        return eval(root)
    }

    static func isWord(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || s.properties.numericType != nil || s == "_" }

    /// Whether `needle` occurs in `haystack` with a word boundary on both sides.
    static func contains(_ haystack: [Unicode.Scalar], _ needle: [Unicode.Scalar]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle {
                let before = i == 0 || !isWord(haystack[i - 1]) && (isWord(needle[0]) || haystack[i - 1] != "@" && haystack[i - 1] != "#")
                let after = i + needle.count == haystack.count || !isWord(haystack[i + needle.count]) || !isWord(needle[needle.count - 1])
                if before && after { return true }
            }
            i += 1
        }
        return false
    }
}

/// A malformed query, pointing at the character.
public struct QueryError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var column: Int
    public var query: String
    public var description: String { "query: \(message) at column \(column) in '\(query)'" }
}

struct QueryParser {
    enum Token: Equatable { case word(String), phrase(String), or, minus, open, close }
    var tokens: [(Token, Int)] = []
    var position = 0
    let source: String
    var error: QueryError?

    init(_ source: String) {
        self.source = source
        let chars = Array(source)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            let column = i + 1
            switch c {
            case "(": tokens.append((.open, column)); i += 1
            case ")": tokens.append((.close, column)); i += 1
            case "-" where i + 1 < chars.count && !chars[i + 1].isWhitespace && (i == 0 || chars[i - 1].isWhitespace || chars[i - 1] == "("):
                tokens.append((.minus, column)); i += 1
            case "\"":
                var j = i + 1
                while j < chars.count && chars[j] != "\"" { j += 1 }
                if j >= chars.count {
                    error = QueryError(message: "unclosed '\"'; add the closing quote", column: column, query: source)
                    return
                }
                let phrase = String(chars[(i + 1)..<j]).lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
                if phrase.isEmpty {
                    error = QueryError(message: "empty phrase \"\"; remove it", column: column, query: source)
                    return
                }
                tokens.append((.phrase(phrase), column)); i = j + 1
            default:
                var j = i
                while j < chars.count && !chars[j].isWhitespace && chars[j] != "(" && chars[j] != ")" && chars[j] != "\"" { j += 1 }
                let word = String(chars[i..<j])
                tokens.append((word == "OR" ? .or : .word(word.lowercased()), column)); i = j
            }
        }
    }

    mutating func parseQuery() throws -> BrandQuery.Node {
        if let error { throw error }
        guard !tokens.isEmpty else { throw QueryError(message: "the query is empty; write at least one term", column: 1, query: source) }
        let node = try parseOr()
        if position < tokens.count {
            let (token, column) = tokens[position]
            throw QueryError(message: token == .close ? "unbalanced ')'; remove it or add '('" : "unexpected token", column: column, query: source)
        }
        return node
    }

    mutating func parseOr() throws -> BrandQuery.Node {
        var list = [try parseAnd()]
        while position < tokens.count, tokens[position].0 == .or {
            position += 1
            guard position < tokens.count, tokens[position].0 != .close, tokens[position].0 != .or else {
                throw QueryError(message: "OR needs a term after it", column: tokens[position - 1].1, query: source)
            }
            list.append(try parseAnd())
        }
        return list.count == 1 ? list[0] : .or(list)
    }

    mutating func parseAnd() throws -> BrandQuery.Node {
        var list: [BrandQuery.Node] = []
        while position < tokens.count, tokens[position].0 != .or, tokens[position].0 != .close {
            list.append(try parseUnary())
        }
        guard !list.isEmpty else {
            let column = position < tokens.count ? tokens[position].1 : source.count + 1
            throw QueryError(message: "expected a term", column: column, query: source)
        }
        return list.count == 1 ? list[0] : .and(list)
    }

    mutating func parseUnary() throws -> BrandQuery.Node {
        let (token, column) = tokens[position]
        position += 1
        switch token {
        case .minus:
            guard position < tokens.count else { throw QueryError(message: "'-' needs a term after it", column: column, query: source) }
            return .not(try parseUnary())
        case .open:
            let inner = try parseOr()
            guard position < tokens.count, tokens[position].0 == .close else {
                throw QueryError(message: "unbalanced '('; add ')'", column: column, query: source)
            }
            position += 1
            return inner
        case .word(let w): return .phrase(w)
        case .phrase(let p): return .phrase(p)
        case .close: throw QueryError(message: "unbalanced ')'; remove it or add '('", column: column, query: source)
        case .or: throw QueryError(message: "OR needs a term before it", column: column, query: source)
        }
    }
}
