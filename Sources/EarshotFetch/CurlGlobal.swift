import CCurl

/// libcurl's process-wide initialisation, done once before the first handle.
enum CurlGlobal {
    /// CURL_GLOBAL_ALL is a macro Swift does not import: SSL (1) | WIN32 (2) = 3.
    private static let initialised: CURLcode = curl_global_init(3)

    static func ensure() { _ = initialised }
}
