import Foundation
import Testing
import EarshotStore
import EarshotParse

/// The built `earshot` as cron and people use it: exit codes, one-line errors, quiet success.
@Suite(.serialized)
struct CommandLineTests {
    @Test func aBrokenConfigNamesTheLineAndExits78() throws {
        let folder = TestPaths.temporaryFolder("earshot-cli")
        let config = folder.appendingPathComponent("earshot.yaml")
        try """
        brand: Acme
        sources:
          - name: news
            url: https://news.example/feed
            intervall: 1h
        """.write(to: config, atomically: true, encoding: .utf8)
        let result = try runEarshot(["check", "--config", config.path])
        #expect(result.status == 78)
        #expect(result.stderr.contains("line 5"))
        #expect(result.stderr.contains("sources[0].intervall"))
        #expect(result.stderr.contains("did you mean 'interval'"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func vaderScoresABigInputInPiecesAndPrintsEveryLineInOrder() throws {
        // Over 256 KiB: split at line ends and scored on every core; the output must be what
        // scoring the lines one at a time gives, in the same order.
        let texts = ["I love it", "awful service :(", "meh", "The support was GREAT!!!", "not bad at all", "Ünïcode wörds 😀"]
        let lines = (0 ..< 30_000).map { "\(texts[$0 % texts.count]) #\($0)" }
        let big = try runEarshot(["score", "--vader", "--lexicon", TestPaths.lexicon.path], stdin: lines.joined(separator: "\n"))
        #expect(big.status == 0)
        let out = big.stdout.split(separator: "\n")
        #expect(out.count == lines.count)
        for k in [0, 1, 5, 14_999, 15_000, 29_999] {
            let one = try runEarshot(["score", "--vader", "--lexicon", TestPaths.lexicon.path], stdin: lines[k] + "\n")
            #expect(String(out[k]) == one.stdout.trimmingCharacters(in: .newlines), "line \(k)")
        }
    }

    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func aBinaryCopiedAloneKeepsItsAspects() throws {
        // The binary alone in an empty folder, run from another folder: the aspect catalogue is
        // compiled in, so aspects (and the problems built on them) do not silently disappear.
        let alone = TestPaths.temporaryFolder("earshot-alone")
        let elsewhere = TestPaths.temporaryFolder("earshot-cwd")
        defer { try? FileManager.default.removeItem(at: alone); try? FileManager.default.removeItem(at: elsewhere) }
        let copy = alone.appendingPathComponent("earshot")
        try FileManager.default.copyItem(at: TestPaths.binary, to: copy)
        let process = Process()
        process.executableURL = copy
        process.arguments = ["score", "--explain", "--lexicon", TestPaths.lexicon.path]
        process.currentDirectoryURL = elsewhere
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data("I was charged twice and still no refund\n".utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        #expect((object["aspects"] as? [String])?.contains("billing") == true, "\(String(decoding: data, as: UTF8.self))")
        // A missing lexicon stays a one-line error with the remedy.
        let missing = Process()
        missing.executableURL = copy
        missing.arguments = ["score", "--lexicon", elsewhere.path]
        missing.currentDirectoryURL = elsewhere
        missing.environment = ["PATH": "/usr/bin:/bin"]
        let err = Pipe()
        missing.standardError = err
        missing.standardInput = Pipe()
        try missing.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        missing.waitUntilExit()
        #expect(missing.terminationStatus != 0)
        #expect(message.split(separator: "\n").count == 1 && message.contains("bootstrap-lexicon"), "\(message)")
    }

    @Test func aBadDurationSaysWhatToWrite() throws {
        let folder = TestPaths.temporaryFolder("earshot-cli")
        let config = folder.appendingPathComponent("earshot.yaml")
        try "brand: Acme\nsla:\n  high: soon\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try runEarshot(["run", "--config", config.path])
        #expect(result.status == 78)
        #expect(result.stderr.contains("sla.high"))
        #expect(result.stderr.contains("30s, 15m, 1h"))
    }

    @Test func initWritesAConfigThatChecks() throws {
        let folder = TestPaths.temporaryFolder("earshot-cli")
        let path = folder.appendingPathComponent("earshot.yaml").path
        #expect(try runEarshot(["init", path]).status == 0)
        let check = try runEarshot(["check", "--config", path])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("config OK"))
        // A second init does not overwrite.
        #expect(try runEarshot(["init", path]).status != 0)
    }

    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func checkPrintsEveryQueryAsUnderstood() throws {
        let folder = TestPaths.temporaryFolder("earshot-cli")
        let config = folder.appendingPathComponent("earshot.yaml")
        try """
        brand: Acme
        query: 'acme OR "acme corp" OR @acme OR #acme -"acme anvils"'
        sources:
          - name: news
            url: https://news.example/feed
          - name: jobs-board
            url: https://jobs.example/feed
            query: (acme -jobs) OR acmecorp
        rules:
          - name: outage
            when: { query: 'down OR outage -planned' }
            severity: high
        """.write(to: config, atomically: true, encoding: .utf8)
        let result = try runEarshot(["check", "--config", config.path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(result.stdout)")
        #expect(lines.first?.hasPrefix("config OK") == true)
        #expect(Array(lines.dropFirst()) == [
            "query: ((acme OR \"acme corp\" OR @acme OR #acme) AND -\"acme anvils\")",
            "query (source jobs-board): ((acme AND -jobs) OR acmecorp)",
            "query (rule outage): ((down OR outage) AND -planned)",
        ])
    }

