import Foundation

/// Writes the contract JSON (see ``ParsedDocument/contractJSON()``) piecewise, entry by entry, so that
/// `earshot parse` never holds the whole document's JSON (or its entries) in memory.
///
/// Use: ``append(_:)`` each entry as the parser delivers it, then ``finish(_:)`` with the document (its
/// head fields and warnings; its `entries` are ignored). Bytes go to `sink` in pieces of about
/// ``bufferSize``.
///
/// Key order: in RSS the channel's title, link, language or date may come after the items, so the head
/// fields are known only at the end. While the entries' JSON stays under `holdLimit` bytes it is held back and
/// the output is byte for byte ``ParsedDocument/contractJSON()``. Past that the writer streams and writes
/// `{"entries":[...],"kind":...,"title":...,...,"warnings":[...]}`: the same JSON object (key order has no
/// meaning in JSON), with the head after the entries.
public struct ContractJSONWriter {
    /// The size of the pieces handed to the sink.
    public static let bufferSize = 64 * 1024
    /// Entries JSON held back (for the contract's key order) before the writer starts streaming.
    public static let defaultHoldLimit = 1 << 20

    private let sink: (UnsafeRawBufferPointer) -> Void
    private let holdLimit: Int
    /// Bytes not yet handed to the sink (while held back: the entries written so far).
    private var buffer: [UInt8] = []
    /// Whether output has started (entries first); false while entries are held back.
    private var streaming = false
    private var entryCount = 0
    /// Whether an entry's `published` is written in the offset its document named (`2020-07-16T18:03:36-07:00`)
    /// rather than in UTC; a date that named no zone stays UTC.
    private let writtenDates: Bool

    public init(holdLimit: Int = ContractJSONWriter.defaultHoldLimit, writtenDates: Bool = false,
                sink: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.sink = sink
        self.holdLimit = holdLimit
        self.writtenDates = writtenDates
        buffer.reserveCapacity(Self.bufferSize + 4096)
    }

    /// Writes one entry.
    public mutating func append(_ entry: ParsedEntry) {
        if entryCount > 0 { buffer.append(UInt8(ascii: ",")) }
        entryCount += 1
        JSONBytes.entry(entry, writtenDates: writtenDates, into: &buffer)
        if streaming {
            if buffer.count >= Self.bufferSize { flush() }
        } else if buffer.count > holdLimit {
            // Too much to hold: start streaming, entries first.
            var held = buffer
            buffer = Array("{\"entries\":[".utf8)
            buffer.append(contentsOf: held)
            held = []
            streaming = true
            flush()
        }
    }

    /// Writes the head fields and warnings of `document` (not its entries: see ``append(_:)``) and ends the
    /// JSON (no line break).
    public mutating func finish(_ document: ParsedDocument) {
        if streaming {
            buffer.append(contentsOf: "],".utf8)
            JSONBytes.head(document, into: &buffer)
            buffer.append(UInt8(ascii: ","))
        } else {
            let entries = buffer
            buffer = [UInt8(ascii: "{")]
            buffer.reserveCapacity(entries.count + 1024)
            JSONBytes.head(document, into: &buffer)
            buffer.append(contentsOf: ",\"entries\":[".utf8)
            buffer.append(contentsOf: entries)
            buffer.append(contentsOf: "],".utf8)
        }
        buffer.append(contentsOf: "\"warnings\":[".utf8)
        for (index, warning) in document.warnings.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            JSONBytes.string(warning, into: &buffer)
        }
        buffer.append(contentsOf: "]}".utf8)
        flush()
    }

    private mutating func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes(sink)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// The contract's JSON pieces as UTF-8 bytes, the same text ``JSONText`` and ``ContractDate`` make.
enum JSONBytes {
    /// `"kind":...,"title":...,"link":...,"subtitle":...,"language":...,"updated":...` (no braces).
    static func head(_ d: ParsedDocument, into out: inout [UInt8]) {
        literal("\"kind\":", into: &out); string(d.kind.rawValue, into: &out)
        literal(",\"title\":", into: &out); optional(d.title, into: &out)
        literal(",\"link\":", into: &out); optional(d.link, into: &out)
        literal(",\"subtitle\":", into: &out); optional(d.subtitle, into: &out)
        literal(",\"language\":", into: &out); optional(d.language, into: &out)
        literal(",\"updated\":", into: &out); date(d.updated, into: &out)
    }

