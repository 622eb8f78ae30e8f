import Foundation

/// DEFLATE's bit order: values LSB first, Huffman codes MSB first.
struct BitWriter {
    private var out: [UInt8] = []
    private var acc: UInt64 = 0
    private var count = 0

    mutating func write(_ value: UInt64, _ n: Int) {
        acc |= value << UInt64(count)
        count += n
        while count >= 8 { out.append(UInt8(acc & 0xff)); acc >>= 8; count -= 8 }
    }

    /// A Huffman code: its bits reversed so the most significant goes first.
    mutating func writeCode(_ code: Int, _ n: Int) {
        var reversed: UInt64 = 0
        for k in 0..<n where code & (1 << k) != 0 { reversed |= 1 << UInt64(n - 1 - k) }
        write(reversed, n)
    }

    mutating func finish() -> Data {
        if count > 0 { out.append(UInt8(acc & 0xff)); acc = 0; count = 0 }
        return Data(out)
    }
}
