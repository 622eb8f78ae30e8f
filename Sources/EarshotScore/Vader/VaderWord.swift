/// The words VADER's rules name one by one.
///
/// Tokens are matched against these once, when they are looked up, so the rules compare small
/// integers instead of strings. `other` is every word no rule names.
enum VaderWord: UInt8, Sendable, CaseIterable {
    case other
    // negation and contrast
    case no, but, or, nor, least, at, very, never, so, this, without, doubt
    // "kind of", "sort of", "just enough" (booster bigrams)
    case kind, sort, of, just, enough
    // special-case idioms ("the shit", "kiss of death", ...)
    case the, shit, bomb, bad, ass, bus, stop, yeah, right, kiss, death, to, die, `for`, beating, heart

    /// The lower-case spelling, as it appears in VADER's rules.
    var spelling: String {
        switch self {
        case .other: return ""
        case .for: return "for"
        default: return String(describing: self)
        }
    }
}
