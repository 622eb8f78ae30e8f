import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Thin POSIX socket helpers shared by the loopback HTTP and SMTP servers.
enum LoopbackSocket {
    /// Pending connections the kernel may queue before `accept`; tests open dozens at once.
    static let backlog: Int32 = 128

    /// Opens a TCP socket listening on 127.0.0.1 at `port` (0 = any free port); returns the
    /// descriptor and the port actually bound.
    static func listen(port: UInt16 = 0) throws -> (fd: Int32, port: Int) {
        let input = "127.0.0.1:\(port)"
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServeError.system("socket", input: input) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian  // 127.0.0.1
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { let e = ServeError.system("bind", input: input); close(fd); throw e }
        guard Glibc.listen(fd, backlog) == 0 else { let e = ServeError.system("listen", input: input); close(fd); throw e }
        var actual = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard named == 0 else { let e = ServeError.system("getsockname", input: input); close(fd); throw e }
        return (fd, Int(UInt16(bigEndian: actual.sin_port)))
    }

    /// Waits up to `timeoutMilliseconds` for a connection; returns its descriptor, or nil on
    /// timeout or error (the caller re-checks whether it should stop).
    static func accept(_ listener: Int32, timeoutMilliseconds: Int32) -> Int32? {
        var pfd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, timeoutMilliseconds) > 0 else { return nil }
        let fd = Glibc.accept(listener, nil, nil)
        guard fd >= 0 else { return nil }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    /// Sets how long a blocking `recv` waits before giving up (the idle keep-alive timeout).
    static func setReceiveTimeout(_ fd: Int32, seconds: TimeInterval) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Writes all bytes; false when the peer went away. MSG_NOSIGNAL: no SIGPIPE on a closed peer.
    static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if n < 0 { if errno == EINTR { continue }; return false }
            if n == 0 { return false }
            offset += n
        }
        return true
    }

    static func sendAll(_ fd: Int32, _ data: Data) -> Bool {
        if data.isEmpty { return true }
        return data.withUnsafeBytes { sendAll(fd, $0) }
    }

    /// Reads what is available (up to 64 KiB) into `buffer`; false on EOF, error or timeout.
    static func receive(_ fd: Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
    }
}
