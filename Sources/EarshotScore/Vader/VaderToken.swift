/// One whitespace-separated token of a text, with everything VADER's rules ask about it.
struct VaderToken {
    /// Byte range of the token in the analyzed UTF-8 text (after punctuation stripping).
    var range: Range<Int>
    /// The lexicon valence of the lower-cased token, or `nil`.
    var valence: Double?
    /// The booster/dampener scalar of the lower-cased token, or `nil`.
    var booster: Double?
    /// Whether VADER's `negated()` holds: a `NEGATE` word, or any word containing "n't".
    var isNegation: Bool
    /// Python's `str.isupper()` of the token as written.
    var isUpper: Bool
    /// Which rule word it is, if any.
    var word: VaderWord

    @inline(__always) var isInLexicon: Bool { valence != nil }
}
