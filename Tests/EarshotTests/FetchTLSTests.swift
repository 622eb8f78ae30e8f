import EarshotFetch
@testable import EarshotServe
import Foundation
import Testing

/// TLS: verification is always on; a configured CA bundle is what makes a private CA's
/// certificate acceptable. The server is Python's own HTTPS server on 127.0.0.1, with a
/// certificate the test makes with the openssl command line.
@Suite struct FetchTLSTests {
    static let tools = ["/usr/bin/openssl", "/usr/bin/python3"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }

    /// An HTTPS server on 127.0.0.1 serving `folder`, its self-signed certificate at `certificate`.
    final class HTTPSServer {
        let process = Process()
        let port: Int
        let certificate: URL

        init(folder: URL) throws {
            let key: URL
            (certificate, key) = try FetchTLSTests.makeCertificate(in: folder)

            let script = """
            import http.server, ssl, sys, os
            os.chdir(sys.argv[1])
            httpd = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(sys.argv[2], sys.argv[3])
            httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
            print(httpd.server_address[1], flush=True)
            httpd.serve_forever()
            """
            let output = Pipe()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = ["-c", script, folder.path, certificate.path, key.path]
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The first line is the port it listens on.
            var line = Data()
            while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data([0x0A]) { line += byte }
            guard let port = Int(String(decoding: line, as: UTF8.self)) else { process.terminate(); throw CocoaError(.fileReadCorruptFile) }
            self.port = port
        }

        /// SIGKILL: the test runner's threads may block SIGTERM, and a spawned child inherits that mask.
        func stop() { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    /// A self-signed certificate for 127.0.0.1 (and its key), made with the openssl command line.
    static func makeCertificate(in folder: URL) throws -> (certificate: URL, key: URL) {
        let certificate = folder.appendingPathComponent("cert.pem")
        let key = folder.appendingPathComponent("key.pem")
        try runTool("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                                         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.path, "-out", certificate.path])
        return (certificate, key)
    }

    @Test(.enabled(if: tools, "openssl or python3 is missing: the TLS test needs both"))
    func aPrivateCAIsTrustedOnlyThroughTheConfiguredBundle() throws {
        let folder = TestPaths.temporaryFolder("earshot-tls")
        try "<rss version=\"2.0\"><channel><title>Secure</title></channel></rss>"
            .write(to: folder.appendingPathComponent("feed.xml"), atomically: true, encoding: .utf8)
        let server = try HTTPSServer(folder: folder)
        defer { server.stop() }
        let url = "https://127.0.0.1:\(server.port)/feed.xml"

        // The system's CAs do not know this certificate: a clear, non-retried TLS error.
        let refused = FetchTestSupport.fetchOne(url)
        let error = try #require(refused.outcome.error)
        #expect(error.detail.hasPrefix("TLS:"), "\(error)")
        #expect(!error.isRetryable)

        // With the certificate as the CA bundle, the same URL verifies and is fetched.
        var options = FetchTestSupport.options()
        options.caBundle = server.certificate.path
        let fetched = FetchTestSupport.fetchOne(url, options: options)
        #expect(fetched.outcome.response?.status == 200, "\(fetched.outcome)")
        let body = String(decoding: fetched.outcome.response?.body ?? Data(), as: UTF8.self)
        #expect(body.contains("Secure"))
    }
}

/// HTTP/2: over TLS libcurl offers h2 (ALPN) and the fetcher waits to multiplex on the connection
/// being set up, so many feeds of one host share one connection. The server is nghttpd (nghttp2's
/// own HTTP/2-only server); its verbose log names each connection ("[id=N]") and each stream's path.
@Suite struct FetchHTTP2Tests {
    static let tools = ["/usr/bin/openssl", "/usr/sbin/nghttpd"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }

    /// A port free on 127.0.0.1 a moment ago (nghttpd cannot report one it chose itself).
    static func freePort() throws -> Int {
        let (fd, port) = try LoopbackSocket.listen()
        close(fd)
        return port
    }

    @Test(.enabled(if: tools, "openssl or nghttpd (apt: nghttp2-server) is missing: Scripts/test installs them"))
    func feedsOfOneHostShareOneHTTP2Connection() throws {
        let folder = TestPaths.temporaryFolder("earshot-h2")
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = folder.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        let count = 8
        for i in 1 ... count {
            try "<rss version=\"2.0\"><channel><title>Feed \(i)</title></channel></rss>"
                .write(to: site.appendingPathComponent("f\(i).xml"), atomically: true, encoding: .utf8)
        }
        let (certificate, key) = try FetchTLSTests.makeCertificate(in: folder)
        let log = folder.appendingPathComponent("nghttpd.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let port = try Self.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/sbin/nghttpd")
        server.arguments = ["-v", "-a", "127.0.0.1", "-d", site.path, "\(port)", key.path, certificate.path]
        server.standardOutput = try FileHandle(forWritingTo: log)
        server.standardError = FileHandle.nullDevice
        try server.run()
        // SIGKILL: a child of the test runner inherits its blocked SIGTERM.
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }

        var options = FetchTestSupport.options()
        options.caBundle = certificate.path
        let requests = (1 ... count).map { FetchRequest(key: "f\($0)", url: "https://127.0.0.1:\(port)/f\($0).xml") }
        for _ in 0 ..< 50 {  // until nghttpd listens (the probe's own connection is not counted below)
            if FetchTestSupport.fetchOne("https://127.0.0.1:\(port)/probe", options: options).outcome.error?.kind != .network { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let results = Fetcher(options: options).fetch(requests)
        for (i, result) in results.enumerated() {
            #expect(result.outcome.response?.status == 200, "\(result.outcome)")
            let body = String(decoding: result.outcome.response?.body ?? Data(), as: UTF8.self)
            #expect(body.contains("Feed \(i + 1)"))
        }

        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        let paths = lines.filter { $0.contains(":path: /f") }
        #expect(paths.count == count, "each feed is one HTTP/2 stream")
        let connections = Set(paths.compactMap { $0.split(separator: " ").first })
        #expect(connections.count == 1, "the streams share one connection: \(connections.sorted())")
    }
}
