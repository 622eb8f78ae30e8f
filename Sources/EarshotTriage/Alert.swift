import EarshotScore
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
        var out: [UInt8] = [UInt8(ascii: "{")]
        ScoreJSON.appendKey("event", to: &out, first: true)
        ScoreJSON.appendString(event, to: &out)
        ScoreJSON.appendKey("fields", to: &out)
        out.append(UInt8(ascii: "{"))
        for (i, name) in fields.keys.sorted().enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            ScoreJSON.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            ScoreJSON.appendString(fields[name]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        ScoreJSON.appendKey("idempotency_key", to: &out)
        ScoreJSON.appendString(key, to: &out)
        ScoreJSON.appendKey("subject", to: &out)
        ScoreJSON.appendString(subject, to: &out)
        ScoreJSON.appendKey("text", to: &out)
        ScoreJSON.appendString(text, to: &out)
        ScoreJSON.appendKey("thread", to: &out)
        ScoreJSON.appendString(thread, to: &out)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ payload: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] ?? [:]
    }
}
