import Foundation

/// VADER's word and emoji lexicons: valences for 7,506 words and emoticons, and text
/// descriptions for emoji (which are then scored as words).
///
/// The files are vaderSentiment 3.3.2's `vader_lexicon.txt` (tab-separated word, mean valence,
/// standard deviation, raw ratings; CRLF line ends; for the 14 words listed twice the later line
/// wins, as with Python's dict) and `emoji_utf8_lexicon.txt` (emoji, tab, description).
/// Loading parses bytes directly: it takes a few milliseconds.
public struct Lexicon: Sendable {
    /// Lower-case word -> valence (only `valence` is set in the entries held here).
    var words = WordTable()
    /// Emoji code point -> its UTF-8 description. Only single-code-point keys are kept:
    /// vaderSentiment looks emoji up one code point at a time, so longer keys never match.
    var emoji: [UInt32: [UInt8]] = [:]

    /// Number of words with a valence.
    public var wordCount: Int { words.count }
    /// Number of emoji with a description.
    public var emojiCount: Int { emoji.count }

    /// An empty lexicon, to fill with ``override(word:valence:)``.
    public init() {}

    /// Reads `vader_lexicon.txt` and `emoji_utf8_lexicon.txt` from `directory`.
    ///
    /// - Throws: ``ScoreError/lexiconMissing(path:)`` when a file cannot be read,
    ///   ``ScoreError/lexiconMalformed(path:line:reason:)`` when a line has no tab or no number.
    public static func load(directory: URL) throws -> Lexicon {
        let wordsURL = directory.appendingPathComponent("vader_lexicon.txt")
        let emojiURL = directory.appendingPathComponent("emoji_utf8_lexicon.txt")
        var lexicon = Lexicon()
        try lexicon.parseWords(readBytes(wordsURL), path: wordsURL.path)
        try lexicon.parseEmoji(readBytes(emojiURL), path: emojiURL.path)
        return lexicon
    }

    /// Sets (or adds) a word's valence, e.g. to teach domain words ("refund", "outage").
    /// The word is lower-cased, since VADER looks up lower-cased tokens.
    public mutating func override(word: String, valence: Double) {
        words.update(word.lowercased()) { $0.valence = valence }
    }

    /// The valence of a word (looked up lower-cased), or `nil` when it is not in the lexicon.
    public func valence(of word: String) -> Double? {
        words.entry(for: word.lowercased())?.valence
    }

    /// The description vaderSentiment substitutes for an emoji, or `nil`.
    public func emojiDescription(_ emoji: Unicode.Scalar) -> String? {
        self.emoji[emoji.value].map { String(decoding: $0, as: UTF8.self) }
    }

    private static func readBytes(_ url: URL) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ScoreError.lexiconMissing(path: url.path)
        }
        return [UInt8](data)
    }

    /// Splits the file into lines the way `make_lex_dict` does (`split('\n')`, then `strip()`),
    /// calling `body` with each trimmed line's byte range and its 1-based number.
    private static func forEachLine(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>, Int) throws -> Void) rethrows {
        var start = 0
        var number = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            number += 1
            var a = start, b = end
            // Only ASCII whitespace is trimmed: a byte >= 0x80 is part of a multi-byte character.
            while a < b && bytes[a] < 0x80 && PythonText.isSpace(UInt32(bytes[a])) { a += 1 }
            while b > a && bytes[b - 1] < 0x80 && PythonText.isSpace(UInt32(bytes[b - 1])) { b -= 1 }
            if a < b { try body(a ..< b, number) }
            start = end + 1
        }
    }

    /// The end of the first tab-separated field starting at `range.lowerBound`.
    private static func fieldEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
        var i = from
        while i < to && bytes[i] != 0x09 { i += 1 }
        return i
    }

    private mutating func parseWords(_ data: [UInt8], path: String) throws {
        try data.withUnsafeBufferPointer { bytes in
            try Self.forEachLine(bytes) { range, number in
                let wordEnd = Self.fieldEnd(bytes, from: range.lowerBound, to: range.upperBound)
                guard wordEnd < range.upperBound else {
                    throw ScoreError.lexiconMalformed(path: path, line: number, reason: "no tab after the word")
                }
                let valueEnd = Self.fieldEnd(bytes, from: wordEnd + 1, to: range.upperBound)
                guard let value = Self.parseDouble(bytes, wordEnd + 1 ..< valueEnd) else {
                    throw ScoreError.lexiconMalformed(path: path, line: number, reason: "the valence is not a number")
                }
                words.update(UnsafeBufferPointer(rebasing: bytes[range.lowerBound ..< wordEnd])) { $0.valence = value }
            }
        }
    }

    private mutating func parseEmoji(_ data: [UInt8], path: String) throws {
        try data.withUnsafeBufferPointer { bytes in
            try Self.forEachLine(bytes) { range, number in
                let keyEnd = Self.fieldEnd(bytes, from: range.lowerBound, to: range.upperBound)
                guard keyEnd < range.upperBound else {
                    throw ScoreError.lexiconMalformed(path: path, line: number, reason: "no tab after the emoji")
                }
                let key = Self.scalars(bytes, range.lowerBound ..< keyEnd)
                guard key.count == 1 else { return }
                let descriptionEnd = Self.fieldEnd(bytes, from: keyEnd + 1, to: range.upperBound)
                emoji[key[0]] = Array(bytes[keyEnd + 1 ..< descriptionEnd])
            }
        }
    }

    private static func scalars(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [UInt32] {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self).unicodeScalars.map(\.value)
    }

    /// Parses a decimal like "-1.5" or "0.9"; `strtod` rounds correctly, as Python's `float()` does.
    private static func parseDouble(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        guard !range.isEmpty, range.count < 40 else { return nil }
        var buffer = [CChar](repeating: 0, count: range.count + 1)
        for (i, b) in bytes[range].enumerated() { buffer[i] = CChar(bitPattern: b) }
        return buffer.withUnsafeBufferPointer { p -> Double? in
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(p.baseAddress!, &end)
            guard let end, end - UnsafeMutablePointer(mutating: p.baseAddress!) == range.count else { return nil }
            return value
        }
    }
}
