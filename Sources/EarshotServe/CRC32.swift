import Foundation

/// CRC-32 (IEEE 802.3), as gzip's trailer wants.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xedb8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ data: Data) -> UInt32 {
        var c: UInt32 = 0xffff_ffff
        data.withUnsafeBytes { raw in
            for b in raw { c = table[Int((c ^ UInt32(b)) & 0xff)] ^ (c >> 8) }
        }
        return c ^ 0xffff_ffff
    }

    /// The CRC of `count` zero bytes, without allocating them.
    static func zeros(count: Int) -> UInt32 {
        var c: UInt32 = 0xffff_ffff
        for _ in 0..<count { c = table[Int(c & 0xff)] ^ (c >> 8) }
        return c ^ 0xffff_ffff
    }
}
