import Foundation

/// What can go wrong while preparing the score stage (loading the lexicon or the aspect catalog).
///
/// Each `description` is one line: the stage, what failed, which input, and what to do about it.
public enum ScoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A lexicon file is absent or unreadable.
    case lexiconMissing(path: String)
    /// A lexicon file was read but a line could not be understood.
    case lexiconMalformed(path: String, line: Int, reason: String)
    /// An aspect catalog line could not be understood.
    case aspectCatalogMalformed(line: Int, reason: String)

    public var description: String {
        switch self {
        case .lexiconMissing(let path):
            return "score: cannot read lexicon file \(path); restore data/lexicon/ (vader_lexicon.txt and emoji_utf8_lexicon.txt from vaderSentiment 3.3.2) or point the lexicon directory at a copy"
        case .lexiconMalformed(let path, let line, let reason):
            return "score: \(path) line \(line): \(reason); fix the line or restore the file from vaderSentiment 3.3.2"
        case .aspectCatalogMalformed(let line, let reason):
            return "score: aspect catalog line \(line): \(reason); write lines as 'aspect: cue, cue, ...'"
        }
    }
}
