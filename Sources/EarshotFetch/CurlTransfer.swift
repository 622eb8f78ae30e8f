import CCurl
import Foundation

/// One libcurl easy handle for one hop of one request: its options, the body and headers the
/// callbacks collect, and the error buffer, all alive until the transfer is finished.
final class CurlTransfer {
    let easy: UnsafeMutableRawPointer
    let url: String
    /// The scheduler's job this hop belongs to.
    let job: FetchJob
    let hostKey: String
    let started = Date()
    /// Bytes accepted before the write callback refuses more (counted after decoding).
    let maximumBytes: Int
    private(set) var body = Data()
    private(set) var headers = ResponseHeaders()
    /// Set when the write callback refused data because of `maximumBytes`.
    private(set) var exceededLimit = false
    /// libcurl writes its error text here; CURL_ERROR_SIZE (256) bytes, as the API requires.
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
    private var requestHeaders: UnsafeMutablePointer<curl_slist>?

    /// Returns nil when libcurl cannot make a handle (out of memory).
    init?(job: FetchJob, url: String, hostKey: String, options: FetchOptions, maximumBytes: Int) {
        guard let easy = curl_easy_init() else { return nil }
        self.easy = easy
        self.url = url
        self.job = job
        self.hostKey = hostKey
        self.maximumBytes = maximumBytes
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        configure(options: options)
    }

    deinit {
        if let list = requestHeaders { curl_slist_free_all(list) }
        curl_easy_cleanup(easy)
        errorBuffer.deallocate()
    }

    /// libcurl's message for the failed transfer, or its generic text for `code`.
    func errorText(_ code: CURLcode) -> String {
        let own = String(cString: errorBuffer)
        return own.isEmpty ? String(cString: curl_easy_strerror(code)) : own
    }

