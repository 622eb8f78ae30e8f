import Foundation

/// A mention's date as its writer wrote it: the local time at the offset the source named.
///
/// A review written at 18:03 on 16 July in California is stored as the instant 01:03 on 17 July UTC, and
/// sorted and counted by that instant; shown to a person it reads 16 July, as on the page. A source that named
/// no zone gives no offset, and its dates are shown in UTC.
public enum WrittenTime {
    /// `2020-07-16T18:03:36-07:00`; `2020-07-17T01:03:36Z` when `offset` is nil or 0.
    public static func iso(_ date: Date, offset: Int?) -> String {
        let offset = offset.map { Self.isPlausible($0) ? $0 : 0 } ?? 0
        var t = time_t(date.timeIntervalSince1970.rounded(.down)) + time_t(offset)
        var parts = tm()
        gmtime_r(&t, &parts)
        var text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                          Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        if offset == 0 { return text + "Z" }
        text += String(format: "%@%02d:%02d", offset < 0 ? "-" : "+", abs(offset) / 3600, abs(offset) % 3600 / 60)
        return text
    }

    /// Real zones lie between UTC-12 and UTC+14; anything else is a source's mistake, shown in UTC.
    static func isPlausible(_ offset: Int) -> Bool { (-12 * 3600...14 * 3600).contains(offset) }
}
