import CCurl
import Foundation

/// A single blocking libcurl easy transfer (`curl_easy_perform`) for the outgoing channels
/// (webhooks, mail), with the response body kept up to a small cap, the upload fed from
/// memory, and the error buffer alive for the whole transfer.
final class EasyTransfer {
    let easy: UnsafeMutableRawPointer
    let url: String
    /// Response bytes kept (for error details); the rest is read and dropped.
    static let keptResponseBytes = 64 << 10
    private(set) var response = Data()
    private(set) var headers = ResponseHeaders()
    private var upload: Data
    private var uploadOffset = 0
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))

    init?(url: String, upload: Data = Data(), timeout: TimeInterval, protocols: String) {
        CurlGlobal.ensure()
        guard let easy = curl_easy_init() else { return nil }
        self.easy = easy
        self.url = url
        self.upload = upload
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = earshot_easy_setopt_string(easy, CURLOPT_URL, url)
        _ = earshot_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
        _ = earshot_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = earshot_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, protocols)
        _ = earshot_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0)
        _ = earshot_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        _ = earshot_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        _ = earshot_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, CurlTransfer.milliseconds(timeout))
        _ = earshot_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, CurlTransfer.milliseconds(min(timeout, 10)))
        _ = earshot_easy_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION, { data, size, count, context in
            guard let context, let data else { return 0 }
            let me = Unmanaged<EasyTransfer>.fromOpaque(context).takeUnretainedValue()
            let n = size * count
            if me.response.count < EasyTransfer.keptResponseBytes {
                me.response.append(UnsafeRawBufferPointer(start: data, count: min(n, EasyTransfer.keptResponseBytes - me.response.count)).bindMemory(to: UInt8.self))
            }
            return n
        })
        _ = earshot_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
        _ = earshot_easy_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION, { data, size, count, context in
            guard let context, let data else { return 0 }
            let me = Unmanaged<EasyTransfer>.fromOpaque(context).takeUnretainedValue()
            me.headers.add(line: UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        })
        _ = earshot_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context)
        _ = earshot_easy_setopt_data_callback(easy, CURLOPT_READFUNCTION, { buffer, size, count, context in
            guard let context, let buffer else { return 0 }
            let me = Unmanaged<EasyTransfer>.fromOpaque(context).takeUnretainedValue()
            let n = min(size * count, me.upload.count - me.uploadOffset)
            if n > 0 {
                me.upload.withUnsafeBytes { raw in
                    UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress! + me.uploadOffset, byteCount: n)
                }
                me.uploadOffset += n
            }
            return n
        })
        _ = earshot_easy_setopt_pointer(easy, CURLOPT_READDATA, context)
    }

    deinit {
        for list in lists { curl_slist_free_all(list) }
        curl_easy_cleanup(easy)
        errorBuffer.deallocate()
    }

    /// Sets a list option (headers, recipients); the list lives as long as the transfer.
    func setList(_ option: CURLoption, _ items: [String]) {
        var list: UnsafeMutablePointer<curl_slist>?
        for item in items { list = curl_slist_append(list, item) }
        guard let list else { return }
        lists.append(list)
        _ = earshot_easy_setopt_slist(easy, option, list)
    }

    /// Runs the transfer to the end (blocking the calling thread).
    func perform() -> CURLcode { curl_easy_perform(easy) }

    var responseCode: Int {
        var code = 0
        _ = earshot_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    func errorText(_ code: CURLcode) -> String {
        let own = String(cString: errorBuffer)
        return own.isEmpty ? String(cString: curl_easy_strerror(code)) : own
    }
}
