import Foundation

/// A digest period: `day` (yesterday), `week` (the last seven whole days), or `FROM..TO` (dates, inclusive).
public struct Period: Equatable {
    public var interval: DateInterval
    public var name: String

    public static func parse(_ text: String, now: Date) throws -> Period {
        let today = floor(now.timeIntervalSince1970 / 86_400) * 86_400
        switch text {
        case "day":
            return Period(interval: DateInterval(start: Date(timeIntervalSince1970: today - 86_400), duration: 86_400), name: "day")
        case "week":
            return Period(interval: DateInterval(start: Date(timeIntervalSince1970: today - 7 * 86_400), duration: 7 * 86_400), name: "week")
        default:
            let parts = text.components(separatedBy: "..")
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC"); f.dateFormat = "yyyy-MM-dd"
            guard parts.count == 2, let from = f.date(from: parts[0]), let to = f.date(from: parts[1]), to >= from else {
                throw AppError.usage("digest: '\(text)' is not a period; write day, week, or FROM..TO as 2026-11-01..2026-11-07")
            }
            return Period(interval: DateInterval(start: from, end: to.addingTimeInterval(86_400)), name: text)
        }
    }

    /// Identifies the period for "sent once" bookkeeping.
    public var key: String { "\(Int(interval.start.timeIntervalSince1970))-\(Int(interval.end.timeIntervalSince1970))" }
}
