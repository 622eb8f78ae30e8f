import CLibXML2
import Foundation

/// A date as a page shows it to people: "October 20, 2019 at 9:14 pm", "20 October 2019", "3rd March 2021",
/// "27. September 2019 - 19:52", "12 mai 2022 à 15h03", "januar 4, 2022", "17.10.2022 13:25", "2022-10-17".
///
/// Month names in English, German, French, Dutch, Danish, Norwegian, Swedish, Spanish, Italian and Portuguese
/// (and English abbreviations); numeric dates day first with dots (the European way), ISO, or with slashes when
/// a number above 12 says which is the day, or the page's order does (``slashOrder(in:)``: "06/11/2014" reads both
/// ways, and is no date without it). A day needs its year: "03/04 at 5:28 pm", "6 days ago" are no date. The time,
/// when given, is taken as UTC (the page does not say its zone); without one, the day at 00:00 UTC.
enum VisibleDate {
    static let months: [String: Int] = {
        var m: [String: Int] = [:]
        let english = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
        for (i, name) in english.enumerated() { m[name] = i + 1; m[String(name.prefix(3))] = i + 1 }
        m["sept"] = 9
        let others: [[String]] = [
            ["januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "dezember"],
            ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
            ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
            ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"],
            ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"],
            ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
            ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"],
            ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"],
        ]
        for language in others {
            for (i, name) in language.enumerated() where m[name] == nil { m[name] = i + 1 }
        }
        m["maerz"] = 3; m["fevrier"] = 2; m["aout"] = 8; m["decembre"] = 12
        return m
    }()

    /// How a page writes a day with slashes: "6/2/24" is 2 June on a US shop, 6 February elsewhere.
    enum SlashOrder: Sendable { case monthFirst, dayFirst }

    /// The order the page's own slashed dates show (one whose first number is above 12 is day first, one whose
    /// second is, month first), else the page's language: US English month first, any other language (with a country
    /// for English) day first. Nil when the page's dates disagree, or it has none and names no language (or only
    /// "en"): its ambiguous dates stay unread.
    static func slashOrder(in document: HTMLDocument) -> SlashOrder? {
        var dayFirst = 0, monthFirst = 0
        func count(_ text: String) {
            for token in text.split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == "(" || $0 == ")" }) {
                guard let (a, b, _) = slashed(token) else { continue }
                if a > 12, a <= 31, (1...12).contains(b) { dayFirst += 1 }
                if b > 12, b <= 31, (1...12).contains(a) { monthFirst += 1 }
            }
        }
        if case .nodes(let nodes)? = document.evaluate("//text()[contains(., '/')]") {
            for node in nodes.prefix(5_000) where node.pointer.pointee.type == XML_TEXT_NODE { count(node.content) }
        }
        for element in document.elements("//*[contains(@datetime, '/') or contains(@content, '/')]").prefix(1_000) {
            for name in ["datetime", "content"] { if let value = element.attribute(name) { count(value) } }
        }
        if dayFirst > 0 || monthFirst > 0 {
            return dayFirst == 0 ? .monthFirst : monthFirst == 0 ? .dayFirst : nil
        }
        guard let lang = document.root?.attribute("lang")?.lowercased().replacingOccurrences(of: "_", with: "-"), !lang.isEmpty else { return nil }
        // Bare "en" says no country (a British shop on a platform that writes "en" prints 6/2/24 as 6 February).
        if lang == "en" { return nil }
        return lang.hasPrefix("en-us") ? .monthFirst : .dayFirst
    }

    /// "6/2/24", "09/04/2016": three numbers with slashes (day and month of one or two digits, a year of two or four).
    static func slashed<S: StringProtocol>(_ word: S) -> (Int, Int, Int)? {
        let parts = word.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 2 || parts[2].count == 4,
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let a = Int(parts[0]), let b = Int(parts[1]), var year = Int(parts[2]) else { return nil }
        if parts[2].count == 2 { year += year < 70 ? 2000 : 1900 }
        return (a, b, year)
    }

    static func parse(_ text: String, order: SlashOrder? = nil) -> Date? {
        let words = text.lowercased().split(whereSeparator: { $0.isWhitespace || $0 == "," })
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ".()[]")) }
        var month: Int?, day: Int?, year: Int?, hour = 0, minute = 0
        // A month's name counts beside a number ("Jan on April 29, 2023": a name, then the date), over
        // "de"/"of" ("14 de mayo de 2023").
        func besideANumber(_ i: Int) -> Bool {
            for step in [-1, 1] {
                var j = i + step
                if j >= 0, j < words.count, Self.connectors.contains(words[j]) { j += step }
                if j >= 0, j < words.count, words[j].first?.isNumber == true { return true }
            }
            return false
        }
        for (i, word) in words.enumerated() {
            if month == nil, let m = months[word], besideANumber(i) { month = m; continue }
            if day == nil, let numeric = numericDate(word, order: order) {
                (year, month, day) = numeric
                continue
            }
            if let (h, m, rest) = clock(word) {
                hour = h; minute = m
                let marker = rest.isEmpty && i + 1 < words.count ? words[i + 1] : rest
                if marker.hasPrefix("pm"), hour < 12 { hour += 12 }
                if marker.hasPrefix("am"), hour == 12 { hour = 0 }
                continue
            }
            if word.first?.isNumber == true, let n = Int(word.filter(\.isNumber)) {
                let suffix = word.drop(while: \.isNumber)
                if n >= 1000, n <= 2999, year == nil, suffix.isEmpty { year = n; continue }
                if n >= 1, n <= 31, day == nil, ["", "st", "nd", "rd", "th", "er", "e"].contains(String(suffix)) { day = n; continue }
            }
        }
        guard let month, let day, let year else { return nil }
        var components = DateComponents()
        components.year = year; components.month = month; components.day = day; components.hour = hour; components.minute = minute
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == day else { return nil }
        return date
    }

    static let connectors: Set<String> = ["de", "of", "del", "di", "the", "le", "den", "der"]

    /// "17.10.2022" (day first), "2022-10-17", or "10/20/2019", "20/10/2019", "28-02-2015" and "02-28-2015" and "20/10/2019" where one number is above 12 (which
    /// tells the day); "06/11/2014" reads two ways: the page's `order`, else no date.
    static func numericDate(_ word: String, order: SlashOrder? = nil) -> (Int, Int, Int)? {
        if let (a, b, year) = slashed(word), year >= 1000, year <= 2999 {
            if a > 12, a <= 31, (1...12).contains(b) { return (year, b, a) }
            if b > 12, b <= 31, (1...12).contains(a) { return (year, a, b) }
            if a == b, (1...12).contains(a) { return (year, a, a) }
            return inOrder(a, b, year: year, order: order)
        }
        for (separator, dayFirst) in [(Character("."), true), (Character("-"), false)] {
            let parts = word.split(separator: separator, omittingEmptySubsequences: false)
            guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
                  let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]) else { continue }
            // "2022-10-17" (ISO). Year last, "28-02-2015" (Europe) and "02-28-2015" (US) both occur: as with
            // slashes, only a number above 12 (or the same number twice) tells the day.
            if !dayFirst, parts[2].count == 4, parts[0].count <= 2, parts[1].count <= 2 {
                guard c >= 1000, c <= 2999 else { continue }
                if a > 12, a <= 31, (1...12).contains(b) { return (c, b, a) }
                if b > 12, b <= 31, (1...12).contains(a) { return (c, a, b) }
                if a == b, (1...12).contains(a) { return (c, a, a) }
                return inOrder(a, b, year: c, order: order)
            }
            // "7.26.2017": a month above 12 in the middle is the day (a US page writing dots), the month first.
            if dayFirst, parts[2].count == 4, b > 12, b <= 31, (1...12).contains(a), c >= 1000, c <= 2999 { return (c, a, b) }
            let (year, month, day) = dayFirst ? (c, b, a) : (a, b, c)
            guard year >= 1000, year <= 2999, (1...12).contains(month), (1...31).contains(day),
                  dayFirst ? parts[2].count == 4 : parts[0].count == 4 else { continue }
            return (year, month, day)
        }
        return nil
    }

    /// Two numbers that could each be the month ("6/2/24", "12-03-2024"): the page's order says which, else no date.
    static func inOrder(_ a: Int, _ b: Int, year: Int, order: SlashOrder?) -> (Int, Int, Int)? {
        guard (1...12).contains(a), (1...12).contains(b) else { return nil }
        switch order {
        case .monthFirst?: return (year, a, b)
        case .dayFirst?: return (year, b, a)
        case nil: return nil
        }
    }

    /// "9:14", "9:14pm", "19:52", "15h03": hour, minute and what follows the minutes.
    static func clock(_ word: String) -> (Int, Int, String)? {
        for separator in [":", "h"] where word.contains(separator) {
            let parts = word.components(separatedBy: separator)
            guard parts.count >= 2, let h = Int(parts[0]), !parts[0].isEmpty, parts[1].count >= 2,
                  let m = Int(parts[1].prefix(2)), h < 24, m < 60 else { continue }
            return (h, m, String(parts[1].dropFirst(2)))
        }
        return nil
    }
}
