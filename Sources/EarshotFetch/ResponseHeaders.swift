import Foundation

/// The header fields of one response hop that the fetcher reads, with their values parsed.
struct ResponseHeaders {
    /// The fields kept (names lowercased), in order; the others are skipped unread.
    private(set) var fields: [(name: String, value: String)] = []

    /// The fields anything here reads.
    static let wanted: Set<String> = ["content-type", "etag", "last-modified", "cache-control", "retry-after"]

    /// Adds one raw header line as libcurl delivers it (bytes, with its CRLF). A status line
    /// starts a new hop's header block (after `100 Continue`, or a proxy's `CONNECT` answer), so it clears.
    mutating func add(line raw: UnsafeRawBufferPointer) {
        let bytes = raw.bindMemory(to: UInt8.self)
        var start = 0, end = bytes.count
        while start < end, Self.isSpace(bytes[start]) { start += 1 }
        while end > start, Self.isSpace(bytes[end - 1]) { end -= 1 }
        let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
        if line.starts(with: Self.statusPrefix) { fields.removeAll(); return }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        var nameEnd = colon
        while nameEnd > 0, Self.isSpace(line[nameEnd - 1]) { nameEnd -= 1 }
        let name = String(decoding: line[..<nameEnd].lazy.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
        guard Self.wanted.contains(name) else { return }
        var valueStart = colon + 1
        while valueStart < line.count, Self.isSpace(line[valueStart]) { valueStart += 1 }
        fields.append((name, String(decoding: UnsafeBufferPointer(rebasing: line[valueStart...]), as: UTF8.self)))
    }

    private static let statusPrefix = Array("HTTP/".utf8)
    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }

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
