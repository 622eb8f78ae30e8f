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
        if let i = entries.firstIndex(where: { $0.aspect == aspect }) {
            entries[i].cues += parsed
        } else {
            entries.append((aspect, parsed))
        }
    }

    /// The aspects whose cues occur in `text`, in catalog order.
    public func aspects(in text: String) -> [String] {
        aspects(inWords: CueText.words(text))
    }

    /// The aspects whose cues occur in already-split words.
    func aspects(inWords words: [String]) -> [String] {
        entries.filter { entry in entry.cues.contains { CueText.occurs($0.words, prefix: $0.isPrefix, in: words) } }
            .map(\.aspect)
    }

    /// The first cue of `aspect` found in `words`, for explanations.
    func firstCue(of aspect: String, inWords words: [String]) -> String? {
        guard let entry = entries.first(where: { $0.aspect == aspect }) else { return nil }
        return entry.cues.first { CueText.occurs($0.words, prefix: $0.isPrefix, in: words) }
            .map { $0.words.joined(separator: " ") + ($0.isPrefix ? "*" : "") }
    }
}
