import Foundation
import Testing
@testable import EarshotTriage

/// Issue 22: an alert's excerpt of ASCII text is made on bytes; it must be exactly the excerpt made
/// on characters, whatever the whitespace, length and limit.
@Suite
struct ExcerptTests {
    @Test func bytesAndCharactersGiveTheSameExcerpt() {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["a", "b", "Acme", " ", "  ", "\t", "\n", "\r\n", "\r", "\u{0B}", "\u{0C}", "\u{1C}", ".", "!"]
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...30, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let limit = Int.random(in: 1...25, using: &rng)
            let ascii = Triage.asciiExcerpt(text, limit: limit)
            #expect(ascii == Triage.characterExcerpt(text, limit: limit), "\(text.debugDescription) limit \(limit)")
        }
        // Anything beyond ASCII takes the character path (a combining accent joins the letter before it).
        #expect(Triage.asciiExcerpt("cafe\u{301} au lait", limit: 4) == nil)
        #expect(Triage.excerpt("cafe\u{301} au lait", limit: 5) == "café…")
        #expect(Triage.excerpt("  Acme   charged\nme twice  ", limit: 80) == "Acme charged me twice")
    }
}
