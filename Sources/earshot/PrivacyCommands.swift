import ArgumentParser
import Foundation
import EarshotApp
import EarshotParse
import EarshotStore
import EarshotTriage

struct Purge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Remove the text and author of mentions and closed cases older than the config's `retention:`.",
        discussion: """
            Mentions published longer ago than `retention: mentions` and cases closed longer ago than
            `retention: closed_cases` lose their words, authors, links and identities; their scores,
            ratings and counts stay, so the digests and trends of those days still draw. Every run does
            this too; `purge` does it now, or with --dry-run says what would go. The space the words
            held is overwritten, and the write-ahead log emptied. Recorded in the audit log.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Only say what would be removed.") var dryRun = false
    @Flag(help: "Afterwards rewrite the store without its free pages (smaller; takes a while on a big store).") var vacuum = false
    @Flag(help: "Print the counts as JSON.") var json = false

    func run() throws {
        try guarded {
            let config = try global.loadConfig()
            guard !config.retention.isEmpty else {
                throw ConfigError("config: \(global.config): retention: not set; add e.g. `retention: { mentions: 400d, closed_cases: 730d }`")
            }
            let store = try global.explainingStorePath(config.storePath) { try Store(path: config.storePath) }
            let now = Clock.fromEnvironment().now
            let counts = dryRun ? try store.read { try $0.purge(config.retention, now: now, dryRun: true) }
                                : try store.erasing { try $0.purge(config.retention, now: now, dryRun: false) }
            if vacuum && !dryRun { try store.vacuum() }
            if json {
                print(String(decoding: try JSONEncoder().encode(counts), as: UTF8.self))
            } else {
                print((dryRun ? "would purge: " : "purged: ") + counts.summary)
            }
        }
    }
}

struct Forget: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Erase one person everywhere (the right to erasure).",
        discussion: """
            Every mention they wrote (by author name, handle or e-mail), every case that is theirs (by
            customer or identity), those cases' mentions, identities and notes, and every alert that
            names them lose the words; the numbers stay. The space is overwritten and the write-ahead
            log emptied. The audit log records that an erasure happened and how much it took, never
            whom. --dry-run says what would go.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The person: a name as shown (\"Jane Doe\"), a handle (@jane) or an e-mail address.", valueName: "IDENTITY"))
    var author: String
    @Flag(help: "Only say what would be erased.") var dryRun = false
    @Flag(help: "Print the counts as JSON.") var json = false

    func run() throws {
        try guarded {
            let who = author.trimmingCharacters(in: .whitespaces)
            guard !who.isEmpty else { throw ValidationError("--author is empty; give a name, @handle or e-mail address") }
            let store = try global.openStore()
            let identity = CustomerIdentity(author: who, email: who.contains("@") && !who.hasPrefix("@") ? who : nil,
                                            profile: who.contains("://") ? who : nil)
            // With store_redacted an address was kept only as its hash: look for both.
            var keys = identity.keys
            for key in identity.pseudonymised(StableHash.hex).keys where !keys.contains(key) { keys.append(key) }
            let actor = ProcessInfo.processInfo.environment["SUDO_USER"] ?? ProcessInfo.processInfo.environment["USER"] ?? "cli"
            let now = Clock.fromEnvironment().now
            let counts = dryRun ? try store.read { try $0.forget(author: who, identityKeys: keys, now: now, actor: actor, dryRun: true) }
                                : try store.erasing { try $0.forget(author: who, identityKeys: keys, now: now, actor: actor, dryRun: false) }
            if json {
                print(String(decoding: try JSONEncoder().encode(counts), as: UTF8.self))
            } else if counts.isEmpty {
                print("nothing found for that person; check the spelling (names as shown, @handle or e-mail)")
            } else {
                print((dryRun ? "would erase: " : "erased: ") + counts.summary)
            }
        }
    }
}
