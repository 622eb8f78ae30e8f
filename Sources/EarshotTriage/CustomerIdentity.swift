import Foundation

/// Who wrote a mention, as keys that recognise the same person on another source.
///
/// A customer is known by any of: an e-mail address, a handle (`@name`, Reddit's `/u/name`), a
/// profile link, and a normalised display name. Two mentions that share any key are one
/// customer, so a complaint on the forum and one on social media share a case. Keys carry their
/// kind (`email:`, `handle:`, `url:`, `name:`) so that a handle never matches a display name.
public struct CustomerIdentity: Sendable, Equatable {
    /// The keys, most specific first; empty for an anonymous mention.
    public var keys: [String]

    public init(keys: [String]) { self.keys = keys }

    /// The keys of an author as a document names them.
    /// - Parameters:
    ///   - author: the display name (or handle, or "email (Name)") the document gave.
    ///   - email: the author's e-mail when given apart (Atom `<email>`).
    ///   - profile: the author's profile link (Atom `<uri>`, schema.org `author.url`).
    public init(author: String?, email: String? = nil, profile: String? = nil) {
        var keys: [String] = []
        func add(_ key: String?) { if let key, !keys.contains(key) { keys.append(key) } }
        add(email.flatMap(Self.emailKey))
        if let author {
            for word in author.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == ")" || $0 == "<" || $0 == ">" }) {
                add(Self.emailKey(String(word)))
            }
            add(Self.handleKey(author))
        }
        if let profile {
            add(Self.urlKey(profile))
            add(Self.handleKey(fromProfile: profile))
        }
        // A handle (even a placeholder one such as /u/[deleted]) is never read as a display name.
        if let author, !Self.looksLikeHandle(author) { add(Self.nameKey(Self.displayName(author))) }
        self.keys = keys
    }

    /// The same keys with each e-mail address replaced by its hash (`email:#…`), for a store that
    /// keeps no address (`privacy: { store_redacted: true }`): the person is still recognised.
    public func pseudonymised(_ hash: (String) -> String) -> CustomerIdentity {
        CustomerIdentity(keys: keys.map { key in
            guard Self.kind(key) == "email", !key.hasPrefix("email:#") else { return key }
            return "email:#" + hash(String(key.dropFirst(6)))
        })
    }

    /// The kind of a key (`email`, `handle`, `url`, `name`).
    public static func kind(_ key: String) -> Substring { key.prefix { $0 != ":" } }

    /// Whether two people's keys contradict each other: both have an e-mail (or a profile link, or
    /// a handle) and none of them is shared. Two "Jane Doe"s with different addresses are two people.
    public static func conflict(_ a: [String], _ b: [String]) -> Bool {
        for kind in ["email", "url", "handle"] {
            let x = Set(a.filter { Self.kind($0) == kind }), y = Set(b.filter { Self.kind($0) == kind })
            if !x.isEmpty && !y.isEmpty && x.isDisjoint(with: y) { return true }
        }
        return false
    }

    /// Names and addresses that many people share, so they identify nobody: "Anonymous", "Guest",
    /// Reddit's "[deleted]", Blogger's noreply@blogger.com, Flickr's nobody@flickr.com.
    static let placeholders: Set<String> = ["anonymous", "anon", "guest", "deleted", "removed", "user", "unknown", "admin",
                                            "customer", "a customer", "verified buyer", "verified purchaser", "verified customer",
                                            "a google user", "google user", "facebook user", "someone", "no name", "nobody"]
    static let placeholderMailboxes: Set<String> = ["noreply", "no-reply", "donotreply", "do-not-reply", "nobody", "nospam",
                                                    "anonymous", "invalid", "unknown"]

    /// "jane@example.com" → `email:jane@example.com`.
    static func emailKey(_ text: String) -> String? {
        guard text.utf8.contains(UInt8(ascii: "@")) else { return nil }  // most authors: no address, no work
        let t = text.trimmingCharacters(in: emailEdges).lowercased()
        guard let at = t.firstIndex(of: "@"), at != t.startIndex, t[t.index(after: at)...].contains("."),
              !t.contains(" "), !t.hasPrefix("@"), !placeholderMailboxes.contains(String(t[..<at])), !t.hasSuffix(".invalid") else { return nil }
        return "email:" + t
    }

    static let emailEdges = CharacterSet(charactersIn: " <>()[],;:\"'")

    /// `@Name`, `/u/name`, `u/name` → `handle:name` (Mastodon's `@name@host` keeps its host).
    static func handleKey(_ author: String) -> String? {
        guard mayBeHandle(author) else { return nil }
        let t = author.trimmingCharacters(in: .whitespaces).lowercased()
        var handle: Substring?
        if t.hasPrefix("@") { handle = t.dropFirst() }
        else if t.hasPrefix("/u/") { handle = t.dropFirst(3) }
        else if t.hasPrefix("u/") { handle = t.dropFirst(2) }
        guard let h = handle, !h.isEmpty, !h.contains(" "), !placeholders.contains(h.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) else {
            return nil
        }
        return "handle:" + h
    }

    static func looksLikeHandle(_ author: String) -> Bool {
        guard mayBeHandle(author) else { return false }
        let t = author.trimmingCharacters(in: .whitespaces).lowercased()
        return t.hasPrefix("@") || t.hasPrefix("/u/") || t.hasPrefix("u/")
    }

    /// False when the text surely does not start with `@`, `/u/` or `u/`: its first character is ASCII and
    /// none of `@`, `/`, `u`, `U`, and no blank that trimming would remove (anything else takes the full test).
    static func mayBeHandle(_ text: String) -> Bool {
        guard let first = text.utf8.first, first < 0x80 else { return true }
        switch first {
        case UInt8(ascii: "@"), UInt8(ascii: "/"), UInt8(ascii: "u"), UInt8(ascii: "U"), UInt8(ascii: " "), 0x09 ... 0x0D: return true
        default: return false
        }
    }

    /// The handle in a profile link's path: `/@jane` (Mastodon and most social sites), `/u/jane`
    /// and `/user/jane` (Reddit), so an `@jane` in a reply finds the customer whose profile it is.
    static func handleKey(fromProfile text: String) -> String? {
        guard let url = URLComponents(string: text.trimmingCharacters(in: .whitespaces)) else { return nil }
        let parts = url.path.split(separator: "/")
        if let first = parts.first, first.hasPrefix("@"), first.count > 1 { return handleKey(String(first)) }
        if parts.count >= 2, parts[0] == "u" || parts[0] == "user" { return handleKey("@" + parts[1]) }
        return nil
    }

    /// A profile link without scheme, `www.`, query, fragment or trailing slash, lower-cased host.
    static func urlKey(_ text: String) -> String? {
        guard let url = URLComponents(string: text.trimmingCharacters(in: .whitespaces)), let host = url.host?.lowercased(),
              !host.isEmpty else { return nil }
        var path = url.path
        while path.hasSuffix("/") { path.removeLast() }
        // A site's root links every reviewer of some sites to the same page: it names nobody.
        guard !path.isEmpty else { return nil }
        return "url:" + (host.hasPrefix("www.") ? String(host.dropFirst(4)) : host) + path
    }

    /// The name part of "email (Name)" or "Name <email>"; the text itself otherwise.
    static func displayName(_ author: String) -> String {
        if let open = author.firstIndex(of: "("), let close = author.lastIndex(of: ")"), open < close {
            let inner = author[author.index(after: open)..<close]
            return emailKey(String(inner)) == nil ? String(inner) : String(author[..<open])
        }
        if let open = author.firstIndex(of: "<") { return String(author[..<open]) }
        return author
    }

    /// Case, accents, punctuation and spacing folded: "  José  O'Neil " → `name:jose oneil`. Only a
    /// name of two words or more recognises someone on another source ("John" or "Guest" is too
    /// many people; on one source the name as written still threads their posts).
    static func nameKey(_ name: String) -> String? {
        let words = name.utf8.allSatisfy({ $0 < 0x80 }) ? asciiNameWords(name) : foldedNameWords(name)
        let joined = words.joined(separator: " ")
        guard words.count >= 2, emailKey(name) == nil, !placeholders.contains(joined) else { return nil }
        return "name:" + joined
    }

    /// The name's words folded (case, accents, width), apostrophes dropped, split at anything else that is
    /// neither letter nor digit.
    static func foldedNameWords(_ name: String) -> [String] {
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        return folded.split { !$0.isLetter && !$0.isNumber && $0 != "'" && $0 != "’" }
            .map { $0.filter { $0 != "'" && $0 != "’" } }
            .filter { !$0.isEmpty }
    }

    /// ``foldedNameWords(_:)`` of an ASCII name, on its bytes: folding is lowercasing there, and the letters and
    /// digits are a–z, 0–9 (a test holds the two equal on random ASCII names).
    static func asciiNameWords(_ name: String) -> [String] {
        var words: [String] = []
        var word: [UInt8] = []
        func flush() {
            if !word.isEmpty { words.append(String(decoding: word, as: UTF8.self)); word.removeAll(keepingCapacity: true) }
        }
        for b in name.utf8 {
            switch b {
            case UInt8(ascii: "a") ... UInt8(ascii: "z"), UInt8(ascii: "0") ... UInt8(ascii: "9"): word.append(b)
            case UInt8(ascii: "A") ... UInt8(ascii: "Z"): word.append(b + 32)
            case UInt8(ascii: "'"): continue
            default: flush()
            }
        }
        flush()
        return words
    }

    /// The handles a text addresses (`@name`), as keys: whom a reply is for.
    public static func addressedHandles(in text: String) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while let at = rest.firstIndex(of: "@") {
            // An e-mail address has a word character before its @.
            let before = at > rest.startIndex ? rest[rest.index(before: at)] : " "
            let after = rest[rest.index(after: at)...]
            let name = after.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" }
            let trimmed = name.trimmingCharacters(in: CharacterSet(charactersIn: ".-"))
            if !(before.isLetter || before.isNumber), !trimmed.isEmpty {
                // Mastodon's @jane@mastodon.social: the whole address first, then the bare name.
                var whole: String?
                let afterName = after.dropFirst(name.count)
                if afterName.first == "@" {
                    let host = afterName.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }
                        .trimmingCharacters(in: CharacterSet(charactersIn: ".-"))
                    if host.contains(".") { whole = "handle:" + trimmed.lowercased() + "@" + host.lowercased() }
                }
                for key in [whole, "handle:" + trimmed.lowercased()].compactMap({ $0 }) where !out.contains(key) { out.append(key) }
                rest = afterName.first == "@" ? afterName.dropFirst() : afterName
                continue
            }
            rest = after
        }
        return out
    }
}

