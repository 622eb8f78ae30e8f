/// The words of a text as brand queries see them: lower-cased runs of letters, digits, `_` and
/// inner apostrophes, each optionally starting with `@` (a handle) or `#` (a tag).
/// "T-Mobile" is two words and "AT&T" too, so the same split applied to query terms and texts
/// makes such names match as phrases.
enum QueryText {
    static func words(_ text: String) -> [String] { asciiWords(text) ?? scalarWords(text) }

    static func scalarWords(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            while let last = current.last, last == "'" { current.removeLast() }
            // A possessive names the brand too: "Acme's prices" matches `acme`.
            if current.count > 2, current.last == "s", current[current.index(current.endIndex, offsetBy: -2)] == "'" {
                current.removeLast(2)
            }
            if !current.isEmpty, !(current.count == 1 && (current.first == "@" || current.first == "#")) {
                words.append(String(current))
            }
            current = String.UnicodeScalarView()
        }
        for scalar in text.lowercased().unicodeScalars {
            let s: Unicode.Scalar = scalar == "\u{2019}" ? "'" : scalar
            let isWordScalar = s.isASCII
                ? (s >= "a" && s <= "z") || (s >= "0" && s <= "9") || s == "_"
                : s.properties.isAlphabetic || s.properties.numericType != nil
            if isWordScalar {
                current.append(s)
            } else if (s == "@" || s == "#") && current.isEmpty {
                current.append(s)
            } else if s == "'" && !current.isEmpty && current.last != "@" && current.last != "#" {
                current.append(s)
            } else {
                flush()
            }
        }
        flush()
        return words
    }

    /// The same words for ASCII text, on bytes (ASCII lowercases byte by byte and has no U+2019); nil for other text.
    static func asciiWords(_ text: String) -> [String]? {
        text.utf8.withContiguousStorageIfAvailable { bytes -> [String]? in
            var words: [String] = []
            var current: [UInt8] = []
            let apostrophe = UInt8(ascii: "'"), at = UInt8(ascii: "@"), hash = UInt8(ascii: "#")
            func flush() {
                while current.last == apostrophe { current.removeLast() }
                if current.count > 2, current.last == UInt8(ascii: "s"), current[current.count - 2] == apostrophe {
                    current.removeLast(2)
                }
                if !current.isEmpty, !(current.count == 1 && (current[0] == at || current[0] == hash)) {
                    words.append(String(decoding: current, as: UTF8.self))
                }
                current.removeAll(keepingCapacity: true)
            }
            for byte in bytes {
                guard byte < 0x80 else { return nil }
                let b = (0x41 ... 0x5A).contains(byte) ? byte + 0x20 : byte
                if (0x61 ... 0x7A).contains(b) || (0x30 ... 0x39).contains(b) || b == UInt8(ascii: "_") {
                    current.append(b)
                } else if (b == at || b == hash) && current.isEmpty {
                    current.append(b)
                } else if b == apostrophe && !current.isEmpty && current.last != at && current.last != hash {
                    current.append(b)
                } else {
                    flush()
                }
            }
            flush()
            return words
        } ?? nil
    }
}
