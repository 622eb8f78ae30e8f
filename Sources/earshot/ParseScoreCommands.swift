import ArgumentParser
import Foundation
import EarshotApp
import EarshotParse
import EarshotScore

struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse a feed or review page and print it as one JSON document.")
    @Argument(help: ArgumentHelp("The file to parse.", valueName: "file")) var files: [String]
    @Option(help: "The document's URL, the base for relative links.") var url: String?
    @Option(help: "The charset the server declared.") var charset: String?
    @Flag(name: .customLong("written-dates"),
          help: "Print each entry's published date as the document wrote it, in its own offset (2020-07-16T18:03:36-07:00), not in UTC.")
    var writtenDates = false
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
                try ParseBench.parse(file, url: url, charset: charset, writtenDates: writtenDates) { fwrite($0.baseAddress, 1, $0.count, stdout) }
                print()
            } catch let error as ParseError {
                throw AppError.failed("\(error) (\(file))")
            }
        }
    }
}

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score texts from stdin, one per line; print one JSON object per line.",
        discussion: "Keys: compound, pos, neu, neg, label, complaint, aspects (and reasons with --explain).")
    @Flag(help: "Plain VADER (vaderSentiment 3.3.2), without complaint cues, aspects or targeting.") var vader = false
    @Flag(help: "Add the words and rules that decided.") var explain = false
    @Option(help: ArgumentHelp("Who decides: 'model' (the trained model reading the rules' evidence) or 'rules' (the rules alone).", valueName: "rules|model"))
    var scorer: Scorer.Mode = .model
    @Flag(help: "Print both decisions per line: {\"rules\": {...}, \"model\": {...}, \"same\": true|false}.") var compare = false
    /// For Scripts/train-scorer: the rules' evidence per line as a JSON array (RuleEvidence.names order).
    @Flag(name: .customLong("rule-features"), help: .hidden) var ruleFeatures = false
    /// For Scripts/train-scorer's cross-validation: a model file instead of the built-in model.
    @Option(name: .customLong("model-file"), help: .hidden) var modelFile: String?
    /// For Scripts/train-scorer: the version and names of the rule features, as JSON.
    @Flag(name: .customLong("rule-feature-names"), help: .hidden) var ruleFeatureNames = false
    /// For Scripts/train-scorer and evaluation: each line is "title<TAB>text".
    @Flag(name: .customLong("title-column"), help: .hidden) var titleColumn = false
    @Option(name: .customLong("brand"), help: "A brand term whose sentences weigh most (repeatable).") var brands: [String] = []
    @Option(help: ArgumentHelp("The folder holding vader_lexicon.txt.", valueName: "DIR")) var lexicon: String?
    /// For Scripts/bench-score: the scoring time, without process start and lexicon load, on stderr.
    @Flag(help: .hidden) var timing = false

    /// Below this many bytes lines are scored on the calling thread (starting threads costs more).
    static let parallelBytes = 256 << 10

    /// Scores newline-terminated lines, as JSON lines, in order.
    static func scoreLines(_ lines: ArraySlice<UInt8>, with analyzer: VaderAnalyzer) -> [UInt8] {
        inPieces(lines) { piece in
            var out: [UInt8] = []
            out.reserveCapacity(piece.count * 2 + 64)
            analyzer.appendJSONLines(forLinesIn: Array(piece), to: &out)
            return out
        }
    }

    /// Cuts newline-terminated lines at line ends into about one piece per core (one piece for a
    /// small block: starting threads costs more), renders the pieces concurrently and joins them in order.
    static func inPieces(_ lines: ArraySlice<UInt8>, _ render: @Sendable (ArraySlice<UInt8>) -> [UInt8]) -> [UInt8] {
        let pieces = lines.count < parallelBytes ? 1 : max(1, ProcessInfo.processInfo.activeProcessorCount)
        var cuts = [lines.startIndex]
        for k in 1 ..< pieces {
            var i = max(cuts[cuts.count - 1], lines.startIndex + lines.count * k / pieces)
            while i < lines.endIndex && lines[i] != 0x0A { i += 1 }
            if i < lines.endIndex { cuts.append(i + 1) }
        }
        cuts.append(lines.endIndex)
        let outputs = UnsafeMutableBufferPointer<[UInt8]>.allocate(capacity: cuts.count - 1)
        outputs.initialize(repeating: [])
        defer { outputs.deinitialize(); outputs.deallocate() }
        DispatchQueue.concurrentPerform(iterations: cuts.count - 1) { k in
            outputs[k] = render(lines[cuts[k] ..< cuts[k + 1]])
        }
        return outputs.count == 1 ? outputs[0] : Array(outputs.joined())
    }

    func run() throws {
        try guarded {
            if ruleFeatureNames {
                print("{\"version\":\(Scorer.ruleFeatureVersion),\"names\":[" + Scorer.ruleFeatureNames.map { "\"\($0)\"" }.joined(separator: ",") + "]}")
                return
            }
            let lex = try LexiconLocator.load(explicit: lexicon)
            if vader {
                // The bulk path: whole lines from each chunk of stdin, scored from their bytes; a
                // big chunk (a file on stdin) is split at line ends and scored on every core, its
                // pieces printed in order. A small one (a pipe fed line by line) is scored at once.
                let analyzer = VaderAnalyzer(lexicon: lex)
                let started = DispatchTime.now()
                try Self.eachBlockOfLines { FileHandle.standardOutput.write(Data(Self.scoreLines($0, with: analyzer))) }
                if timing {
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
                    FileHandle.standardError.write(Data("score: \(String(format: "%.4f", seconds)) s scoring (after start-up and lexicon load)\n".utf8))
                }
                return
            }
            var product = try modelFile.map { try Scorer(lexicon: lex, modelFile: $0) } ?? Scorer(lexicon: lex, mode: ruleFeatures ? .rules : scorer)
            var other = compare ? Scorer(lexicon: lex, mode: scorer == .model ? .rules : .model) : nil
            // Without --explain nobody reads the model's word weights: skip naming them.
            product.namesWeights = explain
            other?.namesWeights = explain
            let (first, second, mode) = (product, other, scorer)
            let (brands, titleColumn, ruleFeatures, explain) = (brands, titleColumn, ruleFeatures, explain)
            let render: @Sendable (String) -> String = { line in
                var input = ScoreInput(text: line, brandTerms: brands)
                if titleColumn, let tab = line.firstIndex(of: "\t") {
                    let title = String(line[..<tab])
                    input.title = title.trimmingCharacters(in: .whitespaces).isEmpty ? nil : title
                    input.text = String(line[line.index(after: tab)...])
                }
                if ruleFeatures { return first.ruleFeatureLine(input) }
                if let second {
                    let (rules, model) = mode == .rules ? (first.score(input), second.score(input)) : (second.score(input), first.score(input))
                    return "{\"rules\":" + rules.jsonLine(includeReasons: explain) + ",\"model\":" + model.jsonLine(includeReasons: explain)
                        + ",\"same\":\(rules.label == model.label && rules.isComplaint == model.isComplaint)}"
                }
                return first.score(input).jsonLine(includeReasons: explain)
            }
            // Like the VADER path: blocks of whole lines, a big block scored on every core and
            // printed in order.
            try Self.eachBlockOfLines { FileHandle.standardOutput.write(Data(Self.mapLines($0, render))) }
        }
    }

    /// Standard input in blocks of whole lines, each ending in a newline (a last line without one gets
    /// it): read(2) returns what is there, up to 1 MiB, a whole block of a file or the lines a pipe
    /// holds (FileHandle.availableData reads 4 KiB at a time).
    static func eachBlockOfLines(_ body: (ArraySlice<UInt8>) -> Void) throws {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { throw AppError.failed("score: cannot read stdin (\(String(cString: strerror(errno))))") }
            if count == 0 { break }
            pending += buffer[..<count]
            guard let lastNewline = pending.lastIndex(of: 0x0A) else { continue }
            body(pending[...lastNewline])
            pending.removeSubrange(...lastNewline)
        }
        if !pending.isEmpty { body(pending[...] + [0x0A]) }
    }

    /// `render` of each newline-terminated line (without its "\n" or "\r\n"), one output line
    /// each, in order, a big block on every core.
    static func mapLines(_ lines: ArraySlice<UInt8>, _ render: @Sendable (String) -> String) -> [UInt8] {
        inPieces(lines) { piece in
            var out: [UInt8] = []
            var start = piece.startIndex
            while start < piece.endIndex {
                var stop = start
                while stop < piece.endIndex && piece[stop] != 0x0A { stop += 1 }
                var last = stop
                if last > start && piece[last - 1] == 0x0D { last -= 1 }
                out += render(String(decoding: piece[start ..< last], as: UTF8.self)).utf8
                out.append(0x0A)
                start = stop + 1
            }
            return out
        }
    }
}

extension Scorer.Mode: ExpressibleByArgument {}