    /// One entry object.
    static func entry(_ e: ParsedEntry, writtenDates: Bool = false, into out: inout [UInt8]) {
        literal("{\"id\":", into: &out); optional(e.id, into: &out)
        literal(",\"title\":", into: &out); optional(e.title, into: &out)
        literal(",\"link\":", into: &out); optional(e.link, into: &out)
        literal(",\"author\":", into: &out); optional(e.author, into: &out)
        literal(",\"published\":", into: &out); date(e.published, offset: writtenDates ? e.publishedOffset : nil, into: &out)
        literal(",\"updated\":", into: &out); date(e.updated, into: &out)
        literal(",\"summary\":", into: &out); optional(e.summary, into: &out)
        literal(",\"content\":", into: &out); optional(e.content, into: &out)
        literal(",\"rating\":", into: &out); number(e.rating, into: &out)
        literal(",\"best_rating\":", into: &out); number(e.bestRating, into: &out)
        literal(",\"worst_rating\":", into: &out); number(e.worstRating, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// Fixed text, copied from the literal's bytes (no String to go through).
    static func literal(_ s: StaticString, into out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    static func optional(_ s: String?, into out: inout [UInt8]) {
        if let s { string(s, into: &out) } else { literal("null", into: &out) }
    }

    /// ``JSONText/number(_:)``'s text.
    static func number(_ d: Double?, into out: inout [UInt8]) {
        if let d { out.append(contentsOf: JSONText.number(d).utf8) } else { literal("null", into: &out) }
    }

    /// `"YYYY-MM-DDTHH:MM:SSZ"` (UTC) or null, as ``ContractDate/format(_:)`` writes it; with an `offset` (seconds
    /// east of UTC), the local time there and its offset, `"2020-07-16T18:03:36-07:00"`.
    static func date(_ d: Date?, offset: Int? = nil, into out: inout [UInt8]) {
        guard let d else { literal("null", into: &out); return }
        // Zero is written "Z", as WrittenTime writes it; no real zone, no clock (as parseWritten has it).
        let offset = offset.flatMap { $0 == 0 || !WrittenDate.realOffsets.contains($0) ? nil : $0 }
        var t = time_t(d.timeIntervalSince1970.rounded(.down)) + time_t(offset ?? 0)
        var parts = tm()
        gmtime_r(&t, &parts)
        func digits(_ v: Int32, _ width: Int) {
            // Zero-padded to `width`; values that do not fit (years past 9999) in full, as ContractDate does.
            var limit: Int32 = 1
            for _ in 0..<width { limit *= 10 }
            guard v >= 0 && v < limit else {
                let s = Array(String(v).utf8)
                if s.count < width { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - s.count)) }
                out.append(contentsOf: s)
                return
            }
            var divisor = limit / 10
            while divisor > 0 { out.append(UInt8(ascii: "0") + UInt8(v / divisor % 10)); divisor /= 10 }
        }
        out.append(UInt8(ascii: "\""))
        digits(parts.tm_year + 1900, 4); out.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2); out.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2); out.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2); out.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2); out.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2)
        if let offset {
            out.append(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            digits(Int32(abs(offset) / 3600), 2); out.append(UInt8(ascii: ":")); digits(Int32(abs(offset) % 3600 / 60), 2)
            out.append(UInt8(ascii: "\""))
        } else {
            literal("Z\"", into: &out)
        }
    }

    /// Whether any of the eight bytes in `word` is below 0x20, a quote or a backslash. Bit tricks on the
    /// whole word: `(x - 0x01…) & ~x & 0x80…` is non-zero exactly when some byte of x is zero, and
    /// `(x - n·0x01…) & ~x & 0x80…` when some byte is below n (n ≤ 0x80).
    @inline(__always) static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
        let control = (word &- ones &* 0x20) & ~word
        let zeros = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
        return (control | zeros) & highs != 0
    }

    /// A JSON string (RFC 8259 escapes, as ``JSONText/string(_:)``): runs without escapes copied at once.
    static func string(_ s: String, into out: inout [UInt8]) {
        var text = s
        text.withUTF8 { b in
            out.append(UInt8(ascii: "\""))
            var start = 0
            var i = 0
            while i < b.count {
                // Eight bytes at a time while none needs escaping (see `needsEscape`).
                if i + 8 <= b.count, let base = b.baseAddress,
                   !needsEscape(UnsafeRawPointer(base).loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                    i += 8; continue
                }
                let c = b[i]
                i += 1
                guard c < 0x20 || c == 0x22 || c == 0x5C else { continue }
                if i - 1 > start { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<(i - 1)])) }
                start = i
                switch c {
                case 0x22: out.append(contentsOf: "\\\"".utf8)
                case 0x5C: out.append(contentsOf: "\\\\".utf8)
                case 0x0A: out.append(contentsOf: "\\n".utf8)
                case 0x0D: out.append(contentsOf: "\\r".utf8)
                case 0x09: out.append(contentsOf: "\\t".utf8)
                default:
                    // \u00XX with lowercase hex digits.
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hex[Int(c >> 4)]); out.append(hex[Int(c & 0x0F)])
                }
            }
            if b.count > start { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<b.count])) }
            out.append(UInt8(ascii: "\""))
        }
    }
}
