import Foundation
import Testing
@testable import EarshotScore
@testable import EarshotDigest
import EarshotParse
@testable import EarshotApp
@testable import EarshotTriage

/// Hot paths that work on bytes where the text is ASCII (issue 22) must give exactly what the general
/// path gives: random texts from a seeded generator, compared piece by piece.
@Suite
struct ByteFastPathTests {
    static let asciiPieces = ["a", "Z", "jose", "O'Neil", "'", "''", " ", "  ", "\t", "\n", "\r\n", "-", ".", "_", "@", "/u/", "u/", "U",
                              "0", "42", "(", ")", "<", ">", "J.", "Mc", "x@y.z", "ann@example.com", "[deleted]", "Guest", "de la", ","]

    static func randomTexts(_ pieces: [String], count: Int, seed: UInt64) -> [String] {
        var generator = TriageIssue15Tests.SplitMix64(state: seed)
        return (0 ..< count).map { _ in
            (0 ..< Int.random(in: 0 ... 7, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
        }
    }

    @Test func asciiNamesFoldAsFoundationFoldsThem() {
        for name in Self.randomTexts(Self.asciiPieces, count: 2_000, seed: 22) + (0 ..< 128).map { String(UnicodeScalar(UInt8($0))) } {
            #expect(CustomerIdentity.asciiNameWords(name) == CustomerIdentity.foldedNameWords(name), "\(name.debugDescription)")
        }
    }

    /// The quick refusals (no `@`: no e-mail; a first character that starts no handle) change no identity.
    @Test func identitiesAreTheSameWithAndWithoutTheQuickRefusals() {
        let pieces = Self.asciiPieces + ["José", "\u{00A0}", "\u{2003}", "Ünal", "＠wide", "ø"]
        for author in Self.randomTexts(pieces, count: 2_000, seed: 2026) {
            let slow = author.trimmingCharacters(in: .whitespaces).lowercased()
            let startsAsHandle = slow.hasPrefix("@") || slow.hasPrefix("/u/") || slow.hasPrefix("u/")
            #expect(CustomerIdentity.looksLikeHandle(author) == startsAsHandle, "\(author.debugDescription)")
            if !author.contains("@") { #expect(CustomerIdentity.emailKey(author) == nil) }
            if !CustomerIdentity.mayBeHandle(author) { #expect(!startsAsHandle, "\(author.debugDescription)") }
        }
    }

    /// JSON strings are written in runs of bytes that need no escape: the same bytes as one byte at a time.
    @Test func jsonStringsAreEscapedAsBefore() throws {
        func reference(_ s: String) -> [UInt8] {
            var out: [UInt8] = [0x22]
            for b in s.utf8 {
                switch b {
                case 0x22: out += [0x5C, 0x22]
                case 0x5C: out += [0x5C, 0x5C]
                case 0x0A: out += [0x5C, UInt8(ascii: "n")]
                case 0x0D: out += [0x5C, UInt8(ascii: "r")]
                case 0x09: out += [0x5C, UInt8(ascii: "t")]
                case 0 ..< 0x20: out += Array(String(format: "\\u%04x", b).utf8)
                default: out.append(b)
                }
            }
            return out + [0x22]
        }
        let pieces = ["plain words", "\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{8}", "é", "😀", "/", "\u{7F}", "\u{2028}", ""]
        for text in Self.randomTexts(pieces, count: 1_000, seed: 7) {
            var out: [UInt8] = []
            ScoreJSON.appendString(text, to: &out)
            #expect(out == reference(text), "\(text.debugDescription)")
            let decoded = try JSONSerialization.jsonObject(with: Data(out), options: .fragmentsAllowed) as? String
            #expect(decoded == text)
        }
    }

    /// The pipeline's copy fingerprint, word count and author spelling on bytes give what the `Character` versions
    /// give, for every ASCII control and separator (VT, FF, the file separators, DEL) and with other text mixed in.
    @Test func pipelineWordsAreTheSameOnBytes() {
        let pieces = Self.asciiPieces + ["\u{0B}", "\u{0C}", "\u{1C}", "\u{1F}", "\u{7F}", "\u{0}", "ACME", "Acme's", "#acme", "½", "é", "\u{00A0}", "\u{2028}", "Ⅻ"]
        for text in Self.randomTexts(pieces, count: 3_000, seed: 2212) + (0 ..< 128).map { String(UnicodeScalar(UInt8($0))) } {
            let words = text.lowercased().split { !$0.isLetter && !$0.isNumber }
            let isASCII = text.utf8.allSatisfy { $0 < 0x80 }
            #expect(ASCIIWords.fingerprint(text) == (isASCII ? StableHash.hex(words.joined(separator: " ")) : nil), "\(text.debugDescription)")
            #expect(Pipeline.fingerprint(text) == StableHash.hex(words.joined(separator: " ")), "\(text.debugDescription)")
            let count = text.split(whereSeparator: \.isWhitespace).count
            for minimum in [1, 5, 8] where isASCII {
                #expect(ASCIIWords.hasWords(text, atLeast: minimum) == (count >= minimum), "\(text.debugDescription)")
            }
            #expect(Pipeline.canBeCopy(author: nil, body: text) == (count >= 8))
            let collapsed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(Pipeline.collapsedAuthor(text) == (collapsed.isEmpty ? nil : collapsed), "\(text.debugDescription)")
        }
    }

    /// An alert's UTC time and score, written without Foundation's formatters, read as they did.
    @Test func alertTimesAndScoresAreWrittenAsTheFormattersWroteThem() {
        var generator = TriageIssue15Tests.SplitMix64(state: 99)
        let instants = [0, -1, 1.5, -86_400.25, 951_782_400, 1_795_037_640.999, 1_700_000_000.9996, 1_700_000_000.9994, -0.0004,
                        4_102_444_800, -2_208_988_800] +
            (0 ..< 500).map { _ in Double.random(in: -2_000_000_000 ... 4_000_000_000, using: &generator) }
        for t in instants {
            let date = Date(timeIntervalSince1970: t)
            #expect(Triage.isoUTC(date) == Triage.iso.string(from: date), "\(t)")
        }
        for offset in [3600, -25_200, 19_800, -34_200, 50_400, -43_200] {
            let date = Date(timeIntervalSince1970: 1_595_034_216)
            let shifted = Triage.iso.string(from: date.addingTimeInterval(Double(offset))).dropLast()
            let zone = String(format: "%@%02d:%02d", offset < 0 ? "-" : "+", abs(offset) / 3600, abs(offset) % 3600 / 60)
            #expect(WrittenTime.iso(date, offset: offset) == shifted + zone)
        }
        let scores = [0, -0.0, 1, -1, 0.0005, -0.0005, 0.0015, 0.9995, -0.9995, 0.12345, 1e-9, -1e-9] +
            (0 ..< 2_000).map { _ in Double.random(in: -1 ... 1, using: &generator) }
        for v in scores { #expect(Triage.threeDecimals(v) == String(format: "%.3f", v), "\(v)") }
    }

    /// The query's and the cue catalogue's words on bytes are the scalar walk's words.
    @Test func queryAndCueWordsAreTheSameOnBytes() {
        let pieces = Self.asciiPieces + ["'s", "s", "ACME's", "@", "#", "##", "$", "$5", "''", "'tis", "don't", "Acme", "#acme's",
                                         "\u{0B}", "\u{7F}", "\u{2019}", "\u{2018}", "é", "Ⅻ"]
        for text in Self.randomTexts(pieces, count: 4_000, seed: 1122) + (0 ..< 128).map { String(UnicodeScalar(UInt8($0))) } {
            let isASCII = text.utf8.allSatisfy { $0 < 0x80 }
            #expect(QueryText.asciiWords(text) == (isASCII ? QueryText.scalarWords(text) : nil), "\(text.debugDescription)")
            #expect(CueText.asciiWords(text) == (isASCII ? CueText.scalarWords(text) : nil), "\(text.debugDescription)")
        }
    }

    /// The redactor's quick skips (inside a word; no "@", no address) hide exactly what trying every byte hides.
    @Test func redactionIsTheSameWithTheQuickSkips() {
        let pieces = ["ann@example.com", "a.b+c@mail.co.uk", "@acme", "x@y", " ", "-", "(", ")", "+", "+44 20 7946 0958", "020 7946 0958",
                      "4111 1111 1111 1111", "4111111111111111", "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "#12345",
                      "https://user:pw@host.example/x", "://", ":", "2026-11-20", "12:30", "$5", "555-123-4567", "(555) 123-4567",
                      "word", "W0rd", "é", ".", ",", "\n", "0044 20 7946 0958", "07700 900123", "\"", "{", "}"]
        let redactor = Redactor(kinds: Set(Redactor.Kind.allCases))
        for text in Self.randomTexts(pieces, count: 4_000, seed: 3131) {
            #expect(redactor.redact(text) == redactor.redact(text, skippingWords: false), "\(text.debugDescription)")
            #expect(Redactor.standard.redact(text) == Redactor.standard.redact(text, skippingWords: false), "\(text.debugDescription)")
        }
    }
}
