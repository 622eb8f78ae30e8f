import Foundation

/// Turns a `DigestReport` into something to send or store.
///
/// Content, in order: the headline numbers against the previous period; recurring problems, then
/// spikes; charts (daily volume by sentiment, rating trend per review source, aspects of negative
/// mentions); top negative and top positive mentions; cases; source health. Empty sections are
/// left out, and a quiet period is one line (plus source health problems, if any).
///
/// Every piece of text that came from a feed or a customer is untrusted: HTML escapes it and links
/// only http(s) URLs, Markdown backslash-escapes it, text strips control characters from it.
public enum DigestRenderer {
    /// An e-mail-safe HTML page: table layout 600 px wide, inline CSS, inline SVG charts, no
    /// scripts and no external resources.
    public static func html(_ report: DigestReport) -> String {
        var writer = HTMLDigestWriter(DigestSummary(report))
        return writer.render()
    }

    /// Plain text for terminals and text-only mail, at most 78 columns except unbreakable words.
    public static func text(_ report: DigestReport) -> String {
        var writer = TextDigestWriter(DigestSummary(report), markdown: false)
        return writer.render()
    }

    /// CommonMark with GitHub tables, for chat tools and issue trackers.
    public static func markdown(_ report: DigestReport) -> String {
        var writer = TextDigestWriter(DigestSummary(report), markdown: true)
        return writer.render()
    }

    /// The report itself for machines: sorted keys, ISO 8601 dates (whole seconds).
    ///
    /// Non-finite numbers (which a report should never hold) are written as the strings "inf",
    /// "-inf" and "nan" rather than failing the whole digest.
    public static func json(_ report: DigestReport) -> String {
        let encoder = makeJSONEncoder()
        guard let data = try? encoder.encode(report), let text = String(data: data, encoding: .utf8) else {
            return "{}"  // Unreachable: every field is encodable and non-finite floats are strings.
        }
        return text + "\n"
    }

    /// Reads what `json(_:)` wrote.
    public static func decodeJSON(_ text: String) throws -> DigestReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(DigestReport.self, from: Data(text.utf8))
    }

    static func makeJSONEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// Renders in the given format.
    public static func render(_ report: DigestReport, format: DigestFormat) -> String {
        switch format {
        case .html: return html(report)
        case .text: return text(report)
        case .md: return markdown(report)
        case .json: return json(report)
        }
    }
}

/// The digest's output formats; raw values are what `earshot digest --format` accepts.
public enum DigestFormat: String, CaseIterable, Codable, Sendable {
    case html, text, md, json

    /// The usual file extension.
    public var fileExtension: String {
        switch self {
        case .html: return "html"
        case .text: return "txt"
        case .md: return "md"
        case .json: return "json"
        }
    }

    /// Renders `report` in this format.
    public func render(_ report: DigestReport) -> String {
        DigestRenderer.render(report, format: self)
    }
}
