import Foundation

/// One site's robots.txt as it applies to Earshot (RFC 9309): the group for `earshot` if
/// there is one, else the `*` group; the longest matching Allow/Disallow rule wins, Allow on
/// a tie; `*` and `$` in patterns. The group's `Crawl-delay` (not in the RFC, but what sites
/// use to ask for a slower pace) is kept, up to ``maximumCrawlDelay``.
public struct RobotsRules: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        public var allow: Bool
        public var pattern: String
    }

    /// The rules that apply; empty means everything is allowed.
    public var rules: [Rule]
    /// Seconds the site asks between two requests, if it asks.
    public var crawlDelay: TimeInterval?

    /// A larger Crawl-delay is honoured as this much: a site asking for minutes between
    /// requests would otherwise stall a run's every source on that host.
    public static let maximumCrawlDelay: TimeInterval = 60

    /// Everything allowed (no robots.txt, or a 4xx for it).
    public static let allowAll = RobotsRules(rules: [])
    /// Nothing allowed.
    public static let disallowAll = RobotsRules(rules: [Rule(allow: false, pattern: "/")])

    public init(rules: [Rule], crawlDelay: TimeInterval? = nil) {
        self.rules = rules
        self.crawlDelay = crawlDelay
    }

    /// Parses robots.txt for the product token `agent` (matched case-insensitively, a
    /// `User-agent: Earshot/1.0` line counts as `earshot`).
    public init(parsing text: String, agent: String = "earshot") {
        let token = agent.lowercased()
        var groups: [(agents: [String], rules: [Rule], delay: TimeInterval?)] = []
        var lastWasAgent = false
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch field {
            case "user-agent":
                let name = value.split(separator: "/").first.map { $0.lowercased() } ?? ""
                if lastWasAgent, !groups.isEmpty { groups[groups.count - 1].agents.append(name) }
                else { groups.append(([name], [], nil)) }
                lastWasAgent = true
            case "allow", "disallow":
                lastWasAgent = false
                // "Disallow:" with no path allows everything: no rule. Rules before any group are ignored.
                guard !value.isEmpty, !groups.isEmpty else { continue }
                groups[groups.count - 1].rules.append(Rule(allow: field == "allow", pattern: value))
            case "crawl-delay":
                lastWasAgent = false
                if let seconds = Double(value), seconds.isFinite, seconds > 0, !groups.isEmpty {
                    groups[groups.count - 1].delay = min(seconds, Self.maximumCrawlDelay)
                }
            default:
                lastWasAgent = false  // sitemap, host, ...: not rules
            }
        }
        let specific = groups.filter { $0.agents.contains(token) }
        let chosen = specific.isEmpty ? groups.filter { $0.agents.contains("*") } : specific
        rules = chosen.flatMap(\.rules)
        crawlDelay = chosen.compactMap(\.delay).max()
    }

    /// Whether the path-and-query of `url` may be fetched.
    public func allows(path: String) -> Bool {
        if path == "/robots.txt" { return true }
        var best: Rule?
        var bestLength = -1
        for rule in rules where Self.matches(pattern: rule.pattern, path: path) {
            let length = rule.pattern.count
            if length > bestLength || (length == bestLength && rule.allow) { best = rule; bestLength = length }
        }
        return best?.allow ?? true
    }

    /// RFC 9309 matching: the pattern is a prefix, `*` matches any run, a final `$` anchors.
    static func matches(pattern: String, path: String) -> Bool {
        var p = Array(pattern.utf8)
        let anchored = p.last == UInt8(ascii: "$")
        if anchored { p.removeLast() }
        let s = Array(path.utf8)
        // Glob match with backtracking over the last `*`.
        func match(_ pi: Int, _ si: Int) -> Bool {
            var pi = pi, si = si
            var starP = -1, starS = 0
            while true {
                if pi == p.count {
                    if !anchored || si == s.count { return true }
                } else if p[pi] == UInt8(ascii: "*") {
                    starP = pi; starS = si; pi += 1; continue
                } else if si < s.count && p[pi] == s[si] {
                    pi += 1; si += 1; continue
                }
                if starP >= 0 && starS < s.count { starS += 1; si = starS; pi = starP + 1; continue }
                return false
            }
        }
        return match(0, 0)
    }
}
