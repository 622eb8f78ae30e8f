import Foundation

/// An alert as queued in the outbox: a subject line, a plain text, and structured fields.
///
/// The payload is what every channel receives (the webhook body, the command's stdin,
/// the JSON line); the text is what a person reads in chat or mail.
public struct Alert: Sendable {
    public var key: String
    public var event: String
    public var subject: String
    public var text: String
    public var fields: [String: String]
    /// Groups updates of one case or problem (a chat thread, a mail thread).
    public var thread: String

    public init(key: String, event: String, subject: String, text: String, fields: [String: String], thread: String) {
        self.key = key; self.event = event; self.subject = subject; self.text = text; self.fields = fields; self.thread = thread
    }

    /// The payload as one JSON object with sorted keys (the fields object too). Written directly:
    /// every value is a string, and JSONSerialization cost a tenth of processing a document.
    public func payloadJSON() -> String {
        var out = "{\"event\":"
        Self.appendQuoted(event, to: &out)
        out += ",\"fields\":{"
        for (i, name) in fields.keys.sorted().enumerated() {
            if i > 0 { out += "," }
            Self.appendQuoted(name, to: &out)
            out += ":"
            Self.appendQuoted(fields[name]!, to: &out)
        }
        out += "},\"idempotency_key\":"
        Self.appendQuoted(key, to: &out)
        out += ",\"subject\":"
        Self.appendQuoted(subject, to: &out)
        out += ",\"text\":"
        Self.appendQuoted(text, to: &out)
        out += ",\"thread\":"
        Self.appendQuoted(thread, to: &out)
        out += "}"
        return out
    }

    /// Appends `s` as a JSON string: quotes, backslashes and control characters escaped (RFC 8259).
    static func appendQuoted(_ s: String, to out: inout String) {
        out += "\""
        var plain = s.unicodeScalars.startIndex
        let scalars = s.unicodeScalars
        for i in scalars.indices {
            let c = scalars[i]
            guard c == "\"" || c == "\\" || c.value < 0x20 else { continue }
            out.unicodeScalars.append(contentsOf: scalars[plain ..< i])
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
            plain = scalars.index(after: i)
        }
        out.unicodeScalars.append(contentsOf: scalars[plain...])
        out += "\""
    }

    public static func decode(_ payload: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] ?? [:]
    }
}
