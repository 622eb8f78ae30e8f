import Foundation
import Testing

/// Issue 22's guard: what processing makes of a fixed input (the demo's feeds, at the demo's fixed
/// clock) — every mention with its score and case, every case, every alert — against a committed
/// golden file. Making processing faster must not change any of it.
///
/// To re-record after an intended change of behaviour: `EARSHOT_RECORD=1 swift test --filter ProcessGoldenTests`
/// (the recording run fails, so that it is never mistaken for a pass), then read the diff.
@Suite(.serialized)
struct ProcessGoldenTests {
    static let golden = TestPaths.fixtures.appendingPathComponent("process-golden.jsonl")

    /// The store's contents as sorted-key JSON lines: mentions, cases, problems, then alerts.
    static func contents(of store: String, alerts: String) throws -> [String] {
        var lines: [String] = []
        for table in ["mentions", "cases", "problems"] {
            let r = try runEarshot(["export", table, "--format", "jsonl", "--unredacted", "--store", store])
            #expect(r.status == 0, "\(r.stderr)")
            for line in r.stdout.split(separator: "\n") { lines.append(try normalized(String(line), prefix: table)) }
        }
        let sent = (try? String(contentsOfFile: alerts, encoding: .utf8)) ?? ""
        for line in sent.split(separator: "\n") { lines.append(try normalized(String(line), prefix: "alert")) }
        return lines
    }

    static func normalized(_ line: String, prefix: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        let data = try JSONSerialization.data(withJSONObject: ["t": prefix, "v": object], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    @Test(.enabled(if: TriageCrashTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func processingTheDemoGivesTheRecordedStore() throws {
        let folder = TestPaths.temporaryFolder("earshot-golden")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("earshot.sqlite").path
        let demo = try runEarshot(["demo", "--store", store])
        #expect(demo.status == 0, "\(demo.stderr)")
        let lines = try Self.contents(of: store, alerts: folder.appendingPathComponent("alerts.jsonl").path)
        #expect(lines.count > 200, "mentions, cases, problems and alerts: \(lines.count) lines")
        if ProcessInfo.processInfo.environment["EARSHOT_RECORD"] == "1" {
            try (lines.joined(separator: "\n") + "\n").write(to: Self.golden, atomically: true, encoding: .utf8)
            Issue.record("recorded \(lines.count) lines in \(Self.golden.path); run again without EARSHOT_RECORD")
            return
        }
        let expected = try String(contentsOf: Self.golden, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == expected.count, "\(lines.count) lines, golden has \(expected.count)")
        for (index, (got, want)) in zip(lines, expected).enumerated() where got != want {
            Issue.record("line \(index + 1) differs:\n  got  \(got.prefix(400))\n  want \(want.prefix(400))")
            break
        }
    }
}