    private func configure(options: FetchOptions) {
        let isFile = url.lowercased().hasPrefix("file:")
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = earshot_easy_setopt_string(easy, CURLOPT_URL, url)
        _ = earshot_easy_setopt_pointer(easy, CURLOPT_PRIVATE, context)
        _ = earshot_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
        // Threads may share the process: no signals for DNS timeouts (the threaded resolver is used).
        _ = earshot_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        // file:// only when the request itself is a file URL; redirects may never leave http(s).
        _ = earshot_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, isFile ? "file" : "http,https")
        _ = earshot_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        // Redirects are followed by the scheduler, hop by hop (permanent-redirect and loop detection).
        _ = earshot_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0)
        _ = earshot_easy_setopt_string(easy, CURLOPT_USERAGENT, options.userAgent)
        // "" offers every decoder libcurl was built with (gzip, deflate, br, zstd) and decodes.
        _ = earshot_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, "")
        _ = earshot_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        // Over TLS, wait for a connection being set up (ALPN tells at the handshake whether it
        // speaks HTTP/2) to multiplex on, rather than open another. Over plain http libcurl
        // would wait for a whole first response, so not there.
        if url.lowercased().hasPrefix("https:") { _ = earshot_easy_setopt_long(easy, CURLOPT_PIPEWAIT, 1) }
        _ = earshot_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        _ = earshot_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)  // 2 = the name must match
        // Proxies come from the standard variables (libcurl reads http_proxy, https_proxy,
        // no_proxy); loopback is always direct, on top of the user's no_proxy list.
        _ = earshot_easy_setopt_string(easy, CURLOPT_NOPROXY, Self.noProxy)
        if let ca = options.caBundle { _ = earshot_easy_setopt_string(easy, CURLOPT_CAINFO, ca) }
        _ = earshot_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(options.connectTimeout))
        _ = earshot_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(options.totalTimeout))
        _ = earshot_easy_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, options.lowSpeedLimit)
        _ = earshot_easy_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, max(1, Int(options.lowSpeedTime.rounded(.up))))
        // Refuses early when Content-Length (the encoded size) already exceeds the cap.
        _ = earshot_easy_setopt_off_t(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maximumBytes))
        _ = earshot_easy_setopt_long(easy, CURLOPT_FILETIME, 1)

        var list: UnsafeMutablePointer<curl_slist>?
        if !isFile {
            list = curl_slist_append(list, "Accept: application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5")
            if let etag = job.request.etag, !etag.isEmpty { list = curl_slist_append(list, "If-None-Match: \(etag)") }
            if let lm = job.request.lastModified, !lm.isEmpty { list = curl_slist_append(list, "If-Modified-Since: \(lm)") }
        } else if let lm = job.request.lastModified, let since = HTTPDateParser.parse(lm) {
            // file:// honours time conditions: an unchanged file reads as "condition unmet".
            _ = earshot_easy_setopt_long(easy, CURLOPT_TIMECONDITION, Int(CURL_TIMECOND_IFMODSINCE.rawValue))
            _ = earshot_easy_setopt_long(easy, CURLOPT_TIMEVALUE, Int(since.timeIntervalSince1970))
        }
        if let list {
            requestHeaders = list
            _ = earshot_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list)
        }

        _ = earshot_easy_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION, { data, size, count, context in
            guard let context, let data else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.receive(UnsafeRawBufferPointer(start: data, count: size * count))
        })
        _ = earshot_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
        _ = earshot_easy_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION, { data, size, count, context in
            guard let context, let data else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            transfer.headers.add(line: UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        })
        _ = earshot_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context)
    }

    /// The write callback's work: keep the decoded bytes, or refuse (returning 0 aborts the
    /// transfer with CURLE_WRITE_ERROR) once they pass the cap. This is what stops a gzip bomb.
    private func receive(_ bytes: UnsafeRawBufferPointer) -> Int {
        if body.count + bytes.count > maximumBytes {
            exceededLimit = true
            body = Data()  // nothing partial is ever returned
            return 0
        }
        if body.isEmpty { reserveDeclaredLength() }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    /// Room for the whole body at once when the server declared its length (under the cap; a
    /// compressed body grows past it as it is decoded, and Data grows on from there).
    private func reserveDeclaredLength() {
        var length: curl_off_t = -1
        _ = earshot_easy_getinfo_off_t(easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length)
        if length > 0 { body.reserveCapacity(min(Int(length), maximumBytes)) }
    }

    // MARK: results

    var responseCode: Int {
        var code = 0
        _ = earshot_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    var effectiveURL: String {
        var p: UnsafeMutablePointer<CChar>?
        _ = earshot_easy_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &p)
        return p.map { String(cString: $0) } ?? url
    }

    /// The absolute URL a 3xx points to (libcurl resolves a relative `Location`).
    var redirectURL: String? {
        var p: UnsafeMutablePointer<CChar>?
        _ = earshot_easy_getinfo_string(easy, CURLINFO_REDIRECT_URL, &p)
        return p.map { String(cString: $0) }
    }

    /// For file:// with a time condition: true when the file was not newer.
    var conditionUnmet: Bool {
        var v = 0
        _ = earshot_easy_getinfo_long(easy, CURLINFO_CONDITION_UNMET, &v)
        return v != 0
    }

    /// The document's modification time, when known (file:// and servers sending Last-Modified).
    var fileTime: Date? {
        var t: curl_off_t = -1
        _ = earshot_easy_getinfo_off_t(easy, CURLINFO_FILETIME_T, &t)
        return t >= 0 ? Date(timeIntervalSince1970: TimeInterval(t)) : nil
    }

    static let noProxy: String = {
        let env = ProcessInfo.processInfo.environment
        let user = env["no_proxy"] ?? env["NO_PROXY"] ?? ""
        let loopback = "localhost,127.0.0.1,::1"
        return user.isEmpty ? loopback : user + "," + loopback
    }()

    static func milliseconds(_ seconds: TimeInterval) -> Int { max(1, Int((seconds * 1000).rounded())) }
}
