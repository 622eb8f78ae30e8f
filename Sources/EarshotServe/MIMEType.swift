/// Content types by file extension, for the static file server.
public enum MIMEType {
    public static func forExtension(_ ext: String) -> String {
        switch ext.lowercased() {
        case "rss": return "application/rss+xml"
        case "atom": return "application/atom+xml"
        case "rdf": return "application/rdf+xml"
        case "xml": return "application/xml"
        case "opml": return "text/x-opml"
        case "html", "htm": return "text/html; charset=utf-8"
        case "txt", "text": return "text/plain; charset=utf-8"
        case "json": return "application/json"
        case "css": return "text/css; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "ico": return "image/x-icon"
        default: return "application/octet-stream"
        }
    }
}
