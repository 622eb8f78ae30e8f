import Foundation
import Testing
import EarshotDigest

/// What `privacy: { redact: [...] }` hides, and what it must leave alone.
struct RedactionTests {
    let all = Redactor(kinds: Set(Redactor.Kind.allCases))

    @Test(arguments: [
        ("mail me at jane.doe+acme@example.co.uk please", "mail me at [email] please"),
        ("Contact: support@acme.example.", "Contact: [email]."),
        ("call +44 20 7946 0958 today", "call [phone] today"),
        ("ring 020 7946 0958 or 07700 900123", "ring [phone] or [phone]"),
        ("US: (555) 123-4567, +1 (555) 123-4567, 555-123-4567", "US: [phone], [phone], [phone]"),
        ("my number is +447700900123.", "my number is [phone]."),
        ("0049 30 1234567 in Berlin", "[phone] in Berlin"),
        ("card 4111 1111 1111 1111 charged twice", "card [card] charged twice"),
        ("card 4111-1111-1111-1111", "card [card]"),
        ("pay to GB82 WEST 1234 5698 7654 32 now", "pay to [iban] now"),
        ("IBAN DE89370400440532013000", "IBAN [iban]"),
        ("feed at https://bob:s3cret@feeds.example/x", "feed at https://[credentials]@feeds.example/x"),
    ])
    func personalDataIsHidden(text: String, expected: String) {
        #expect(all.redact(text) == expected)
    }

    @Test(arguments: [
        "@acme your app is down",                       // a handle, not an address
        "write to admin@localhost",                     // no domain with a dot
        "email@ is not an address, nor is @example.com",
        "order #123456789 arrived on 2026-11-13 at 09:05",
        "it cost £65.98, then 1,234.50 and 12.5%",
        "card 4111 1111 1111 1112 fails the Luhn check",  // 16 digits, not a card
        "GB82 WEST 1234 5698 7654 33 fails its check",
        "version 10.0.19045.3693 and build 22621",
        "tracking 1Z999AA10123456784",
        "the 900 Mbps package for 24.99 a month",
        "https://feeds.example/path:with:colons@not-creds",
    ])
    func lookalikesAreLeftAlone(text: String) {
        #expect(all.redact(text) == text, "\(all.redact(text))")
    }

    @Test func onlyTheChosenKindsAndTheStandardSet() {
        let text = "jane@example.com, +44 20 7946 0958, 4111 1111 1111 1111, DE89370400440532013000"
        #expect(Redactor.standard.redact(text) == "[email], [phone], [card], DE89370400440532013000")
        #expect(Redactor(kinds: [.email]).redact(text) == "[email], +44 20 7946 0958, 4111 1111 1111 1111, DE89370400440532013000")
        #expect(Redactor.none.redact(text) == text)
        #expect(Redactor.standard.redact("no digits or at-signs here") == "no digits or at-signs here")
    }
}
