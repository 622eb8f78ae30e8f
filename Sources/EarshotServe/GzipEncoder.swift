import Foundation

/// A small gzip (RFC 1952) writer: DEFLATE with the fixed Huffman code and greedy LZ77
/// matching. Not as tight as zlib, but real compression with no C dependency, enough for the
/// demo server and for tests (including a "gzip bomb" of zeros).
public enum GzipEncoder {
    /// DEFLATE's window: matches may reach back 32 KiB.
    static let window = 32_768
    /// Longest and shortest match DEFLATE can express.
    static let maxMatch = 258, minMatch = 3
    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                                     67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                                   1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// `data` as a gzip member.
    public static func gzip(_ data: Data) -> Data {
        var out = Data([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])  // magic, deflate, no flags, mtime 0, OS unknown
        out.append(deflate(data))
        appendLE32(&out, CRC32.checksum(data))
        appendLE32(&out, UInt32(truncatingIfNeeded: data.count))
        return out
    }

    /// `count` zero bytes, gzip-compressed (about 1:160), built without materialising them:
    /// a compression bomb for tests of post-decompression size caps.
    public static func gzipZeros(count: Int) -> Data {
        var out = Data([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])
        var bits = BitWriter()
        bits.write(1, 1); bits.write(1, 2)  // final block, fixed Huffman
        var left = count
        if left > 0 { literal(0, &bits); left -= 1 }
        while left >= minMatch {
            let n = min(left, maxMatch)
            match(length: n, distance: 1, &bits)
            left -= n
        }
        while left > 0 { literal(0, &bits); left -= 1 }
        literal(256, &bits)
        out.append(bits.finish())
        appendLE32(&out, CRC32.zeros(count: count))
        appendLE32(&out, UInt32(truncatingIfNeeded: count))
        return out
    }

    /// Raw DEFLATE (one fixed-Huffman block).
    static func deflate(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        let n = bytes.count
        var bits = BitWriter()
        bits.write(1, 1); bits.write(1, 2)
        // Hash of 3 bytes → last position seen (a 2^15-entry table, one candidate per slot).
        var head = [Int](repeating: -1, count: 1 << 15)
        func hash(_ i: Int) -> Int {
            (Int(bytes[i]) << 10 ^ Int(bytes[i + 1]) << 5 ^ Int(bytes[i + 2])) & 0x7fff
        }
        var i = 0
        while i < n {
            var bestLength = 0, bestDistance = 0
            if i + minMatch <= n {
                let h = hash(i)
                let candidate = head[h]
                head[h] = i
                if candidate >= 0 && i - candidate <= window {
                    var l = 0
                    let limit = min(maxMatch, n - i)
                    while l < limit && bytes[candidate + l] == bytes[i + l] { l += 1 }
                    if l >= minMatch { bestLength = l; bestDistance = i - candidate }
                }
                // A run of one byte: distance 1 often beats the hashed candidate.
                if i > 0 && bytes[i - 1] == bytes[i] {
                    var l = 0
                    let limit = min(maxMatch, n - i)
                    while l < limit && bytes[i - 1] == bytes[i + l] { l += 1 }
                    if l > bestLength { bestLength = l; bestDistance = 1 }
                }
            }
            if bestLength >= minMatch {
                match(length: bestLength, distance: bestDistance, &bits)
                let end = i + bestLength
                i += 1
                while i < end { if i + minMatch <= n { head[hash(i)] = i }; i += 1 }
            } else {
                literal(Int(bytes[i]), &bits)
                i += 1
            }
        }
        literal(256, &bits)
        return bits.finish()
    }

    /// Writes a literal/length symbol with the fixed code (RFC 1951 §3.2.6).
    private static func literal(_ symbol: Int, _ bits: inout BitWriter) {
        switch symbol {
        case 0...143: bits.writeCode(0x30 + symbol, 8)
        case 144...255: bits.writeCode(0x190 + symbol - 144, 9)
        case 256...279: bits.writeCode(symbol - 256, 7)
        default: bits.writeCode(0xc0 + symbol - 280, 8)
        }
    }

    private static func match(length: Int, distance: Int, _ bits: inout BitWriter) {
        var code = lengthBase.count - 1
        while lengthBase[code] > length { code -= 1 }
        literal(257 + code, &bits)
        if lengthExtra[code] > 0 { bits.write(UInt64(length - lengthBase[code]), lengthExtra[code]) }
        var d = distBase.count - 1
        while distBase[d] > distance { d -= 1 }
        bits.writeCode(d, 5)
        if distExtra[d] > 0 { bits.write(UInt64(distance - distBase[d]), distExtra[d]) }
    }

    private static func appendLE32(_ out: inout Data, _ v: UInt32) {
        out.append(contentsOf: [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)])
    }
}
