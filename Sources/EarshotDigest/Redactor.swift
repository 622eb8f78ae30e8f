/// Hides personal data in text that leaves the store (digests, alerts, exports): e-mail addresses,
/// phone numbers, payment card numbers, IBANs and passwords in URLs, each replaced by a marker
/// (`[email]`, `[phone]`, `[card]`, `[iban]`, `[credentials]`).
///
/// Detection is meant to be right, not greedy:
/// - **email**: `local@domain.tld`, the domain with a dot and a top-level label of letters; a
///   handle (`@acme`) or `name@host` without a dot is left alone;
/// - **card**: 13–19 digits, optionally grouped by single spaces or dashes, that pass the Luhn check;
/// - **iban**: a country code, two check digits and 11–30 letters or digits (spaces between groups
///   allowed) whose ISO 7064 mod-97 check is 1;
/// - **phone**: international (`+44 20 7946 0958`, `+1 (555) 123-4567`, `0044 …`) or national
///   (`020 7946 0958`, `(555) 123-4567`, `555-123-4567`, `07700 900123`): 9 to 15 digits, either
///   starting with `+`, `00` or a trunk `0`, or grouped the way numbers are written; a date,
///   a time, a price, an order number after `#` or a run of digits without separators is not a phone;
/// - **url_credentials**: `scheme://user:password@host` keeps the scheme and host.
public struct Redactor: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable, Comparable {
        case email, phone, card, iban, urlCredentials = "url_credentials"

