import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides a feed's character encoding the way feedparser does (BOM, XML declaration, HTTP charset, then
/// utf-8 → windows-1252 → iso-8859-2 when the declared one lies) and makes the bytes UTF-8.
///
/// A document that already is UTF-8 (or ASCII), nearly every feed, is used in place: no copy. Other
/// encodings are converted once into ``converted``.
struct FeedEncoding {
    /// The converted document (UTF-8), or nil when the input is UTF-8 already and is used in place.
    var converted: [UInt8]?
    /// Where the text after the (replaced) XML declaration starts, in ``converted`` or in the input.
    var bodyStart: Int
    /// The XML declaration to put first, naming utf-8 (with a line break when the document had none).
    var declaration: [UInt8]
    /// The encoding the bytes were finally read as (lowercased), e.g. "utf-8".
    var encoding: String
    var warnings: [String]

    /// Calls `body` with the document's UTF-8 text after its XML declaration.
    func withBody<R>(of input: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let converted {
            return converted.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[bodyStart...])) }
        }
        return body(UnsafeBufferPointer(rebasing: input[bodyStart...]))
    }

    /// `release`, when given, is told how far the UTF-8 check has read (see ``MappedInput``).
    static func convert(_ input: UnsafeBufferPointer<UInt8>, charset: String?,
                        release: ((UnsafeRawPointer) -> Void)? = nil) -> FeedEncoding {
        var start = 0
        var bom = ""
        func starts(_ p: [UInt8]) -> Bool { input.count >= p.count && input.prefix(p.count).elementsEqual(p) }
        let zero2 = input.count >= 4 && input[2] == 0 && input[3] == 0
        if starts([0x00, 0x00, 0xFE, 0xFF]) { bom = "utf-32be"; start = 4 }
        else if starts([0xFF, 0xFE, 0x00, 0x00]) { bom = "utf-32le"; start = 4 }
        else if starts([0xFE, 0xFF]) && !zero2 { bom = "utf-16be"; start = 2 }
        else if starts([0xFF, 0xFE]) && !zero2 { bom = "utf-16le"; start = 2 }
        else if starts([0xEF, 0xBB, 0xBF]) { bom = "utf-8"; start = 3 }
        else if starts([0x4C, 0x6F, 0xA7, 0x94]) { bom = "cp037" }
        else if starts([0x00, 0x3C, 0x00, 0x3F]) { bom = "utf-16be" }
        else if starts([0x3C, 0x00, 0x3F, 0x00]) { bom = "utf-16le" }
        else if starts([0x00, 0x00, 0x00, 0x3C]) { bom = "utf-32be" }
        else if starts([0x3C, 0x00, 0x00, 0x00]) { bom = "utf-32le" }
        let data = UnsafeBufferPointer(rebasing: input[start...])

        // The encoding named in the XML declaration (read after decoding the BOM's encoding).
        var xmlEncoding = ""
        var head: [UInt8]? = Array(data.prefix(4096))
        if !bom.isEmpty { head = decode(Array(data.prefix(4096)), as: bom, lenient: true) }
        if let head, let enc = declaredEncoding(head) {
            xmlEncoding = enc.lowercased()
            let unicodeNames: Set<String> = ["u16", "utf-16", "utf16", "utf_16", "u32", "utf-32", "utf32", "utf_32",
                                             "iso-10646-ucs-2", "iso-10646-ucs-4", "csucs4", "csunicode", "ucs-2", "ucs-4"]
            if !bom.isEmpty && unicodeNames.contains(xmlEncoding) { xmlEncoding = bom }
        }
        var declared = (charset?.isEmpty == false ? charset!.lowercased() : nil) ?? (xmlEncoding.isEmpty ? "utf-8" : xmlEncoding)
        if declared == "gb2312" { declared = "gb18030" }
        if xmlEncoding == "gb2312" { xmlEncoding = "gb18030" }

        var warnings: [String] = []
        var tried: [String] = []
        for proposed in [declared, xmlEncoding, bom, "utf-8", "windows-1252", "iso-8859-2"] where !proposed.isEmpty {
            if tried.contains(proposed) { continue }
            tried.append(proposed)
            guard let decoded = decodeDocument(data, as: proposed, release: release) else { continue }
            if proposed != declared {
                warnings.append("document declared as \(declared), but parsed as \(proposed)")
            }
            if let out = decoded {
                let (declaration, bodyStart) = out.withUnsafeBufferPointer { splitDeclaration($0, warnings: &warnings) }
                return FeedEncoding(converted: out, bodyStart: bodyStart, declaration: declaration,
                                    encoding: proposed, warnings: warnings)
            }
            let (declaration, bodyStart) = splitDeclaration(data, warnings: &warnings)
            return FeedEncoding(converted: nil, bodyStart: start + bodyStart, declaration: declaration,
                                encoding: proposed, warnings: warnings)
        }
        // Unreachable in practice: iso-8859-2 reads any byte.
        let out = latin1(Array(data))
        let (declaration, bodyStart) = out.withUnsafeBufferPointer { splitDeclaration($0, warnings: &warnings) }
        return FeedEncoding(converted: out, bodyStart: bodyStart, declaration: declaration, encoding: "iso-8859-1",
                            warnings: warnings + ["document encoding unknown"])
    }

    /// The whole document decoded as `name`: `.some(nil)` when it is valid UTF-8 as it stands (use it in
    /// place), `.some(bytes)` when converted, nil when it is not valid in that encoding.
    static func decodeDocument(_ bytes: UnsafeBufferPointer<UInt8>, as name: String,
                               release: ((UnsafeRawPointer) -> Void)? = nil) -> [UInt8]?? {
        guard let iconvName = FeedCodecNames.iconvName(name) else { return nil }
        switch iconvName {
        case "UTF-8":
            return validUTF8(bytes, release: release) ? .some(nil) : nil
        case "ASCII", "US-ASCII", "ANSI_X3.4-1968":
            return bytes.allSatisfy({ $0 < 0x80 }) ? .some(nil) : nil
        case "ISO-8859-1", "LATIN1", "ISO8859-1":
            return .some(latin1(Array(bytes)))
        default:
            return iconvDecode(bytes, from: iconvName, lenient: false).map { .some($0) }
        }
    }

    /// `encoding="..."` from a leading `<?...?>`, like feedparser's RE_XML_PI_ENCODING.
    static func declaredEncoding(_ head: [UInt8]) -> String? {
        guard head.count > 5, head[0] == UInt8(ascii: "<"), head[1] == UInt8(ascii: "?") else { return nil }
        guard let end = findSeq(head, [UInt8(ascii: "?"), UInt8(ascii: ">")], from: 2) else { return nil }
        let decl = Array(head[0..<end])
        let key = Array("encoding=".utf8)
        guard let k = findSeq(decl, key, from: 0) else { return nil }
        var i = k + key.count
        guard i < decl.count, decl[i] == 0x22 || decl[i] == 0x27 else { return nil }
        let q = decl[i]; i += 1
        var j = i
        while j < decl.count, decl[j] != q { j += 1 }
        guard j < decl.count else { return nil }
        return String(decoding: decl[i..<j], as: UTF8.self)
    }

    static func findSeq(_ a: [UInt8], _ p: [UInt8], from: Int) -> Int? {
        guard a.count >= p.count, from <= a.count - p.count else { return nil }
        var i = from
        while i <= a.count - p.count {
            if a[i] == p[0] {
                var ok = true
                for k in 1..<p.count where a[i + k] != p[k] { ok = false; break }
                if ok { return i }
            }
            i += 1
        }
        return nil
    }

    /// The declaration naming utf-8 that replaces a leading XML declaration (after optional whitespace),
    /// and where the text after the replaced one starts; with no declaration, one is added before everything.
    static func splitDeclaration(_ data: UnsafeBufferPointer<UInt8>, warnings: inout [String]) -> (declaration: [UInt8], bodyStart: Int) {
        let decl = Array("<?xml version='1.0' encoding='utf-8'?>".utf8)
        var i = 0
        while i < data.count, data[i] == 0x20 || data[i] == 0x09 || data[i] == 0x0A || data[i] == 0x0D { i += 1 }
        if data.count - i >= 5, data[i] == 0x3C, data[i + 1] == 0x3F, data[i + 2] | 0x20 == 0x78,
           data[i + 3] | 0x20 == 0x6D, data[i + 4] | 0x20 == 0x6C,
           i + 5 < data.count, data[i + 5] == 0x20 || data[i + 5] == 0x09 || data[i + 5] == 0x0A || data[i + 5] == 0x0D || data[i + 5] == 0x3F {
            if i > 0 { warnings.append("whitespace before the XML declaration") }
            var j = i
            while j < data.count, data[j] != 0x3E { j += 1 }
            return (decl, min(j + 1, data.count))
        }
        return (decl + [0x0A], 0)
    }

    // MARK: - Decoding

    static func decode(_ bytes: [UInt8], as name: String, lenient: Bool) -> [UInt8]? {
        guard let iconvName = FeedCodecNames.iconvName(name) else { return nil }
        let n = name.lowercased().replacingOccurrences(of: "_", with: "-")
        if iconvName == "UTF-8" {
            if lenient { return Array(String(decoding: bytes, as: UTF8.self).utf8) }
            return validUTF8(bytes) ? bytes : nil
        }
        if iconvName == "ASCII" || iconvName == "US-ASCII" || iconvName == "ANSI_X3.4-1968" {
            if bytes.allSatisfy({ $0 < 0x80 }) { return bytes }
            return lenient ? Array(String(decoding: bytes, as: UTF8.self).utf8) : nil
        }
        if iconvName == "ISO-8859-1" || iconvName == "LATIN1" || iconvName == "ISO8859-1" {
            return latin1(bytes)
        }
        _ = n
        return bytes.withUnsafeBufferPointer { iconvDecode($0, from: iconvName, lenient: lenient) }
    }

    static func iconvName(_ n: String) -> String {
        switch n {
        case "utf-16", "utf16", "u16", "ucs-2", "iso-10646-ucs-2", "csunicode": return "UTF-16"
        case "utf-32", "utf32", "u32", "ucs-4", "iso-10646-ucs-4", "csucs4": return "UTF-32"
        case "cp037": return "IBM037"
        case "windows-1252", "cp1252": return "CP1252"
        default: return n.uppercased()
        }
    }

    static func validUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { validUTF8($0) }
    }

    /// Whether `b` is well-formed UTF-8 (Unicode Table 3-7: no overlong forms, surrogates or values
    /// above U+10FFFF), checking ASCII eight bytes at a time. `release`, when given, is told the position
    /// read every ``MappedInput/releaseStep`` bytes.
    static func validUTF8(_ b: UnsafeBufferPointer<UInt8>, release: ((UnsafeRawPointer) -> Void)? = nil) -> Bool {
        guard let base = b.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let n = b.count
        var i = 0
        var checkpoint = release == nil ? Int.max : MappedInput.releaseStep
        while i < n {
            if i >= checkpoint { release?(raw + i); checkpoint = i + MappedInput.releaseStep }
            // A word with no high bit set is eight ASCII bytes.
            if i + 8 <= n, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8; continue
            }
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            var need = 0
            var low: UInt8 = 0x80, high: UInt8 = 0xBF   // allowed range of the second byte
            switch c {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; low = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: need = 2
            case 0xED: need = 2; high = 0x9F
            case 0xF0: need = 3; low = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; high = 0x8F
            default: return false
            }
            guard i + need < n, b[i + 1] >= low, b[i + 1] <= high else { return false }
            if need >= 2, b[i + 2] & 0xC0 != 0x80 { return false }
            if need == 3, b[i + 3] & 0xC0 != 0x80 { return false }
            i += need + 1
        }
        return true
    }

    static func latin1(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for b in bytes {
            if b < 0x80 { out.append(b) } else { out.append(0xC0 | (b >> 6)); out.append(0x80 | (b & 0x3F)) }
        }
        return out
    }

    /// Converts `bytes` with iconv through a 64 KB output window (the result is the only copy).
    static func iconvDecode(_ bytes: UnsafeBufferPointer<UInt8>, from: String, lenient: Bool) -> [UInt8]? {
        let cd = iconv_open("UTF-8", from)
        if cd == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(cd) }
        var output = [UInt8](repeating: 0, count: 64 * 1024)
        var result: [UInt8] = []
        let ok: Bool = output.withUnsafeMutableBufferPointer { outBuf -> Bool in
            let inBuf = bytes
            // iconv's prototype takes `char **` but never writes the input.
            var inPtr: UnsafeMutablePointer<CChar>? = inBuf.baseAddress.map {
                UnsafeMutableRawPointer(mutating: $0).assumingMemoryBound(to: CChar.self)
            }
            var inLeft = inBuf.count
            while true {
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = outBuf.count
                let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                result.append(contentsOf: UnsafeBufferPointer(start: outBuf.baseAddress!, count: outBuf.count - outLeft))
                if r != -1 { break }
                let err = errno
                if err == E2BIG { continue }
                if !lenient { return false }
                // Invalid or truncated input: replace one byte with U+FFFD and go on.
                result.append(contentsOf: [0xEF, 0xBF, 0xBD])
                if inLeft == 0 { break }
                inPtr = inPtr! + 1; inLeft -= 1
                if inLeft == 0 { break }
            }
            // Flush shift state.
            var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
            var outLeft = outBuf.count
            _ = iconv(cd, nil, nil, &outPtr, &outLeft)
            result.append(contentsOf: UnsafeBufferPointer(start: outBuf.baseAddress!, count: outBuf.count - outLeft))
            return true
        }
        return ok ? result : nil
    }
}
