/// HTML named character references (the HTML5 list) and numeric references, decoded the way browsers and
/// Python's `html.unescape` do.
public enum HTMLEntities {
    /// name (with or without the trailing ";") → replacement text as UTF-8. Built once per process from
    /// ``HTMLEntityData/table`` by one scan of its bytes (no splitting into substrings, no number parsing
    /// through strings): about 2,200 names, a fraction of a millisecond.
    static let table: [String: [UInt8]] = {
        var t: [String: [UInt8]] = [:]
        t.reserveCapacity(2300)
        var source = HTMLEntityData.table
        source.withUTF8 { b in
            var i = 0
            while i < b.count {
                // name=hex[,hex]|
                let nameStart = i
                while i < b.count, b[i] != UInt8(ascii: "=") { i += 1 }
                let name = String(decoding: UnsafeBufferPointer(rebasing: b[nameStart..<i]), as: UTF8.self)
                i += 1
                var value: [UInt8] = []
                var scalar: UInt32 = 0
                while i <= b.count {
                    let c = i < b.count ? b[i] : UInt8(ascii: "|")
                    i += 1
                    switch c {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): scalar = scalar << 4 | UInt32(c - UInt8(ascii: "0"))
                    case UInt8(ascii: "a")...UInt8(ascii: "f"): scalar = scalar << 4 | UInt32(c - UInt8(ascii: "a") + 10)
                    default:  // "," or "|": the scalar is complete
                        if let u = Unicode.Scalar(scalar) { UTF8.encode(u) { value.append($0) } }
                        scalar = 0
                    }
                    if c == UInt8(ascii: "|") { break }
                }
                t[name] = value
            }
        }
        return t
    }()
    /// The entries of ``table`` whose name (with its ";") has at most eight bytes, by the name packed into a
    /// word (see ``packedName(_:_:_:)``): the common references ("&ldquo;", "&copy;") are looked up without
    /// making a String.
    static let shortNames: [UInt64: [UInt8]] = {
        var t: [UInt64: [UInt8]] = [:]
        for (name, value) in table where name.utf8.count <= 8 {
            let bytes = Array(name.utf8)
            t[bytes.withUnsafeBufferPointer { packedName($0, 0, $0.count) }] = value
        }
        return t
    }()

    /// `bytes[start..<end]` (at most eight bytes) packed into a word, the first byte lowest. Names have no zero
    /// byte, so different names give different words.
    @inline(__always) static func packedName(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        var word: UInt64 = 0
        for k in start..<end { word |= UInt64(bytes[k]) << (8 * UInt64(k - start)) }
        return word
    }

    static let html4Names: Set<String> = Set(HTMLEntityData.html4Names.split(separator: " ").map(String.init))
    static let longestName = 32

    /// The text of a named reference (`name` without "&" and ";"), if HTML defines it.
    public static func named(_ name: String) -> String? {
        table[name + ";"].map { String(decoding: $0, as: UTF8.self) }
    }

    /// The scalar a numeric reference stands for, with the HTML5 replacements (0 and surrogates → U+FFFD,
    /// 0x80–0x9F → windows-1252).
    static func numeric(_ value: UInt32) -> Unicode.Scalar {
        if value >= 0x80 && value <= 0x9F, let m = cp1252[Int(value - 0x80)], let s = Unicode.Scalar(m) { return s }
        if value == 0 || value > 0x10FFFF { return "\u{FFFD}" }
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }

    static let cp1252: [UInt32?] = [0x20AC, nil, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
                                    0x2039, 0x0152, nil, 0x017D, nil, nil, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
                                    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, nil, 0x017E, 0x0178]

    /// Decodes every character and entity reference in `bytes[range]`, appending UTF-8 to `out`.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, into out: inout [UInt8]) {
        var i = start
        while i < end {
            // Copy the run up to the next "&" in one go.
            let j = ByteScan.first(UInt8(ascii: "&"), bytes, i, end)
            if j > i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<j])); i = j; continue }
            if let next = reference(bytes, i, end, into: &out) { i = next }
            else { out.append(bytes[i]); i += 1 }
        }
    }

    /// The reference starting at `bytes[at]` ("&"): its text appended to `out`, and the index after it;
    /// nil (and nothing appended) when it is not one.
    static func reference(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int, _ end: Int, into out: inout [UInt8]) -> Int? {
        var i = at + 1
        guard i < end else { return nil }
        if bytes[i] == UInt8(ascii: "#") {
            i += 1
            var hex = false
            if i < end, bytes[i] | 0x20 == UInt8(ascii: "x") { hex = true; i += 1 }
            var v: UInt32 = 0
            var n = 0
            while i < end {
                let d = bytes[i]
                var digit: UInt32
                if d >= 48 && d <= 57 { digit = UInt32(d - 48) }
                else if hex, d | 0x20 >= 97, d | 0x20 <= 102 { digit = UInt32(d | 0x20) - 87 }
                else { break }
                v = v > 0x10FFFF ? v : v * (hex ? 16 : 10) + digit
                n += 1; i += 1
            }
            guard n > 0 else { return nil }
            if i < end, bytes[i] == UInt8(ascii: ";") { i += 1 }
            UTF8.encode(numeric(v)) { out.append($0) }
            return i
        }
        var j = i
        while j < end, j - i < longestName {
            let d = bytes[j]
            if (d >= 48 && d <= 57) || (d | 0x20 >= 97 && d | 0x20 <= 122) { j += 1 } else { break }
        }
        guard j > i else { return nil }
        if j < end, bytes[j] == UInt8(ascii: ";") {
            // The commonest names without a String and a table look-up (the table's values for them).
            let c0 = bytes[i], len = j - i
            if len == 3, c0 == 0x61, bytes[i + 1] == 0x6D, bytes[i + 2] == 0x70 { out.append(0x26); return j + 1 }   // amp
            if len == 2, bytes[i + 1] == 0x74 {
                if c0 == 0x6C { out.append(0x3C); return j + 1 }   // lt
                if c0 == 0x67 { out.append(0x3E); return j + 1 }   // gt
            }
            if len == 4 {
                let c1 = bytes[i + 1], c2 = bytes[i + 2], c3 = bytes[i + 3]
                if c0 == 0x71, c1 == 0x75, c2 == 0x6F, c3 == 0x74 { out.append(0x22); return j + 1 }   // quot
                if c0 == 0x61, c1 == 0x70, c2 == 0x6F, c3 == 0x73 { out.append(0x27); return j + 1 }   // apos
                if c0 == 0x6E, c1 == 0x62, c2 == 0x73, c3 == 0x70 { out.append(0xC2); out.append(0xA0); return j + 1 }   // nbsp
            }
            if len + 1 <= 8 {
                // The name and its ";" (every entry of `table` that short is in `shortNames`).
                let key = packedName(bytes, i, j + 1)
                if let t = shortNames[key] { out.append(contentsOf: t); return j + 1 }
            } else {
                let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<j]), as: UTF8.self) + ";"
                if let t = table[name] { out.append(contentsOf: t); return j + 1 }
            }
        }
        // Legacy names without a semicolon: the longest prefix that is one.
        var k = j
        while k > i {
            let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<k]), as: UTF8.self)
            if let t = table[name] { out.append(contentsOf: t); return k }
            k -= 1
        }
        return nil
    }

    /// Decodes references in a string.
    public static func decode(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "&")) else { return s }
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        bytes.withUnsafeBufferPointer { decode($0, 0, $0.count, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}
