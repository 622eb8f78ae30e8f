import EarshotFetch
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
            certificate = folder.appendingPathComponent("cert.pem")
            let key = folder.appendingPathComponent("key.pem")
            let openssl = Process()
            openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                                 "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.path, "-out", certificate.path]
            openssl.standardError = FileHandle.nullDevice
            openssl.standardOutput = FileHandle.nullDevice
            try openssl.run()
            openssl.waitUntilExit()
            guard openssl.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }

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
