import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A dry connection: can this machine open a TCP connection to a channel's host? Nothing is sent
/// (`earshot doctor` checks that an SMTP server or webhook is reachable without mailing or posting).
public enum HostProbe {
    /// The host and port a channel URL names (`smtp://mail.example:587`, `https://hooks.example/x`).
    public static func endpoint(of url: String) -> (host: String, port: Int)? {
        guard let c = URLComponents(string: url), let host = c.host, !host.isEmpty else { return nil }
        let defaults = ["http": 80, "https": 443, "smtp": 25, "smtps": 465]
        guard let port = c.port ?? c.scheme.flatMap({ defaults[$0.lowercased()] }) else { return nil }
        return (host, port)
    }

    /// Connects and closes; nil when it worked, else why not (one line).
    public static func connect(host: String, port: Int, timeout: TimeInterval) -> String? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else { return "cannot resolve \(host): \(String(cString: gai_strerror(status)))" }
        defer { freeaddrinfo(list) }
        var failure = "no address for \(host)"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let a = entry {
            entry = a.pointee.ai_next
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 { return nil }
            guard errno == EINPROGRESS else { failure = "\(host):\(port): \(String(cString: strerror(errno)))"; continue }
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&p, 1, Int32(timeout * 1000)) == 1 else { failure = "\(host):\(port): no answer within \(Int(timeout)) s"; continue }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error == 0 { return nil }
            failure = "\(host):\(port): \(String(cString: strerror(error)))"
        }
        return failure
    }
}
