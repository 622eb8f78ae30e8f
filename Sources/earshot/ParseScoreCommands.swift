import ArgumentParser
import Foundation
import EarshotApp
import EarshotParse
import EarshotScore

struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse a feed or review page and print it as one JSON document.")
    @Argument(help: "The file to parse.") var file: String
    @Option(help: "The document's URL, the base for relative links.") var url: String?
    @Option(help: "The charset the server declared.") var charset: String?

    func run() throws {
        try guarded {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw AppError.notFound("parse: cannot read \(file); check the path")
            }
            do {
                print(try DocumentParser.parse(data, url: url, charset: charset).contractJSON())
            } catch let error as ParseError {
                throw AppError.failed("\(error) (\(file))")
            }
        }
    }
}

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score texts from stdin, one per line; print one JSON object per line.",
        discussion: "Keys: compound, pos, neu, neg, label, complaint, aspects (and reasons with --explain).")
    @Flag(help: "Plain VADER (vaderSentiment 3.3.2), without complaint cues, aspects or targeting.") var vader = false
    @Flag(help: "Add the words and rules that decided.") var explain = false
    @Option(name: .customLong("brand"), help: "A brand term whose sentences weigh most (repeatable).") var brands: [String] = []
    @Option(help: ArgumentHelp("The folder holding vader_lexicon.txt.", valueName: "DIR")) var lexicon: String?

    func run() throws {
        try guarded {
            let lex = try LexiconLocator.load(explicit: lexicon)
            let analyzer = VaderAnalyzer(lexicon: lex)
            let scorer = Scorer(lexicon: lex)
            var out = ""
            out.reserveCapacity(1 << 16)
            while let line = readLine(strippingNewline: true) {
                if vader {
                    out += analyzer.polarityScores(line).jsonLine()
                } else {
                    out += scorer.score(ScoreInput(text: line, brandTerms: brands)).jsonLine(includeReasons: explain)
                }
                out += "\n"
                if out.utf8.count > 1 << 16 { FileHandle.standardOutput.write(Data(out.utf8)); out = "" }
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}
