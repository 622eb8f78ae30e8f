import Foundation
import Testing
import EarshotServe

/// `earshot digest --send`: mailed once per period, text and HTML, through a real SMTP server on 127.0.0.1.
@Suite(.serialized)
struct DigestSendTests {
    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func aPeriodsDigestIsMailedOnce() throws {
        let smtp = try LoopbackSMTPServer()
        defer { smtp.stop() }
        let folder = TestPaths.temporaryFolder("earshot-send")
        let store = folder.appendingPathComponent("earshot.sqlite").path
        let demo = try runEarshot(["demo", "--store", store, "--json"])
        #expect(demo.status == 0, "\(demo.stderr)")
        let config = folder.appendingPathComponent("earshot.yaml")
        try """
        brand: Brightwave
        store: \(store)
        channels:
          - name: mail
            type: smtp
            url: \(smtp.url)
            from: earshot@brightwave.example
            to: [support@brightwave.example]
        digest:
          channel: mail
          recipients: [marketing@brightwave.example]
        """.write(to: config, atomically: true, encoding: .utf8)
        let env = ["EARSHOT_NOW": "2026-11-21T07:00:00Z"]
        let first = try runEarshot(["digest", "--period", "week", "--send", "--config", config.path], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("sent to marketing@brightwave.example"))
        let second = try runEarshot(["digest", "--period", "week", "--send", "--config", config.path], environment: env)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("already sent"))

        let messages = smtp.messages
        #expect(messages.count == 1)
        guard let message = messages.first else { return }
        #expect(message.recipients == ["marketing@brightwave.example"])
        #expect(message.text.contains("multipart/alternative"))
        #expect(message.text.contains("Content-Type: text/plain; charset=utf-8"))
        #expect(message.text.contains("Content-Type: text/html; charset=utf-8"))
        #expect(message.text.contains("Subject: Brightwave digest: week"))
        // The text part, decoded, carries the digest.
        let parts = message.text.components(separatedBy: "Content-Transfer-Encoding: base64\r\n\r\n")
        #expect(parts.count == 3)
        if parts.count == 3, let end = parts[1].range(of: "\r\n--") {
            let base64 = parts[1][..<end.lowerBound].replacingOccurrences(of: "\r\n", with: "")
            let text = Data(base64Encoded: base64).map { String(decoding: $0, as: UTF8.self) } ?? ""
            #expect(text.contains("Brightwave"))
            #expect(text.contains("billing"))
        }
    }
}
