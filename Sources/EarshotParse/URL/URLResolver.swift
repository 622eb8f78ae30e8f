/// Resolves relative links against `xml:base` and the document URL, with the semantics feedparser gets from
/// Python's `urllib.parse.urljoin`, and its list of safe schemes.
public enum URLResolver {
    static let usesRelative: Set<String> = ["", "ftp", "http", "gopher", "nntp", "imap", "wais", "file", "https", "shttp",
                                            "mms", "prospero", "rtsp", "rtspu", "sftp", "svn", "svn+ssh", "ws", "wss"]
    static let usesNetloc: Set<String> = ["", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms",
                                          "https", "shttp", "snews", "prospero", "rtsp", "rtspu", "rsync", "svn",
                                          "svn+ssh", "sftp", "nfs", "git", "git+ssh", "ws", "wss"]
    static let acceptableSchemes: Set<String> = ["file", "ftp", "gopher", "h323", "hdl", "http", "https", "imap", "magnet",
                                                 "mailto", "mms", "news", "nntp", "prospero", "rsync", "rtsp", "rtspu",
                                                 "sftp", "shttp", "sip", "sips", "snews", "svn", "svn+ssh", "telnet",
                                                 "wais", "aim", "callto", "cvs", "facetime", "feed", "git", "gtalk", "irc",
                                                 "ircs", "irc6", "itms", "msnim", "skype", "ssh", "smb", "ymsg"]

    struct Parts { var scheme = "", netloc = "", path = "", query = "", fragment = "" }

    static func split(_ s: String, defaultScheme: String = "") -> Parts {
        var p = Parts()
        var url = Substring(s)
        p.scheme = defaultScheme
        if let colon = url.firstIndex(of: ":"), colon > url.startIndex, let f = url.first, f.isASCII, f.isLetter,
           url[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }) {
            p.scheme = url[..<colon].lowercased()
            url = url[url.index(after: colon)...]
        }
        if url.hasPrefix("//") {
            let rest = url.dropFirst(2)
            let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
            p.netloc = String(rest[..<end])
            url = rest[end...]
        }
        if let h = url.firstIndex(of: "#") { p.fragment = String(url[url.index(after: h)...]); url = url[..<h] }
        if let q = url.firstIndex(of: "?") { p.query = String(url[url.index(after: q)...]); url = url[..<q] }
        p.path = String(url)
        return p
    }

    static func unsplit(_ p: Parts) -> String {
        var url = p.path
        if !p.netloc.isEmpty || (!p.scheme.isEmpty && usesNetloc.contains(p.scheme) && !url.hasPrefix("//")) {
            if !url.isEmpty && !url.hasPrefix("/") { url = "/" + url }
            url = "//" + p.netloc + url
        }
        if !p.scheme.isEmpty { url = p.scheme + ":" + url }
        if !p.query.isEmpty { url += "?" + p.query }
        if !p.fragment.isEmpty { url += "#" + p.fragment }
        return url
    }

    /// Python's urljoin(base, url).
    public static func join(_ base: String, _ url: String) -> String {
        if base.isEmpty { return url }
        if url.isEmpty { return base }
        let b = split(base)
        var u = split(url, defaultScheme: b.scheme)
        if u.scheme != b.scheme || !usesRelative.contains(u.scheme) { return url }
        if usesNetloc.contains(u.scheme) {
            if !u.netloc.isEmpty { return unsplit(u) }
            u.netloc = b.netloc
        }
        if u.path.isEmpty {
            u.path = b.path
            if u.query.isEmpty { u.query = b.query }
            return unsplit(u)
        }
        var baseParts = b.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if baseParts.last != "" { baseParts.removeLast() }
        var segments: [String]
        if u.path.hasPrefix("/") {
            segments = u.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        } else {
            segments = baseParts + u.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if segments.count > 2 {
                let middle = segments[1..<(segments.count - 1)].filter { !$0.isEmpty }
                segments = [segments[0]] + middle + [segments[segments.count - 1]]
            }
        }
        var resolved: [String] = []
        for seg in segments {
            if seg == ".." { if !resolved.isEmpty { resolved.removeLast() } }
            else if seg == "." { continue }
            else { resolved.append(seg) }
        }
        if let last = segments.last, last == "." || last == ".." { resolved.append("") }
        let path = resolved.joined(separator: "/")
        u.path = path.isEmpty ? "/" : path
        return unsplit(u)
    }

    /// feedparser's _urljoin: extra slashes after "scheme://" removed, then urljoin.
    public static func resolve(_ base: String, _ uri: String) -> String {
        // Without a slash right after "://" (nearly every link) there is nothing to remove: no Character scan.
        guard let offset = uri.utf8Offset(of: "://"),
              uri.utf8.dropFirst(offset + 3).first == UInt8(ascii: "/") else { return join(base, uri) }
        var fixed = uri
        let start = fixed.utf8.index(fixed.startIndex, offsetBy: offset)
        let r = start..<fixed.utf8.index(start, offsetBy: 3)
        if let first = fixed.first, first.isASCII, first.isLetter,
           fixed[..<r.lowerBound].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ("+"..."." ~= $0)) }) {
            var after = fixed[r.upperBound...]
            while after.hasPrefix("/") { after = after.dropFirst() }
            fixed = String(fixed[..<r.upperBound]) + after
        }
        return join(base, fixed)
    }

    /// feedparser's make_safe_absolute_uri: the joined URI, or "" when its scheme is not a safe one.
    public static func safeAbsolute(_ base: String, _ rel: String?) -> String {
        guard !base.isEmpty else { return rel ?? "" }
        guard let rel, !rel.isEmpty else {
            let scheme = split(base).scheme
            return scheme.isEmpty || acceptableSchemes.contains(scheme) ? base : ""
        }
        let uri = resolve(base, rel)
        let scheme = uri.trimmingSpaces().split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return acceptableSchemes.contains(scheme) ? uri : ""
    }
}

extension String {
    /// Without Python's whitespace (``TextCleaner/isSpace(_:)``) at either end.
    func trimmingSpaces() -> String {
        // Printable ASCII at both ends (the usual case) has nothing to trim.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 { return self }
        var text = self
        return text.withUTF8 { b -> String in
            let range = FeedBuilder.trimmedRange(b)
            let (start, end) = (range.lowerBound, range.upperBound)
            if start == 0 && end == b.count { return self }
            return String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
        }
    }
}
