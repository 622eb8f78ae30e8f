import Foundation

/// An RFC 5322 message with a text and an HTML part (multipart/alternative, RFC 2046).
public struct MailMessage {
    public var from: String
    public var to: [String]
    public var subject: String
    public var text: String
    public var html: String
    /// A stable id (the alert's idempotency key), so a receiver can spot a duplicate.
    public var messageID: String
    /// Mails of one case share a thread reference.
    public var thread: String?
    public var date = Date()

    public init(from: String, to: [String], subject: String, text: String, html: String, messageID: String, thread: String? = nil) {
        self.from = from; self.to = to; self.subject = subject; self.text = text; self.html = html
        self.messageID = messageID; self.thread = thread
    }

    public func rfc5322() -> Data {
        let boundary = "earshot-" + String(UInt64.random(in: 1...UInt64.max), radix: 36)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let domain = from.split(separator: "@").last.map(String.init) ?? "earshot.local"
        let safeID = messageID.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "-" }
        var lines = [
            "From: \(from)",
            "To: \(to.joined(separator: ", "))",
            "Subject: \(Self.encodedWord(subject))",
            "Date: \(formatter.string(from: date))",
            "Message-ID: <\(String(safeID))@\(domain)>",
            "MIME-Version: 1.0",
        ]
        if let thread {
            lines.append("References: <\(thread)@\(domain)>")
            lines.append("In-Reply-To: <\(thread)@\(domain)>")
        }
        lines += [
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            Self.base64Lines(text),
            "--\(boundary)",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            Self.base64Lines(html),
            "--\(boundary)--",
            "",
        ]
        return Data(lines.joined(separator: "\r\n").utf8)
    }

    /// RFC 2047 encoded words when the subject is not plain ASCII. An encoded word is at most
    /// 75 characters, so a longer subject is several words (never splitting a character), on
    /// folded lines; readers join adjacent encoded words without the space between them.
    static func encodedWord(_ s: String) -> String {
        if s.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) { return s }
        var words: [Data] = [], chunk = Data()
        for character in s {
            let bytes = Data(String(character).utf8)
            // 45 bytes are 60 base64 characters: 72 with "=?utf-8?B?" and "?=".
            if chunk.count + bytes.count > 45, !chunk.isEmpty { words.append(chunk); chunk = Data() }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?utf-8?B?" + $0.base64EncodedString() + "?=" }.joined(separator: "\r\n ")
    }

    static func base64Lines(_ s: String) -> String {
        Data(s.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
    }
}
