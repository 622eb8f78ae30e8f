/// Splits a text into ``VaderToken``s the way vaderSentiment's `SentiText` does, working on
/// UTF-8 bytes with an ASCII fast path (Python semantics are per code point; the rules below
/// only ever need to decode non-ASCII characters, which are rare in the texts we score).
struct VaderTokenizer: Sendable {
    let table: WordTable
    /// Emoji code point -> UTF-8 description.
    let emoji: [UInt32: [UInt8]]

    /// Decodes the code point starting at `i` of valid UTF-8 and returns it with its length.
    @inline(__always)
    static func decode(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> (UInt32, Int) {
        let b0 = UInt32(p[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F), 2) }
        if b0 < 0xF0 {
            return ((b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F), 3)
        }
        return ((b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6
                | UInt32(p[i + 3] & 0x3F), 4)
    }

    /// The text with emoji replaced by their descriptions, or `nil` when it has no emoji.
    ///
    /// As in vaderSentiment, a description is preceded by a space unless the previous character
    /// was one (only U+0020 counts), and the next character follows it directly.
    func expandingEmoji(_ p: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var i = 0
        var first = -1
        while i < p.count {
            if p[i] < 0x80 { i += 1; continue }
            let (c, len) = Self.decode(p, i)
            if emoji[c] != nil { first = i; break }
            i += len
        }
        if first < 0 { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(p.count + 64)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: p[0 ..< first]))
        var previousWasSpace = first == 0 || p[first - 1] == 0x20
        i = first
        while i < p.count {
            let (c, len) = Self.decode(p, i)
            if c >= 0x80, let description = emoji[c] {
                if !previousWasSpace { out.append(0x20) }
                out.append(contentsOf: description)
                previousWasSpace = false
            } else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: p[i ..< i + len]))
                previousWasSpace = c == 0x20
            }
            i += len
        }
        return out
    }

    /// `str.split()`, then `_strip_punc_if_word` on each piece (strip ASCII punctuation from both
    /// ends unless two or fewer code points would remain: ":)" stays an emoticon), then one table
    /// lookup of the lower-cased token.
    func tokens(_ p: UnsafeBufferPointer<UInt8>, into tokens: inout [VaderToken]) {
        let n = p.count
        // Lower-casing at most doubles a UTF-8 length ("İ", 2 bytes, becomes "i̇", 3 bytes).
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * n + 16)
        defer { scratch.deallocate() }
        var i = 0
        while i < n {
            var (c, len) = Self.decode(p, i)
            if PythonText.isSpace(c) { i += len; continue }
            let start = i
            while true {
                i += len
                if i >= n { break }
                (c, len) = Self.decode(p, i)
                if PythonText.isSpace(c) { break }
            }
            // Punctuation is ASCII, so stripping bytes strips code points.
            var a = start, b = i
            while a < b && PythonText.isPunctuation(UInt32(p[a])) { a += 1 }
            while b > a && PythonText.isPunctuation(UInt32(p[b - 1])) { b -= 1 }
            if b - a <= 2 || Self.codePointCount(p, a ..< b) <= 2 { a = start; b = i }
            tokens.append(makeToken(p, a ..< b, scratch: scratch))
        }
    }

    @inline(__always)
    private static func codePointCount(_ p: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int {
        var count = 0
        for k in r where p[k] & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// The non-ASCII case of ``makeToken``: Unicode properties for `isupper`, full lower-case
    /// mapping for `lower`. Kept out of line so the ASCII loop stays small.
    @inline(never)
    private static func lowercaseNonASCII(_ c: UInt32, original p: UnsafeBufferPointer<UInt8>, _ bytes: Range<Int>,
                                          into scratch: UnsafeMutablePointer<UInt8>, at length: inout Int,
                                          hasLower: inout Bool, hasUpper: inout Bool) {
        guard let scalar = Unicode.Scalar(c) else { return }
        let props = scalar.properties
        if props.isLowercase || props.generalCategory == .titlecaseLetter { hasLower = true }
        if props.isUppercase { hasUpper = true }
        if props.changesWhenLowercased {
            for byte in props.lowercaseMapping.utf8 { scratch[length] = byte; length += 1 }
        } else {
            for j in bytes { scratch[length] = p[j]; length += 1 }
        }
    }

    /// Lower-cases the token into `scratch` (Python's `str.lower()`), notes `str.isupper()`,
    /// and looks the lower-cased bytes up once.
    @inline(__always)
    private func makeToken(_ p: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, scratch: UnsafeMutablePointer<UInt8>) -> VaderToken {
        var length = 0
        var hasLower = false
        var hasUpper = false
        var k = r.lowerBound
        while k < r.upperBound {
            let b = p[k]
            if b < 0x80 {
                if b >= 0x61 && b <= 0x7A {
                    hasLower = true
                    scratch[length] = b
                } else if b >= 0x41 && b <= 0x5A {
                    hasUpper = true
                    scratch[length] = b + 0x20
                } else {
                    scratch[length] = b
                }
                length += 1
                k += 1
                continue
            }
            let (c, len) = Self.decode(p, k)
            k += len
            Self.lowercaseNonASCII(c, original: p, k - len ..< k, into: scratch, at: &length,
                                   hasLower: &hasLower, hasUpper: &hasUpper)
        }
        let lower = UnsafeBufferPointer(start: scratch, count: length)
        let entry = table.entry(for: lower)
        var isNegation = entry?.isNegation ?? false
        if !isNegation && length >= 3 {
            for j in 0 ..< length - 2 where scratch[j] == 0x6E && scratch[j + 1] == 0x27 && scratch[j + 2] == 0x74 {
                isNegation = true  // "n't" anywhere in the word, as VADER's negated() checks
                break
            }
        }
        return VaderToken(range: r, valence: entry?.valence, booster: entry?.booster, isNegation: isNegation,
                          isUpper: hasUpper && !hasLower, word: entry?.word ?? .other)
    }
}
