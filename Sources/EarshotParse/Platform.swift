import Foundation

/// The public platforms whose feeds Earshot knows by their quirks. A feed is recognised by its URL
/// (whether a preset built it or a user pasted it), and its entries are adjusted so that every
/// mention has its author (as the platform's handle, with a profile link for identity), its link
/// (the conversation, not an attachment), its text (without the platform's boilerplate) and a date.
public enum Platform: String, CaseIterable, Sendable {
    case reddit, mastodon, hackernews, googleAlerts = "google-alerts", youtube, bluesky, lemmy, discourse, github

    /// The platform a feed URL belongs to, when Earshot knows its quirks.
    public static func detect(url: String) -> Platform? {
        guard let c = URLComponents(string: url), let host = c.host?.lowercased() else { return nil }
        let path = c.path.lowercased()
        func on(_ domain: String) -> Bool { host == domain || host.hasSuffix("." + domain) }
        if on("reddit.com") { return .reddit }
        if host == "hnrss.org" { return .hackernews }
        if on("google.com"), path.hasPrefix("/alerts/feeds/") { return .googleAlerts }
        if on("youtube.com"), path.hasPrefix("/feeds/videos.xml") { return .youtube }
        if host == "bsky.app", path.hasPrefix("/profile/"), path.hasSuffix("/rss") { return .bluesky }
        if host == "github.com", path.hasSuffix(".atom") { return .github }
        if path.hasPrefix("/feeds/c/") || path.hasPrefix("/feeds/u/") { return .lemmy }
        if path.hasPrefix("/tags/"), path.hasSuffix(".rss") { return .mastodon }
        if path.hasPrefix("/@"), path.hasSuffix(".rss") { return .mastodon }
        if path == "/posts.rss" || path == "/latest.rss" || (path.hasPrefix("/c/") && path.hasSuffix(".rss")) { return .discourse }
        return nil
    }

    /// `document` with its entries adjusted to the platform's ways.
    public func adapt(_ document: ParsedDocument) -> ParsedDocument {
        var d = document
        d.entries = d.entries.map { adapt($0, in: document) }
        return d
    }

    func adapt(_ entry: ParsedEntry, in document: ParsedDocument) -> ParsedEntry {
        var e = entry
        switch self {
        case .reddit:
            // "/u/name" with <uri>https://www.reddit.com/user/name</uri>: already a handle. Body text
            // ends in "submitted by /u/name [link] [comments]": Reddit's, not the customer's.
            e.content = e.content.map(Self.trimRedditFooter).flatMap { $0.isEmpty ? nil : $0 }
            e.summary = e.summary.map(Self.trimRedditFooter).flatMap { $0.isEmpty ? nil : $0 }
        case .mastodon:
            // Items have no title and (in tag timelines) no author: the post's link is
            // https://INSTANCE/@user/ID, which names the account.
            if e.author == nil, let (handle, profile) = Self.mastodonAccount(e.link) {
                e.author = handle
                e.authorURI = profile
            }
        case .hackernews:
            // hnrss: the description is "Article URL: … Comments URL: … Points: N # Comments: N" (or the
            // Ask HN text before it); the conversation is the HN item (the guid), the author dc:creator.
            let text = Self.hackerNewsText(e.summary ?? e.content ?? "")
            e.content = text.isEmpty ? nil : text
            e.summary = e.content
            if let id = e.id, id.contains("news.ycombinator.com/item") { e.link = id }
            if let author = e.author, !author.hasPrefix("@") { e.authorURI = "https://news.ycombinator.com/user?id=" + author }
            if let title = e.title, title.hasPrefix("New comment by ") {
                // hnrss's comment items: the title only says who; the text is the comment.
                e.title = nil
            }
        case .googleAlerts:
            // Links wrap the real address: https://www.google.com/url?rct=j&sa=t&url=REAL&ct=ga…
            e.link = e.link.map(Self.unwrapGoogleRedirect)
            e.title = e.title.map(Self.stripTags)
            e.summary = e.summary.map(Self.stripTags)
            e.content = e.content.map(Self.stripTags)
        case .youtube:
            break  // author name and channel URI come in Atom's own <author>.
        case .bluesky:
            // Items have neither title nor author: the feed is one profile, named in the link's path.
            if e.author == nil, let (handle, profile) = Self.blueskyAccount(e.link ?? document.link) {
                e.author = handle
                e.authorURI = profile
            }
        case .lemmy:
            // dc:creator is the profile URL (possibly on another instance); <link> is the posted media,
            // the thread is the guid; the description starts "submitted by X to community N points | N comments".
            if let author = e.author, let (handle, profile) = Self.lemmyAccount(author) {
                e.author = handle
                e.authorURI = profile
            }
            if let id = e.id, id.hasPrefix("http"), id.contains("/post/") { e.link = id }
            e.summary = e.summary.map(Self.trimLemmyHeader).flatMap { $0.isEmpty ? nil : $0 }
            e.content = e.content.map(Self.trimLemmyHeader).flatMap { $0.isEmpty ? nil : $0 }
        case .discourse:
            break  // dc:creator is the forum user name; the link is the post's.
        case .github:
            // Titles of commit feeds are padded with newlines and spaces.
            e.title = e.title.map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            if e.author != nil, e.authorURI == nil, let name = e.author { e.authorURI = "https://github.com/" + name }
        }
        return e
    }

