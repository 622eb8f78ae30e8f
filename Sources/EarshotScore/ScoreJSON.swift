/// Minimal JSON writing into a byte buffer (no Foundation encoder): the score contract's lines
/// (one per input text, on the hot path) and the alert payloads triage writes for every case event.
public enum ScoreJSON {
    /// Appends `"key":` (the key is a known-safe ASCII literal).
    @inline(__always)
    public static func appendKey(_ key: StaticString, to out: inout [UInt8], first: Bool = false) {
        if !first { out.append(UInt8(ascii: ",")) }
        out.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    /// Appends a JSON string literal, escaping quotes, backslashes and control characters.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0 ..< 0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends a JSON array of strings.
    static func appendStrings(_ list: [String], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (i, s) in list.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendString(s, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Appends `value` rounded to `digits` decimals the way Python's `round` does, in shortest form.
    @inline(__always)
    static func appendNumber(_ value: Double, digits: Int, to out: inout [UInt8]) {
        PythonRounding.appendDecimal(PythonRounding.round(value, digits), digits: digits, to: &out)
    }

    static func appendBool(_ value: Bool, to out: inout [UInt8]) {
        out.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
    }
}
