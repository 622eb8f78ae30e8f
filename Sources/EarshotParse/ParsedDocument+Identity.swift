import Foundation

extension ParsedEntry {
    /// The stable key of this item inside its source, for de-duplication:
    /// the guid/id, else the link, else a hash of what the item says.
    public var identity: String {
        if let id, !id.isEmpty { return "id:" + id }
        if let link, !link.isEmpty { return "link:" + link }
        let material = [author ?? "", published.map { String(Int($0.timeIntervalSince1970)) } ?? "",
                        title ?? "", content ?? summary ?? ""].joined(separator: "\u{1F}")
        return "hash:" + StableHash.hex(material)
    }

    /// The ``identity`` of the entry this one answers (RFC 4685 `ref` is the answered entry's id).
    public var inReplyToIdentity: String? { inReplyTo.flatMap { $0.isEmpty ? nil : "id:" + $0 } }
}

/// FNV-1a, 64 bit: stable across runs and platforms (Swift's `Hasher` is seeded per process).
public enum StableHash {
    public static func hex(_ string: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in string.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