    // MARK: - Helpers

    static func trimRedditFooter(_ text: String) -> String {
        guard let r = text.range(of: "submitted by", options: .backwards) else { return text }
        let head = text[..<r.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        return head.isEmpty ? text : head
    }

    /// "https://ioc.exchange/@jon404/111544891736153138" → ("@jon404@ioc.exchange", "https://ioc.exchange/@jon404").
    static func mastodonAccount(_ link: String?) -> (String, String)? {
        guard let link, let c = URLComponents(string: link), let host = c.host else { return nil }
        let parts = c.path.split(separator: "/")
        guard let user = parts.first, user.hasPrefix("@"), user.count > 1 else { return nil }
        return ("\(user)@\(host)", "https://\(host)/\(user)")
    }

    /// "https://bsky.app/profile/kaedotcom.bsky.social/post/3mc…" → ("@kaedotcom.bsky.social", profile URL).
    static func blueskyAccount(_ link: String?) -> (String, String)? {
        guard let link, let c = URLComponents(string: link), let host = c.host else { return nil }
        let parts = c.path.split(separator: "/")
        guard parts.count >= 2, parts[0] == "profile" else { return nil }
        return ("@\(parts[1])", "https://\(host)/profile/\(parts[1])")
    }

    /// "https://lemm.ee/u/SuperSleuth" → ("@SuperSleuth@lemm.ee", the URL).
    static func lemmyAccount(_ author: String) -> (String, String)? {
        guard author.hasPrefix("http"), let c = URLComponents(string: author), let host = c.host else { return nil }
        let parts = c.path.split(separator: "/")
        guard parts.count >= 2, parts[0] == "u" else { return nil }
        return ("@\(parts[1])@\(host)", author)
    }

    static func trimLemmyHeader(_ text: String) -> String {
        // "submitted by X to community N points | N comments LINK BODY…": keep what follows the counts and link.
        guard text.hasPrefix("submitted by"), let r = text.range(of: "comments") else { return text }
        var rest = text[r.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        if rest.hasPrefix("http"), let space = rest.firstIndex(where: \.isWhitespace) {
            rest = rest[space...].trimmingCharacters(in: .whitespacesAndNewlines)
        } else if rest.hasPrefix("http") {
            rest = ""
        }
        return rest
    }

    static func hackerNewsText(_ text: String) -> String {
        var t = text
        for marker in ["Article URL:", "Comments URL:", "Points:", "# Comments:"] {
            if let r = t.range(of: marker) {
                // Ask HN: the post's own text comes before "Article URL"/"Comments URL".
                t = String(t[..<r.lowerBound])
            }
        }
        return t.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The `url=` parameter of a Google redirect link, else the link itself.
    public static func unwrapGoogleRedirect(_ link: String) -> String {
        guard let c = URLComponents(string: link), let host = c.host?.lowercased(), host.hasSuffix("google.com"), c.path == "/url",
              let real = c.queryItems?.first(where: { $0.name == "url" || $0.name == "q" })?.value,
              let r = URLComponents(string: real), ["http", "https"].contains(r.scheme?.lowercased() ?? "") else { return link }
        return real
    }

    static func stripTags(_ text: String) -> String {
        guard text.contains("<") else { return text }
        return text.replacingOccurrences(of: "</?[a-zA-Z][^>]*>", with: "", options: .regularExpression)
    }
}
