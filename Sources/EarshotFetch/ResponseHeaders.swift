import Foundation

/// The header fields of one response hop, with the few values the fetcher needs parsed.
struct ResponseHeaders {
    /// Fields in order, names lowercased.
    private(set) var fields: [(name: String, value: String)] = []

    /// Adds one raw header line as libcurl delivers it. A status line starts a new hop's
    /// header block (after `100 Continue`, or a proxy's `CONNECT` answer), so it clears.
    mutating func add(line raw: String) {
        let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") { fields.removeAll(); return }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        fields.append((name, value))
    }

    func value(_ name: String) -> String? { fields.last { $0.name == name }?.value }

    /// Media type, lowercased, without parameters.
    var mediaType: String? {
        guard let ct = value("content-type") else { return nil }
        let type = ct.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return type.isEmpty ? nil : type
    }

    /// The `charset` parameter of `Content-Type`.
    var charset: String? {
        guard let ct = value("content-type") else { return nil }
        for param in ct.split(separator: ";").dropFirst() {
            let pair = param.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "charset" {
                let v = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'")).lowercased()
                return v.isEmpty ? nil : v
            }
        }
        return nil
    }

    /// `s-maxage` or `max-age` from `Cache-Control`; 0 for `no-cache`/`no-store`.
    var maxAge: TimeInterval? {
        guard let cc = value("cache-control")?.lowercased() else { return nil }
        var maxAge: TimeInterval?, shared: TimeInterval?, noCache = false
        for directive in cc.split(separator: ",") {
            let pair = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let value = pair.count == 2 ? TimeInterval(pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))) : nil
            switch pair[0] {
            case "max-age": maxAge = value
            case "s-maxage": shared = value
            case "no-cache", "no-store": noCache = true
            default: break
            }
        }
        if let s = shared ?? maxAge { return max(0, s) }
        return noCache ? 0 : nil
    }

    /// `Retry-After` as seconds from `now`: delta-seconds or an HTTP date.
    func retryAfter(now: Date = Date()) -> TimeInterval? {
        guard let v = value("retry-after") else { return nil }
        if let seconds = TimeInterval(v.trimmingCharacters(in: .whitespaces)) { return max(0, seconds) }
        if let date = HTTPDateParser.parse(v) { return max(0, date.timeIntervalSince(now)) }
        return nil
    }
}
