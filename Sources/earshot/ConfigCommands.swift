import ArgumentParser
import Foundation
import EarshotApp
import EarshotScore
import EarshotStore

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the config; name the offending key and line, with a remedy.",
        discussion: "After `config OK`, prints each query fully parenthesised, as it is understood.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try guarded {
            let config = try global.loadConfig()
            for file in config.opmlFiles { _ = try OPMLImport.read(path: file) }
            _ = try LexiconLocator.load(explicit: global.lexicon ?? config.lexiconPath)
            print("config OK: \(config.file): \(config.sources.count) sources\(config.opmlFiles.isEmpty ? "" : " + \(config.opmlFiles.count) OPML files"), \(config.rules.count) rules, \(config.channels.count) channels; store \(config.storePath)")
            // Every query as the parser read it, so that a precedence surprise shows before a run.
            print("query: \(try BrandQuery(config.query).understood)")
            for source in config.sources {
                if let q = source.query { print("query (source \(source.name)): \(try BrandQuery(q).understood)") }
            }
            for rule in config.rules {
                if let q = rule.query { print("query (rule \(rule.name)): \(try BrandQuery(q).understood)") }
            }
        }
    }
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Write a commented example config.")
    @Argument(help: "Where to write it.") var path: String = "earshot.yaml"
    @Flag(help: "Overwrite an existing file.") var force = false

    func run() throws {
        try guarded {
            if FileManager.default.fileExists(atPath: path) && !force {
                throw AppError.usage("init: \(path) exists; pass --force to overwrite it, or another path")
            }
            try ExampleConfig.text.write(toFile: path, atomically: true, encoding: .utf8)
            print("wrote \(path); edit it, then `earshot check --config \(path)`")
        }
    }
}

