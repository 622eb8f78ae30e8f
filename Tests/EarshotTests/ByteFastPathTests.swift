import Foundation
import Testing
import EarshotScore
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
}
