#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Python's `round(x, ndigits)` for floats, which VADER applies to its four scores.
///
/// CPython rounds the exact binary value of `x` to `ndigits` decimals (ties to even, which only
/// occur when the binary value is exactly halfway) and converts that decimal back to the nearest
/// double. Scaling and `rounded()` gives the same answer except when `x * 10^n` lands within
/// floating-point error of a half; those rare cases go through the C library's exact `%.*f`.
enum PythonRounding {
    private static let powers: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]

    /// `round(x, digits)` as Python computes it, for `digits` in 0...6.
    static func round(_ x: Double, _ digits: Int) -> Double {
        guard x.isFinite else { return x }
        let scale = powers[digits]
        let scaled = x * scale
        // Values too large to have fractional digits are returned unchanged, as Python does.
        if abs(scaled) >= 9.0e15 { return x }
        let fraction = abs(scaled - scaled.rounded(.towardZero))
        // 1e-6 of a unit in the last kept place is far above the product's rounding error
        // (a few ulps, below 1e-11 for the magnitudes VADER produces) and far below any real gap.
        if abs(fraction - 0.5) > 1e-6 {
            let r = scaled.rounded(.toNearestOrAwayFromZero) / scale
            // Python keeps the sign of zero: round(-0.00001, 4) is -0.0.
            return r == 0 ? (x.sign == .minus ? -0.0 : 0.0) : r
        }
        return exactRound(x, digits)
    }

    /// Decimal rounding through the C library, whose `printf` converts exactly.
    private static func exactRound(_ x: Double, _ digits: Int) -> Double {
        var buffer = [CChar](repeating: 0, count: 64)
        let written = withVaList([Int32(digits), x]) { args in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, 64, "%.*f", args) }
        }
        guard written > 0 && written < 64 else { return x }
        return buffer.withUnsafeBufferPointer { strtod($0.baseAddress!, nil) }
    }

    /// The shortest decimal text of a value already rounded to `digits` decimals, matching
    /// Python's `repr` for such values ("0.0", "-0.5", "0.9571").
    static func appendDecimal(_ value: Double, digits: Int, to out: inout [UInt8]) {
        guard value.isFinite else { out.append(contentsOf: Array("0.0".utf8)); return }
        if value.sign == .minus { out.append(UInt8(ascii: "-")) }
        let scale = powers[digits]
        let units = UInt64((abs(value) * scale).rounded())
        let unit = UInt64(scale)
        appendInteger(units / unit, to: &out)
        out.append(UInt8(ascii: "."))
        var fraction = units % unit
        if fraction == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        var width = digits
        while fraction % 10 == 0 { fraction /= 10; width -= 1 }
        var divisor: UInt64 = 1
        for _ in 1 ..< width { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
    }

    private static func appendInteger(_ n: UInt64, to out: inout [UInt8]) {
        if n < 10 { out.append(UInt8(ascii: "0") + UInt8(n)); return }
        appendInteger(n / 10, to: &out)
        out.append(UInt8(ascii: "0") + UInt8(n % 10))
    }
}
