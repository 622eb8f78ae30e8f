import Foundation
import CZlib

/// gzip (RFC 1952) by zlib, for the test servers' compressed answers (and a "gzip bomb" of zeros).
public enum GzipEncoder {
    /// `data` as a gzip member (zlib's best compression).
    public static func gzip(_ data: Data) -> Data {
        var stream = z_stream()
        guard earshot_deflate_init_gzip(&stream, Z_BEST_COMPRESSION) == Z_OK else { preconditionFailure("zlib: deflateInit2 failed") }
        defer { deflateEnd(&stream) }
        var out = Data(count: Int(deflateBound(&stream, uLong(data.count))) + 32)
        let written: Int = data.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { output in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = output.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(output.count)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "zlib: deflate did not finish (\(status))")
                return output.count - Int(stream.avail_out)
            }
        }
        out.count = written
        return out
    }

    /// `count` zero bytes, gzip-compressed (about 1:1000): a compression bomb for tests of
    /// post-decompression size caps.
    public static func gzipZeros(count: Int) -> Data { gzip(Data(count: count)) }
}
