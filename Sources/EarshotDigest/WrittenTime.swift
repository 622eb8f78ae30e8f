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
        // Written digit by digit (an alert and an exported row each write one: String(format:) cost more than the rest).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(25)
        func digits(_ value: Int, _ width: Int) {
            if value < 0 { bytes.append(UInt8(ascii: "-")); digits(-value, width - 1); return }
            var text = Array(String(value).utf8)
            while text.count < width { text.insert(UInt8(ascii: "0"), at: 0) }
            bytes += text
        }
        digits(Int(parts.tm_year) + 1900, 4); bytes.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2); bytes.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2); bytes.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2); bytes.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2); bytes.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        if offset == 0 {
            bytes.append(UInt8(ascii: "Z"))
        } else {
            bytes.append(UInt8(ascii: offset < 0 ? "-" : "+"))
            digits(abs(offset) / 3600, 2); bytes.append(UInt8(ascii: ":"))
            digits(abs(offset) % 3600 / 60, 2)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Real zones lie between UTC-12 and UTC+14; anything else is a source's mistake, shown in UTC.
    static func isPlausible(_ offset: Int) -> Bool { (-12 * 3600...14 * 3600).contains(offset) }
}
