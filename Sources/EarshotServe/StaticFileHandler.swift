import Foundation

/// Serves the files under one folder: content type by extension, `ETag` and `Last-Modified`,
/// 304 for `If-None-Match` / `If-Modified-Since`, gzip when the client accepts it, 404
/// otherwise. Paths are percent-decoded and may never leave the folder.
public struct StaticFileHandler: Sendable {
    /// The folder, resolved (symlinks and `..` removed) once.
    public let root: URL

    public init(root: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ServeError(kind: .directory, input: root.path, detail: "no such folder")
        }
        self.root = root.standardizedFileURL.resolvingSymlinksInPath()
    }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            var r = HTTPResponse.text("method not allowed\n", status: 405)
            r.headers.append(("Allow", "GET, HEAD"))
            return r
        }
        guard let file = resolve(request.path) else { return .notFound() }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file.path),
              let size = (attributes[.size] as? NSNumber)?.intValue,
              let modified = attributes[.modificationDate] as? Date,
              let data = try? Data(contentsOf: file) else { return .notFound() }
        let seconds = Int(modified.timeIntervalSince1970)
        let etag = "\"\(String(size, radix: 16))-\(String(seconds, radix: 16))\""
        let lastModified = HTTPDate.format(modified)
        let validators: [(String, String)] = [("ETag", etag), ("Last-Modified", lastModified),
                                              ("Cache-Control", "max-age=60")]
        if let inm = request.header("if-none-match") {
            let tags = inm.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if tags.contains(etag) || tags.contains("W/" + etag) || tags.contains("*") {
                return HTTPResponse(status: 304, headers: validators)
            }
        } else if let ims = request.header("if-modified-since"), let since = HTTPDate.parse(ims),
                  seconds <= Int(since.timeIntervalSince1970) {
            return HTTPResponse(status: 304, headers: validators)
        }
        var response = HTTPResponse(status: 200, headers: [("Content-Type", MIMEType.forExtension(file.pathExtension))] + validators,
                                    body: data)
        // Compress text when asked; 1 KiB is below the point where gzip's overhead pays off.
        if data.count > 1024, acceptsGzip(request), isCompressible(file.pathExtension) {
            response = response.gzipped()
            response.headers.append(("Vary", "Accept-Encoding"))
        }
        return response
    }

    /// The file a request path names, or nil when it is missing, a folder without
    /// `index.html`, or outside the root.
    func resolve(_ rawPath: String) -> URL? {
        guard let decoded = rawPath.removingPercentEncoding, !decoded.contains("\0") else { return nil }
        let parts = decoded.split(separator: "/", omittingEmptySubsequences: true)
        if parts.contains(where: { $0 == ".." || $0 == "." || $0.contains("\\") }) { return nil }
        var url = root
        for part in parts { url.appendPathComponent(String(part)) }
        url = url.resolvingSymlinksInPath()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue {
            url.appendPathComponent("index.html")
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        }
        let rootPath = root.path.hasSuffix("/") ? root.path : root.path + "/"
        guard url.path.hasPrefix(rootPath) else { return nil }  // a symlink pointing out
        return url
    }

    private func acceptsGzip(_ request: HTTPRequest) -> Bool {
        (request.header("accept-encoding") ?? "").lowercased().contains("gzip")
    }

    private func isCompressible(_ ext: String) -> Bool {
        ["rss", "atom", "rdf", "xml", "opml", "html", "htm", "txt", "json", "css", "js", "svg"].contains(ext.lowercased())
    }
}
