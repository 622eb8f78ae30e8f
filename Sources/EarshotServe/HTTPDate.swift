import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// HTTP dates (RFC 9110 IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`), independent of locale.
public enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func format(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// Parses IMF-fixdate (and the RFC 850 / asctime forms loosely: day, month name, year, time).
    public static func parse(_ text: String) -> Date? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" }).map(String.init)
        var day: Int?, month: Int?, year: Int?, clock: [Int]?
        for token in tokens {
            if token.contains(":") {
                let p = token.split(separator: ":").compactMap { Int($0) }
                if p.count == 3 { clock = p }
            } else if let m = months.firstIndex(where: { $0.caseInsensitiveCompare(token) == .orderedSame }) {
                month = m
            } else if let n = Int(token) {
                if n > 31 || day != nil { year = n < 100 ? (n < 70 ? 2000 + n : 1900 + n) : n } else { day = n }
            }
        }
        guard let d = day, let m = month, let y = year, let c = clock else { return nil }
        var parts = tm()
        parts.tm_year = Int32(y - 1900); parts.tm_mon = Int32(m); parts.tm_mday = Int32(d)
        parts.tm_hour = Int32(c[0]); parts.tm_min = Int32(c[1]); parts.tm_sec = Int32(c[2])
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}
