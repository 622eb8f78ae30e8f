import Foundation

/// Which aspects of a business a text talks about (billing, delivery, support, ...), found by
/// cue words and phrases.
///
/// The built-in catalog is read from `Resources/aspects.txt` (see ``builtIn``); ``parse(_:)``
/// reads the same format from any text, so deployments can keep their own list.
public struct AspectCatalog: Sendable {
    /// One cue: its words, and whether the last word matches any ending ("deliver*").
    struct Cue: Sendable, Equatable {
        var words: [String]
        var isPrefix: Bool
    }

    /// Aspects in catalog order, each with its cues.
    private(set) var entries: [(aspect: String, cues: [Cue])] = []
    /// Where each cue sits (aspect index, cue index), by its first word, so matching a text
    /// looks up each of its words once instead of trying every cue.
    private var byFirstWord: [String: [(aspect: Int, cue: Int)]] = [:]
    /// One-word prefix cues ("deliver*"), tried against every word.
    private var prefixCues: [(aspect: Int, cue: Int)] = []

    /// A problem met while locating or reading the built-in catalog, or `nil`.
    public private(set) var warning: String?

    /// An empty catalog.
    public init() {}

    init(warning: String) { self.warning = warning }

    /// The aspect names, in catalog order.
    public var aspectNames: [String] { entries.map(\.aspect) }

    /// Reads the catalog format: `aspect: cue, cue, ...` lines, `#` comments, blank lines.
    ///
    /// - Throws: ``ScoreError/aspectCatalogMalformed(line:reason:)`` for a line without a colon
    ///   or with an empty aspect name.
    public static func parse(_ text: String) throws -> AspectCatalog {
        var catalog = AspectCatalog()
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw ScoreError.aspectCatalogMalformed(line: index + 1, reason: "no ':' after the aspect name")
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            guard !name.isEmpty else {
                throw ScoreError.aspectCatalogMalformed(line: index + 1, reason: "empty aspect name")
            }
            let cues = line[line.index(after: colon)...].split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
            catalog.add(aspect: name, cues: cues)
        }
        return catalog
    }

    /// Adds cues to an aspect (creating it at the end when new).
    public mutating func add(aspect: String, cues: [String]) {
        let parsed = cues.compactMap { cue -> Cue? in
            var text = cue.lowercased()
            let isPrefix = text.hasSuffix("*")
            if isPrefix { text.removeLast() }
            let words = CueText.words(text)
            return words.isEmpty ? nil : Cue(words: words, isPrefix: isPrefix)
        }
        let aspectIndex: Int
        if let i = entries.firstIndex(where: { $0.aspect == aspect }) {
            aspectIndex = i
        } else {
            entries.append((aspect, []))
            aspectIndex = entries.count - 1
        }
        for cue in parsed {
            entries[aspectIndex].cues.append(cue)
            let ref = (aspect: aspectIndex, cue: entries[aspectIndex].cues.count - 1)
            if cue.isPrefix && cue.words.count == 1 {
                prefixCues.append(ref)
            } else {
                byFirstWord[cue.words[0], default: []].append(ref)
            }
        }
    }

    /// The aspects whose cues occur in `text`, in catalog order.
    public func aspects(in text: String) -> [String] {
        aspects(inWords: CueText.words(text))
    }

    /// The aspects whose cues occur in already-split words.
    func aspects(inWords words: [String]) -> [String] {
        matches(inWords: words).map(\.aspect)
    }

    /// Each aspect found in `words` with the first of its cues that matched, in catalog order.
    func matches(inWords words: [String]) -> [(aspect: String, cue: String)] {
        var found: [Int: Int] = [:]  // aspect index -> cue index
        for (i, word) in words.enumerated() {
            var keys = [word]
            if let first = word.first, first == "@" || first == "#" { keys.append(String(word.dropFirst())) }
            for key in keys {
                for ref in byFirstWord[key] ?? [] where found[ref.aspect] == nil {
                    let cue = entries[ref.aspect].cues[ref.cue]
                    if CueText.occurs(cue.words, prefix: cue.isPrefix, in: words, at: i) {
                        found[ref.aspect] = ref.cue
                    }
                }
            }
            guard let firstByte = word.utf8.first else { continue }
            for ref in prefixCues where found[ref.aspect] == nil {
                let stem = entries[ref.aspect].cues[ref.cue].words[0]
                if stem.utf8.first == firstByte && word.hasPrefix(stem) { found[ref.aspect] = ref.cue }
            }
        }
        return entries.indices.compactMap { index in
            found[index].map { cueIndex in
                let cue = entries[index].cues[cueIndex]
                return (entries[index].aspect, cue.words.joined(separator: " ") + (cue.isPrefix ? "*" : ""))
            }
        }
    }
}
