import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides a feed's character encoding the way feedparser does (BOM, XML declaration, HTTP charset, then
/// utf-8 → windows-1252 → iso-8859-2 when the declared one lies) and converts the bytes to UTF-8.
struct FeedEncoding {
    /// The document as UTF-8, with its XML declaration rewritten to say so.
    var utf8: [UInt8]
    /// The encoding the bytes were finally read as (lowercased), e.g. "utf-8".
    var encoding: String
    var warnings: [String]

    static func convert(_ input: [UInt8], charset: String?) -> FeedEncoding {
        var data = input[...]
        var bom = ""
        func starts(_ p: [UInt8]) -> Bool { data.count >= p.count && data.prefix(p.count).elementsEqual(p) }
        let zero2 = data.count >= 4 && data[data.startIndex + 2] == 0 && data[data.startIndex + 3] == 0
        if starts([0x00, 0x00, 0xFE, 0xFF]) { bom = "utf-32be"; data = data.dropFirst(4) }
        else if starts([0xFF, 0xFE, 0x00, 0x00]) { bom = "utf-32le"; data = data.dropFirst(4) }
        else if starts([0xFE, 0xFF]) && !zero2 { bom = "utf-16be"; data = data.dropFirst(2) }
        else if starts([0xFF, 0xFE]) && !zero2 { bom = "utf-16le"; data = data.dropFirst(2) }
        else if starts([0xEF, 0xBB, 0xBF]) { bom = "utf-8"; data = data.dropFirst(3) }
        else if starts([0x4C, 0x6F, 0xA7, 0x94]) { bom = "cp037" }
        else if starts([0x00, 0x3C, 0x00, 0x3F]) { bom = "utf-16be" }
        else if starts([0x3C, 0x00, 0x3F, 0x00]) { bom = "utf-16le" }
        else if starts([0x00, 0x00, 0x00, 0x3C]) { bom = "utf-32be" }
        else if starts([0x3C, 0x00, 0x00, 0x00]) { bom = "utf-32le" }

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
        let bytes = Array(data)
        for proposed in [declared, xmlEncoding, bom, "utf-8", "windows-1252", "iso-8859-2"] where !proposed.isEmpty {
            if tried.contains(proposed) { continue }
            tried.append(proposed)
            guard var out = decode(bytes, as: proposed, lenient: false) else { continue }
            if proposed != declared {
                warnings.append("document declared as \(declared), but parsed as \(proposed)")
            }
            out = rewriteDeclaration(out, warnings: &warnings)
            return FeedEncoding(utf8: out, encoding: proposed, warnings: warnings)
        }
        // Unreachable in practice: iso-8859-2 reads any byte.
        let out = decode(bytes, as: "iso-8859-1", lenient: true) ?? bytes
        return FeedEncoding(utf8: rewriteDeclaration(out, warnings: &warnings), encoding: "iso-8859-1",
                            warnings: warnings + ["document encoding unknown"])
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

    /// Replaces a leading XML declaration (after optional whitespace) by one naming utf-8, or adds one.
    static func rewriteDeclaration(_ data: [UInt8], warnings: inout [String]) -> [UInt8] {
        let decl = Array("<?xml version='1.0' encoding='utf-8'?>".utf8)
        var i = 0
        while i < data.count, data[i] == 0x20 || data[i] == 0x09 || data[i] == 0x0A || data[i] == 0x0D { i += 1 }
        if data.count - i >= 5, data[i] == 0x3C, data[i + 1] == 0x3F, data[i + 2] | 0x20 == 0x78,
           data[i + 3] | 0x20 == 0x6D, data[i + 4] | 0x20 == 0x6C,
           i + 5 < data.count, data[i + 5] == 0x20 || data[i + 5] == 0x09 || data[i + 5] == 0x0A || data[i + 5] == 0x0D || data[i + 5] == 0x3F {
            if i > 0 { warnings.append("whitespace before the XML declaration") }
            var j = i
            while j < data.count, data[j] != 0x3E { j += 1 }
            return decl + data[min(j + 1, data.count)...]
        }
        return decl + [0x0A] + data
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
        return iconvDecode(bytes, from: iconvName, lenient: lenient)
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
        var it = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&it) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    static func latin1(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for b in bytes {
            if b < 0x80 { out.append(b) } else { out.append(0xC0 | (b >> 6)); out.append(0x80 | (b & 0x3F)) }
        }
        return out
    }

    static func iconvDecode(_ bytes: [UInt8], from: String, lenient: Bool) -> [UInt8]? {
        let cd = iconv_open("UTF-8", from)
        if cd == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(cd) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: max(64, bytes.count * 4 + 16))
        var result: [UInt8] = []
        let ok: Bool = input.withUnsafeMutableBufferPointer { inBuf -> Bool in
            output.withUnsafeMutableBufferPointer { outBuf -> Bool in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress)?.assumingMemoryBound(to: CChar.self)
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
        }
        return ok ? result : nil
    }
}