    @Test func anOverlappingRunTouchesNothingAndExits75() throws {
        let folder = TestPaths.temporaryFolder("earshot-cli")
        let config = folder.appendingPathComponent("earshot.yaml")
        try "brand: Acme\nsources:\n  - name: local\n    url: file:///nonexistent/feed.xml\n".write(to: config, atomically: true, encoding: .utf8)
        let storePath = folder.appendingPathComponent("earshot.sqlite").path
        let lock = try RunLock(storePath: storePath)   // the first run, still going
        let result = try runEarshot(["run", "--config", config.path])
        #expect(result.status == 75)
        #expect(result.stderr.contains("another earshot run"))
        #expect(!FileManager.default.fileExists(atPath: storePath), "the second run must not even create the store")
        withExtendedLifetime(lock) {}
    }

    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func theDemoRunsAndARerunAddsNothing() throws {
        // A store in a folder that does not exist yet.
        let folder = TestPaths.temporaryFolder("earshot-demo").appendingPathComponent("new/folder")
        let store = folder.appendingPathComponent("earshot.sqlite").path
        let first = try runEarshot(["demo", "--store", store, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let one = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(one["new_mentions"] as? Int == 82)
        #expect(one["sources_fetched"] as? Int == 5)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("digest.html").path))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("digest.txt").path))
        let second = try runEarshot(["demo", "--store", store, "--json"])
        let two = try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(two["new_mentions"] as? Int == 0)
        #expect(two["mentions"] as? Int == one["mentions"] as? Int)
        #expect(two["cases"] as? Int == one["cases"] as? Int)
    }

    @Test func sourcesListShowsTheDocumentsWaitingAfterAFetch() throws {
        let folder = TestPaths.temporaryFolder("earshot-cli")
        let feed = folder.appendingPathComponent("feed.xml")
        try "<rss version=\"2.0\"><channel><title>Local</title><item><guid>1</guid><title>Acme</title></item></channel></rss>"
            .write(to: feed, atomically: true, encoding: .utf8)
        let config = folder.appendingPathComponent("earshot.yaml")
        try "brand: Acme\nquery: acme\nsources:\n  - name: local\n    url: \(feed.absoluteString)\n  - name: other\n    url: \(feed.absoluteString)?x\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let fetch = try runEarshot(["fetch", "--source", "local", "--config", config.path])
        #expect(fetch.status == 0, "\(fetch.stderr)")
        let list = try runEarshot(["sources", "list", "--json", "--config", config.path])
        let rows = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
        let waiting = Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as? String ?? "", $0["documents_waiting"] as? Int ?? -1) })
        #expect(waiting == ["local": 1, "other": 0], "\(list.stdout)")
        let text = try runEarshot(["sources", "list", "--config", config.path])
        #expect(text.stdout.contains("1 fetched document waiting for `earshot run`"))
    }

    @Test func anUnknownStoreForCasesSaysWhatToDo() throws {
        let folder = TestPaths.temporaryFolder("earshot-cli")
        let result = try runEarshot(["cases", "list", "--config", folder.appendingPathComponent("none.yaml").path])
        #expect(result.status == 66)
        #expect(result.stderr.contains("--store"))
    }
}

/// `earshot parse` streams its JSON; what it prints must equal the parser's document.
struct ParseCommandTests {
    @Test(arguments: try! FileManager.default.contentsOfDirectory(atPath: TestPaths.fixtures.appendingPathComponent("feeds").path)
        .filter { !$0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted())
    func streamedOutputEqualsTheDocument(file: String) throws {
        let url = TestPaths.fixtures.appendingPathComponent("feeds/\(file)")
        let result = try runEarshot(["parse", url.path, "--url", "https://feeds.example/\(file)"])
        guard let expected = try? EarshotParse.DocumentParser.parse(Data(contentsOf: url), url: "https://feeds.example/\(file)") else {
            #expect(result.status != 0)
            #expect(result.stderr.split(separator: "\n").count == 1)
            return
        }
        #expect(result.status == 0, "\(result.stderr)")
        let printed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? NSDictionary
        let reference = try JSONSerialization.jsonObject(with: Data(expected.contractJSON().utf8)) as? NSDictionary
        #expect(printed == reference)
    }
}

/// Sources by hand: OPML import, add, remove; nothing twice.
struct SourcesCommandTests {
    @Test func importAddRemove() throws {
        let folder = TestPaths.temporaryFolder("earshot-sources")
        let store = folder.appendingPathComponent("earshot.sqlite").path
        let opml = TestPaths.fixtures.appendingPathComponent("opml/subscriptions.opml").path
        let first = try runEarshot(["sources", "import", opml, "--store", store])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("imported 2 of 2"))
        let again = try runEarshot(["sources", "import", opml, "--store", store])
        #expect(again.stdout.contains("imported 0 of 2"))
        #expect(try runEarshot(["sources", "add", "reviews", "https://reviews.example/acme", "--kind", "reviews", "--store", store]).status == 0)
        let duplicate = try runEarshot(["sources", "add", "reviews", "https://reviews.example/other", "--store", store])
        #expect(duplicate.status != 0)
        #expect(duplicate.stderr.contains("exists"))
        #expect(try runEarshot(["sources", "remove", "reviews", "--store", store]).status == 0)
        let list = try runEarshot(["sources", "list", "--json", "--store", store])
        let sources = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(Set(sources.compactMap { $0["name"] as? String }) == ["netnatter-broadband", "local-news-tech"])
        #expect(try runEarshot(["sources", "remove", "nope", "--store", store]).status == 66)
    }
}
