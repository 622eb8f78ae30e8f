import CCurl
import Foundation

/// Posts an alert to a webhook (Slack, Teams, a ticketing system, ...): one blocking HTTP(S)
/// POST, redirects not followed, TLS verified.
public enum WebhookPoster {
    /// - Returns: the status for a 2xx answer; otherwise a ``FetchError`` (`http(status)` with
    ///   `Retry-After` for 4xx/5xx, `timeout`, `network`, `badURL`) whose `isRetryable` says
    ///   whether the outbox should try again.
    public static func post(url: String, body: Data, headers: [(String, String)] = [("Content-Type", "application/json")],
                            timeout: TimeInterval = 30, userAgent: String = FetchOptions.defaultUserAgent,
                            caBundle: String? = nil) -> Result<Int, FetchError> {
        postOnce(url: url, body: body, headers: headers, timeout: timeout, userAgent: userAgent, caBundle: caBundle)
            .mapError { var e = $0; e.stage = "webhook"; return e }
    }

    private static func postOnce(url: String, body: Data, headers: [(String, String)], timeout: TimeInterval,
                                 userAgent: String, caBundle: String?) -> Result<Int, FetchError> {
        let scheme = URLComponents(string: url)?.scheme?.lowercased()
        guard scheme == "http" || scheme == "https" else {
            return .failure(FetchError(kind: .badURL, url: url, detail: "a webhook must be an http or https URL"))
        }
        guard let transfer = EasyTransfer(url: url, upload: body, timeout: timeout, protocols: "http,https") else {
            return .failure(FetchError(kind: .network, url: url, detail: "libcurl could not create a handle", isRetryable: false))
        }
        _ = earshot_easy_setopt_long(transfer.easy, CURLOPT_POST, 1)
        _ = earshot_easy_setopt_off_t(transfer.easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
        _ = earshot_easy_setopt_string(transfer.easy, CURLOPT_USERAGENT, userAgent)
        if let caBundle { _ = earshot_easy_setopt_string(transfer.easy, CURLOPT_CAINFO, caBundle) }
        // "Expect:" (empty) stops libcurl waiting for "100 Continue" before larger bodies.
        var lines = headers.map { "\($0.0): \($0.1)" } + ["Expect:"]
        if !headers.contains(where: { $0.0.lowercased() == "content-type" }) { lines.append("Content-Type: application/json") }
        transfer.setList(CURLOPT_HTTPHEADER, lines)
        let code = transfer.perform()
        guard code == CURLE_OK else {
            return .failure(CurlErrorMapping.error(code: code, url: url, text: transfer.errorText(code), timeout: timeout))
        }
        let status = transfer.responseCode
        if (200..<300).contains(status) { return .success(status) }
        let snippet = String(decoding: transfer.response.prefix(200), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
        return .failure(FetchError(kind: .http(status), url: url,
                                   detail: [Fetcher.reason(status), snippet].filter { !$0.isEmpty }.joined(separator: ": "),
                                   retryAfter: transfer.headers.retryAfter()))
    }
}
