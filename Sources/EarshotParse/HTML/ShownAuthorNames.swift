import CLibXML2
import Foundation

/// Reviewers a page's structured data names otherwise than the page shows them: by a handle
/// ("OlympiaProdafikas", "Hi95468") where the page shows the name ("Olympia Prodafikas") on a link to their
/// profile. The review takes the name the page shows, and the profile link (the firmest identity a review page
/// gives) when it has none. Two ways to find the link:
/// - **By handle:** an author written as one word, and a link whose path ends in a profile folder (`profile/`,
///   `user/`, `members/`, `u/`…) and that handle, exactly; every such link with words shows the same words.
/// - **Beside the words:** for an author written as one word (or none), the smallest element around a profile
///   link that holds the review's words holds no other review's, little else (at most three times the review's
///   letters and 300 more), and no other profile name: the page's block for that review, the link its author's.
///
/// The identity of a review without an address hashes its author: a page that later shows a second profile name
/// in the block (a reply) gives the handle back, and the review is stored once more. Rare, and the price of the
/// name people see; reviews with a `url` or `@id` are not affected.
/// A "View profile" beside the name is no name; anything doubtful leaves the structured author as it is.
enum ShownAuthorNames {
    static let profileFolders: Set<String> = ["profile", "profiles", "user", "users", "u", "member", "members", "people",
                                              "author", "authors", "reviewer", "reviewers", "cook", "cooks", "chef"]

    static func apply(_ entries: [ParsedEntry], document: HTMLDocument, base: URL?) -> [ParsedEntry] {
        guard !entries.isEmpty else { return entries }
        let handles = Set(entries.compactMap(\.author).filter { !$0.isEmpty && !$0.contains(where: \.isWhitespace) })
        var shown: [String: (names: Set<String>, link: String)] = [:]
        for link in document.elements("//a[@href]") where !handles.isEmpty {
            guard let href = link.attribute("href"), let handle = profileHandle(href), handles.contains(handle),
                  let name = HTMLText.text(of: link), !name.isEmpty, name != handle else { continue }
            shown[handle, default: ([], PageLink.resolve(href, against: base) ?? href)].names.insert(name)
        }
        let beside = besideTheWords(entries, document: document, base: base)
        return entries.enumerated().map { n, entry in
            var entry = entry
            if let author = entry.author, let found = shown[author], found.names.count == 1, let name = found.names.first, isName(name) {
                entry.author = name
                if entry.authorURI == nil { entry.authorURI = found.link }
            } else if let found = beside[n], entry.author.map({ !$0.contains(where: \.isWhitespace) }) ?? true {
                entry.author = found.name
                if entry.authorURI == nil { entry.authorURI = found.link }
            }
            return entry
        }
    }

    /// For each review (by index) the one profile name shown in its block, when exactly one is.
    static func besideTheWords(_ entries: [ParsedEntry], document: HTMLDocument, base: URL?) -> [Int: (name: String, link: String)] {
        var keys: [(index: Int, key: String)] = []
        for (n, entry) in entries.enumerated() {
            // The first 40 letters, or all of a short review's (12 at least: "My family loved this!").
            let letters = RatedCommentReader.letterKey(entry.content ?? "")
            let key = String(letters.prefix(40))
            if key.count >= 20 || (key.count >= 12 && key.count == letters.count) { keys.append((n, key)) }
        }
        guard !keys.isEmpty else { return [:] }
        var found: [Int: Set<String>] = [:]
        var links: [Int: String] = [:]
        var textOf: [xmlNodePtr: String] = [:]
        func letters(_ node: HTMLNode) -> String {
            if let known = textOf[node.pointer] { return known }
            let text = RatedCommentReader.letterKey(HTMLText.text(of: node) ?? "")
            textOf[node.pointer] = text
            return text
        }
        for link in document.elements("//a[@href]") {
            guard let href = link.attribute("href"), profileHandle(href) != nil,
                  let name = HTMLText.text(of: link), !name.isEmpty, isName(name) else { continue }
            var up = link.parent
            var level = 0
            while let block = up, level < 8 {
                level += 1
                let text = letters(block)
                let held = keys.filter { text.contains($0.key) }
                if held.count > 1 { break }
                if let one = held.first {
                    let own = RatedCommentReader.letterKey(entries[one.index].content ?? "").count
                    if text.count <= own * 3 + 300 {
                        found[one.index, default: []].insert(name)
                        links[one.index] = PageLink.resolve(href, against: base) ?? href
                    }
                    break
                }
                up = block.parent
            }
        }
        var out: [Int: (name: String, link: String)] = [:]
        for (n, names) in found where names.count == 1 {
            if let name = names.first, let link = links[n], name != entries[n].author { out[n] = (name, link) }
        }
        return out
    }

    /// The last segment of a link's path when the one before it is a profile folder (`/profile/jane` → `jane`).
    static func profileHandle(_ href: String) -> String? {
        guard let path = URLComponents(string: href)?.path else { return nil }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 2, profileFolders.contains(parts[parts.count - 2].lowercased()) else { return nil }
        return String(parts[parts.count - 1])
    }

    /// Words that can be a person's name: a few words, no link wording ("View profile", "Profil ansehen").
    static func isName(_ text: String) -> Bool {
        let lower = text.lowercased()
        return text.count <= 60 && text.split(whereSeparator: \.isWhitespace).count <= 5
            && !lower.contains("profile") && !lower.contains("profil") && !lower.contains("http")
    }
}
