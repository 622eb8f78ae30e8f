import Foundation

/// Parses the date forms found in feeds and review pages, the way feedparser does:
/// RFC 822/1123 and their wild variants, W3CDTF/ISO 8601, asctime, and a few regional forms.
/// Results are UTC instants; nil when the text is not a date. ``parseWritten(_:)`` also keeps the offset the text
/// was written in, so a date can be shown as its writer saw it.
public enum DateParser {
    public static func parse(_ s: String) -> Date? { parseWritten(s)?.date }

    /// The instant, and the offset east of UTC the text named ("-07:00", "PDT", "GMT"); the offset is nil when the
    /// text named no zone (a bare day, or a time read as UTC) or one this reader does not know.
    public static func parseWritten(_ s: String) -> WrittenDate? {
        guard var written = readWritten(s) else { return nil }
        // No real zone lies outside UTC-12...UTC+14: such an offset is a source's mistake, and no writer's clock.
        if let offset = written.offset, !WrittenDate.realOffsets.contains(offset) { written.offset = nil }
        return written
    }

    static func readWritten(_ s: String) -> WrittenDate? {
        // Printable ASCII at both ends (nearly every date) needs no trimming.
        let text: String
        if let first = s.utf8.first, let last = s.utf8.last, first > 0x20, first < 0x7F, last > 0x20, last < 0x7F {
            text = s
        } else {
            text = s.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if text.isEmpty { return nil }
        if let d = parseW3CDTF(text) { return d }
        if let d = parseCommonRFC822(text) { return d }
        if let d = parseRFC822(text) { return d }
        return nil
    }

    // MARK: - W3CDTF / ISO 8601

    static func parseW3CDTF(_ text: String) -> WrittenDate? {
        // Every W3CDTF date starts with a digit of its year: RFC 822 dates ("Tue, ...") end here, without a copy.
        guard let first = text.utf8.first, first >= 48 && first <= 57 else { return nil }
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in 0..<n { let c = b[i + k]; guard c >= 48 && c <= 57 else { return nil }; v = v * 10 + Int(c - 48) }
            i += n
            return v
        }
        guard let year = digits(4) else { return nil }
        var month = 1, day = 1, hour = 0, minute = 0, second = 0.0, offset = 0, zoned = false
        if i < b.count, b[i] == UInt8(ascii: "-") {
            i += 1
            guard let m = digits(2) else { return nil }
            month = m
            if i < b.count, b[i] == UInt8(ascii: "-") {
                i += 1
                guard let d = digits(2) else { return nil }
                day = d
            }
        } else if let m = digits(2) {
            month = m
            guard let d = digits(2) else { return nil }
            day = d
        }
        if i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "t") {
            i += 1
            guard let h = digits(2) else { return nil }
            hour = h
            if i < b.count, b[i] == UInt8(ascii: ":") { i += 1 }
            guard let mi = digits(2) else { return nil }
            minute = mi
            if i < b.count, b[i] == UInt8(ascii: ":") {
                i += 1
                guard let sec = digits(2) else { return nil }
                second = Double(sec)
                if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                    i += 1
                    while i < b.count, b[i] >= 48 && b[i] <= 57 { i += 1 }
                }
            }
            if i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
                    i += 1
                    zoned = true
                } else if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                    i += 1
                    guard let oh = digits(2) else { return nil }
                    if i < b.count, b[i] == UInt8(ascii: ":") { i += 1 }
                    let om = digits(2) ?? 0
                    offset = (oh * 60 + om) * 60 * (c == UInt8(ascii: "-") ? -1 : 1)
                    zoned = true
                }
            }
        }
        while i < b.count, b[i] == 32 { i += 1 }
        guard i == b.count else { return nil }
        return makeDate(year: year, month: month, day: day, hour: hour, minute: minute, second: Int(second), offset: offset)
            .map { WrittenDate(date: $0, offset: zoned ? offset : nil) }
    }

    // MARK: - RFC 822 and variants

    static let months: [String: Int] = ["jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
                                        "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12]
    static let zones: [String: Int] = ["ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5,
                                       "mst": -7, "mdt": -6, "pst": -8, "pdt": -7, "a": -1, "n": 1, "m": -12, "y": 12]

    static func parseRFC822(_ text: String) -> WrittenDate? {
        var parts = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
        guard !parts.isEmpty else { return nil }
        if parts[0].hasSuffix(".") { parts[0].removeLast() }
        if parts[0].count >= 3, parts[0].allSatisfy(\.isLetter), months[String(parts[0].prefix(3))] == nil { parts.removeFirst() }
        guard parts.count >= 3 else { return nil }
        var day: Int?, month: Int?, year: Int?
        if let d = Int(parts[0]), let m = months[String(parts[1].prefix(3))] { day = d; month = m }
        else if let m = months[String(parts[0].prefix(3))], let d = Int(parts[1]) { day = d; month = m }
        // asctime: "Sun Jan  4 16:29:06 2004" (the time before the year).
        if parts.count >= 4, parts[2].utf8.contains(UInt8(ascii: ":")), Int(parts[3]) != nil, parts[3].count == 4 {
            parts.swapAt(2, 3)
        }
        guard let day, let month, var y = Int(parts[2]) else { return nil }
        if parts[2].count == 2 { y += y < 90 ? 2000 : 1900 }
        year = y
        var hour = 0, minute = 0, second = 0, offset = 0, zoned = false
        var rest = Array(parts.dropFirst(3))
        if let t = rest.first, t.utf8.contains(UInt8(ascii: ":")) {
            let hms = t.split(separator: ":").map { Int($0) }
            guard hms.count >= 2, let h = hms[0], let mi = hms[1] else { return nil }
            hour = h; minute = mi
            if hms.count > 2 { guard let s = hms[2] else { return nil }; second = s }
            rest.removeFirst()
        }
        // RFC 822's one-letter military zones have their signs reversed (RFC 1123, 5.2.14): they set the instant
        // as before, but name no writer's clock.
        if let z = rest.first, let known = knownZoneOffset(z) { offset = known; zoned = z.count > 1 || z == "z" }
        return makeDate(year: year!, month: month, day: day, hour: hour, minute: minute, second: second, offset: offset)
            .map { WrittenDate(date: $0, offset: zoned ? offset : nil) }
    }

    /// The offset east of UTC in seconds of a lowercased zone token ("gmt", "est", "+0530", "gmt+2"); nil for a
    /// token it does not know (the date is then read as UTC).
    static func knownZoneOffset(_ z: String) -> Int? {
        var zone = z
        if zone.hasPrefix("gmt") || zone.hasPrefix("utc") , zone.count > 3 { zone = String(zone.dropFirst(3)) }
        if let h = zones[zone] { return h * 3600 }
        if let f = zone.first, f == "+" || f == "-" {
            let digits = zone.dropFirst().filter(\.isNumber)
            // hh or hhmm: longer runs of digits are no zone (and would overflow).
            if digits.count <= 4, let v = Int(digits) {
                let (h, m) = digits.count <= 2 ? (v, 0) : (v / 100, v % 100)
                return (h * 3600 + m * 60) * (f == "-" ? -1 : 1)
            }
        }
        return nil
    }

    /// The form nearly every feed uses, "Tue, 10 Jun 2003 04:00:00 GMT" (any zone token), read straight from
    /// the bytes. It gives what ``parseRFC822(_:)`` gives for such text; nil for anything else, which the
    /// general reader then handles.
    static func parseCommonRFC822(_ text: String) -> WrittenDate? {
        var source = text
        return source.withUTF8 { b -> WrittenDate? in
            var i = 0
            func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
            func expect(_ c: UInt8) -> Bool { guard i < b.count, b[i] == c else { return false }; i += 1; return true }
            func number(_ minimum: Int, _ maximum: Int) -> Int? {
                var v = 0, n = 0
                while i < b.count, n < maximum, isDigit(b[i]) { v = v * 10 + Int(b[i] - 48); n += 1; i += 1 }
                return n >= minimum ? v : nil
            }
            func word() -> UInt32? {   // three ASCII letters, lowercased, packed (see `month(packed:)`)
                guard i + 3 <= b.count else { return nil }
                var packed: UInt32 = 0
                for k in 0..<3 {
                    let c = b[i + k] | 0x20
                    guard c >= 97 && c <= 122 else { return nil }
                    packed = packed << 8 | UInt32(c)
                }
                i += 3
                return packed
            }
            guard let weekday = word(), month(packed: weekday) == nil, expect(UInt8(ascii: ",")), expect(0x20),
                  let day = number(1, 2), expect(0x20),
                  let monthName = word(), let month = month(packed: monthName), expect(0x20),
                  let year = number(4, 4), expect(0x20),
                  let hour = number(2, 2), expect(UInt8(ascii: ":")), let minute = number(2, 2), expect(UInt8(ascii: ":")),
                  let second = number(2, 2), expect(0x20) else { return nil }
            // The zone: the rest, one token of at most five ASCII characters.
            let rest = UnsafeBufferPointer(rebasing: b[i...])
            guard (1...5).contains(rest.count),
                  rest.allSatisfy({ $0 > 0x20 && $0 < 0x80 && $0 != UInt8(ascii: ",") }) else { return nil }
            let token = String(decoding: rest, as: UTF8.self).lowercased()
            let offset = numericZoneOffset(rest) ?? knownZoneOffset(token)
            let military = rest.count == 1 && token != "z"   // see parseRFC822
            return makeDate(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                            offset: offset ?? 0).map { WrittenDate(date: $0, offset: military ? nil : offset) }
        }
    }

    /// The month of a lowercased three-letter name packed big-endian into a word ("jan" is 0x6A616E), as
    /// ``months`` has it; nil for any other word. Compares words: no String per date.
    static func month(packed: UInt32) -> Int? {
        switch packed {
        case 0x6A616E: return 1    // jan
        case 0x666562: return 2    // feb
        case 0x6D6172: return 3    // mar
        case 0x617072: return 4    // apr
        case 0x6D6179: return 5    // may
        case 0x6A756E: return 6    // jun
        case 0x6A756C: return 7    // jul
        case 0x617567: return 8    // aug
        case 0x736570: return 9    // sep
        case 0x6F6374: return 10   // oct
        case 0x6E6F76: return 11   // nov
        case 0x646563: return 12   // dec
        default: return nil
        }
    }

    /// A "+hhmm" or "-hhmm" zone (the commonest), what ``knownZoneOffset(_:)`` makes of it; nil for other tokens.
    static func numericZoneOffset(_ z: UnsafeBufferPointer<UInt8>) -> Int? {
        guard z.count == 5, z[0] == UInt8(ascii: "+") || z[0] == UInt8(ascii: "-"),
              z[1...].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let hours = Int(z[1] - 48) * 10 + Int(z[2] - 48), minutes = Int(z[3] - 48) * 10 + Int(z[4] - 48)
        return (hours * 3600 + minutes * 60) * (z[0] == UInt8(ascii: "-") ? -1 : 1)
    }

    // MARK: - Helpers

    /// A UTC date from civil fields and an offset east of UTC in seconds; nil when a field is out of range.
    static func makeDate(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offset: Int) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day), (0...24).contains(hour),
              (0...59).contains(minute), (0...61).contains(second) else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}

/// A date as a document wrote it: the UTC instant, and the offset east of UTC (in seconds) its text named.
public struct WrittenDate: Sendable, Equatable {
    public var date: Date
    /// nil when the text named no zone: the writer's own day is then not known, and the instant is read as UTC.
    public var offset: Int?
    public init(date: Date, offset: Int?) { self.date = date; self.offset = offset }

    /// The offsets of real zones, UTC-12 to UTC+14, in seconds east of UTC.
    public static let realOffsets = -12 * 3600...14 * 3600
}
