import ArgumentParser
import Foundation
import EarshotApp
import EarshotStore
import EarshotDigest

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write mentions, cases or problems as CSV, JSON or JSON lines, for spreadsheets and other tools.",
        discussion: """
            One row per item, columns in a fixed order (the CSV header names them); times in UTC (ISO 8601).
            mentions: id, published, source, author, title, text, url, label, compound, complaint, aspects,
              rating, best_rating, brand, case_id, case_state (--since/--until on publication), published_local
              (the publication on its writer's clock, 2020-07-16T18:03:36-07:00; in UTC when the source named no zone).
            cases: the incident cases with their lifecycle times, satisfaction and mention count (on opening).
            problems: the recurring problems with their customers, cases and mentions (on opening).
            CSV is RFC 4180 (UTF-8, CRLF, a header row; aspects joined with ";"). The rows are read and
            written as they come, so a store of millions exports in flat memory. With --out the file
            appears whole or not at all. Texts are redacted as the config's `privacy:` says (by default
            e-mail addresses, phone numbers and card numbers); --unredacted exports them as stored.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("What to export: mentions, cases or problems.", valueName: "mentions|cases|problems"))
    var table: ExportTable
    @Option(help: ArgumentHelp("csv, json (one array) or jsonl (one object per line).", valueName: "csv|json|jsonl"))
    var format: ExportFormat = .csv
    @Option(help: ArgumentHelp("Only items from this date or time on (2026-11-01 or 2026-11-01T09:00:00Z).", valueName: "DATE"))
    var since: String?
    @Option(help: ArgumentHelp("Only items before this date or time.", valueName: "DATE"))
    var until: String?
    @Option(help: ArgumentHelp("Write to this file instead of stdout.", valueName: "FILE"))
    var out: String?
    @Flag(help: "Export texts as stored, without hiding the personal data named by `privacy: { redact: [...] }` (default: e-mail, phone, card).")
    var unredacted = false

    func run() throws {
        try guarded {
            let from = try since.map { try Self.date($0, option: "--since") }
            let to = try until.map { try Self.date($0, option: "--until") }
            if let from, let to, from >= to { throw ValidationError("--since must come before --until") }
            let config = FileManager.default.fileExists(atPath: global.config) ? try global.loadConfig() : nil
            let redactor = unredacted ? Redactor.none : config?.redactor ?? .standard
            let store = try global.openStore()
            let sink = try ExportSink(path: out)
            do {
                var writer = ExportWriter(format: format, columns: StoreTransaction.exportColumns(table), sink: sink)
                try store.read { tx in
                    try writer.begin()
                    try tx.export(table, since: from, until: to) { row in
                        try writer.row(redactor.kinds.isEmpty ? row : row.map {
                            if case let .text(t) = $0 { return .text(redactor.redact(t)) } else { return $0 }
                        })
                    }
                    try writer.end()
                }
                try sink.finish()
            } catch {
                sink.abandon()
                throw error
            }
        }
    }

    /// A date (midnight UTC) or an ISO 8601 time.
    static func date(_ text: String, option: String) throws -> Date {
        if let d = isoFormatter.date(from: text) { return d }
        let day = DateFormatter()
        day.locale = Locale(identifier: "en_US_POSIX")
        day.timeZone = TimeZone(identifier: "UTC")
        day.dateFormat = "yyyy-MM-dd"
        if let d = day.date(from: text) { return d }
        throw ValidationError("\(option) '\(text)' is not a date; write 2026-11-01 or 2026-11-01T09:00:00Z")
    }
}

enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
    case csv, json, jsonl
}

extension ExportTable: ExpressibleByArgument {}

/// Where exported bytes go: stdout, or a temporary file beside --out renamed into place at the end.
final class ExportSink {
    private let handle: FileHandle
    private let temporary: String?
    private let destination: String?
    private var buffer: [UInt8] = []

    init(path: String?) throws {
        guard let path else {
            handle = FileHandle.standardOutput
            temporary = nil
            destination = nil
            return
        }
        let url = URL(fileURLWithPath: path)
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).partial").path
        guard FileManager.default.createFile(atPath: temp, contents: nil) else {
            throw AppError.failed("export: cannot write \(path) (\(String(cString: strerror(errno)))); choose a folder you can write")
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temp))
        temporary = temp
        destination = path
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ bytes: [UInt8]) throws {
        buffer += bytes
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        try flush()
        guard let temporary, let destination else { return }
        try handle.close()
        if rename(temporary, destination) != 0 {
            throw AppError.failed("export: cannot move the export to \(destination) (\(String(cString: strerror(errno))))")
        }
    }

    func abandon() {
        guard let temporary else { return }
        try? handle.close()
        unlink(temporary)
    }
}

/// Formats rows as RFC 4180 CSV, a JSON array or JSON lines.
struct ExportWriter {
    let format: ExportFormat
    let columns: [String]
    let sink: ExportSink
    private var rows = 0

    init(format: ExportFormat, columns: [String], sink: ExportSink) {
        self.format = format
        self.columns = columns
        self.sink = sink
    }

    mutating func begin() throws {
        switch format {
        case .csv: try sink.write(Array((columns.map(Self.csvField).joined(separator: ",") + "\r\n").utf8))
        case .json: try sink.write(Array("[".utf8))
        case .jsonl: break
        }
    }

    mutating func row(_ values: [ExportValue]) throws {
        var line = ""
        switch format {
        case .csv:
            line = values.map { Self.csvField(Self.text($0)) }.joined(separator: ",") + "\r\n"
        case .json, .jsonl:
            line = (format == .json ? (rows == 0 ? "\n" : ",\n") : "") + "{"
            for (k, (name, value)) in zip(columns, values).enumerated() {
                line += (k == 0 ? "" : ",") + Self.jsonString(name) + ":" + Self.json(value)
            }
            line += format == .jsonl ? "}\n" : "}"
        }
        rows += 1
        try sink.write(Array(line.utf8))
    }

    mutating func end() throws {
        if format == .json { try sink.write(Array((rows == 0 ? "]\n" : "\n]\n").utf8)) }
    }

    static func text(_ value: ExportValue) -> String {
        switch value {
        case let .text(s): return s
        case let .integer(i): return String(i)
        case let .number(d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case let .bool(b): return b ? "true" : "false"
        case let .time(t): return isoFormatter.string(from: t)
        case let .list(l): return l.joined(separator: ";")
        case .null: return ""
        }
    }

    /// A CSV field, quoted when it holds a comma, a quote, a line break or edge spaces (quotes doubled).
    static func csvField(_ s: String) -> String {
        let needs = s.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            || s.first == " " || s.last == " "
        return needs ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func json(_ value: ExportValue) -> String {
        switch value {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case .integer, .number: return text(value)
        case let .list(l): return "[" + l.map(jsonString).joined(separator: ",") + "]"
        case .text, .time: return jsonString(text(value))
        }
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x2028 || u.value == 0x2029 {
                    out += String(format: "\\u%04x", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
