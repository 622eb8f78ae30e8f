import Foundation
import EarshotParse

/// The public sources that publish feeds of what people say, by name: `earshot sources add --preset
/// reddit --query acme`, or `preset: reddit` and `query: acme` on a source in the config. A preset
/// builds the feed's URL from the query; the platform's quirks are read from the URL when the feed is
/// processed (EarshotParse.Platform), so a pasted URL of the same platform gets them too.
public struct SourcePreset: Sendable {
    public var name: String
    public var summary: String
    /// A query that works, for `earshot sources presets`.
    public var example: String
    /// What the query may be, said in an error when it is not.
    public var expects: String
    let build: @Sendable (String) -> (url: String, name: String)?

    /// The feed URL and a source name for `query`; a one-line error naming what is expected otherwise.
    public func source(for query: String) throws -> (url: String, name: String) {
        let q = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !q.isEmpty, let built = build(q) else {
            throw ConfigError("preset \(name): '\(query)' is not \(expects); for example --query \"\(example)\"")
        }
        return built
    }

    public static func named(_ name: String) -> SourcePreset? { all.first { $0.name == name.lowercased() } }

    static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
    }
    static func slug(_ s: String) -> String {
        let kept = s.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return String(kept).split(separator: "-").joined(separator: "-")
    }
    static func isHost(_ s: Substring) -> Bool {
        s.contains(".") && s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }
    }

    public static let all: [SourcePreset] = [
        SourcePreset(name: "reddit", summary: "Reddit search, newest first (or one subreddit: r/NAME)", example: "acme",
                     expects: "a search (words) or a subreddit (r/NAME)") { q in
            if q.lowercased().hasPrefix("r/") || q.lowercased().hasPrefix("/r/") {
                let sub = q.split(separator: "/").last.map(String.init) ?? ""
                guard !sub.isEmpty, sub.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
                return ("https://www.reddit.com/r/\(sub)/new/.rss", "reddit-r-\(sub.lowercased())")
            }
            return ("https://www.reddit.com/search.rss?q=\(encode(q))&sort=new", "reddit-\(slug(q))")
        },
        SourcePreset(name: "mastodon", summary: "a Mastodon instance's hashtag timeline (or one account's posts)",
                     example: "#acme@mastodon.social", expects: "#TAG@INSTANCE (or @USER@INSTANCE)") { q in
            let parts = q.split(separator: "@", omittingEmptySubsequences: false)
            if q.hasPrefix("#"), parts.count == 2, isHost(parts[1]) {
                let tag = parts[0].dropFirst()
                guard !tag.isEmpty, tag.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
                return ("https://\(parts[1].lowercased())/tags/\(tag).rss", "mastodon-\(tag.lowercased())")
            }
            if q.hasPrefix("@"), parts.count == 3, !parts[1].isEmpty, isHost(parts[2]) {
                return ("https://\(parts[2].lowercased())/@\(parts[1]).rss", "mastodon-\(parts[1].lowercased())")
            }
            return nil
        },
        SourcePreset(name: "hackernews", summary: "Hacker News stories that match (hnrss.org)", example: "acme",
                     expects: "a search (words)") { q in
            ("https://hnrss.org/newest?q=\(encode(q))&count=100", "hackernews-\(slug(q))")
        },
        SourcePreset(name: "hackernews-comments", summary: "Hacker News comments that match (hnrss.org)", example: "acme",
                     expects: "a search (words)") { q in
            ("https://hnrss.org/newcomments?q=\(encode(q))&count=100", "hackernews-comments-\(slug(q))")
        },
        SourcePreset(name: "google-alerts", summary: "a Google Alert delivered as a feed (paste its feed URL)",
                     example: "https://www.google.com/alerts/feeds/01234567890123456789/1234567890123456789",
                     expects: "the alert's feed URL (Google Alerts, Deliver to: RSS feed)") { q in
            guard let c = URLComponents(string: q), c.scheme == "https", c.host?.hasSuffix("google.com") == true,
                  c.path.hasPrefix("/alerts/feeds/") else { return nil }
            return (q, "google-alerts-\(c.path.split(separator: "/").last ?? "feed")")
        },
        SourcePreset(name: "youtube", summary: "a YouTube channel's new videos", example: "UC5NOEUbkLheQcaaRldYW5GA",
                     expects: "a channel id (UC…, from the channel page's source) or https://www.youtube.com/channel/UC…") { q in
            var id = q
            if let c = URLComponents(string: q), c.host?.hasSuffix("youtube.com") == true {
                let parts = c.path.split(separator: "/")
                guard parts.count >= 2, parts[0] == "channel" else { return nil }
                id = String(parts[1])
            }
            guard id.hasPrefix("UC"), id.count == 24, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else { return nil }
            return ("https://www.youtube.com/feeds/videos.xml?channel_id=\(id)", "youtube-\(id.lowercased())")
        },
        SourcePreset(name: "bluesky", summary: "a Bluesky profile's posts", example: "acme.bsky.social",
                     expects: "a Bluesky handle (NAME.bsky.social or a domain)") { q in
            let handle = q.hasPrefix("@") ? String(q.dropFirst()) : q
            guard isHost(Substring(handle)) else { return nil }
            return ("https://bsky.app/profile/\(handle.lowercased())/rss", "bluesky-\(slug(handle))")
        },
        SourcePreset(name: "lemmy", summary: "a Lemmy community's new posts", example: "technology@lemmy.world",
                     expects: "COMMUNITY@INSTANCE") { q in
            let t = q.hasPrefix("!") ? String(q.dropFirst()) : q
            let parts = t.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), isHost(parts[1]) else { return nil }
            return ("https://\(parts[1].lowercased())/feeds/c/\(parts[0]).xml?sort=New", "lemmy-\(parts[0].lowercased())")
        },
        SourcePreset(name: "discourse", summary: "a Discourse forum's latest posts", example: "https://forum.acme.example",
                     expects: "the forum's address (https://…)") { q in
            guard var c = URLComponents(string: q), ["http", "https"].contains(c.scheme ?? ""), let host = c.host, !host.isEmpty else { return nil }
            c.path = (c.path.hasSuffix("/") ? String(c.path.dropLast()) : c.path) + "/posts.rss"
            c.query = nil
            return (c.string ?? q, "discourse-\(slug(host))")
        },
        SourcePreset(name: "github", summary: "a GitHub repository's releases (what users answer to; GitHub has no issues feed)",
                     example: "acme/acme-cli", expects: "OWNER/REPOSITORY") { q in
            let parts = q.split(separator: "/")
            guard parts.count == 2, parts.allSatisfy({ p in !p.isEmpty && p.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) } }) else { return nil }
            return ("https://github.com/\(parts[0])/\(parts[1])/releases.atom", "github-\(slug(String(parts[1])))")
        },
    ]
}
