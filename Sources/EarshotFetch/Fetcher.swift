import CCurl
import Foundation

/// Fetches many documents at once over one libcurl **multi** handle, on the calling thread:
/// no thread per transfer. It schedules per host (``HostQueues``), follows redirects hop by
/// hop, checks robots.txt for requests that obey it, retries 429/5xx/network failures with
/// backoff, and keeps connections (and robots.txt verdicts) for the next `fetch`.
///
/// One `fetch` runs at a time per fetcher (calls from several threads wait their turn).
public final class Fetcher: @unchecked Sendable {
    public let options: FetchOptions
    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    /// robots.txt per host key, for the fetcher's lifetime (unreachable ones only per `fetch`).
    private var robots: [String: RobotsVerdict] = [:]

    private enum RobotsVerdict {
        case rules(RobotsRules)
        case unreachable(FetchError)
    }

    // State of the fetch in progress.
    private var queues: HostQueues
    private var transfers: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var remaining = 0
    /// Jobs waiting for a host's robots.txt, by host key.
    private var parked: [String: [FetchJob]] = [:]
    private var onResult: ((Int, FetchResult) -> Void)?

    public init(options: FetchOptions = FetchOptions()) {
        CurlGlobal.ensure()
        self.options = options
        multi = curl_multi_init()
        queues = HostQueues(globalLimit: options.globalLimit, perHostLimit: options.perHostLimit,
                            perHostDelay: options.perHostDelay)
        // HTTP/2 multiplexing where the server offers it; connection limits as a backstop.
        _ = earshot_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        _ = earshot_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, options.perHostLimit)
        _ = earshot_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, options.globalLimit)
        // Idle connections kept for reuse. libcurl's default (4 × the handles added) shrinks as
        // a run winds down and closes connections the next run could have used.
        _ = earshot_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, options.globalLimit * 2)
    }

    deinit { curl_multi_cleanup(multi) }

    /// Fetches every request; returns one result per request, in the same order. `onResult`
    /// is called (on this thread) as each one finishes.
    public func fetch(_ requests: [FetchRequest], onResult: ((FetchResult) -> Void)? = nil) -> [FetchResult] {
        var collected = [FetchResult?](repeating: nil, count: requests.count)
        fetchEach(requests) { index, result in
            collected[index] = result
            onResult?(result)
        }
        return collected.map { $0! }
    }

    /// Fetches every request and hands each result (with its request's index) to `onResult`,
    /// on this thread, as it finishes; keeps none of them, so the bodies live only as long as
    /// the caller keeps them.
    public func fetchEach(_ requests: [FetchRequest], onResult: (Int, FetchResult) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        robots = robots.filter { if case .rules = $0.value { return true }; return false }
        queues = HostQueues(globalLimit: options.globalLimit, perHostLimit: options.perHostLimit,
                            perHostDelay: options.perHostDelay)
        // Crawl-delays are kept with the hosts' cached robots.txt rules.
        for case let (host, .rules(rules)) in robots { if let delay = rules.crawlDelay { queues.requireDelay(delay, host: host) } }
        remaining = requests.count
        parked = [:]
        withoutActuallyEscaping(onResult) { onResult in
            self.onResult = onResult
            defer { self.onResult = nil }
            for (i, request) in requests.enumerated() { admit(FetchJob(index: i, request: request)) }
            run()
        }
    }

    // MARK: the loop

    private func run() {
        while remaining > 0 || !transfers.isEmpty {
            startEligible()
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            drainMessages()
            if remaining == 0 && transfers.isEmpty { break }
            startEligible()
            // Sleep until socket activity, libcurl's own timers, or the next backoff/delay
            // expiry; at most 1 s (a safety net, not a poll interval).
            var timeout = 1000
            if let wake = queues.nextWake(now: Date()) {
                timeout = max(0, min(timeout, Int((wake.timeIntervalSinceNow * 1000).rounded(.up))))
            }
            _ = curl_multi_poll(multi, nil, 0, Int32(timeout), nil)
        }
    }

    private func startEligible() {
        let now = Date()
        while let (job, host) = queues.next(now: now) {
            guard let transfer = CurlTransfer(job: job, url: job.url, hostKey: host, options: options,
                                              maximumBytes: job.robotsFor == nil ? options.maximumBodyBytes : options.robotsMaximumBytes) else {
                queues.finished(host: host)
                finish(job, .failed(FetchError(kind: .network, url: job.url, detail: "libcurl could not create a handle (out of memory?)", isRetryable: false)))
                continue
            }
            job.attempts += 1
            if job.firstStart == nil { job.firstStart = now }
            transfers[transfer.easy] = transfer
            _ = curl_multi_add_handle(multi, transfer.easy)
        }
    }

    private func drainMessages() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                  let transfer = transfers.removeValue(forKey: easy) else { continue }
            let code = earshot_multi_msg_result(message)
            _ = curl_multi_remove_handle(multi, easy)
            queues.finished(host: transfer.hostKey)
            complete(transfer, code: code)
        }
    }

    // MARK: decisions

    /// Puts a job (new, or at a new hop) into its host's queue, after robots.txt if it must.
    private func admit(_ job: FetchJob) {
        guard let target = URLTarget(job.url) else {
            let detail = job.redirects > 0 ? "a redirect led to it from \(job.request.url)" : "not an absolute http, https or file URL"
            return finish(job, .failed(FetchError(kind: .badURL, url: job.url, detail: detail)))
        }
        if target.scheme == "file" && job.redirects > 0 {
            return finish(job, .failed(FetchError(kind: .badURL, url: job.url, detail: "a redirect may not lead to a local file")))
        }
        if job.request.obeysRobots && job.robotsFor == nil && target.scheme != "file" {
            switch robots[target.hostKey] {
            case .rules(let rules)?:
                if !rules.allows(path: target.pathAndQuery) {
                    return finish(job, .failed(FetchError(kind: .robotsDisallowed, url: job.url,
                                                          detail: "\(target.robotsURL) disallows \(target.pathAndQuery)")))
                }
            case .unreachable(let error)?:
                var e = error
                e.url = job.url
                return finish(job, .failed(e))
            case nil:
                if parked[target.hostKey] == nil {
                    parked[target.hostKey] = []
                    let robotsRequest = FetchRequest(key: "robots.txt", url: target.robotsURL)
                    admit(FetchJob(index: -1, request: robotsRequest, robotsFor: target.hostKey))
                }
                parked[target.hostKey]!.append(job)
                return
            }
        }
        queues.enqueue(job, host: target.hostKey)
    }

    private func complete(_ transfer: CurlTransfer, code: CURLcode) {
        let job = transfer.job
        guard code == CURLE_OK else {
            return retryOrFail(job, CurlErrorMapping.error(code: code, transfer: transfer, options: options))
        }
        let headers = transfer.headers
        let isFile = transfer.url.lowercased().hasPrefix("file:")
        let status = isFile ? (transfer.conditionUnmet ? 304 : 200) : transfer.responseCode
        var response = FetchResponse(status: status, body: transfer.body, contentType: headers.mediaType,
                                     charset: headers.charset, etag: headers.value("etag"),
                                     lastModified: headers.value("last-modified"), finalURL: transfer.effectiveURL,
                                     permanentRedirect: job.permanentTarget, maxAge: headers.maxAge)
        if isFile, response.lastModified == nil, let t = transfer.fileTime { response.lastModified = HTTPDateParser.format(t) }
        switch status {
        case 200..<300:
            finish(job, .fetched(response))
        case 304:
            response.body = Data()
            response.etag = response.etag ?? job.request.etag
            response.lastModified = response.lastModified ?? job.request.lastModified
            finish(job, .notModified(response))
        case 300..<400 where transfer.redirectURL != nil:
            redirect(job, status: status, to: transfer.redirectURL!)
        default:
            let error = FetchError(kind: .http(status), url: transfer.url, detail: Self.reason(status),
                                   retryAfter: headers.retryAfter())
            retryOrFail(job, error)
        }
    }

    private func redirect(_ job: FetchJob, status: Int, to target: String) {
        job.redirects += 1
        if job.visited.isEmpty { job.visited.insert(FetchJob.normalize(job.request.url)) }
        let key = FetchJob.normalize(target)
        if job.visited.contains(key) {
            return finish(job, .failed(FetchError(kind: .redirectLoop, url: job.request.url,
                                                  detail: "\(job.url) → \(target) was already visited")))
        }
        if job.redirects > options.maximumRedirects {
            return finish(job, .failed(FetchError(kind: .tooManyRedirects, url: job.request.url,
                                                  detail: "more than \(options.maximumRedirects) hops, last to \(target)")))
        }
        if (status == 301 || status == 308) && job.chainIsPermanent {
            job.permanentTarget = target
        } else {
            job.chainIsPermanent = false
        }
        job.visited.insert(key)
        job.url = target
        job.retries = 0
        job.notBefore = .distantPast
        admit(job)
    }

    private func retryOrFail(_ job: FetchJob, _ error: FetchError) {
        guard error.isRetryable, job.retries < options.retryAttempts else { return finish(job, .failed(error)) }
        var delay = RetryPolicy.inRunDelay(retry: job.retries + 1, base: options.retryBaseDelay,
                                           jitter: Double.random(in: 0...1))
        if let asked = error.retryAfter {
            // Waiting longer than the cap would stall the run: report it, the scheduler honours it.
            if asked > options.retryAfterCap { return finish(job, .failed(error)) }
            delay = asked
        }
        job.retries += 1
        job.notBefore = Date().addingTimeInterval(min(delay, options.retryAfterCap))
        admit(job)
    }

    private func finish(_ job: FetchJob, _ outcome: FetchOutcome) {
        if let host = job.robotsFor { return robotsFinished(host: host, outcome: outcome) }
        let elapsed = job.firstStart.map { Date().timeIntervalSince($0) } ?? 0
        let result = FetchResult(request: job.request, outcome: outcome, attempts: job.attempts, elapsed: elapsed)
        remaining -= 1
        onResult?(job.index, result)
    }

    /// Records a host's robots.txt verdict (RFC 9309: a 4xx means no rules; an unreachable
    /// file means "disallow for now") and releases the jobs that waited for it.
    private func robotsFinished(host: String, outcome: FetchOutcome) {
        switch outcome {
        case .fetched(let r):
            let rules = RobotsRules(parsing: String(decoding: r.body, as: UTF8.self))
            robots[host] = .rules(rules)
            if let delay = rules.crawlDelay { queues.requireDelay(delay, host: host) }
        case .notModified:
            robots[host] = .rules(.allowAll)
        case .failed(let e):
            if case .http(let s) = e.kind, (400..<500).contains(s), s != 429 {
                robots[host] = .rules(.allowAll)
            } else if e.kind == .tooLarge || e.kind == .redirectLoop || e.kind == .tooManyRedirects || e.kind == .badURL {
                robots[host] = .rules(.allowAll)  // RFC 9309: treat as unavailable
            } else {
                robots[host] = .unreachable(FetchError(kind: e.kind, url: e.url,
                                                       detail: "robots.txt unreachable (\(e.detail)); RFC 9309 says assume disallowed until it can be read",
                                                       retryAfter: e.retryAfter, isRetryable: true))
            }
        }
        for job in parked.removeValue(forKey: host) ?? [] { admit(job) }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 410: return "Gone"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 300..<400: return "redirect without Location"
        default: return ""
        }
    }
}
