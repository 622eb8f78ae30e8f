import ArgumentParser
import Foundation
import EarshotApp
import EarshotStore

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the store (and its waiting documents) into a folder, while runs go on.",
        discussion: """
        Uses SQLite's online backup: the copy holds everything committed when it began, and the
        pack files its waiting documents name. Restore: stop the timer, copy the folder's files
        over the store's (earshot.sqlite and earshot.sqlite-spool/), start the timer again.
        """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "A new or empty folder.") var destination: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        try guarded {
            let report = try global.openStore().backup(to: destination)
            if json {
                printJSON(["store": report.storePath, "packs": report.packs, "dropped": report.dropped, "bytes": report.bytes])
                return
            }
            print("backed up to \(report.storePath) (\(report.bytes / 1024) KiB, \(report.packs) pack file\(report.packs == 1 ? "" : "s") of waiting documents)"
                  + (report.dropped > 0 ? "; \(report.dropped) document(s) processed meanwhile will be fetched again after a restore" : ""))
        }
    }
}

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the config, the store, the lexicon and the channels; say what to fix.",
        discussion: """
        The store: integrity check, schema version, free disk. The channels: a dry TCP connection
        to each webhook and SMTP host (nothing is sent), jsonl folders writable, commands found.
        Exit 0 when all is well, 1 when something needs fixing.
        """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "Seconds to wait for each channel's host.") var timeout: Double = 5
    @Flag(help: "Print the findings as JSON.") var json = false

    struct Finding { var ok: Bool; var what: String; var detail: String }

    func run() throws {
        var findings: [Finding] = []
        func note(_ ok: Bool, _ what: String, _ detail: String) { findings.append(Finding(ok: ok, what: what, detail: detail)) }
        var config: Config?
        do {
            config = try global.loadConfig()
            note(true, "config", "\(global.config): \(config!.sources.count) sources, \(config!.channels.count) channels")
        } catch {
            note(false, "config", "\(error)")
        }
        if let config {
            checkStore(config.storePath, note)
            do {
                _ = try LexiconLocator.load(explicit: global.lexicon ?? config.lexiconPath)
                note(true, "lexicon", "found")
            } catch {
                note(false, "lexicon", "\(error)")
            }
            for channel in config.channels { checkChannel(channel, note) }
        }
        if json {
            printJSON(findings.map { ["ok": $0.ok, "check": $0.what, "detail": $0.detail] })
        } else {
            for f in findings { print("\(f.ok ? "ok  " : "FIX ") \(f.what): \(f.detail)") }
        }
        if findings.contains(where: { !$0.ok }) { throw ExitCode(1) }
    }

    func checkStore(_ path: String, _ note: (Bool, String, String) -> Void) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if let free = (try? FileManager.default.attributesOfFileSystem(forPath: folder))?[.systemFreeSize] as? Int64 {
            // A run needs room for a batch of fetched bodies (8 MiB) and the WAL; 100 MiB is a margin, not a measure.
            note(free > 100 << 20, "disk", "\(free >> 20) MiB free in \(folder)" + (free > 100 << 20 ? "" : "; free some space or move the store"))
        }
        guard FileManager.default.fileExists(atPath: path) else {
            note(FileManager.default.isWritableFile(atPath: folder), "store",
                 "\(path) does not exist yet" + (FileManager.default.isWritableFile(atPath: folder)
                    ? "; the first run creates it" : "; \(folder) is not writable: set `store:` to a folder this user can write"))
            return
        }
        do {
            let health = try Store(path: path).health()
            note(health.integrity == ["ok"], "store integrity", health.integrity == ["ok"] ? "ok (\(path))"
                 : "\(health.integrity.prefix(3).joined(separator: "; ")); restore the latest `earshot backup`")
            note(health.upToDate, "store schema", "\(health.migration ?? "none")" + (health.upToDate ? "" : "; run `earshot run` to migrate"))
        } catch {
            note(false, "store", "\(error)")
        }
    }

    func checkChannel(_ channel: Config.Channel, _ note: (Bool, String, String) -> Void) {
        let what = "channel \(channel.name)"
        switch channel.type {
        case "webhook", "smtp":
            guard let url = channel.url, let (host, port) = HostProbe.endpoint(of: url) else {
                note(false, what, "no usable url"); return
            }
            if let failure = HostProbe.connect(host: host, port: port, timeout: timeout) {
                note(false, what, "\(failure); check the url and the firewall")
            } else {
                note(true, what, "\(channel.type) host \(host):\(port) answers")
            }
            for env in [channel.secretEnv, channel.usernameEnv, channel.passwordEnv].compactMap({ $0 })
            where (ProcessInfo.processInfo.environment[env] ?? "").isEmpty {
                note(false, what, "the variable \(env) is not set; export it in the job's environment (e.g. /etc/earshot/env)")
            }
        case "jsonl":
            let folder = URL(fileURLWithPath: channel.path ?? ".").deletingLastPathComponent().path
            let ok = FileManager.default.isWritableFile(atPath: channel.path ?? "") || FileManager.default.isWritableFile(atPath: folder)
            note(ok, what, ok ? "writes \(channel.path ?? "")" : "\(channel.path ?? "") cannot be written; fix the path or its permissions")
        case "command":
            let program = channel.command.first ?? ""
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            let found = program.hasPrefix("/") ? FileManager.default.isExecutableFile(atPath: program)
                : path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
            note(found, what, found ? "runs \(program)" : "\(program) is not an executable on PATH")
        default:
            note(true, what, channel.type)
        }
    }
}
