import Foundation

/// Parses HTTP dates (IMF-fixdate and the older RFC 850 / asctime forms) for `Retry-After`.
enum HTTPDateParser {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func parse(_ text: String) -> Date? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" }).map { $0.lowercased() }
        var day: Int?, month: Int?, year: Int?, clock: [Int]?
        for token in tokens {
            if token.contains(":") {
                let p = token.split(separator: ":").compactMap { Int($0) }
                if p.count == 3 { clock = p }
            } else if let m = months.firstIndex(of: String(token.prefix(3))), token.count >= 3, Int(token) == nil {
                month = m + 1
            } else if let n = Int(token) {
                if n > 31 || day != nil { year = n < 100 ? (n < 70 ? 2000 + n : 1900 + n) : n } else { day = n }
            }
        }
        guard let d = day, let m = month, let y = year, let c = clock else { return nil }
        var comps = DateComponents()
        comps.year = y; comps.month = m; comps.day = d; comps.hour = c[0]; comps.minute = c[1]; comps.second = c[2]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: comps)
    }
}

extension HTTPDateParser {
    /// IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func format(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f.string(from: date)
    }
}
