import Foundation

extension DocumentParser {
    /// Parses a fetched document, handing each entry to `onEntry` as soon as it is read (feeds; a review
    /// page's entries come together at the end). The result's `entries` stay empty: with
    /// ``ContractJSONWriter`` a large feed is printed without ever holding all its entries.
    ///
    /// Same parameters and errors as ``parse(_:url:charset:options:)``.
    public static func parse(_ data: Data, url: String? = nil, charset: String? = nil, options: ParseOptions = ParseOptions(),
                             onEntry: (ParsedEntry) -> Void) throws -> ParsedDocument {
        try withoutActuallyEscaping(onEntry) { onEntry in
            if looksLikeHTML(data) {
                return deliver(try ReviewPageParser.parse(data, url: url, charset: charset, options: options), to: onEntry)
            }
            return try FeedParser.parse(data, url: url, charset: charset, options: options, onEntry: onEntry)
        }
    }

    /// ``parse(_:url:charset:options:onEntry:)`` on the file at `path`, read through a memory mapping whose
    /// pages are given back as the parser moves on (see ``MappedInput``): a large feed costs little memory.
    /// Files that cannot be mapped (pipes) are read whole.
    ///
    /// - Throws: ``ParseError`` when the file cannot be read, or is not a feed or a page at all.
    public static func parseFile(atPath path: String, url: String? = nil, charset: String? = nil,
                                 options: ParseOptions = ParseOptions(),
                                 onEntry: (ParsedEntry) -> Void) throws -> ParsedDocument {
        guard let input = MappedInput(path: path) else {
            guard let data = FileManager.default.contents(atPath: path) else { throw ParseError("cannot read \(path)") }
            return try parse(data, url: url, charset: charset, options: options, onEntry: onEntry)
        }
        try FeedParser.checkSize(input.count, options)
        let bytes = input.bytes
        // Only the first 2 KB decide feed or page; a page is parsed from a copy (pages are small).
        let head = Data(bytes.prefix(2048))
        if looksLikeHTML(head) {
            return try parse(Data(bytes), url: url, charset: charset, options: options, onEntry: onEntry)
        }
        return try withoutActuallyEscaping(onEntry) { onEntry in
            try FeedParser.parse(bytes, url: url, charset: charset, options: options, onEntry: onEntry, input: input)
        }
    }

    /// Hands a parsed page's entries to `onEntry` and returns the document without them.
    private static func deliver(_ document: ParsedDocument, to onEntry: (ParsedEntry) -> Void) -> ParsedDocument {
        var document = document
        document.entries.forEach(onEntry)
        document.entries = []
        return document
    }
}
