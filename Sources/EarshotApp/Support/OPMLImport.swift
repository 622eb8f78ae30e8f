import Foundation
import EarshotParse

/// Turns an OPML file into named feed sources.
public enum OPMLImport {
    public struct Feed: Equatable { public var name: String; public var url: String }

    public static func read(path: String) throws -> [Feed] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AppError.notFound("opml: cannot read \(path); check the path")
        }
        let outlines: [OPMLOutline]
        do { outlines = try OPMLParser.parse(data) } catch { throw AppError.failed("\(error) (\(path))") }
        var used = Set<String>()
        return outlines.map { outline in
            var base = Self.slug(outline.title ?? URL(string: outline.xmlURL)?.host ?? "feed")
            if base.isEmpty { base = "feed" }
            var name = base, n = 2
            while !used.insert(name).inserted { name = "\(base)-\(n)"; n += 1 }
            return Feed(name: name, url: outline.xmlURL)
        }
    }

    /// A source name from a title: lower case, words joined by '-'.
    static func slug(_ s: String) -> String {
        s.lowercased().split { !$0.isLetter && !$0.isNumber }.joined(separator: "-")
    }
}
