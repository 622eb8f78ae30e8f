import Foundation
import Testing
@testable import EarshotApp
import EarshotStore
import EarshotParse
import EarshotTriage

/// Issue 20, redaction: contact details customers post never leave the store in clear (alerts on
/// every channel, the digest in every format, exports), unless asked; the store keeps them unless
/// `store_redacted`.
@Suite(.serialized)
struct PrivacyTests {
    static let post = "Acme charged me twice and there is still no refund, I am furious. Reach me at jane.doe@example.com "
        + "or +44 20 7946 0958, card 4111 1111 1111 1111. Cc @acmehelp, not admin@localhost"
    static let secrets = ["jane.doe@example.com", "7946 0958", "4111 1111 1111 1111"]

    @Test(.enabled(if: AlertRunTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func contactDetailsNeverLeaveInClearButTheStoreKeepsThem() throws {
        let site = try AlertRunTests.Site()
        site.serve(AlertRunTests.feed([("jane-1", "Jane", Self.post, Date().addingTimeInterval(-600))]))
        let config = try site.config()
        let run = try runEarshot(["run", "--config", config])
        #expect(run.status == 0, "\(run.stderr)")

        // Alerts: the webhook and the JSON-lines file.
        let hook = site.received.map(\.payload)
        let lines = site.jsonlLines()
        #expect(!hook.isEmpty && !lines.isEmpty, "the complaint opened a case")
        for payload in hook + lines {
            let text = String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self)
            for secret in Self.secrets { #expect(!text.contains(secret), "alert carries \(secret): \(text)") }
        }
        #expect(hook.contains { ($0["text"] as? String ?? "").contains("[email]") || "\($0["fields"] ?? "")".contains("[email]") })

        // The digest, in every format.
        for format in ["html", "text", "md", "json"] {
            let day = ISO8601DateFormatter().string(from: Date()).prefix(10)
            let next = ISO8601DateFormatter().string(from: Date().addingTimeInterval(86_400)).prefix(10)
            let digest = try runEarshot(["digest", "--period", "\(day)..\(next)", "--format", format, "--config", config])
            #expect(digest.status == 0, "\(digest.stderr)")
            #expect(digest.stdout.contains("furious"), "the mention is in the \(format) digest")
            if format == "html" || format == "text" { #expect(digest.stdout.contains("[email]"), "\(format): redacted, not cut") }
            for secret in Self.secrets { #expect(!digest.stdout.contains(secret), "\(format) digest carries \(secret)") }
        }

        // Exports: redacted by default, as stored with --unredacted; the handle and the
        // address-like "admin@localhost" are left alone.
        let export = try runEarshot(["export", "mentions", "--format", "jsonl", "--config", config])
        #expect(export.status == 0, "\(export.stderr)")
        for secret in Self.secrets { #expect(!export.stdout.contains(secret)) }
        #expect(export.stdout.contains("[email]") && export.stdout.contains("[phone]") && export.stdout.contains("[card]"))
        #expect(export.stdout.contains("@acmehelp") && export.stdout.contains("admin@localhost"))
        let clear = try runEarshot(["export", "mentions", "--format", "jsonl", "--unredacted", "--config", config])
        for secret in Self.secrets { #expect(clear.stdout.contains(secret), "the store keeps \(secret)") }
    }

    @Test(.enabled(if: AlertRunTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func theConfigChoosesWhatIsHiddenAndCanStoreItHidden() throws {
        let site = try AlertRunTests.Site()
        site.serve(AlertRunTests.feed([("jane-1", "Jane", Self.post, Date().addingTimeInterval(-600))]))
        let config = try site.config(extra: "privacy:\n  redact: [email]\n  store_redacted: true\n")
        #expect(try runEarshot(["run", "--config", config]).status == 0)
        let clear = try runEarshot(["export", "mentions", "--format", "jsonl", "--unredacted", "--config", config])
        #expect(!clear.stdout.contains("jane.doe@example.com"), "stored redacted")
        #expect(clear.stdout.contains("[email]"))
        #expect(clear.stdout.contains("7946 0958"), "only e-mail addresses were asked for")
        // (The fetched document itself waits in the store until it is processed; the pages it
        // leaves are not overwritten. Erasure that leaves no trace in the file is retention's and
        // forget's work, issue 20.)
    }

    /// With store_redacted an e-mail address is kept only as its hash, and still recognises the person.
    @Test func storedIdentitiesHideAddressesButStillMatch() {
        let a = CustomerIdentity(author: "Jane Doe", email: "Jane.Doe@Example.com").pseudonymised(StableHash.hex)
        let b = CustomerIdentity(author: "J. D. <jane.doe@example.com>").pseudonymised(StableHash.hex)
        #expect(!a.keys.joined().contains("example.com") && !b.keys.joined().contains("example.com"))
        #expect(a.keys.first == b.keys.first && a.keys.first?.hasPrefix("email:#") == true)
        #expect(a.keys.contains("name:jane doe"))
        #expect(a.pseudonymised(StableHash.hex) == a, "hashing twice changes nothing")
    }

    @Test func privacyKeysAreChecked() throws {
        let c = try Config.parse("brand: Acme\n", file: "earshot.yaml")
        #expect(c.redactor.kinds == [.email, .phone, .card])
        #expect(!c.storeRedacted)
        let all = try Config.parse("brand: Acme\nprivacy:\n  redact: [email, phone, card, iban, url_credentials]\n", file: "earshot.yaml")
        #expect(all.redactor.kinds.count == 5)
        let none = try Config.parse("brand: Acme\nprivacy:\n  redact: []\n", file: "earshot.yaml")
        #expect(none.redactor.kinds.isEmpty)
        do {
            _ = try Config.parse("brand: Acme\nprivacy:\n  redact: [emails]\n", file: "earshot.yaml")
            Issue.record("an unknown kind must be refused")
        } catch {
            #expect("\(error)".contains("write email, phone, card, iban or url_credentials"), "\(error)")
        }
    }
}

/// Issue 20, retention and erasure: the words go, from the SQLite file itself; the numbers stay.
@Suite(.serialized)
struct RetentionTests {
    static func bytes(_ path: String) -> Data {
        ["", "-wal"].reduce(into: Data()) { $0 += (try? Data(contentsOf: URL(fileURLWithPath: path + $1))) ?? Data() }
    }

    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func forgetErasesOnePersonEverywhereAndTheAuditLogSaysNotWhom() throws {
        let folder = TestPaths.temporaryFolder("earshot-forget")
        let store = folder.appendingPathComponent("earshot.sqlite").path
        #expect(try runEarshot(["demo", "--store", store]).status == 0)
        #expect(Self.bytes(store).range(of: Data("Oduya".utf8)) != nil, "Hannah Oduya is in the demo")
        let dry = try runEarshot(["forget", "--author", "Hannah Oduya", "--dry-run", "--store", store])
        #expect(dry.stdout.hasPrefix("would erase: 2 mentions, 1 case"), "\(dry.stdout)")
        let done = try runEarshot(["forget", "--author", "Hannah Oduya", "--store", store, "--json"])
        #expect(done.status == 0, "\(done.stderr)")
        let counts = try JSONSerialization.jsonObject(with: Data(done.stdout.utf8)) as? [String: Int] ?? [:]
        #expect(counts["mentions"] == 2 && counts["cases"] == 1)
        // No trace in the file (nor its log): her name, her handle, her words.
        // (Lower-case too: the identity keys replays read, `name:hannah oduya`, go with her words.)
        for trace in ["Oduya", "oduya", "hannahoduya", "gone right before payday"] {
            #expect(Self.bytes(store).range(of: Data(trace.utf8)) == nil, "\(trace) left in the file")
        }
        let s = try Store(path: store)
        let log = try s.read { try $0.auditLog() }
        #expect(log.count == 1 && log[0].action == "forget")
        #expect(!log[0].detail.contains("Hannah"))
        // The numbers stay: the case and the mentions' scores are still counted.
        let exported = try runEarshot(["export", "mentions", "--format", "jsonl", "--store", store])
        #expect(exported.stdout.split(separator: "\n").count == 86)
        // Nothing more to erase the second time, and nothing recorded.
        let again = try runEarshot(["forget", "--author", "Hannah Oduya", "--store", store])
        #expect(again.stdout.contains("nothing found"))
        #expect(try s.read { try $0.auditLog() }.count == 1)
    }

    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func retentionRemovesOldWordsButTheDigestStillDrawsThoseDays() throws {
        let folder = TestPaths.temporaryFolder("earshot-retention")
        let store = folder.appendingPathComponent("earshot.sqlite").path
        #expect(try runEarshot(["demo", "--store", store]).status == 0)
        let config = folder.appendingPathComponent("earshot.yaml").path
        try "brand: Brightwave\nstore: \(store)\nretention:\n  mentions: 20d\n  closed_cases: 730d\n".write(toFile: config, atomically: true, encoding: .utf8)
        let now = "2026-12-04T12:00:00Z"   // the demo's mentions are from 2026-11-07 to 2026-11-21
        let before = try runEarshot(["digest", "--period", "2026-11-07..2026-11-14", "--format", "json", "--config", config],
                                    environment: ["EARSHOT_NOW": now])
        let old = "Moved house Friday and @brightwave had us online"
        #expect(Self.bytes(store).range(of: Data(old.utf8)) != nil)

        let dry = try runEarshot(["purge", "--dry-run", "--json", "--config", config], environment: ["EARSHOT_NOW": now])
        let would = try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Int] ?? [:]
        #expect((would["mentions"] ?? 0) > 0, "\(dry.stdout) \(dry.stderr)")
        #expect(Self.bytes(store).range(of: Data(old.utf8)) != nil, "a dry run changes nothing")
        let purge = try runEarshot(["purge", "--json", "--config", config], environment: ["EARSHOT_NOW": now])
        let did = try JSONSerialization.jsonObject(with: Data(purge.stdout.utf8)) as? [String: Int] ?? [:]
        #expect(did["mentions"] == would["mentions"])
        #expect(Self.bytes(store).range(of: Data(old.utf8)) == nil, "purged words leave no trace in the file")
        let vacuum = try runEarshot(["purge", "--vacuum", "--json", "--config", config], environment: ["EARSHOT_NOW": now])
        #expect((try JSONSerialization.jsonObject(with: Data(vacuum.stdout.utf8)) as? [String: Int])?["mentions"] == 0, "nothing twice")
        #expect(Self.bytes(store).range(of: Data(old.utf8)) == nil, "nor after VACUUM")

        // The digest of those days still counts them; only the words are gone.
        let after = try runEarshot(["digest", "--period", "2026-11-07..2026-11-14", "--format", "json", "--config", config],
                                   environment: ["EARSHOT_NOW": now])
        let a = try JSONSerialization.jsonObject(with: Data(before.stdout.utf8)) as? [String: Any] ?? [:]
        let b = try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(a["headline"] as? NSDictionary == b["headline"] as? NSDictionary, "same numbers")
        #expect(a["dailyVolume"] as? NSArray == b["dailyVolume"] as? NSArray, "the trend still draws")
        #expect(!after.stdout.contains("Moved house"))
        // Newer mentions keep their words.
        let recent = try runEarshot(["export", "mentions", "--since", "2026-11-20", "--format", "jsonl", "--config", config])
        #expect(recent.stdout.contains("\"text\":\"") && !recent.stdout.contains("\"text\":\"\""))
    }
}
