import Foundation

/// Byte-level search and replace on a String's UTF-8, for the parser's hot paths: no Foundation, no
/// Character (grapheme) iteration. For the ASCII needles used here the results equal Foundation's
/// `range(of:)`/`replacingOccurrences(of:with:)`.
extension String {
    /// The byte offset of the first occurrence of `needle` in the UTF-8 of `self`, or nil.
    func utf8Offset(of needle: String) -> Int? {
        var s = self, needle = needle
        // Both in place (no array for the needle: the needles are literals, searched for often).
        return needle.withUTF8 { n -> Int? in
            guard let first = n.first else { return 0 }
            return s.withUTF8 { hay -> Int? in
                var i = 0
                while i + n.count <= hay.count {
                    if hay[i] == first {
                        var k = 1
                        while k < n.count, hay[i + k] == n[k] { k += 1 }
                        if k == n.count { return i }
                    }
                    i += 1
                }
                return nil
            }
        }
    }

    /// Whether `needle` occurs in `self` (compared as UTF-8 bytes).
    func containsUTF8(_ needle: String) -> Bool { utf8Offset(of: needle) != nil }

    /// `self` with every occurrence of `target` replaced by `replacement` (compared as UTF-8 bytes).
    func replacingUTF8(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, utf8Offset(of: target) != nil else { return self }
        let t = Array(target.utf8), r = Array(replacement.utf8)
        var out: [UInt8] = []
        var s = self
        s.withUTF8 { hay in
            out.reserveCapacity(hay.count)
            var i = 0
            while i < hay.count {
                if hay[i] == t[0], i + t.count <= hay.count {
                    var k = 1
                    while k < t.count, hay[i + k] == t[k] { k += 1 }
                    if k == t.count { out.append(contentsOf: r); i += t.count; continue }
                }
                out.append(hay[i]); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Byte scans on buffers.
enum ByteScan {
    /// The index of the first `byte` in `b[from..<end]`, or `end` (memchr: vectorized in libc).
    @inline(__always) static func first(_ byte: UInt8, _ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> Int {
        guard from < end, let base = b.baseAddress, let p = memchr(base + from, Int32(byte), end - from) else { return max(from, end) }
        return UnsafeRawPointer(p) - UnsafeRawPointer(base)
    }
}
