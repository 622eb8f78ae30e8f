import Foundation
import Testing
@testable import EarshotParse

/// The feed parser against feedparser 6.0.14's own corpus in ../shared/conformance/feeds (each input beside
/// `<file>.expected.json`, sometimes `<file>.url`), compared field by field like tools/feed_compare.py.
@Suite struct ParseConformanceTests {
    static let corpus: URL = {
        // Tests/EarshotTests/<this file> → the repository → ../shared
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/conformance/feeds")
    }()

    static let topFields = ["kind", "title", "link", "subtitle", "language", "updated"]
    static let entryFields = ["id", "title", "link", "author", "published", "updated", "summary", "content",
                              "rating", "best_rating", "worst_rating"]

    static func same(_ a: Any?, _ b: Any?) -> Bool {
        switch (a, b) {
        case (nil, nil), (is NSNull, is NSNull), (nil, is NSNull), (is NSNull, nil): return true
        case let (x as String, y as String): return x == y
        case let (x as NSNumber, y as NSNumber): return abs(x.doubleValue - y.doubleValue) <= 1e-9
        default: return false
        }
    }

    /// nil when the document passes, else the first difference.
    static func check(_ input: URL) -> String? {
        guard let expectedData = try? Data(contentsOf: URL(fileURLWithPath: input.path + ".expected.json")),
              let expected = try? JSONSerialization.jsonObject(with: expectedData) as? [String: Any],
              let data = try? Data(contentsOf: input) else { return "unreadable case" }
        let url = (try? String(contentsOfFile: input.path + ".url", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let doc: ParsedDocument
        do { doc = try DocumentParser.parse(data, url: url?.isEmpty == false ? url : nil) } catch { return "threw \(error)" }
        guard let actual = try? JSONSerialization.jsonObject(with: Data(doc.contractJSON().utf8)) as? [String: Any] else {
            return "output is not JSON"
        }
        for f in topFields where !same(expected[f], actual[f]) { return "\(f): \(expected[f] ?? "nil") ≠ \(actual[f] ?? "nil")" }
        let ee = expected["entries"] as? [[String: Any]] ?? []
        let ae = actual["entries"] as? [[String: Any]] ?? []
        if ee.count != ae.count { return "entries: \(ee.count) ≠ \(ae.count)" }
        for (i, (e, a)) in zip(ee, ae).enumerated() {
            for f in entryFields where !same(e[f], a[f]) { return "entries[\(i)].\(f): \(e[f] ?? "nil") ≠ \(a[f] ?? "nil")" }
        }
        return nil
    }

    @Test(arguments: [("wellformed", 0.98), ("illformed", 0.90), ("encoding", 0.90), ("entities", 0.90)])
    func passRate(folder: String, target: Double) throws {
        let root = Self.corpus.appendingPathComponent(folder)
        guard FileManager.default.fileExists(atPath: root.path) else {
            print("note: \(root.path) is absent; conformance test of \(folder) skipped")
            return
        }
        var inputs: [URL] = []
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let u = walker?.nextObject() as? URL {
            if u.lastPathComponent.hasSuffix(".expected.json") {
                inputs.append(URL(fileURLWithPath: String(u.path.dropLast(".expected.json".count))))
            }
        }
        try #require(!inputs.isEmpty)
        var failures: [String] = []
        for input in inputs.sorted(by: { $0.path < $1.path }) {
            if let why = Self.check(input) { failures.append("\(input.lastPathComponent): \(why)") }
        }
        let rate = Double(inputs.count - failures.count) / Double(inputs.count)
        print("conformance \(folder): \(inputs.count - failures.count)/\(inputs.count) (\(String(format: "%.2f", rate * 100))%)")
        for f in failures.prefix(10) { print("  FAIL \(f)") }
        #expect(rate >= target, "\(folder): pass rate \(rate) below \(target)")
    }
}
