import Foundation
import Testing
import EarshotApp
import EarshotParse
import EarshotServe
import EarshotTriage

/// Issue 21, sources where customers talk: presets build each platform's feed URL, and each
/// platform's real captured documents (Fixtures/platforms, origins in ORIGIN.tsv), served on
/// 127.0.0.1 and run through `earshot run`, store mentions with the author as the platform names
/// them, the link to the conversation, the date and the text without the platform's boilerplate.
@Suite(.serialized)
struct PlatformTests {
    static let folder = TestPaths.fixtures.appendingPathComponent("platforms")

    @Test(arguments: [
        ("reddit", "acme broadband", "https://www.reddit.com/search.rss?q=acme%20broadband&sort=new", "reddit-acme-broadband"),
        ("reddit", "r/AcmeSupport", "https://www.reddit.com/r/AcmeSupport/new/.rss", "reddit-r-acmesupport"),
        ("mastodon", "#acme@mastodon.social", "https://mastodon.social/tags/acme.rss", "mastodon-acme"),
        ("mastodon", "@acmehelp@mastodon.social", "https://mastodon.social/@acmehelp.rss", "mastodon-acmehelp"),
        ("hackernews", "acme", "https://hnrss.org/newest?q=acme&count=100", "hackernews-acme"),
        ("hackernews-comments", "acme", "https://hnrss.org/newcomments?q=acme&count=100", "hackernews-comments-acme"),
        ("google-alerts", "https://www.google.com/alerts/feeds/01/02", "https://www.google.com/alerts/feeds/01/02", "google-alerts-02"),
        ("youtube", "UC5NOEUbkLheQcaaRldYW5GA", "https://www.youtube.com/feeds/videos.xml?channel_id=UC5NOEUbkLheQcaaRldYW5GA", "youtube-uc5noeubklheqcaarldyw5ga"),
        ("youtube", "https://www.youtube.com/channel/UC5NOEUbkLheQcaaRldYW5GA", "https://www.youtube.com/feeds/videos.xml?channel_id=UC5NOEUbkLheQcaaRldYW5GA", "youtube-uc5noeubklheqcaarldyw5ga"),
        ("bluesky", "@Acme.bsky.social", "https://bsky.app/profile/acme.bsky.social/rss", "bluesky-acme-bsky-social"),
        ("lemmy", "!technology@lemmy.world", "https://lemmy.world/feeds/c/technology.xml?sort=New", "lemmy-technology"),
        ("discourse", "https://forum.acme.example/", "https://forum.acme.example/posts.rss", "discourse-forum-acme-example"),
        ("github", "acme/acme-cli", "https://github.com/acme/acme-cli/releases.atom", "github-acme-cli"),
    ])
    func presetsBuildThePlatformsFeedURL(preset: String, query: String, url: String, name: String) throws {
        let p = try #require(SourcePreset.named(preset))
        let built = try p.source(for: query)
        #expect(built.url == url)
        #expect(built.name == name)
        // The URL a preset builds is recognised as the platform's (a pasted one too).
        let platform = preset == "hackernews-comments" ? "hackernews" : preset
        #expect(Platform.detect(url: built.url)?.rawValue == platform)
    }

    @Test(arguments: [("mastodon", "acme"), ("youtube", "@acme"), ("lemmy", "technology"), ("google-alerts", "https://evil.example/alerts/feeds/1"),
                      ("github", "acme"), ("bluesky", "not a handle")])
    func aWrongQueryIsOneLineThatSaysWhatToWrite(preset: String, query: String) throws {
        let p = try #require(SourcePreset.named(preset))
        #expect(throws: ConfigError.self) { try p.source(for: query) }
        do { _ = try p.source(for: query) } catch {
            #expect("\(error)".contains("for example") && !"\(error)".contains("\n"), "\(error)")
        }
    }

    @Test(.enabled(if: PlatformTests.canRun, "needs the built earshot binary beside the tests"))
    func thePresetsAreListedOnePerLineNameFirst() throws {
        let r = try runEarshot(["sources", "presets"])
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == SourcePreset.all.count)
        for (line, preset) in zip(lines, SourcePreset.all) { #expect(line.hasPrefix(preset.name + " "), "\(line)") }
    }

    static var canRun: Bool { TriageCrashTests.canRun }

    /// What each captured document must give once stored: how many mentions, and one of them.
    struct Expected {
        var file: String
        var platform: String
        var count: Int
        var author: String
        var link: String
        var published: String
        var textContains: String
        var textLacks: String?
    }

