import EarshotParse

/// The pipeline's word work on ASCII text, on bytes: each gives exactly what its `Character` version gives
/// (ASCII letters and digits are the only ASCII letters and numbers; tab, LF, VT, FF, CR and space the only
/// ASCII whitespace; CR LF, one `Character`, is whitespace either way), and nil for other text, which then
/// takes the `Character` path. Most feeds' text is ASCII, and these run for every relevant entry.
enum ASCIIWords {
    static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }
    static func isAlphanumeric(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }

    /// `StableHash.hex(text.lowercased().split { !$0.isLetter && !$0.isNumber }.joined(separator: " "))`, hashed
    /// as the words are walked (no string made).
    static func fingerprint(_ text: String) -> String? {
        text.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            var inWord = false, anyWord = false
            for b in bytes {
                if b >= 0x80 { return nil }
                if isAlphanumeric(b) {
                    if !inWord {
                        if anyWord { hash ^= 0x20; hash = hash &* 0x0000_0100_0000_01b3 }
                        inWord = true; anyWord = true
                    }
                    let lower = (0x41...0x5A).contains(b) ? b + 0x20 : b
                    hash ^= UInt64(lower)
                    hash = hash &* 0x0000_0100_0000_01b3
                } else {
                    inWord = false
                }
            }
            return String(hash, radix: 16)
        } ?? nil
    }

    /// Whether `text` has at least `minimum` whitespace-separated words (stops counting there).
    static func hasWords(_ text: String, atLeast minimum: Int) -> Bool? {
        text.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            var count = 0, inWord = false
            for b in bytes {
                if b >= 0x80 { return nil }
                if isWhitespace(b) { inWord = false } else if !inWord {
                    inWord = true; count += 1
                }
            }
            return count >= minimum
        } ?? nil
    }

    /// `text.split(whereSeparator: \.isWhitespace).joined(separator: " ")`.
    static func collapsed(_ text: String) -> String? {
        text.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var pendingSpace = false
            for b in bytes {
                if b >= 0x80 { return nil }
                if isWhitespace(b) {
                    pendingSpace = !out.isEmpty
                } else {
                    if pendingSpace { out.append(0x20); pendingSpace = false }
                    out.append(b)
                }
            }
            return out.elementsEqual(bytes) ? text : String(decoding: out, as: UTF8.self)
        } ?? nil
    }
}
