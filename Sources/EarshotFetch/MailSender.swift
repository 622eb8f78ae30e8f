import CCurl
import Foundation

/// Sends one finished RFC 5322 message over SMTP with libcurl: `smtps://` is TLS from the
/// start; `smtp://` upgrades with STARTTLS when the server offers it (and verifies the
/// certificate when it does). libcurl does the dot-stuffing.
public enum MailSender {
    /// - Parameters:
    ///   - smtpURL: `smtp://host[:port]` or `smtps://host[:port]`.
    ///   - message: headers and body; bare LF line ends are turned into CRLF.
    /// - Returns: failure as a ``FetchError`` of kind `network` (SMTP 4xx: retryable, 5xx or
    ///   refused login: not), `timeout` or `badURL`.
    public static func send(smtpURL: String, from: String, to: [String], message: Data,
                            username: String? = nil, password: String? = nil,
                            timeout: TimeInterval = 30, caBundle: String? = nil) -> Result<Void, FetchError> {
        sendOnce(smtpURL: smtpURL, from: from, to: to, message: message, username: username, password: password,
                 timeout: timeout, caBundle: caBundle).mapError { var e = $0; e.stage = "mail"; return e }
    }

    private static func sendOnce(smtpURL: String, from: String, to: [String], message: Data, username: String?,
                                 password: String?, timeout: TimeInterval, caBundle: String?) -> Result<Void, FetchError> {
        let scheme = URLComponents(string: smtpURL)?.scheme?.lowercased()
        guard scheme == "smtp" || scheme == "smtps" else {
            return .failure(FetchError(kind: .badURL, url: smtpURL, detail: "a mail server must be an smtp:// or smtps:// URL"))
        }
        guard !to.isEmpty else {
            return .failure(FetchError(kind: .badURL, url: smtpURL, detail: "no recipients"))
        }
        let body = normalizeLineEnds(message)
        guard let transfer = EasyTransfer(url: smtpURL, upload: body, timeout: timeout, protocols: "smtp,smtps") else {
            return .failure(FetchError(kind: .network, url: smtpURL, detail: "libcurl could not create a handle", isRetryable: false))
        }
        let easy = transfer.easy
        if scheme == "smtp" { _ = earshot_easy_setopt_long(easy, CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue)) }
        if let caBundle { _ = earshot_easy_setopt_string(easy, CURLOPT_CAINFO, caBundle) }
        _ = earshot_easy_setopt_string(easy, CURLOPT_MAIL_FROM, "<\(from)>")
        transfer.setList(CURLOPT_MAIL_RCPT, to.map { "<\($0)>" })
        if let username { _ = earshot_easy_setopt_string(easy, CURLOPT_USERNAME, username) }
        if let password { _ = earshot_easy_setopt_string(easy, CURLOPT_PASSWORD, password) }
        _ = earshot_easy_setopt_long(easy, CURLOPT_UPLOAD, 1)
        _ = earshot_easy_setopt_off_t(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(body.count))
        let code = transfer.perform()
        guard code == CURLE_OK else {
            let reply = transfer.responseCode  // the last SMTP reply code, e.g. 451 or 550
            var error = CurlErrorMapping.error(code: code, url: smtpURL, text: transfer.errorText(code), timeout: timeout)
            if code == CURLE_LOGIN_DENIED {
                error = FetchError(kind: .network, url: smtpURL, detail: "login refused: \(error.detail)", isRetryable: false)
            } else if (400..<600).contains(reply) {
                error = FetchError(kind: .network, url: smtpURL, detail: "SMTP \(reply): \(error.detail)", isRetryable: reply < 500)
            }
            return .failure(error)
        }
        return .success(())
    }

    /// CRLF for every line end, as SMTP requires.
    static func normalizeLineEnds(_ data: Data) -> Data {
        var out = Data(capacity: data.count + data.count / 40)
        var previous: UInt8 = 0
        for byte in data {
            if byte == 10 && previous != 13 { out.append(13) }
            out.append(byte)
            previous = byte
        }
        return out
    }
}
