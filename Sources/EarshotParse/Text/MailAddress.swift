/// An author's e-mail address as documents write it, made bare.
enum MailAddress {
    /// `email` without `mailto:` or a `?subject=...` (feedparser keeps both in author_detail; schema.org
    /// `email` is often a `mailto:` link), trimmed; nil when nothing is left.
    static func bare(_ email: String?) -> String? {
        guard var address = email?.trimmingSpaces(), !address.isEmpty else { return nil }
        if address.lowercased().hasPrefix("mailto:") { address.removeFirst(7) }
        if let query = address.firstIndex(of: "?") { address = String(address[..<query]) }
        address = address.trimmingSpaces()
        return address.isEmpty ? nil : address
    }
}
