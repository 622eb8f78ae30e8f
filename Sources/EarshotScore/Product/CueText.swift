import Foundation

/// Word splitting and phrase matching for cue lists (aspects, complaint cues).
///
/// Words are lower-cased runs of letters, digits, apostrophes, `@`, `#` and `$`; typographic
/// apostrophes become ASCII ones so "can’t" matches "can't". Matching a phrase means matching
/// consecutive words, so cues respect word boundaries ("bill" does not match "billion").
enum CueText {
    static func words(_ text: String) -> [String] { asciiWords(text) ?? scalarWords(text) }

    static func scalarWords(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for scalar in text.lowercased().unicodeScalars {
            var s = scalar
            if s == "\u{2019}" || s == "\u{2018}" { s = "'" }
            if isWordScalar(s) {
                current.unicodeScalars.append(s)
            } else if !current.isEmpty {
                words.append(trimmed(current))
                current = ""
            }
        }
        if !current.isEmpty { words.append(trimmed(current)) }
        return words.filter { !$0.isEmpty }
    }

    /// The same words for ASCII text, on bytes (ASCII lowercases byte by byte and has no curly quotes); nil for
    /// other text.
    static func asciiWords(_ text: String) -> [String]? {
        text.utf8.withContiguousStorageIfAvailable { bytes -> [String]? in
            var words: [String] = []
            var current: [UInt8] = []
            func flush() {
                var lo = 0, hi = current.count
                while lo < hi, current[lo] == UInt8(ascii: "'") { lo += 1 }
                while hi > lo, current[hi - 1] == UInt8(ascii: "'") { hi -= 1 }
                if lo < hi { words.append(String(decoding: current[lo ..< hi], as: UTF8.self)) }
                current.removeAll(keepingCapacity: true)
            }
            for byte in bytes {
                guard byte < 0x80 else { return nil }
                let b = (0x41 ... 0x5A).contains(byte) ? byte + 0x20 : byte
                if (0x61 ... 0x7A).contains(b) || (0x30 ... 0x39).contains(b) || b == UInt8(ascii: "'") || b == UInt8(ascii: "@")
                    || b == UInt8(ascii: "#") || b == UInt8(ascii: "$") {
                    current.append(b)
                } else if !current.isEmpty {
                    flush()
                }
            }
            if !current.isEmpty { flush() }
            return words
        } ?? nil
    }

    private static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII {
            return (s >= "a" && s <= "z") || (s >= "0" && s <= "9") || s == "'" || s == "@" || s == "#" || s == "$"
        }
        return s.properties.isAlphabetic || ("0" ... "9").contains(s) || s == "'" || s == "@" || s == "#" || s == "$"
    }

    /// Drops quotes around a word ('hello' -> hello) but keeps inner apostrophes (don't).
    private static func trimmed(_ word: String) -> String {
        var w = Substring(word)
        while w.first == "'" { w = w.dropFirst() }
        while w.last == "'" { w = w.dropLast() }
        return String(w)
    }

    /// Whether `phrase` occurs as consecutive words; with `prefix`, its last word need only
    /// start the text's word.
    static func occurs(_ phrase: [String], prefix: Bool, in words: [String]) -> Bool {
        firstIndex(of: phrase, prefix: prefix, in: words, from: 0) != nil
    }

    /// Where `phrase` next occurs at or after `from`.
    static func firstIndex(of phrase: [String], prefix: Bool = false, in words: [String], from: Int) -> Int? {
        guard !phrase.isEmpty, words.count >= phrase.count, from <= words.count - phrase.count else { return nil }
        for start in from ... (words.count - phrase.count) where occurs(phrase, prefix: prefix, in: words, at: start) {
            return start
        }
        return nil
    }

    /// Whether `phrase` occurs starting at word `start`.
    static func occurs(_ phrase: [String], prefix: Bool = false, in words: [String], at start: Int) -> Bool {
        guard !phrase.isEmpty, start >= 0, start + phrase.count <= words.count else { return false }
        for (k, p) in phrase.enumerated() {
            let w = words[start + k]
            if k == phrase.count - 1 && prefix {
                if !w.hasPrefix(p) { return false }
            } else if w != p && !(w.hasPrefix("#") && w.dropFirst() == p) && !(w.hasPrefix("@") && w.dropFirst() == p) {
                return false
            }
        }
        return true
    }
}
