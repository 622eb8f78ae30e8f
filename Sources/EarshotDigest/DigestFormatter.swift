import Foundation

/// Dates and numbers as the digest shows them, the same in every format.
///
/// Times are shown in the report's time zone (UTC unless it names a known zone); chart days are UTC
/// days, because the store buckets mentions by UTC midnight.
struct DigestFormatter {
    let zone: TimeZone
    /// The zone's name as shown to the reader ("UTC", "Europe/Berlin").
    let zoneName: String
    private let dateTimeFormat: DateFormatter
    private let dateFormat: DateFormatter
    private let weekdayDateFormat: DateFormatter
    private let dayFormat: DateFormatter
    private let timeFormat: DateFormatter

    init(timeZone identifier: String) {
        let zone = TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC")!
        self.zone = zone
        self.zoneName = zone.identifier == "GMT" ? "UTC" : zone.identifier
        func make(_ format: String, _ zone: TimeZone) -> DateFormatter {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.calendar = Calendar(identifier: .gregorian)
            f.timeZone = zone
            f.dateFormat = format
            return f
        }
        dateTimeFormat = make("EEE d MMM, HH:mm", zone)
        dateFormat = make("d MMM yyyy", zone)
        weekdayDateFormat = make("EEE d MMM yyyy", zone)
        timeFormat = make("HH:mm", zone)
        dayFormat = make("d MMM", TimeZone(identifier: "UTC")!)
    }

    /// "Tue 3 Nov, 14:05"
    func dateTime(_ date: Date) -> String { dateTimeFormat.string(from: date) }
    /// "3 Nov 2026"
    func date(_ date: Date) -> String { dateFormat.string(from: date) }
    /// "14:05"
    func time(_ date: Date) -> String { timeFormat.string(from: date) }
    /// "3 Nov", for UTC chart days.
    func day(_ date: Date) -> String { dayFormat.string(from: date) }

    /// "Tue 3 Nov 2026" or "Mon 2 Nov – Sun 8 Nov 2026".
    ///
    /// Periods end at an exclusive boundary (the next midnight), so the last day shown is the day of
    /// the instant just before `end`.
    func period(_ interval: DateInterval) -> String {
        let lastInstant = interval.duration > 1 ? interval.end.addingTimeInterval(-1) : interval.end
        let first = weekdayDateFormat.string(from: interval.start)
        let last = weekdayDateFormat.string(from: lastInstant)
        if first == last { return first }
        return "\(first) – \(last)"
    }

    /// A time span within a day or across days: "Tue 3 Nov, 14:00–18:00".
    func span(_ start: Date, _ end: Date?) -> String {
        guard let end else { return "\(dateTime(start)) – ongoing" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        if calendar.isDate(start, inSameDayAs: end) { return "\(dateTime(start))–\(time(end))" }
        return "\(dateTime(start)) – \(dateTime(end))"
    }

    // MARK: - Numbers

    /// "18.3%"
    static func percent(_ share: Double) -> String {
        guard share.isFinite else { return "–" }
        return String(format: "%.1f%%", share * 100)
    }

    /// "+4.2 pp", "-1.0 pp"
    static func percentagePoints(_ delta: Double) -> String {
        signed(delta * 100, decimals: 1) + " pp"
    }

    /// "+0.32"
    static func signed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "–" }
        let rounded = String(format: "%.\(decimals)f", abs(value))
        if Double(rounded) == 0 { return String(format: "%.\(decimals)f", 0.0) }
        return (value < 0 ? "-" : "+") + rounded
    }

    /// "4.1"
    static func decimal(_ value: Double, _ decimals: Int = 1) -> String {
        guard value.isFinite else { return "–" }
        return String(format: "%.\(decimals)f", value)
    }

    /// "45 min", "3 h 10 min", "2 d 4 h": a wait.
    static func wait(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds.rounded()))
        if s >= 86_400 { return "\(s / 86_400) d \(s % 86_400 / 3600) h" }
        if s >= 3600 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        return "\(max(1, s / 60)) min"
    }

    /// "12,345"
    static func int(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// "1 customer", "3 customers"
    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(int(n)) \(n == 1 ? singular : (plural ?? singular + "s"))"
    }

    /// A rating on its own scale, as "2/5" or "7/10"; on a 5-star scale when no best rating is known.
    static func rating(_ rating: Double, best: Double?) -> String {
        let best = best ?? 5
        func whole(_ x: Double) -> String {
            x.isFinite && abs(x) < 1e9 && x == x.rounded() ? String(Int(x)) : decimal(x)
        }
        let value = whole(rating)
        let scale = whole(best)
        return "\(value)/\(scale)"
    }
}
