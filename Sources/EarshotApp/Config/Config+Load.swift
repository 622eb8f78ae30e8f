import Foundation
import Yams
import EarshotParse
import EarshotScore
import EarshotStore
import EarshotDigest
import EarshotTriage

extension Config {
    /// Reads and validates a config file. Relative paths inside it are taken from its folder.
    public static func load(path: String) throws -> Config {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError("config: cannot read \(path); create one with `earshot init \(path)` or pass --config PATH")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError("config: \(path) is not UTF-8 text; save it as UTF-8")
        }
        return try parse(text, file: path)
    }

    /// The sections a rules file for `earshot backtest` may hold: what decides cases and alerts.
    public static let ruleSections: Set<String> = ["rules", "sla", "escalate_to", "follow_up_after", "reopen_within", "problems", "channels"]

    /// The config at `path` with the sections of the rules file `rulesPath` in place of its own
    /// (`earshot backtest --rules`). Errors name the file and line they come from.
    public static func load(path: String, rulesFrom rulesPath: String) throws -> Config {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError("config: cannot read \(path) as UTF-8 text; pass the live config with --config PATH")
        }
        guard let rulesData = FileManager.default.contents(atPath: rulesPath), let rules = String(data: rulesData, encoding: .utf8) else {
            throw ConfigError("backtest: cannot read \(rulesPath) as UTF-8 text; pass a YAML file with rules:, sla: or problems: sections")
        }
        return try parse(text, file: path, overriding: (rules, rulesPath))
    }

    static func compose(_ text: String, file: String) throws -> Node {
        do {
            // Every value is read as text and converted by ConfigNode, so Yams's tag resolver (a dozen
            // regular expressions compiled at first use, ~2 ms) is not needed.
            guard let node = try Yams.compose(yaml: text, .basic) else {
                throw ConfigError("config: \(file) is empty; start from `earshot init`")
            }
            return node
        } catch let error as ConfigError {
            throw error
        } catch let error as YamlError {
            throw ConfigError("config: \(file): not valid YAML: \(Self.oneLine(error)); fix the indentation or quoting there")
        }
    }

    /// Parses config text; `file` names it in errors and anchors relative paths. `overriding`'s
    /// sections (only ``ruleSections``) replace the text's own.
    public static func parse(_ text: String, file: String, overriding: (text: String, file: String)? = nil) throws -> Config {
        let root = try compose(text, file: file)
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        func resolve(_ p: String) -> String {
            let expanded = (p as NSString).expandingTildeInPath
            return expanded.hasPrefix("/") ? expanded : folder.appendingPathComponent(expanded).standardizedFileURL.path
        }

        var top = try ConfigNode(node: root, path: "", file: file).mapping(known: [
            "brand", "query", "store", "contact", "sources", "opml", "rules", "channels", "sla", "escalate_to",
            "follow_up_after", "reopen_within", "problems", "digest", "lexicon", "aspects", "valence", "fetch", "alerts",
            "backfill", "alert_batch", "brand_accounts", "scorer", "privacy", "retention",
        ])
        if let overriding {
            let sections = try ConfigNode(node: try compose(overriding.text, file: overriding.file), path: "", file: overriding.file)
                .mapping(known: ruleSections)
            guard !sections.isEmpty else {
                throw ConfigError("backtest: \(overriding.file) has no section to try; write rules:, sla:, escalate_to:, follow_up_after:, reopen_within: or problems:")
            }
            for (key, node) in sections { top[key] = node }
        }
        guard let brandNode = top["brand"] else {
            throw ConfigError("config: \(file): brand: missing; add `brand: YourCompany` at the top")
        }
        let brand = try brandNode.string()
        let query = try top["query"]?.string() ?? brand
        try checkQuery(query, node: top["query"] ?? brandNode)

        var channels: [Channel] = []
        for node in try top["channels"]?.sequence() ?? [] {
            channels.append(try parseChannel(node, resolve: resolve))
        }
        if channels.isEmpty {
            channels = [Channel(name: "stdout", type: "stdout", url: nil, path: nil, command: [], secretEnv: nil, from: nil,
                                to: [], usernameEnv: nil, passwordEnv: nil, slack: false, batches: true)]
        }
        let channelNames = Set(channels.map(\.name))
        if channelNames.count != channels.count {
            throw ConfigError("config: \(file): channels: two channels share a name; give each a distinct `name`")
        }
        func checkChannels(_ node: ConfigNode?, _ names: [String]) throws {
            for name in names where !channelNames.contains(name) {
                throw node!.fail("no channel named '\(name)'; channels are: \(channelNames.sorted().joined(separator: ", "))")
            }
        }

        var sources: [Source] = []
        for node in try top["sources"]?.sequence() ?? [] {
            sources.append(try parseSource(node, resolve: resolve))
        }
        var seen = Set<String>()
        for (index, source) in sources.enumerated() where !seen.insert(source.name).inserted {
            throw ConfigError.at(file, line: try top["sources"]!.sequence()[index].line, key: "sources[\(index)].name",
                                 "'\(source.name)' is used twice; source names must be unique")
        }
        let opml = try (top["opml"]?.strings() ?? []).map(resolve)

        var rules: [Rule] = []
        for node in try top["rules"]?.sequence() ?? [] {
            let rule = try parseRule(node, index: rules.count)
            try checkChannels(node, rule.notify)
            rules.append(rule)
        }
        if rules.isEmpty { rules = defaultRules(channels: channels.map(\.name)) }

        var sla = defaultSLA
        if let slaNode = top["sla"] {
            for (severity, node) in try slaNode.mapping(known: Set(severities)) { sla[severity] = try node.duration() }
        }
        let escalate = try top["escalate_to"]?.strings() ?? channels.map(\.name)
        try checkChannels(top["escalate_to"], escalate)

        var minCustomers = 3, window: TimeInterval = 72 * 3600
        var problemChannels = channels.map(\.name)
        if let p = try top["problems"]?.mapping(known: ["min_customers", "window", "notify"]) {
            minCustomers = try p["min_customers"]?.int(min: 2) ?? minCustomers
            window = try p["window"]?.duration() ?? window
            problemChannels = try p["notify"]?.strings() ?? problemChannels
            try checkChannels(p["notify"], problemChannels)
        }

        var recipients: [String] = [], digestChannel: String?
        if let d = try top["digest"]?.mapping(known: ["recipients", "channel"]) {
            recipients = try d["recipients"]?.strings() ?? []
            digestChannel = try d["channel"]?.string()
            if let name = digestChannel {
                guard let channel = channels.first(where: { $0.name == name }) else { throw d["channel"]!.fail("no channel named '\(name)'") }
                guard channel.type == "smtp" else { throw d["channel"]!.fail("the digest is mailed: '\(name)' must be an smtp channel") }
            }
        }

        var aspects: [String: [String]] = [:]
        if let a = try top["aspects"]?.mapping() {
            for (name, node) in a { aspects[name] = try node.strings() }
        }
        var valence: [String: Double] = [:]
        if let v = try top["valence"]?.mapping() {
            for (word, node) in v {
                let value = try node.double()
                guard (-4...4).contains(value) else { throw node.fail("a valence runs from -4 to 4 (0 is neutral)") }
                valence[word.lowercased()] = value
            }
        }

        var globalLimit = 16, perHostLimit = 2, perHostDelay: TimeInterval = 0, maxBody = 20 << 20
        var caBundle: String?, pauseAfter = 10
        if let f = try top["fetch"]?.mapping(known: ["concurrency", "per_host", "per_host_delay", "max_body_mb", "ca_bundle", "pause_after_failures"]) {
            globalLimit = try f["concurrency"]?.int(min: 1) ?? globalLimit
            perHostLimit = try f["per_host"]?.int(min: 1) ?? perHostLimit
            perHostDelay = try f["per_host_delay"]?.duration() ?? perHostDelay
            maxBody = try f["max_body_mb"].map { try $0.int(min: 1) << 20 } ?? maxBody
            caBundle = try f["ca_bundle"].map { resolve(try $0.string()) }
            pauseAfter = try f["pause_after_failures"]?.int(min: 1) ?? pauseAfter
        }
        var alertMaxAttempts = 8
        if let a = try top["alerts"]?.mapping(known: ["max_attempts"]) {
            alertMaxAttempts = try a["max_attempts"]?.int(min: 1) ?? alertMaxAttempts
        }

        var scorer = Scorer.Mode.model
        if let node = top["scorer"] {
            let name = try node.string()
            guard let mode = Scorer.Mode(rawValue: name) else { throw node.fail("'\(name)' is not a scorer; write model or rules") }
            scorer = mode
        }
        var config = Config(
            file: file, brand: brand, query: query,
            storePath: try top["store"].map { resolve(try $0.string()) } ?? resolve("earshot.sqlite"),
            contact: try top["contact"]?.string(), sources: sources, opmlFiles: opml, rules: rules, channels: channels,
            sla: sla, escalationChannels: escalate,
            followUpAfter: try top["follow_up_after"]?.duration() ?? 3 * 86_400,
            reopenWithin: try top["reopen_within"]?.duration() ?? 14 * 86_400,
            problemMinimumCustomers: minCustomers, problemWindow: window, problemChannels: problemChannels,
            digestRecipients: recipients, digestChannel: digestChannel,
            lexiconPath: try top["lexicon"].map { resolve(try $0.string()) },
            aspectCues: aspects, valence: valence, globalLimit: globalLimit, perHostLimit: perHostLimit,
            perHostDelay: perHostDelay, maximumBodyBytes: maxBody, caBundle: caBundle, pauseAfterFailures: pauseAfter,
            alertMaxAttempts: alertMaxAttempts,
            backfill: try top["backfill"]?.duration() ?? defaultBackfill,
            alertBatch: try top["alert_batch"]?.int(min: 1) ?? 10,
            brandAccounts: try top["brand_accounts"]?.strings() ?? [])
        config.scorer = scorer
        if let privacy = top["privacy"] {
            let m = try privacy.mapping(known: ["redact", "store_redacted"])
            if let list = m["redact"] {
                var kinds: Set<Redactor.Kind> = []
                for node in try list.list() {
                    let name = try node.string()
                    guard let kind = Redactor.Kind(rawValue: name) else {
                        throw node.fail("'\(name)' is not something to redact; write email, phone, card, iban or url_credentials")
                    }
                    kinds.insert(kind)
                }
                config.redactor = Redactor(kinds: kinds)
            }
            config.storeRedacted = try m["store_redacted"]?.bool() ?? false
        }
        if let retention = top["retention"] {
            let m = try retention.mapping(known: ["mentions", "closed_cases"])
            config.retention = RetentionPolicy(mentions: try m["mentions"]?.duration(), closedCases: try m["closed_cases"]?.duration())
        }
        return config
    }

    static func checkQuery(_ query: String, node: ConfigNode) throws {
        do { _ = try BrandQuery(query) } catch { throw node.fail("\(error)") }
    }

    static func parseSource(_ node: ConfigNode, resolve: (String) -> String) throws -> Source {
        let m = try node.mapping(known: ["name", "url", "kind", "interval", "query", "about_us", "robots", "selectors", "max_pages",
                                                "stale_after", "preset", "platform"])
        var platform: String?
        if let p = m["platform"] {
            platform = try p.string()
            guard Platform(rawValue: platform!) != nil else {
                throw p.fail("'\(platform!)' is not a platform; write one of \(Platform.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        // preset: reddit, query: acme — the preset builds the URL from the query, which is then the
        // platform's search, not a matching query (the config's `query:` still picks the mentions).
        if let presetNode = m["preset"] {
            let name = try presetNode.string()
            guard let preset = SourcePreset.named(name) else {
                throw presetNode.fail("'\(name)' is not a preset; see `earshot sources presets` (\(SourcePreset.all.map(\.name).joined(separator: ", ")))")
            }
            guard m["url"] == nil else { throw m["url"]!.fail("a preset builds the URL; give `query:` instead of `url:`") }
            guard let queryNode = m["query"] else { throw presetNode.fail("preset \(name) needs `query:`, for example query: \"\(preset.example)\"") }
            let built: (url: String, name: String)
            do { built = try preset.source(for: try queryNode.string()) } catch let e as ConfigError { throw queryNode.fail(e.description) }
            return Source(name: try m["name"]?.string() ?? built.name, url: built.url, kind: "feed",
                          interval: try m["interval"]?.duration() ?? 3600, query: nil, isAboutUs: try m["about_us"]?.bool() ?? false,
                          obeysRobots: try m["robots"]?.bool() ?? true, selectors: nil, maxPages: 1,
                          staleAfter: try m["stale_after"]?.duration() ?? defaultStaleAfter(kind: "feed"),
                          platform: platform ?? Platform.detect(url: built.url)?.rawValue)
        }
        guard let urlNode = m["url"] else { throw node.fail("a source needs a `url:` (http, https or file), or a `preset:` with a `query:`") }
        var url = try urlNode.string()
        if !url.contains("://") { url = URL(fileURLWithPath: resolve(url)).absoluteString }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https", "file"].contains(scheme) else {
            throw urlNode.fail("'\(url)' is not an http, https or file URL")
        }
        let kind = try m["kind"]?.string() ?? "feed"
        guard kind == "feed" || kind == "reviews" else { throw m["kind"]!.fail("'\(kind)' is not a kind; write feed or reviews") }
        let name = try m["name"]?.string() ?? (parsed.host ?? parsed.lastPathComponent)
        if let q = m["query"] { try checkQuery(try q.string(), node: q) }
        var selectors: ReviewSelectors?
        if let s = m["selectors"] {
            let sm = try s.mapping(known: ["review", "author", "date", "date_format", "rating", "rating_attribute", "best_rating",
                                           "body", "title", "link", "next_page", "response", "response_author", "response_date"])
            guard let review = sm["review"] else { throw s.fail("selectors need `review:` (the XPath or CSS of one review's container)") }
            selectors = ReviewSelectors(review: try review.string(), author: try sm["author"]?.string(), date: try sm["date"]?.string(),
                                        dateFormat: try sm["date_format"]?.string(), rating: try sm["rating"]?.string(),
                                        ratingAttribute: try sm["rating_attribute"]?.string(),
                                        bestRating: try sm["best_rating"]?.double(), body: try sm["body"]?.string(),
                                        title: try sm["title"]?.string(), link: try sm["link"]?.string(),
                                        nextPage: try sm["next_page"]?.string(), response: try sm["response"]?.string(),
                                        responseAuthor: try sm["response_author"]?.string(),
                                        responseDate: try sm["response_date"]?.string())
        }
        return Source(name: name, url: url, kind: kind,
                      interval: try m["interval"]?.duration() ?? (kind == "feed" ? 3600 : 6 * 3600),
                      query: try m["query"]?.string(), isAboutUs: try m["about_us"]?.bool() ?? (kind == "reviews"),
                      obeysRobots: try m["robots"]?.bool() ?? true, selectors: selectors,
                      maxPages: try m["max_pages"]?.int(min: 1) ?? 5,
                      staleAfter: try m["stale_after"]?.duration() ?? defaultStaleAfter(kind: kind), platform: platform)
    }

    static func parseRule(_ node: ConfigNode, index: Int) throws -> Rule {
        let m = try node.mapping(known: ["name", "when", "severity", "notify"])
        var rule = Rule(name: try m["name"]?.string() ?? "rule \(index + 1)", label: nil, compoundBelow: nil, complaint: nil,
                        aspects: [], ratingAtMost: nil, sources: [], authors: [], query: nil, severity: "normal", notify: [])
        if let when = try m["when"]?.mapping(known: ["label", "compound_below", "complaint", "aspects", "rating_at_most", "source",
                                                    "author", "query"]) {
            if let l = when["label"] {
                rule.label = try l.string()
                guard ["positive", "neutral", "negative"].contains(rule.label!) else { throw l.fail("write positive, neutral or negative") }
            }
            rule.compoundBelow = try when["compound_below"]?.double()
            rule.complaint = try when["complaint"]?.bool()
            rule.aspects = try when["aspects"]?.strings() ?? []
            rule.ratingAtMost = try when["rating_at_most"]?.double()
            rule.sources = try when["source"]?.strings() ?? []
            rule.authors = try when["author"]?.strings() ?? []
            if let q = when["query"] { rule.query = try q.string(); try checkQuery(rule.query!, node: q) }
        }
        if let s = m["severity"] {
            rule.severity = try s.string()
            guard severities.contains(rule.severity) else { throw s.fail("write one of \(severities.joined(separator: ", "))") }
        }
        rule.notify = try m["notify"]?.strings() ?? []
        return rule
    }

    static func parseChannel(_ node: ConfigNode, resolve: (String) -> String) throws -> Channel {
        let m = try node.mapping(known: ["name", "type", "url", "path", "command", "secret_env", "from", "to", "username_env",
                                         "password_env", "slack", "batch"])
        guard let typeNode = m["type"] else { throw node.fail("a channel needs `type:` (stdout, jsonl, webhook, smtp or command)") }
        let type = try typeNode.string()
        var channel = Channel(name: try m["name"]?.string() ?? type, type: type, url: try m["url"]?.string(),
                              path: try m["path"].map { resolve(try $0.string()) }, command: try m["command"]?.strings() ?? [],
                              secretEnv: try m["secret_env"]?.string(), from: try m["from"]?.string(), to: try m["to"]?.strings() ?? [],
                              usernameEnv: try m["username_env"]?.string(), passwordEnv: try m["password_env"]?.string(),
                              slack: try m["slack"]?.bool() ?? false,
                              batches: try m["batch"]?.bool() ?? !["jsonl", "command"].contains(type))
        switch type {
        case "stdout": break
        case "jsonl": if channel.path == nil { throw node.fail("a jsonl channel needs `path:` (the file alerts are appended to)") }
        case "webhook":
            guard let url = channel.url, url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw node.fail("a webhook channel needs `url:` with http or https")
            }
        case "smtp":
            guard let url = channel.url, url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
                throw node.fail("an smtp channel needs `url:` like smtp://mail.example.com:587 or smtps://...:465")
            }
            if channel.from == nil { throw node.fail("an smtp channel needs `from:` (the sender address)") }
            if channel.to.isEmpty { throw node.fail("an smtp channel needs `to:` (one or more addresses)") }
        case "command": if channel.command.isEmpty { throw node.fail("a command channel needs `command:` (program and arguments)") }
        default: throw typeNode.fail("'\(type)' is not a channel type; write stdout, jsonl, webhook, smtp or command")
        }
        channel.name = channel.name.trimmingCharacters(in: .whitespaces)
        return channel
    }

    static func oneLine(_ error: Error) -> String {
        "\(error)".split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}

extension Config {
    /// A duration as the config writes it (`90s`, `15m`, `1h`, `3d`, `1w`, or seconds).
    public static func parseDuration(_ text: String) -> TimeInterval? {
        ConfigNode.parseDuration(text.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// Triage's policy as the config sets it.
    public func triagePolicy() throws -> TriagePolicy { try Pipeline.policy(from: self) }
}
