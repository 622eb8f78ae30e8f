/// Why a brand query could not be read. The description is one line naming the column
/// (1-based, in characters) and the fix.
public struct QueryError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case unbalancedClose
        case unclosedOpen
        case unterminatedQuote
        case emptyGroup
        case emptyPhrase
        case danglingOperator(String)
        case danglingExclusion
        case noPositiveTerm
        case empty
    }

    public var kind: Kind
    /// 1-based character column of the problem in `query`.
    public var column: Int
    public var query: String

    public var description: String {
        let at = "at column \(column) in '\(query)'"
        switch kind {
        case .unbalancedClose: return "query: unbalanced ')' \(at); remove it or add '('"
        case .unclosedOpen: return "query: '(' \(at) is never closed; add ')' or remove it"
        case .unterminatedQuote: return "query: the quote \(at) is never closed; add the closing '\"'"
        case .emptyGroup: return "query: empty parentheses \(at); put terms inside or remove them"
        case .emptyPhrase: return "query: empty phrase \"\" \(at); put words inside the quotes or remove them"
        case .danglingOperator(let op): return "query: '\(op)' \(at) needs a term on both sides; add one or remove '\(op)'"
        case .danglingExclusion: return "query: '-' \(at) excludes nothing; write it right before a term, as in -jobs"
        case .noPositiveTerm: return "query: nothing to look for in '\(query)' (only exclusions); add a term such as the brand name"
        case .empty: return "query: the query is empty; write at least one term, e.g. acme OR \"acme corp\""
        }
    }
}
