import Foundation
import Testing
@testable import EarshotStore

/// The store's JSON lists (a score's reasons, on every mention) are written without Foundation's encoder but
/// must stay byte for byte what it wrote: stores written before and after hold the same text.
@Suite
struct StoreListEncodingTests {
    @Test func listsAreWrittenAsJSONEncoderWritesThem() throws {
        var generator = TriageIssue15Tests.SplitMix64(state: 0x5EED_2026)  // the same lists every run: a failure can be replayed
        let pieces = ["a", "cue:refund", "/", "\\", "\"", "\n", "\t", "\r", "\u{8}", "\u{C}", "\u{0}", "\u{1F}", "\u{7F}", " ",
                      "é", "€", "😀", "\u{2028}", "words with spaces", "http://x.example/a?b=c"]
        var lists: [[String]] = [[], [""], ["plain"]]
        for _ in 0..<300 {
            lists.append((0..<Int.random(in: 0...4, using: &generator)).map { _ in
                (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            })
        }
        for list in lists {
            let foundation = try #require(String(data: try JSONEncoder().encode(list), encoding: .utf8))
            #expect(Store.encodeList(list) == foundation, "\(list)")
            #expect(Store.decodeList(Store.encodeList(list)) == list)
        }
    }
}

