import Foundation
import Testing
@testable import EarshotScore

/// VADER: parity with vaderSentiment 3.3.2 and the Python behaviours it depends on.
@Suite struct ScoreVaderTests {
    /// Every line of ../shared/eval/vader-parity.jsonl (23,703 texts scored by vaderSentiment
    /// 3.3.2) must match within 1e-4 on all four numbers.
    @Test func parityWithVaderSentiment() throws {
        guard let analyzer = ScoreFixtures.analyzer else { return }
        guard let data = FileManager.default.contents(atPath: ScoreFixtures.parityFile.path) else {
            print("skip: \(ScoreFixtures.parityFile.path) not found (../shared is not beside the repository)")
            return
        }
        struct Reference: Decodable { var text: String; var compound, pos, neu, neg: Double }
        let decoder = JSONDecoder()
        var lines = 0
        var mismatches: [String] = []
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            let ref = try decoder.decode(Reference.self, from: Data(line))
            let got = analyzer.polarityScores(ref.text)
            lines += 1
            if abs(got.compound - ref.compound) > 1e-4 || abs(got.pos - ref.pos) > 1e-4
                || abs(got.neu - ref.neu) > 1e-4 || abs(got.neg - ref.neg) > 1e-4 {
                mismatches.append("\(ref.text.prefix(80)): got \(got), want \(ref.compound)/\(ref.pos)/\(ref.neu)/\(ref.neg)")
            }
        }
        #expect(lines == 23_703)
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(3))")
    }

    /// vaderSentiment's own demo sentences, with the values it prints.
    @Test(arguments: [
        ("VADER is smart, handsome, and funny.", 0.8316),
        ("VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342),
        ("VADER is not smart, handsome, nor funny.", -0.7424),
        ("At least it isn't a horrible book.", 0.431),
        ("The book was only kind of good.", 0.3832),
        ("Today only kinda sux! But I'll get by, lol", 0.5249),
        ("Make sure you :) or :D today!", 0.8633),
        ("Not bad at all", 0.431),
        ("", 0.0),
    ])
    func knownSentences(text: String, compound: Double) throws {
        guard let analyzer = ScoreFixtures.analyzer else { return }
        #expect(abs(analyzer.polarityScores(text).compound - compound) < 1e-4)
    }

    @Test func emojiAreScoredByTheirDescription() throws {
        guard let analyzer = ScoreFixtures.analyzer else { return }
        #expect(analyzer.polarityScores("Catch utf-8 emoji such as 💘 and 💋 and 😁").compound > 0.5)
    }

    @Test func pythonRoundingMatches() {
        #expect(PythonRounding.round(0.12345, 4) == 0.1235 || PythonRounding.round(0.12345, 4) == 0.1234)
        #expect(PythonRounding.round(2.675, 2) == 2.67)  // 2.675 is 2.67499999... in binary
        #expect(PythonRounding.round(0.5, 0) == 0.0)     // ties to even
        #expect(PythonRounding.round(-0.00001, 4).sign == .minus)
    }

    @Test func jsonLineHasTheContractKeys() throws {
        let line = SentimentScores(compound: 0.5, pos: 0.25, neu: 0.75, neg: 0).jsonLine()
        #expect(line == #"{"compound":0.5,"pos":0.25,"neu":0.75,"neg":0.0,"label":"positive","complaint":false,"aspects":[]}"#)
    }

    @Test func missingLexiconIsAOneLineError() {
        let dir = URL(fileURLWithPath: "/nonexistent-earshot-lexicon")
        #expect(throws: ScoreError.self) { try Lexicon.load(directory: dir) }
        do {
            _ = try Lexicon.load(directory: dir)
        } catch {
            #expect(!"\(error)".contains("\n"))
            #expect("\(error)".contains("vader_lexicon.txt"))
        }
    }

    @Test func overrideChangesAValence() throws {
        guard var lexicon = ScoreFixtures.lexicon else { return }
        lexicon.override(word: "Outage", valence: -2.0)
        #expect(lexicon.valence(of: "outage") == -2.0)
        #expect(VaderAnalyzer(lexicon: lexicon).polarityScores("another outage").compound < -0.05)
    }

    @Test func lexiconLoadsQuickly() throws {
        guard ScoreFixtures.lexicon != nil else { return }
        let start = Date()
        let lexicon = try Lexicon.load(directory: ScoreFixtures.lexiconDirectory)
        #expect(lexicon.wordCount == 7_506)
        // Generous for a debug build on a busy machine; a release build takes a few milliseconds.
        #expect(Date().timeIntervalSince(start) < 0.5)
    }
}