    static let expected: [Expected] = [
        Expected(file: "r-kubernetes.xml", platform: "reddit", count: 5, author: "/u/gctaylor",
                 link: "https://www.reddit.com/r/kubernetes/comments/18895rv/monthly_who_is_hiring/", published: "2023-12-01T11:00:17Z",
                 textContains: "Kubernetes-related job openings", textLacks: "submitted by"),
        Expected(file: "hachyderm-tag-kubernetes.xml", platform: "mastodon", count: 4, author: "@jon404@ioc.exchange",
                 link: "https://ioc.exchange/@jon404/111544891736153138", published: "2023-12-08T12:52:54Z",
                 textContains: "homelab", textLacks: nil),
        Expected(file: "hnrss-newest.xml", platform: "hackernews", count: 20, author: "mooreds",
                 link: "https://news.ycombinator.com/item?id=39672201", published: "2024-03-11T19:15:29Z",
                 textContains: "CISA forced to take two systems offline", textLacks: "Article URL"),
        Expected(file: "tagesschau-channel.xml", platform: "youtube", count: 2, author: "tagesschau",
                 link: "https://www.youtube.com/watch?v=oiBPyTi7lvM", published: "2023-12-11T15:38:12Z",
                 textContains: "Olaf Scholz", textLacks: nil),
        Expected(file: "kaedotcom-profile.xml", platform: "bluesky", count: 1, author: "@kaedotcom.bsky.social",
                 link: "https://bsky.app/profile/kaedotcom.bsky.social/post/3mcfiov2e7k2r", published: "2026-01-14T16:33:00Z",
                 textContains: "Starlink", textLacks: nil),
        Expected(file: "lemmyworld-community-idiotsincars.xml", platform: "lemmy", count: 8, author: "@SuperSleuth@lemm.ee",
                 link: "https://lemmy.world/post/6063706", published: "2023-10-01T00:42:07Z",
                 textContains: "use this link if video", textLacks: "submitted by"),
        Expected(file: "use-atom-feed-releases.xml", platform: "github", count: 9, author: "au5ton",
                 link: "https://github.com/au5ton/use-atom-feed/releases/tag/v0.1.0", published: "",
                 textContains: "Initial release", textLacks: nil),
        Expected(file: "google-alerts-constructed.xml", platform: "google-alerts", count: 2, author: "",
                 link: "https://news.example.com/2026/11/acme-outage", published: "2026-11-20T08:40:00Z",
                 textContains: "outage lasted all evening", textLacks: "<b>"),
        Expected(file: "discourse-constructed.xml", platform: "discourse", count: 1, author: "jdoe",
                 link: "https://forum.acme.example/t/router-keeps-dropping-wi-fi/4512/3", published: "2026-11-20T09:41:12Z",
                 textContains: "drops Wi-Fi every hour", textLacks: nil),
    ]

    @Test(.enabled(if: PlatformTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func capturedDocumentsOfEachPlatformBecomeMentionsWithAuthorLinkDateAndText() throws {
        let files = try StaticFileHandler(root: Self.folder)
        let server = try LoopbackHTTPServer { files.respond(to: $0) }
        defer { server.stop() }
        let work = TestPaths.temporaryFolder("earshot-platforms")
        defer { try? FileManager.default.removeItem(at: work) }
        let config = work.appendingPathComponent("earshot.yaml").path
        var yaml = "brand: Acme\nquery: acme\nstore: \(work.appendingPathComponent("earshot.sqlite").path)\nbackfill: 36500d\nsources:\n"
        for e in Self.expected {
            // Served from 127.0.0.1, so the platform is named (a real URL of the platform says it by itself).
            yaml += "  - name: \(e.file)\n    url: \(server.url("/" + e.file))\n    platform: \(e.platform)\n    about_us: true\n"
        }
        yaml += "channels:\n  - name: log\n    type: jsonl\n    path: \(work.appendingPathComponent("alerts.jsonl").path)\n"
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
        let run = try runEarshot(["run", "--config", config, "--json"], environment: ["EARSHOT_NOW": "2026-11-21T12:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        let export = try runEarshot(["export", "mentions", "--format", "jsonl", "--config", config, "--unredacted"])
        let rows = export.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        for e in Self.expected {
            let mine = rows.filter { $0["source"] as? String == e.file }
            #expect(mine.count == e.count, "\(e.file): \(mine.count) mentions")
            let one = mine.first { ($0["url"] as? String ?? "").hasPrefix(e.link) }
            #expect(one != nil, "\(e.file): no mention links to \(e.link); links: \(mine.compactMap { $0["url"] as? String }.prefix(3))")
            guard let one else { continue }
            #expect((one["author"] as? String ?? "") == e.author, "\(e.file): author \(one["author"] ?? "nil")")
            if !e.published.isEmpty { #expect(one["published"] as? String == e.published, "\(e.file): \(one["published"] ?? "nil")") }
            let text = one["text"] as? String ?? ""
            #expect(text.contains(e.textContains), "\(e.file): \(text.prefix(200))")
            if let lacks = e.textLacks { #expect(!text.contains(lacks), "\(e.file): \(text.prefix(200))") }
            #expect(mine.allSatisfy { !($0["text"] as? String ?? "").isEmpty }, "\(e.file): an empty text")
        }
    }

    /// The platform's author becomes the customer's identity: a Mastodon account by its handle and
    /// profile on any instance that shows it, a Lemmy user by their home instance.
    @Test func platformAuthorsBecomeIdentityKeys() throws {
        let mastodon = try DocumentParser.parse(try Data(contentsOf: Self.folder.appendingPathComponent("hachyderm-tag-kubernetes.xml")),
                                                url: "https://hachyderm.io/tags/Kubernetes.rss")
        let entry = try #require(Platform.mastodon.adapt(mastodon).entries.first)
        let keys = CustomerIdentity(author: entry.author, email: entry.authorEmail, profile: entry.authorURI).keys
        #expect(keys.contains("handle:jon404@ioc.exchange"), "\(keys)")
        #expect(keys.contains("url:ioc.exchange/@jon404"), "\(keys)")
        let lemmy = try DocumentParser.parse(try Data(contentsOf: Self.folder.appendingPathComponent("lemmyworld-community-idiotsincars.xml")),
                                             url: "https://lemmy.world/feeds/c/idiotsincars.xml?sort=New")
        let post = try #require(Platform.lemmy.adapt(lemmy).entries.first)
        #expect(post.author == "@SuperSleuth@lemm.ee" && post.authorURI == "https://lemm.ee/u/SuperSleuth")
        #expect(Platform.unwrapGoogleRedirect("https://www.google.com/url?rct=j&sa=t&url=https://a.example/x?y%3D1&ct=ga") == "https://a.example/x?y=1")
        #expect(Platform.unwrapGoogleRedirect("https://www.google.com/url?url=javascript:alert(1)") == "https://www.google.com/url?url=javascript:alert(1)")
    }
}
