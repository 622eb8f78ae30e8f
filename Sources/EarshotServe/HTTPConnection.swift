import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One client connection: reads HTTP/1.1 requests one after another (keep-alive), hands
/// each to the handler and writes the response.
struct HTTPConnection {
    let fd: Int32
    let core: ServerCore

    /// The largest request head accepted (64 KiB); beyond it the answer is 431.
    static let maximumHeadBytes = 64 << 10
    /// The largest request body accepted (64 MiB); beyond it the answer is 413.
    static let maximumBodyBytes = 64 << 20

    private enum Parsed {
        case request(HTTPRequest, keepAlive: Bool)
        case error(Int)
        case closed
    }

    func run() {
        LoopbackSocket.setReceiveTimeout(fd, seconds: core.idleTimeout)
        var buffer: [UInt8] = []
        while !core.isStopped {
            switch readRequest(&buffer) {
            case .closed:
                return
            case .error(let status):
                var response = HTTPResponse.text("bad request\n", status: status)
                response.closeConnection = true
                _ = write(response, method: "GET", keepAlive: false)
                return
            case .request(var request, let keepAlive):
                request.pathHit = core.begin(request)
                let response = core.handler(request)
                let ok = write(response, method: request.method, keepAlive: keepAlive && !response.closeConnection)
                core.end()
                if !ok || !keepAlive || response.closeConnection { return }
            }
        }
    }

    // MARK: reading

    private func readRequest(_ buffer: inout [UInt8]) -> Parsed {
        var headEnd: Int?
        while true {
            if let end = Self.find([13, 10, 13, 10], in: buffer) { headEnd = end; break }
            if buffer.count > Self.maximumHeadBytes { return .error(431) }
            if !LoopbackSocket.receive(fd, into: &buffer) { return .closed }
        }
        guard let end = headEnd else { return .closed }
        let head = String(decoding: buffer[0..<end], as: UTF8.self)
        buffer.removeFirst(end + 4)
        var lines = head.components(separatedBy: "\r\n")
        while lines.first == "" { lines.removeFirst() }  // stray CRLF between requests
        guard let requestLine = lines.first else { return .error(400) }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/") else { return .error(400) }
        let method = String(parts[0])
        let target = String(parts[1])
        let version = String(parts[2])
        var headers: [String: String] = [:]
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return .error(400) }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if let existing = headers[name] { headers[name] = existing + ", " + value } else { headers[name] = value }
        }
        let connection = headers["connection"]?.lowercased() ?? ""
        let keepAlive = version == "HTTP/1.0" ? connection.contains("keep-alive") : !connection.contains("close")

        if headers["expect"]?.lowercased() == "100-continue" {
            _ = LoopbackSocket.sendAll(fd, Data("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        var body = Data()
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            guard let decoded = readChunked(&buffer) else { return .error(400) }
            body = decoded
        } else if let lengthText = headers["content-length"] {
            guard let length = Int(lengthText), length >= 0 else { return .error(400) }
            if length > Self.maximumBodyBytes { return .error(413) }
            while buffer.count < length {
                if !LoopbackSocket.receive(fd, into: &buffer) { return .closed }
            }
            body = Data(buffer[0..<length])
            buffer.removeFirst(length)
        }
        var path = target
        var query: String?
        if let q = target.firstIndex(of: "?") {
            path = String(target[..<q])
            query = String(target[target.index(after: q)...])
        }
        if let schemeEnd = path.range(of: "://") {  // absolute-form (a proxy request)
            let rest = path[schemeEnd.upperBound...]
            path = rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
        }
        return .request(HTTPRequest(method: method, path: path, query: query, headers: headers, body: body), keepAlive: keepAlive)
    }

    private func readChunked(_ buffer: inout [UInt8]) -> Data? {
        var body = Data()
        while true {
            var lineEnd = Self.find([13, 10], in: buffer)
            while lineEnd == nil {
                if !LoopbackSocket.receive(fd, into: &buffer) { return nil }
                lineEnd = Self.find([13, 10], in: buffer)
            }
            let sizeLine = String(decoding: buffer[0..<lineEnd!], as: UTF8.self)
            buffer.removeFirst(lineEnd! + 2)
            let hex = sizeLine.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard let size = Int(hex, radix: 16), size >= 0 else { return nil }
            if size == 0 {
                // Skip trailers up to the blank line.
                while true {
                    var end = Self.find([13, 10], in: buffer)
                    while end == nil {
                        if !LoopbackSocket.receive(fd, into: &buffer) { return nil }
                        end = Self.find([13, 10], in: buffer)
                    }
                    buffer.removeFirst(end! + 2)
                    if end! == 0 { return body }
                }
            }
            if body.count + size > Self.maximumBodyBytes { return nil }
            while buffer.count < size + 2 {
                if !LoopbackSocket.receive(fd, into: &buffer) { return nil }
            }
            body.append(contentsOf: buffer[0..<size])
            buffer.removeFirst(size + 2)
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == needle[0] {
                var match = true
                for k in 1..<needle.count where haystack[i + k] != needle[k] { match = false; break }
                if match { return i }
            }
            i += 1
        }
        return nil
    }

    // MARK: writing

    private func write(_ response: HTTPResponse, method: String, keepAlive: Bool) -> Bool {
        if response.delay > 0, !core.sleep(response.delay) { return false }
        let bodyAllowed = method != "HEAD" && response.status != 204 && response.status != 304
            && !(100..<200).contains(response.status)
        var head = "HTTP/1.1 \(response.status) \(HTTPResponse.reason(response.status))\r\n"
        var hasLength = false, hasDate = false, hasConnection = false, chunked = false
        for (name, value) in response.headers {
            let lower = name.lowercased()
            if lower == "content-length" { hasLength = true }
            if lower == "transfer-encoding" && value.lowercased().contains("chunked") { chunked = true; hasLength = true }
            if lower == "date" { hasDate = true }
            if lower == "connection" { hasConnection = true }
            head += "\(name): \(value)\r\n"
        }
        if !hasLength && response.status != 304 && response.status != 204 { head += "Content-Length: \(response.body.count)\r\n" }
        if !hasDate { head += "Date: \(HTTPDate.format(Date()))\r\n" }
        if !hasConnection { head += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n" }
        head += "\r\n"
        guard LoopbackSocket.sendAll(fd, Data(head.utf8)) else { return false }
        guard bodyAllowed else { return true }
        if chunked {
            // The handler asked for chunked framing: one chunk per write, then the last-chunk.
            return writeBody(response) { LoopbackSocket.sendAll(fd, Self.chunk($0)) }
                && LoopbackSocket.sendAll(fd, Data("0\r\n\r\n".utf8))
        }
        return writeBody(response) { LoopbackSocket.sendAll(fd, $0) }
    }

    /// Sends the body in one write, or trickled in `chunkSize` pieces `chunkDelay` apart.
    private func writeBody(_ response: HTTPResponse, _ send: (Data) -> Bool) -> Bool {
        guard !response.body.isEmpty else { return true }
        let pause = response.chunkDelay
        let size = pause == nil ? 16 << 10 : response.chunkSize  // untrickled: 16 KiB pieces
        var offset = 0
        while offset < response.body.count {
            let end = min(offset + size, response.body.count)
            guard send(response.body.subdata(in: offset..<end)) else { return false }
            offset = end
            if let pause, offset < response.body.count, !core.sleep(pause) { return false }
        }
        return true
    }

    static func chunk(_ data: Data) -> Data {
        var out = Data(String(data.count, radix: 16).utf8 + [13, 10])
        out.append(data)
        out.append(contentsOf: [13, 10])
        return out
    }
}
