import Foundation
import Logging
import Testing
@testable import EarshotApp
import EarshotScore
import EarshotServe
import EarshotStore

/// `earshot backup` while a run writes, and `earshot doctor`.
@Suite(.serialized)
struct BackupDoctorTests {
    static let now = ISO8601DateFormatter().date(from: "2026-11-21T07:00:00Z")!

    final class Flag: @unchecked Sendable {
        private let lock = NSLock(); private var value = false
        func set() { lock.lock(); value = true; lock.unlock() }
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    }

    @Test func backupsTakenWhileARunWritesAreSoundAndHoldWhatWasCommitted() throws {
        let count = 400
        let s = try SourcesSetup(count: count, folder: "earshot-backup", now: Self.now, lexicon: { Lexicon() })
        defer { s.feeds.server.stop() }
        // First a fetch only: documents wait in packs, so backups copy packs too; then a run that
        // processes them (and removes packs) while backups are taken.
        _ = try s.pipeline.run(.all, process: false)
        let done = Flag()
        let pipeline = s.pipeline
        DispatchQueue.global().async { _ = try? pipeline.run(.all, process: true); done.set() }
        var backups: [(path: String, committedBefore: Int)] = []
        var n = 0
        repeat {
            let committed = try s.store.read { try $0.mentionCount() }
            let folder = TestPaths.temporaryFolder("earshot-backup-copy").appendingPathComponent("b\(n)").path
            let report = try s.store.backup(to: folder)
            backups.append((report.storePath, committed))
            n += 1
        } while !done.isSet && n < 6
        while !done.isSet { usleep(10_000) }
        #expect(backups.count >= 2)
        let final = try s.store.read { try $0.mentionCount() }
        for (path, committedBefore) in backups {
            let copy = try Store(path: path)
            let health = try copy.health()
            #expect(health.integrity == ["ok"], "\(path)")
            #expect(health.upToDate)
            try copy.read { tx in
                let mentions = try tx.mentionCount()
                #expect(mentions >= committedBefore && mentions <= final, "every mention committed before the backup is in it")
                // Every waiting document of the copy can be read: its pack came along (or its row went).
                for id in try tx.fetchedDocumentIDs() { #expect(try tx.fetchedDocument(id: id) != nil) }
            }
            // Restored and run, a copy reaches the same store as the original.
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let restored = try Pipeline(config: s.pipeline.config, store: copy, loadLexicon: { Lexicon() }, clock: .fixed(Self.now), logger: logger)
            _ = try restored.run(.all, process: true)
            #expect(try copy.read { try $0.mentionCount() } == final, "\(path)")
        }
        #expect(throws: StoreError.self) { try s.store.backup(to: URL(fileURLWithPath: backups[0].path).deletingLastPathComponent().path) }
    }

    @Test func doctorSaysWhatToFix() throws {
        let folder = TestPaths.temporaryFolder("earshot-doctor")
        defer { try? FileManager.default.removeItem(at: folder) }
        let receiver = try LoopbackHTTPServer { _ in HTTPResponse(status: 200) }
        defer { receiver.stop() }
        let config = folder.appendingPathComponent("earshot.yaml").path
        try """
        brand: Acme
        store: \(folder.appendingPathComponent("earshot.sqlite").path)
        channels:
          - name: hook
            type: webhook
            url: \(receiver.url("/hook"))
          - name: pager
            type: command
            command: [no-such-pager-program]
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try runEarshot(["doctor", "--config", config, "--json"])
        #expect(result.status == 1)
        let findings = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [[String: Any]] ?? []
        func ok(_ check: String) -> Bool? { findings.first { $0["check"] as? String == check }?["ok"] as? Bool }
        #expect(ok("config") == true)
        #expect(ok("channel hook") == true, "\(findings)")
        #expect(ok("channel pager") == false)
        #expect(ok("store") == true, "the first run creates it")
        #expect(receiver.requestLog.isEmpty, "a dry connection sends nothing")
        // With a store and without the broken channel: all well, exit 0.
        try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "  - name: pager\n    type: command\n    command: [no-such-pager-program]", with: "")
            .write(toFile: config, atomically: true, encoding: .utf8)
        _ = try Store(path: folder.appendingPathComponent("earshot.sqlite").path)
        let well = try runEarshot(["doctor", "--config", config])
        #expect(well.status == 0, "\(well.stdout)")
        #expect(well.stdout.contains("ok   store integrity"))
    }
}
