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
        add(profile.flatMap(Self.urlKey))
        if let author, Self.handleKey(author) == nil { add(Self.nameKey(Self.displayName(author))) }
        self.keys = keys
    }

    /// "jane@example.com" → `email:jane@example.com`.
    static func emailKey(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: CharacterSet(charactersIn: " <>()[],;:\"'")).lowercased()
        guard let at = t.firstIndex(of: "@"), at != t.startIndex, t[t.index(after: at)...].contains("."),
              !t.contains(" "), !t.hasPrefix("@") else { return nil }
        return "email:" + t
    }

    /// `@Name`, `/u/name`, `u/name` → `handle:name` (Mastodon's `@name@host` keeps its host).
    static func handleKey(_ author: String) -> String? {
        let t = author.trimmingCharacters(in: .whitespaces).lowercased()
        var handle: Substring?
        if t.hasPrefix("@") { handle = t.dropFirst() }
        else if t.hasPrefix("/u/") { handle = t.dropFirst(3) }
        else if t.hasPrefix("u/") { handle = t.dropFirst(2) }
        guard let h = handle, !h.isEmpty, !h.contains(" ") else { return nil }
        return "handle:" + h
    }

    /// A profile link without scheme, `www.`, query, fragment or trailing slash, lower-cased host.
    static func urlKey(_ text: String) -> String? {
        guard let url = URLComponents(string: text.trimmingCharacters(in: .whitespaces)), let host = url.host?.lowercased(),
              !host.isEmpty else { return nil }
        var path = url.path
        while path.hasSuffix("/") { path.removeLast() }
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

    /// Case, accents, punctuation and spacing folded: "  José  O'Neil " → `name:jose oneil`.
    static func nameKey(_ name: String) -> String? {
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        let words = folded.split { !$0.isLetter && !$0.isNumber && $0 != "'" && $0 != "’" }
            .map { $0.filter { $0 != "'" && $0 != "’" } }
            .filter { !$0.isEmpty }
        guard !words.isEmpty, emailKey(name) == nil else { return nil }
        return "name:" + words.joined(separator: " ")
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
                let key = "handle:" + trimmed.lowercased()
                if !out.contains(key) { out.append(key) }
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
            let host: Substring
            if key.hasPrefix("email:"), let at = key.firstIndex(of: "@") { host = key[key.index(after: at)...] }
            else if key.hasPrefix("url:") { host = key.dropFirst(4).prefix { $0 != "/" } }
            else { continue }
            if domains.contains(where: { host == $0 || host.hasSuffix("." + $0) }) { return true }
        }
        return false
    }
}
