import CCurl
import Foundation

/// Turns a failed libcurl transfer into a ``FetchError``.
enum CurlErrorMapping {
    static func error(code: CURLcode, transfer: CurlTransfer, options: FetchOptions) -> FetchError {
        let url = transfer.url
        let text = transfer.errorText(code)
        if transfer.exceededLimit || code == CURLE_FILESIZE_EXCEEDED {
            return FetchError(kind: .tooLarge, url: url,
                              detail: "more than \(byteText(transfer.maximumBytes)) after decompression")
        }
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            let elapsed = Date().timeIntervalSince(transfer.started)
            let detail: String
            if text.lowercased().contains("too slow") {
                detail = "slower than \(options.lowSpeedLimit) bytes/s for \(seconds(options.lowSpeedTime))"
            } else if text.lowercased().contains("connect") && elapsed < options.totalTimeout - 0.1 {
                detail = "no connection after \(seconds(options.connectTimeout))"
            } else {
                detail = "after \(seconds(options.totalTimeout))"
            }
            return FetchError(kind: .timeout, url: url, detail: detail)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return FetchError(kind: .badURL, url: url, detail: text)
        case CURLE_FILE_COULDNT_READ_FILE, CURLE_READ_ERROR:
            return FetchError(kind: .file, url: url, detail: text)
        case CURLE_TOO_MANY_REDIRECTS:
            return FetchError(kind: .tooManyRedirects, url: url, detail: text)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            // A certificate will not become valid within a run.
            return FetchError(kind: .network, url: url, detail: "TLS: \(text)", isRetryable: false)
        case CURLE_BAD_CONTENT_ENCODING:
            return FetchError(kind: .network, url: url, detail: "undecodable content encoding: \(text)", isRetryable: false)
        default:
            return FetchError(kind: .network, url: url, detail: text)
        }
    }

    /// For the single blocking transfers (webhook, mail): the same mapping without a fetcher.
    static func error(code: CURLcode, url: String, text: String, timeout: TimeInterval) -> FetchError {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return FetchError(kind: .timeout, url: url, detail: "after \(seconds(timeout)): \(text)")
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return FetchError(kind: .badURL, url: url, detail: text)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return FetchError(kind: .network, url: url, detail: "TLS: \(text)", isRetryable: false)
        default:
            return FetchError(kind: .network, url: url, detail: text)
        }
    }

    static func seconds(_ t: TimeInterval) -> String {
        t == t.rounded() ? "\(Int(t)) s" : String(format: "%.1f s", t)
    }

    static func byteText(_ n: Int) -> String {
        if n >= 1 << 20 && n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
        if n >= 1 << 10 && n % (1 << 10) == 0 { return "\(n >> 10) KiB" }
        return "\(n) bytes"
    }
}
