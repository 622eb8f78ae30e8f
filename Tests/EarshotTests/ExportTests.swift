import Foundation
import Testing
import EarshotStore

/// `earshot export` (issue 20, export part): what a spreadsheet user or another tool reads back.
struct ExportTests {
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A demo store, made once per test.
    static func demoStore(_ name: String) throws -> String {
        let store = TestPaths.temporaryFolder(name).appendingPathComponent("earshot.sqlite").path
        let demo = try runEarshot(["demo", "--store", store, "--json"])
        #expect(demo.status == 0, "\(demo.stderr)")
        return store
    }

    /// Mentions in the store as (id, body), and how many were published from `since` on.
    static func storedBodies(_ path: String, since: Date? = nil) throws -> [Int: String] {
        let store = try Store(path: path)
        return try store.read { tx in
            var out: [Int: String] = [:]
            try tx.export(.mentions, since: since, until: nil) { row in
                if case let .integer(id) = row[0], case let .text(body) = row[5] { out[Int(id)] = body }
            }
            return out
        }
    }

    @Test(.enabled(if: TestPaths.hasLexicon && python != nil, "needs the lexicon and python3"))
    func csvOfTheDemoIsReadBackByPythonsCsvModule() throws {
        let store = try Self.demoStore("earshot-export-csv")
        let out = TestPaths.temporaryFolder("earshot-export-out").appendingPathComponent("mentions.csv").path
        let r = try runEarshot(["export", "mentions", "--format", "csv", "--store", store, "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        // Python's csv module: the header, one row per mention, each text as stored (commas,
        // quotes, line breaks and non-ASCII included).
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline='', encoding='utf-8') as f:
                rows = list(csv.reader(f))
            print(json.dumps({"header": rows[0], "rows": [dict(zip(rows[0], r)) for r in rows[1:]],
                              "widths": sorted(set(len(r) for r in rows))}))
            """
        let parsed = try runTool(Self.python!, ["-c", script, out])
        let json = try JSONSerialization.jsonObject(with: Data(parsed.utf8)) as? [String: Any] ?? [:]
        let header = json["header"] as? [String] ?? []
        #expect(header == StoreTransaction.exportColumns(.mentions))
        #expect(header.contains("text") && header.contains("case_state"))
        #expect(json["widths"] as? [Int] == [header.count], "every row has every column")
        let rows = json["rows"] as? [[String: String]] ?? []
        let bodies = try Self.storedBodies(store)
        #expect(rows.count == bodies.count)
        #expect(rows.count == 82 + 4, "the demo's 82 customer mentions and the brand's 4 posts")
        for row in rows {
            #expect(bodies[Int(row["id"] ?? "") ?? -1] == row["text"], "mention \(row["id"] ?? "?")")
        }
        #expect(rows.contains { ($0["text"] ?? "").contains(",") }, "the demo has texts with commas")
        #expect(rows.contains { $0["case_id"]?.isEmpty == false && $0["case_state"]?.isEmpty == false })
        // Customers' mentions are scored; the brand's own posts are kept but not judged.
        #expect(rows.filter { $0["brand"] == "false" }.allSatisfy { ["positive", "neutral", "negative"].contains($0["label"] ?? "") })
        #expect(rows.filter { $0["brand"] == "true" }.count == 4)
        #expect(rows.allSatisfy { $0["published"]?.hasSuffix("Z") == true })
        // No partial file is left beside it.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: URL(fileURLWithPath: out).deletingLastPathComponent().path)
        #expect(leftovers == ["mentions.csv"])
    }

    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func jsonAndJsonLinesHoldTheSameRowsAndDatesFilter() throws {
        let store = try Self.demoStore("earshot-export-json")
        let all = try Self.storedBodies(store)
        let json = try runEarshot(["export", "mentions", "--format", "json", "--store", store])
        #expect(json.status == 0, "\(json.stderr)")
        let array = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(array.count == all.count)
        #expect(array.first?["aspects"] is [String], "aspects are a list in JSON")
        let lines = try runEarshot(["export", "mentions", "--format", "jsonl", "--store", store])
        let objects = lines.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == all.count)
        #expect(objects.map { $0["id"] as? Int } == array.map { $0["id"] as? Int })

        // --since keeps exactly the mentions published from then on.
        let since = ISO8601DateFormatter().date(from: "2026-11-15T00:00:00Z")!
        let later = try Self.storedBodies(store, since: since)
        #expect(!later.isEmpty && later.count < all.count)
        let filtered = try runEarshot(["export", "mentions", "--format", "jsonl", "--since", "2026-11-15", "--store", store])
        #expect(filtered.stdout.split(separator: "\n").count == later.count)

        // Cases and problems: one row each, the problems with their customers.
        let cases = try runEarshot(["export", "cases", "--format", "json", "--store", store])
        let caseRows = try JSONSerialization.jsonObject(with: Data(cases.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(!caseRows.isEmpty)
        #expect(caseRows.allSatisfy { ($0["mentions"] as? Int ?? 0) >= 1 })
        let problems = try runEarshot(["export", "problems", "--format", "csv", "--store", store])
        #expect(problems.stdout.hasPrefix("id,status,severity,aspect,title,opened,resolved,closed,customers,cases,mentions\r\n"))
    }

    @Test func badInputIsOneLineWithARemedy() throws {
        let store = TestPaths.temporaryFolder("earshot-export-bad").appendingPathComponent("earshot.sqlite").path
        let date = try runEarshot(["export", "mentions", "--since", "last tuesday", "--store", store])
        #expect(date.status != 0)
        #expect(date.stderr.contains("2026-11-01"), "\(date.stderr)")
        let kind = try runEarshot(["export", "customers", "--store", store])
        #expect(kind.status != 0)
        let unwritable = try runEarshot(["export", "cases", "--store", store, "--out", "/proc/earshot/cases.csv"])
        #expect(unwritable.status != 0)
        #expect(unwritable.stderr.contains("cannot write"), "\(unwritable.stderr)")
        #expect(unwritable.stderr.split(separator: "\n").count == 1)
    }
}
