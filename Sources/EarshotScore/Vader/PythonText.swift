/// The few Python `str` behaviours VADER's results depend on, reproduced on Unicode scalars.
///
/// vaderSentiment works on Python strings: `str.split()` breaks on Python's whitespace set,
/// `str.strip(string.punctuation)` trims ASCII punctuation only, `len` counts code points,
/// `str.isupper()` and `str.lower()` follow the Unicode character database (those two are
/// fused into one pass per token in ``VaderTokenizer``). Swift's `String` works on grapheme
/// clusters and canonical equivalence, so the analyzer uses these instead.
enum PythonText {
    /// `str.isspace()` for one code point (CPython's `_PyUnicode_IsWhitespace`): ASCII tab to
    /// carriage return, the information separators U+001C–U+001F, space, NEL, no-break space,
    /// and the Unicode space separators and line/paragraph separators.
    @inline(__always)
    static func isSpace(_ c: UInt32) -> Bool {
        if c < 0x80 {
            return c == 0x20 || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)
        }
        switch c {
        case 0x85, 0xA0, 0x1680, 0x2000 ... 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// Membership in `string.punctuation`: the 32 ASCII punctuation characters ``!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~``.
    @inline(__always)
    static func isPunctuation(_ c: UInt32) -> Bool {
        (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E)
    }
}
