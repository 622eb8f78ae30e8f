import Foundation
@testable import EarshotScore

/// Where the score tests find their data: the lexicon in the repository, the evaluation sets in
/// `../shared` beside it. Either may be absent (a trimmed checkout); tests then skip with a note.
enum ScoreFixtures {
    /// The repository root: this file is at Tests/EarshotTests/ScoreTestSupport.swift.
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let lexiconDirectory = repoRoot.appendingPathComponent("data/lexicon")
    static let sharedDirectory = repoRoot.deletingLastPathComponent().appendingPathComponent("shared")
    static let parityFile = sharedDirectory.appendingPathComponent("eval/vader-parity.jsonl")

    /// The lexicon, loaded once; `nil` (with a note printed) when data/lexicon is missing.
    static let lexicon: Lexicon? = {
        do {
            return try Lexicon.load(directory: lexiconDirectory)
        } catch {
            print("skip: \(error)")
            return nil
        }
    }()

    /// The built-in aspect catalog (compiled into the binary).
    static let aspects = AspectCatalog.builtIn

    static let analyzer: VaderAnalyzer? = lexicon.map { VaderAnalyzer(lexicon: $0) }
    static let scorer: Scorer? = lexicon.map { Scorer(lexicon: $0, aspects: aspects) }
}