struct Sources: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources",
        abstract: "List and manage sources.",
        discussion: "Sources named in the config are synced at each run; those added here live in the store.",
        subcommands: [List.self, Add.self, Remove.self, Import.self, Resume.self, Presets.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List sources with their health.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false
        func run() throws {
            try guarded {
                let (sources, waiting) = try global.openStore().read { (try $0.sources(), try $0.fetchedDocumentCountsBySource()) }
                if json {
                    printJSON(sources.map { s -> [String: Any] in
                        ["name": s.name, "url": s.url, "kind": s.kind, "origin": s.origin, "state": state(s),
                         "failures": s.failures, "last_error": s.lastError ?? NSNull(), "next_due": iso(s.nextDue),
                         "last_success": iso(s.lastSuccessAt), "moved_from": s.movedFrom ?? NSNull(),
                         "documents_waiting": waiting[s.id] ?? 0, "newest_item": iso(s.newestItemAt), "stale_since": iso(s.staleSince)]
                    })
                    return
                }
                if sources.isEmpty { print("no sources; add some to the config or `earshot sources add NAME URL`"); return }
                for s in sources {
                    var line = "\(s.name.padding(toLength: max(18, s.name.count), withPad: " ", startingAt: 0))  \(s.kind.padding(toLength: 7, withPad: " ", startingAt: 0))  \(state(s).padding(toLength: 8, withPad: " ", startingAt: 0))  \(s.url)"
                    if let e = s.lastError, s.failures > 0 { line += "\n    \(s.failures) failure(s): \(e)" }
                    if let m = s.movedFrom { line += "\n    moved from \(m)" }
                    if let u = s.unhealthy { line += "\n    unhealthy: \(u)" }
                    if s.staleSince != nil {
                        line += "\n    stale: " + (s.newestItemAt.map { "newest item from \(isoFormatter.string(from: $0).prefix(10))" } ?? "no dated item yet")
                    }
                    if let n = waiting[s.id] { line += "\n    \(n) fetched document\(n == 1 ? "" : "s") waiting for `earshot run`" }
                    print(line)
                }
            }
        }
        func state(_ s: SourceRecord) -> String { s.health == "moved" ? "ok" : s.health }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add a source to the store: NAME URL, or --preset NAME --query Q.",
            discussion: "A preset (see `earshot sources presets`) builds the feed URL of a public platform from the query: earshot sources add --preset reddit --query acme")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A unique name (with --preset: optional, made from the query).") var name: String?
        @Argument(help: "Its URL (http, https or file); not with --preset.") var url: String?
        @Option(help: "A public platform's feed: reddit, mastodon, hackernews, google-alerts, youtube, bluesky, lemmy, discourse, github.")
        var preset: String?
        @Option(help: "With --preset: what to follow (a search, #tag@instance, a channel id …).") var query: String?
        @Option(help: "feed or reviews.") var kind: String = "feed"
        @Option(help: "How often to fetch it: 15m, 1h, 6h …") var interval: String?
        @Flag(help: "Every item is about us (no query is applied).") var aboutUs = false
        func validate() throws {
            guard ["feed", "reviews"].contains(kind) else { throw ValidationError("--kind must be feed or reviews") }
            if let preset {
                guard SourcePreset.named(preset) != nil else {
                    throw ValidationError("--preset '\(preset)' is not a preset; see `earshot sources presets`")
                }
                guard query != nil else { throw ValidationError("--preset \(preset) needs --query, e.g. --query \"\(SourcePreset.named(preset)!.example)\"") }
                guard url == nil else { throw ValidationError("give NAME and --query with --preset, not a URL: the preset builds it") }
                return
            }
            guard name != nil, let url else { throw ValidationError("give NAME and URL, or --preset NAME --query Q") }
            guard let u = URL(string: url), let scheme = u.scheme, ["http", "https", "file"].contains(scheme) else {
                throw ValidationError("'\(url)' is not an http, https or file URL")
            }
        }
        func run() throws {
            try guarded {
                var name = self.name ?? "", url = self.url ?? "", kind = self.kind
                if let presetName = preset, let preset = SourcePreset.named(presetName) {
                    let built: (url: String, name: String)
                    do { built = try preset.source(for: query ?? "") } catch let e as ConfigError { throw AppError.usage("sources add: \(e.description)") }
                    url = built.url
                    if self.name == nil { name = built.name }
                    kind = "feed"
                }
                let seconds = try interval.map { text -> TimeInterval in
                    guard let v = Config.parseDuration(text) else { throw AppError.usage("sources add: '\(text)' is not a duration; write e.g. 30m or 6h") }
                    return v
                } ?? (kind == "feed" ? 3600 : 6 * 3600)
                try global.openStore().write { tx in
                    if try tx.source(named: name) != nil { throw AppError.usage("sources add: '\(name)' exists; choose another name or remove it first") }
                    try tx.upsertSource(SourceSpec(name: name, url: url, kind: kind, isAboutUs: aboutUs || kind == "reviews", interval: seconds),
                                        origin: "cli", now: Date())
                }
                print("added \(name)\(preset != nil ? ": \(url)" : "")")
            }
        }
    }

    struct Presets: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "presets", abstract: "The public platforms Earshot can follow by name, one per line with an example.")
        @Flag(help: "Print JSON.") var json = false
        func run() throws {
            if json {
                printJSON(SourcePreset.all.map { ["name": $0.name, "summary": $0.summary, "example": $0.example, "expects": $0.expects] })
                return
            }
            let width = SourcePreset.all.map(\.name.count).max() ?? 0
            for p in SourcePreset.all {
                print("\(p.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(p.summary); e.g. earshot sources add --preset \(p.name) --query \"\(p.example)\"")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Stop fetching a source (its mentions and cases stay).")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String
        func run() throws {
            try guarded {
                guard try global.openStore().write({ try $0.removeSource(named: name, now: Date()) }) else {
                    throw AppError.notFound("sources: no source named '\(name)'; see `earshot sources list`")
                }
                print("removed \(name); its mentions and cases are kept")
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "import", abstract: "Add the feeds of an OPML file.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The OPML file.") var file: String
        func run() throws {
            try guarded {
                let feeds = try OPMLImport.read(path: file)
                let added = try global.openStore().write { tx -> Int in
                    var added = 0
                    for feed in feeds where try tx.source(named: feed.name) == nil {
                        if try tx.sources().contains(where: { $0.url == feed.url }) { continue }
                        try tx.upsertSource(SourceSpec(name: feed.name, url: feed.url, kind: "feed", interval: 3600), origin: "opml", now: Date())
                        added += 1
                    }
                    return added
                }
                print("imported \(added) of \(feeds.count) feeds from \(file)\(added < feeds.count ? " (the others were already there)" : "")")
            }
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resume", abstract: "Make a paused source due again.")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String
        func run() throws {
            try guarded {
                guard try global.openStore().write({ try $0.resumeSource(named: name) }) else {
                    throw AppError.notFound("sources: no source named '\(name)'; see `earshot sources list`")
                }
                print("resumed \(name); it is fetched at the next run")
            }
        }
    }
}
