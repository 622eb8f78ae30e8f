import Foundation
import Crypto
import HummingbirdBcrypt

/// The board's cryptography, all from libraries: bcrypt (hummingbird-auth) for passwords,
/// swift-crypto for random tokens, their hashes and constant-time comparison.
public enum BoardSecurity {
    /// bcrypt's work factor: about a quarter of a second per check on this kind of machine.
    public static let bcryptCost: UInt8 = 12

    public static func hashPassword(_ password: String, cost: UInt8 = bcryptCost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    public static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }

    /// A random token (256 bits) in URL- and cookie-safe base64.
    static func token() -> String {
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Data($0) }
        return bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The SHA-256 of a token, hex: what the store keeps of a session.
    static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether two secrets are equal, in time that does not depend on where they differ
    /// (swift-crypto compares digests in constant time).
    static func same(_ a: String, _ b: String) -> Bool {
        SHA256.hash(data: Data(a.utf8)) == SHA256.hash(data: Data(b.utf8))
    }
}

/// Throttles guessing: after 5 failed sign-ins within `window` for one user name (20 from one
/// address), every further try of that name or address is refused until the window has passed
/// since the last failure (a success does not lift it: the attacker may have guessed).
actor LoginThrottle {
    /// Failures allowed per user name, and per address (higher: an office shares one address).
    let userLimit: Int
    let addressLimit: Int
    let window: TimeInterval
    private var failures: [String: [Date]] = [:]

    init(userLimit: Int = 5, addressLimit: Int = 20, window: TimeInterval = 15 * 60) {
        self.userLimit = userLimit
        self.addressLimit = addressLimit
        self.window = window
    }

    func limit(_ key: String) -> Int { key.hasPrefix("addr:") ? addressLimit : userLimit }

    /// Seconds to wait before `keys` may try again (0: go ahead).
    func wait(_ keys: [String], now: Date) -> TimeInterval {
        var longest: TimeInterval = 0
        for key in keys {
            let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
            failures[key] = recent.isEmpty ? nil : recent
            if recent.count >= limit(key), let last = recent.last { longest = max(longest, window - now.timeIntervalSince(last)) }
        }
        return longest
    }

    func failed(_ keys: [String], now: Date) {
        for key in keys { failures[key, default: []].append(now) }
        // Bounded memory: forget the oldest keys when too many addresses try.
        if failures.count > 10_000 {
            for key in failures.keys.prefix(failures.count - 10_000) { failures[key] = nil }
        }
    }
}
