import EarshotFetch
import EarshotServe
import Foundation
import Testing

/// The outgoing channels: webhook POST and SMTP mail, against loopback sinks.
@Suite struct FetchChannelTests {
    @Test func webhookPostsTheBody() throws {
        let server = try LoopbackHTTPServer { request in
            request.method == "POST" ? .text("accepted", status: 202) : .text("no", status: 405)
        }
        defer { server.stop() }
        let body = Data(String(repeating: "{\"case\":1}", count: 300).utf8)
        let result = WebhookPoster.post(url: server.url("/hook"), body: body, headers: [("X-Key", "k1")], timeout: 5)
        #expect((try? result.get()) == 202)
        let seen = try #require(server.requestLog.last)
        #expect(seen.body == body)
        #expect(seen.header("x-key") == "k1")
        #expect(seen.header("content-type") == "application/json")
    }

    @Test func webhookFailureCarriesRetryAfter() throws {
        let server = try LoopbackHTTPServer { _ in HTTPResponse(status: 503, headers: [("Retry-After", "30")]) }
        defer { server.stop() }
        guard case .failure(let error) = WebhookPoster.post(url: server.url("/hook"), body: Data(), timeout: 5) else {
            Issue.record("expected a failure"); return
        }
        #expect(error.kind == .http(503) && error.retryAfter == 30 && error.isRetryable)
        #expect(error.description.hasPrefix("webhook: "))
    }

    @Test func mailIsDeliveredAfterATemporaryFailure() throws {
        let sink = try LoopbackSMTPServer(failFirst: 1)
        defer { sink.stop() }
        let message = Data("""
        From: Earshot <alerts@example.com>
        To: team@example.com
        Subject: New case: billing
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        A customer was charged twice.
        .a line that starts with a dot
        .
        end

        """.utf8)
        func send() -> Result<Void, FetchError> {
            MailSender.send(smtpURL: sink.url, from: "alerts@example.com", to: ["team@example.com", "lead@example.com"],
                            message: message, username: "earshot", password: "secret", timeout: 5)
        }
        guard case .failure(let first) = send() else { Issue.record("the sink should refuse the first message"); return }
        #expect(first.isRetryable && first.detail.contains("451"))
        #expect(first.description.hasPrefix("mail: "))
        if case .failure(let error) = send() { Issue.record("second send failed: \(error)") }
        let received = try #require(sink.messages.first)
        #expect(sink.messages.count == 1)
        #expect(received.from == "alerts@example.com")
        #expect(received.recipients == ["team@example.com", "lead@example.com"])
        #expect(received.username == "earshot")
        #expect(received.text.contains("\r\n.a line that starts with a dot\r\n.\r\nend\r\n"), "dots survive stuffing")
    }
}
