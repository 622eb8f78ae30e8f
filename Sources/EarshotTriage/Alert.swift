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

    public func payloadJSON() -> String {
        let object: [String: Any] = ["idempotency_key": key, "event": event, "subject": subject, "text": text,
                                     "thread": thread, "fields": fields]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    public static func decode(_ payload: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] ?? [:]
    }
}
