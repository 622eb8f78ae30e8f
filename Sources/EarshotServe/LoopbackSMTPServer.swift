import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A mail sink on 127.0.0.1 at a free port for tests and `earshot demo`: it speaks enough
/// SMTP (EHLO/HELO, AUTH PLAIN, MAIL FROM, RCPT TO, DATA with dot-unstuffing, RSET, NOOP,
/// QUIT) to accept messages and keeps them. No STARTTLS: clients that only *try* TLS
/// carry on in plain text. Its threads keep it alive: call `stop()` when done.
public final class LoopbackSMTPServer: @unchecked Sendable {
    /// One accepted message.
    public struct Message: Sendable {
        /// The envelope sender (inside `<>` of MAIL FROM).
        public var from: String
        /// The envelope recipients.
        public var recipients: [String]
        /// The message as transmitted, dot-unstuffed, CRLF line ends, without the final `.`.
        public var data: Data
        /// The user name from AUTH PLAIN, if the client logged in.
        public var username: String?
        public var text: String { String(decoding: data, as: UTF8.self) }
    }

    public let port: Int
    private let listener: LoopbackListener
    private let lock = NSLock()
    private var stored: [Message] = []
    private var failuresLeft: Int

    /// - Parameter failFirst: answer the first `failFirst` MAIL FROM commands with 451 (a
    ///   temporary failure), to test retries.
    public init(failFirst: Int = 0) throws {
        let (fd, port) = try LoopbackSocket.listen()
        self.port = port
        listener = LoopbackListener(fd: fd)
        failuresLeft = failFirst
        listener.start(name: "earshot-smtp-accept") { [self] fd in session(fd) }
    }

    /// `smtp://127.0.0.1:PORT`.
    public var url: String { "smtp://127.0.0.1:\(port)" }

    /// Messages accepted so far.
    public var messages: [Message] { lock.withLock { stored } }

    /// Stops accepting and closes every connection. Idempotent.
    public func stop() { listener.stop() }

    /// One SMTP conversation.
    private func session(_ fd: Int32) {
        LoopbackSocket.setReceiveTimeout(fd, seconds: 10)  // a silent client is dropped after 10 s
        var buffer: [UInt8] = []
        func reply(_ text: String) -> Bool { LoopbackSocket.sendAll(fd, Data((text + "\r\n").utf8)) }
        func readLine() -> String? {
            while true {
                if let end = HTTPConnection.find([13, 10], in: buffer) {
                    let line = String(decoding: buffer[0..<end], as: UTF8.self)
                    buffer.removeFirst(end + 2)
                    return line
                }
                if buffer.count > 1 << 20 { return nil }  // a 1 MiB line: not SMTP
                if !LoopbackSocket.receive(fd, into: &buffer) { return nil }
            }
        }
        guard reply("220 127.0.0.1 earshot-sink ESMTP") else { return }
        var from: String?, recipients: [String] = [], username: String?
        while let line = readLine() {
            let upper = line.uppercased()
            if upper.hasPrefix("EHLO") {
                _ = reply("250-127.0.0.1 greets you\r\n250-8BITMIME\r\n250-AUTH PLAIN\r\n250 SIZE 52428800")
            } else if upper.hasPrefix("HELO") {
                _ = reply("250 127.0.0.1")
            } else if upper.hasPrefix("AUTH PLAIN") {
                var credentials = String(line.dropFirst("AUTH PLAIN".count)).trimmingCharacters(in: .whitespaces)
                if credentials.isEmpty {
                    guard reply("334 "), let next = readLine() else { return }
                    credentials = next
                }
                // PLAIN: authzid NUL authcid NUL password; any password is accepted.
                let parts = Data(base64Encoded: credentials).map { $0.split(separator: 0, omittingEmptySubsequences: false) } ?? []
                username = parts.count == 3 ? String(decoding: parts[1], as: UTF8.self) : nil
                _ = reply(username == nil ? "501 5.5.2 malformed AUTH PLAIN" : "235 2.7.0 authenticated")
            } else if upper.hasPrefix("MAIL FROM:") {
                let failNow: Bool = lock.withLock { if failuresLeft > 0 { failuresLeft -= 1; return true }; return false }
                if failNow { _ = reply("451 4.3.0 temporary failure, try again later"); continue }
                from = Self.address(String(line.dropFirst("MAIL FROM:".count)))
                recipients = []
                _ = reply("250 2.1.0 ok")
            } else if upper.hasPrefix("RCPT TO:") {
                guard from != nil else { _ = reply("503 5.5.1 MAIL first"); continue }
                recipients.append(Self.address(String(line.dropFirst("RCPT TO:".count))))
                _ = reply("250 2.1.5 ok")
            } else if upper == "DATA" {
                guard let sender = from, !recipients.isEmpty else { _ = reply("503 5.5.1 MAIL and RCPT first"); continue }
                guard reply("354 end data with <CR><LF>.<CR><LF>") else { return }
                var data = Data()
                while true {
                    guard var l = readLine() else { return }
                    if l == "." { break }
                    if l.hasPrefix(".") { l.removeFirst() }  // dot-unstuffing (RFC 5321 §4.5.2)
                    data.append(contentsOf: Array(l.utf8) + [13, 10])
                }
                lock.withLock { stored.append(Message(from: sender, recipients: recipients, data: data, username: username)) }
                from = nil; recipients = []
                _ = reply("250 2.0.0 queued")
            } else if upper == "RSET" {
                from = nil; recipients = []
                _ = reply("250 2.0.0 ok")
            } else if upper == "NOOP" {
                _ = reply("250 2.0.0 ok")
            } else if upper == "QUIT" {
                _ = reply("221 2.0.0 bye")
                return
            } else {
                _ = reply("502 5.5.2 command not implemented")
            }
        }
    }

    /// The address inside `<...>` (parameters such as `SIZE=` after it are dropped).
    static func address(_ text: String) -> String {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let open = t.firstIndex(of: "<"), let close = t[open...].firstIndex(of: ">") {
            return String(t[t.index(after: open)..<close])
        }
        return t.split(separator: " ").first.map(String.init) ?? t
    }
}