/// The brand's own accounts (`brand_accounts:`): handles, author names and e-mail or web domains.
/// A mention written by one of them is the brand speaking: never a customer, never a case.
public struct BrandAccounts: Sendable, Equatable {
    var keys: Set<String> = []
    var domains: [String] = []

    public init(_ entries: [String]) {
        for entry in entries {
            let t = entry.trimmingCharacters(in: .whitespaces)
            if let handle = CustomerIdentity.handleKey(t) {
                keys.insert(handle)
            } else if let email = CustomerIdentity.emailKey(t) {
                keys.insert(email)
            } else if !t.contains(" "), t.contains("."), !t.hasSuffix(".") {
                // A domain: its mail addresses and its web profiles are the brand's.
                let lower = t.lowercased()
                domains.append(lower.hasPrefix("www.") ? String(lower.dropFirst(4)) : lower)
            } else if let name = CustomerIdentity.nameKey(t) {
                keys.insert(name)
            }
        }
    }

    public var isEmpty: Bool { keys.isEmpty && domains.isEmpty }

    /// Whether an author with these identity keys is the brand.
    public func owns(_ identity: CustomerIdentity) -> Bool {
        for key in identity.keys {
            if keys.contains(key) { return true }
            if key.hasPrefix("email:"), let at = key.firstIndex(of: "@") {
                // The brand's mail: its domain and its subdomains (help.acme.example).
                let host = key[key.index(after: at)...]
                if domains.contains(where: { host == $0 || host.hasSuffix("." + $0) }) { return true }
            } else if key.hasPrefix("url:") {
                // A profile on the brand's own site; not a forum on a subdomain it hosts for customers.
                let host = key.dropFirst(4).prefix { $0 != "/" }
                if domains.contains(where: { host == $0 }) { return true }
            }
        }
        return false
    }
}