        public static func < (a: Kind, b: Kind) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
        var marker: String { self == .urlCredentials ? "[credentials]" : "[\(rawValue)]" }
    }

    public var kinds: Set<Kind>

    /// The default: e-mail addresses, phone numbers and card numbers.
    public static let standard = Redactor(kinds: [.email, .phone, .card])
    /// Redacts nothing (`--unredacted`).
    public static let none = Redactor(kinds: [])

    public init(kinds: Set<Kind>) { self.kinds = kinds }

    /// `text` with what `kinds` names replaced by markers; text without a digit or "@" is returned as is.
    public func redact(_ text: String) -> String { redact(text, skippingWords: true) }

    /// `skippingWords: false` tries every byte and every kind (what a test compares the quick way with).
    func redact(_ text: String, skippingWords: Bool) -> String {
        guard !kinds.isEmpty else { return text }
        let bytes = Array(text.utf8)
        guard bytes.contains(where: { $0 == 0x40 || ($0 >= 0x30 && $0 <= 0x39) }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        var changed = false
        // The kinds looked up once, not per byte (hashing them cost a tenth of a run's time).
        // An address needs its "@": without one, no place starts one.
        let wanted = Wanted(kinds, anyAt: !skippingWords || bytes.contains(0x40))
        while i < bytes.count {
            // Inside a word nothing starts: an address, an IBAN and a number each start after a non-alphanumeric
            // byte, and credentials at a ":" (most bytes are skipped here, without the look-ups of `match`).
            if skippingWords, i > 0, Self.isAlnum(bytes[i]), Self.isAlnum(bytes[i - 1]) {
                out.append(bytes[i])
                i += 1
                continue
            }
            if let (end, replacement) = match(bytes, at: i, wanted) {
                out += Array(replacement.utf8)
                i = end
                changed = true
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        return changed ? String(decoding: out, as: UTF8.self) : text
    }

    private struct Wanted {
        let email, phone, card, iban, credentials: Bool
        init(_ kinds: Set<Kind>, anyAt: Bool) {
            email = anyAt && kinds.contains(.email); phone = kinds.contains(.phone); card = kinds.contains(.card)
            iban = kinds.contains(.iban); credentials = kinds.contains(.urlCredentials)
        }
    }

    /// A match starting at `i`: its end and what replaces it.
    private func match(_ b: [UInt8], at i: Int, _ wanted: Wanted) -> (Int, String)? {
        let c = b[i]
        let before: UInt8? = i > 0 ? b[i - 1] : nil
        if wanted.credentials, c == 0x3A, i + 2 < b.count, b[i + 1] == 0x2F, b[i + 2] == 0x2F,
           let end = credentials(b, from: i + 3) {
            // Keep "://", replace "user:password", keep "@host".
            return (end, "://" + Kind.urlCredentials.marker)
        }
        if wanted.email, Self.isLocal(c), before.map({ !Self.isLocal($0) }) ?? true, let end = email(b, from: i) {
            return (end, Kind.email.marker)
        }
        if Self.isLetter(c), wanted.iban, before.map({ !Self.isAlnum($0) }) ?? true, let end = iban(b, from: i) {
            return (end, Kind.iban.marker)
        }
        let startsNumber = Self.isDigit(c) || ((c == 0x2B || c == 0x28) && i + 1 < b.count && Self.isDigit(b[i + 1]))
        guard startsNumber, before.map({ !Self.isAlnum($0) && $0 != 0x23 && $0 != 0x2E && $0 != 0x2C && $0 != 0x24 && $0 != 0x2F && $0 != 0x3A }) ?? true
        else { return nil }
        // Not the middle of a longer grouped number ("4111 1111 …" whose start was no card).
        if i >= 2, b[i - 1] == 0x20 || b[i - 1] == 0x2D, Self.isDigit(b[i - 2]) { return nil }
        if wanted.card, Self.isDigit(c), let end = card(b, from: i) { return (end, Kind.card.marker) }
        if wanted.phone, let end = phone(b, from: i) { return (end, Kind.phone.marker) }
        return nil
    }

    // MARK: e-mail

    private static func isLocal(_ c: UInt8) -> Bool { isAlnum(c) || c == 0x2E || c == 0x5F || c == 0x25 || c == 0x2B || c == 0x2D }
    private static func isDomain(_ c: UInt8) -> Bool { isAlnum(c) || c == 0x2E || c == 0x2D }

    private func email(_ b: [UInt8], from start: Int) -> Int? {
        var at = start
        while at < b.count && Self.isLocal(b[at]) { at += 1 }
        guard at > start, at < b.count, b[at] == 0x40, b[start] != 0x2E, b[at - 1] != 0x2E else { return nil }
        var end = at + 1
        while end < b.count && Self.isDomain(b[end]) { end += 1 }
        while end > at + 1 && (b[end - 1] == 0x2E || b[end - 1] == 0x2D) { end -= 1 }  // "me@acme.com." ends a sentence
        let domain = b[(at + 1) ..< end]
        guard let lastDot = domain.lastIndex(of: 0x2E), lastDot > at + 1, end - lastDot - 1 >= 2,
              b[(lastDot + 1) ..< end].allSatisfy(Self.isLetter),
              !domain.split(separator: 0x2E, omittingEmptySubsequences: false).contains(where: \.isEmpty) else { return nil }
        return end
    }

    // MARK: URL credentials

    /// After "://": "user:password@" up to the "@" (exclusive of "://").
    private func credentials(_ b: [UInt8], from start: Int) -> Int? {
        var k = start
        var colon = false
        while k < b.count, b[k] != 0x40, b[k] != 0x2F, b[k] != 0x20, b[k] != 0x0A {
            if b[k] == 0x3A { colon = true }
            k += 1
        }
        guard colon, k < b.count, b[k] == 0x40, k > start else { return nil }
        return k
    }

    // MARK: numbers

    /// Digits from `start` with single separators from `separators` between groups; the end and the digits.
    private static func digitRun(_ b: [UInt8], from start: Int, separators: Set<UInt8>) -> (end: Int, digits: [UInt8])? {
        var k = start
        var digits: [UInt8] = []
        var end = start
        while k < b.count {
            if isDigit(b[k]) {
                digits.append(b[k])
                k += 1
                end = k
            } else if separators.contains(b[k]), k + 1 < b.count, isDigit(b[k + 1]), k > start, isDigit(b[k - 1]) {
                k += 1
            } else {
                break
            }
        }
        return digits.isEmpty ? nil : (end, digits)
    }

    private func card(_ b: [UInt8], from start: Int) -> Int? {
        guard let (end, digits) = Self.digitRun(b, from: start, separators: [0x20, 0x2D]),
              (13 ... 19).contains(digits.count), Self.endsClean(b, end), Self.luhn(digits) else { return nil }
        return end
    }

    static func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (k, d) in digits.reversed().enumerated() {
            var v = Int(d - 0x30)
            if k % 2 == 1 { v *= 2; if v > 9 { v -= 9 } }
            sum += v
        }
        return sum % 10 == 0
    }

    private func phone(_ b: [UInt8], from start: Int) -> Int? {
        var k = start
        var digits = 0
        var groups: [Int] = []
        var current = 0
        var separators = 0
        let plus = b[k] == 0x2B
        if plus { k += 1 }
        var parenOpen = false, hadParens = false
        var end = k
        while k < b.count {
            let c = b[k]
            if Self.isDigit(c) {
                digits += 1
                current += 1
                k += 1
                end = k
            } else if c == 0x28 && !parenOpen && !hadParens {  // "("
                parenOpen = true
                hadParens = true
                if current > 0 { groups.append(current); current = 0 }
                k += 1
            } else if c == 0x29 && parenOpen {  // ")"
                parenOpen = false
                groups.append(current)
                current = 0
                k += 1
                if k < b.count && b[k] == 0x20 { k += 1 }
                separators += 1
            } else if (c == 0x20 || c == 0x2D || c == 0x2E) && current > 0 && k + 1 < b.count
                        && (Self.isDigit(b[k + 1]) || b[k + 1] == 0x28) {
                groups.append(current)
                current = 0
                separators += 1
                k += 1
            } else {
                break
            }
        }
        if current > 0 { groups.append(current) }
        guard !parenOpen, (9 ... 15).contains(digits), Self.endsClean(b, end) else { return nil }
        let text = b[start ..< end]
        let trunk = b[plus ? start + 1 : start] == 0x30
        if separators == 0 {
            // A bare run of digits: a phone only with "+" or a trunk "0" (order numbers, ids otherwise).
            return plus || trunk ? end : nil
        }
        // Written like a number someone gives out: groups of 2 to 6 digits (up to 8 after an
        // international prefix: "0049 30 1234567"), a single digit only first ("+1 555…",
        // "1-800-…"); not "12.50" nor a version "10.0.19045", not an ISO date, not the 4-4-4
        // grouping of card and account numbers.
        let international = plus || (text.count > 2 && b[start] == 0x30 && b[start + 1] == 0x30)
        guard groups.count >= 2, groups.count <= 6, groups.allSatisfy({ $0 <= (international ? 8 : 6) }),
              groups.dropFirst().allSatisfy({ $0 >= 2 }) else { return nil }
        if text.contains(0x2E) {
            guard text.filter({ $0 == 0x2E }).count >= 2, groups.allSatisfy({ (2 ... 4).contains($0) }) else { return nil }
        }
        if groups.first == 4 && groups.count == 3 && groups[1] == 2 && groups[2] == 2 { return nil }  // 2026-11-13
        if groups.count >= 3 && groups.dropLast().allSatisfy({ $0 == 4 }) { return nil }
        return end
    }

    private func iban(_ b: [UInt8], from start: Int) -> Int? {
        guard start + 4 <= b.count, Self.isUpper(b[start]), Self.isUpper(b[start + 1]),
              Self.isDigit(b[start + 2]), Self.isDigit(b[start + 3]) else { return nil }
        var chars: [UInt8] = []
        var k = start
        var end = start
        while k < b.count && chars.count < 34 {
            if Self.isDigit(b[k]) || Self.isUpper(b[k]) {
                chars.append(b[k])
                k += 1
                end = k
            } else if b[k] == 0x20, k + 1 < b.count, Self.isDigit(b[k + 1]) || Self.isUpper(b[k + 1]), chars.count % 4 == 0 {
                k += 1
            } else {
                break
            }
        }
        guard (15 ... 34).contains(chars.count), Self.endsClean(b, end) else { return nil }
        // Move the first four to the end, letters to 10...35, the number mod 97 must be 1.
        var remainder = 0
        for c in chars[4...] + chars[..<4] {
            if Self.isDigit(c) {
                remainder = (remainder * 10 + Int(c - 0x30)) % 97
            } else {
                remainder = (remainder * 100 + Int(c - 0x41 + 10)) % 97
            }
        }
        return remainder == 1 ? end : nil
    }

    /// Whether the match may end at `end`: not inside a longer word or number.
    private static func endsClean(_ b: [UInt8], _ end: Int) -> Bool {
        guard end < b.count else { return true }
        return !isAlnum(b[end]) && !(b[end] == 0x2E && end + 1 < b.count && isDigit(b[end + 1]))
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isUpper(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A }
    private static func isLetter(_ c: UInt8) -> Bool { isUpper(c) || (c >= 0x61 && c <= 0x7A) }
    private static func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || isLetter(c) }
}

extension DigestReport {
    /// The report with personal data hidden in every text that came from customers or sources:
    /// mention excerpts, authors, links and reasons, case titles and customers, source addresses.
    /// Every format renders from the report, so all of them are redacted alike.
    public func redacted(by redactor: Redactor) -> DigestReport {
        guard !redactor.kinds.isEmpty else { return self }
        func mention(_ m: MentionItem) -> MentionItem {
            var m = m
            m.excerpt = redactor.redact(m.excerpt)
            m.author = m.author.map(redactor.redact)
            m.link = m.link.map(redactor.redact)
            m.reasons = m.reasons.map(redactor.redact)
            return m
        }
        func item(_ c: CaseItem) -> CaseItem {
            var c = c
            c.title = redactor.redact(c.title)
            c.customer = c.customer.map(redactor.redact)
            return c
        }
        var r = self
        r.topNegative = topNegative.map(mention)
        r.topPositive = topPositive.map(mention)
        r.problems = problems.map { var p = $0; p.title = redactor.redact(p.title); return p }
        r.cases.overdue = cases.overdue.map(item)
        r.cases.followUpsDue = cases.followUpsDue.map(item)
        r.cases.newCases = cases.newCases.map(item)
        r.sourceHealth = sourceHealth.map { var s = $0; s.url = redactor.redact(s.url); s.detail = redactor.redact(s.detail); return s }
        return r
    }
}
