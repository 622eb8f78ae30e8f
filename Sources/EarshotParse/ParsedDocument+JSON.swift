import Foundation

extension ParsedDocument {
    /// The JSON document `earshot parse` prints (the contract in the feed-parser issue):
    /// text fields as strings or null, times as UTC `YYYY-MM-DDTHH:MM:SSZ`, ratings as numbers or null.
    public func contractJSON() -> String {
        var out = "{"
        out.reserveCapacity(estimatedJSONBytes())
        out += "\"kind\":" + JSONText.string(kind.rawValue)
        out += ",\"title\":" + JSONText.optional(title)
        out += ",\"link\":" + JSONText.optional(link)
        out += ",\"subtitle\":" + JSONText.optional(subtitle)
        out += ",\"language\":" + JSONText.optional(language)
        out += ",\"updated\":" + JSONText.optional(updated.map(ContractDate.format))
        out += ",\"entries\":["
        for (index, entry) in entries.enumerated() {
            if index > 0 { out += "," }
            out += "{\"id\":" + JSONText.optional(entry.id)
            out += ",\"title\":" + JSONText.optional(entry.title)
            out += ",\"link\":" + JSONText.optional(entry.link)
            out += ",\"author\":" + JSONText.optional(entry.author)
            out += ",\"published\":" + JSONText.optional(entry.published.map(ContractDate.format))
            out += ",\"updated\":" + JSONText.optional(entry.updated.map(ContractDate.format))
            out += ",\"summary\":" + JSONText.optional(entry.summary)
            out += ",\"content\":" + JSONText.optional(entry.content)
            out += ",\"rating\":" + JSONText.number(entry.rating)
            out += ",\"best_rating\":" + JSONText.number(entry.bestRating)
            out += ",\"worst_rating\":" + JSONText.number(entry.worstRating)
            out += "}"
        }
        out += "],\"warnings\":[" + warnings.map(JSONText.string).joined(separator: ",") + "]}"
        return out
    }
}

extension ParsedDocument {
    /// About the size of ``contractJSON()``, reserved up front: growing a string by doubling would hold the
    /// old and the new buffer at once (for a 50 MB feed, tens of megabytes more at peak).
    func estimatedJSONBytes() -> Int {
        func length(_ s: String?) -> Int { s?.utf8.count ?? 4 }
        // Keys, punctuation, dates and nulls: under 300 bytes per entry; 1/16 more for escapes.
        var total = 512 + length(title) + length(link) + length(subtitle) + warnings.reduce(0) { $0 + $1.utf8.count + 3 }
        for e in entries {
            total += 300 + length(e.id) + length(e.title) + length(e.link) + length(e.author) + length(e.summary) + length(e.content)
        }
        return total + total / 16
    }
}

/// UTC `YYYY-MM-DDTHH:MM:SSZ`, without Foundation's formatter cost.
public enum ContractDate {
    public static func format(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
    }
}

/// Minimal JSON writing for the contract: strings escaped per RFC 8259.
public enum JSONText {
    public static func optional(_ s: String?) -> String { s.map(string) ?? "null" }

    public static func number(_ d: Double?) -> String {
        guard let d, d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }

    public static func string(_ s: String) -> String {
        // Most text needs no escaping: one scan of the bytes, then one copy.
        var text = s
        let plain = text.withUTF8 { bytes in !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) }
        if plain { return "\"" + s + "\"" }
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
