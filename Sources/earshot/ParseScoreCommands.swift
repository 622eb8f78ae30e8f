import ArgumentParser
import Foundation
import EarshotApp
import EarshotParse
import EarshotScore

struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse a feed or review page and print it as one JSON document.")
    @Argument(help: ArgumentHelp("The file to parse.", valueName: "file")) var files: [String]
    @Option(help: "The document's URL, the base for relative links.") var url: String?
    @Option(help: "The charset the server declared.") var charset: String?
    /// Benchmarks: parse this many times, print once.
    @Option(name: .customLong("repeat"), help: .hidden) var repetitions = 1
    /// Benchmarks: parse every file given (`--repeat` times), print only a timing line to stderr.
    @Flag(help: .hidden) var bench = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("Missing expected argument '<file>'") }
        if files.count > 1 && !bench { throw ValidationError("parse takes one file") }
        if repetitions < 1 { throw ValidationError("--repeat must be at least 1") }
    }

    func run() throws {
        try guarded {
            if bench { return ParseBench.run(files: files, url: url, charset: charset, repetitions: repetitions) }
            let file = files[0]
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw AppError.notFound("parse: cannot read \(file); check the path")
            }
            do {
                for _ in 1..<repetitions { try ParseBench.parse(file, url: url, charset: charset) { _ in } }
                // Streamed: entries are written as they are read, through a 64 KB buffer (see ContractJSONWriter).
                try ParseBench.parse(file, url: url, charset: charset) { fwrite($0.baseAddress, 1, $0.count, stdout) }
                print()
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
            if vader {
                // The bulk path: whole lines from each chunk of stdin, scored from their bytes.
                let analyzer = VaderAnalyzer(lexicon: lex)
                var pending: [UInt8] = []
                var out: [UInt8] = []
                out.reserveCapacity(1 << 16)
                while true {
                    let chunk = FileHandle.standardInput.availableData
                    if chunk.isEmpty { break }
                    pending += chunk
                    guard let lastNewline = pending.lastIndex(of: 0x0A) else { continue }
                    analyzer.appendJSONLines(forLinesIn: Array(pending[...lastNewline]), to: &out)
                    pending.removeSubrange(...lastNewline)
                    FileHandle.standardOutput.write(Data(out))
                    out.removeAll(keepingCapacity: true)
                }
                if !pending.isEmpty {
                    analyzer.appendJSONLines(forLinesIn: pending + [0x0A], to: &out)
                    FileHandle.standardOutput.write(Data(out))
                }
                return
            }
            let scorer = Scorer(lexicon: lex)
            var out = ""
            out.reserveCapacity(1 << 16)
            while let line = readLine(strippingNewline: true) {
                out += scorer.score(ScoreInput(text: line, brandTerms: brands)).jsonLine(includeReasons: explain)
                out += "\n"
                if out.utf8.count > 1 << 16 { FileHandle.standardOutput.write(Data(out.utf8)); out = "" }
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}
