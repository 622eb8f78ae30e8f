/// Feature weights by 64-bit FNV-1a hash: open addressing with linear probing, the hash's own
/// bits as the slot (FNV mixes well enough), key and weight side by side in one array, so a
/// look-up is a cache line and a few instructions where a `Dictionary<UInt64, Double>` rehashes
/// every key with SipHash. Key 0 marks an empty slot (a real key 0 is kept aside).
struct WeightTable: Sendable {
    private struct Entry: Sendable {
        var key: UInt64
        var value: Double
    }

    private var entries: [Entry]
    private var mask: Int
    private var zero: Double?
    private(set) var count = 0

    init() {
        entries = Array(repeating: Entry(key: 0, value: 0), count: 16)
        mask = 15
    }

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    static func slot(_ key: UInt64, _ mask: Int) -> Int { Int(truncatingIfNeeded: key ^ (key >> 29)) & mask }

    subscript(key: UInt64) -> Double? {
        if key == 0 { return zero }
        return entries.withUnsafeBufferPointer { e in
            var i = Self.slot(key, mask)
            while true {
                let k = e[i].key
                if k == key { return e[i].value }
                if k == 0 { return nil }
                i = (i + 1) & mask
            }
        }
    }

    mutating func set(_ key: UInt64, _ value: Double) {
        if key == 0 {
            if zero == nil { count += 1 }
            zero = value
            return
        }
        if (count + 1) * 2 > entries.count { grow() }
        var i = Self.slot(key, mask)
        while entries[i].key != 0 {
            if entries[i].key == key { entries[i].value = value; return }
            i = (i + 1) & mask
        }
        entries[i] = Entry(key: key, value: value)
        count += 1
    }

    /// The sum of the weights of `features` (absent ones weigh nothing).
    func sum(_ features: [UInt64]) -> Double {
        var total = 0.0
        for h in features { if let w = self[h] { total += w } }
        return total
    }

    private mutating func grow() {
        let old = entries
        entries = Array(repeating: Entry(key: 0, value: 0), count: old.count * 2)
        mask = entries.count - 1
        count = zero == nil ? 0 : 1
        for e in old where e.key != 0 { set(e.key, e.value) }
    }
}
