import Foundation
import Crypto

/// HMAC-SHA256 (RFC 2104) for signing webhook bodies, from swift-crypto.
public enum HMACSHA256 {
    /// The hex HMAC-SHA256 of `message` under `key`.
    public static func hex(key: [UInt8], message: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        return mac.map { String(format: "%02x", $0) }.joined()
    }
}
