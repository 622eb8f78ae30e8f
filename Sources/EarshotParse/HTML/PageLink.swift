import Foundation

/// Links on a page, made absolute against the page URL.
enum PageLink {
    /// `reference` resolved against `base`; nil for empty, fragment-only `#` and `javascript:` links.
    static func resolve(_ reference: String?, against base: URL?) -> String? {
        guard let reference = reference?.trimmingCharacters(in: .whitespacesAndNewlines), !reference.isEmpty,
              reference != "#", !reference.lowercased().hasPrefix("javascript:") else { return nil }
        // Pages write spaces and non-ASCII into hrefs; URL(string:) wants them percent-encoded.
        let encoded = URL(string: reference) != nil ? reference
            : (reference.addingPercentEncoding(withAllowedCharacters: allowed) ?? reference)
        if let base, let url = URL(string: encoded, relativeTo: base) {
            return url.absoluteString
        }
        return URL(string: encoded)?.absoluteString ?? reference
    }

    /// Everything a URL may hold unencoded, plus `%` and `#` so existing escapes and fragments survive.
    private static let allowed: CharacterSet = {
        var set = CharacterSet.urlQueryAllowed
        set.formUnion(.urlPathAllowed)
        set.formUnion(.urlFragmentAllowed)
        set.insert(charactersIn: "%#")
        return set
    }()
}
