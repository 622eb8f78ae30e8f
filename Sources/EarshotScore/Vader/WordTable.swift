/// A hash table from UTF-8 byte strings to ``WordTable/Entry`` values.
///
/// VADER compares words by code points, like Python's `str.__eq__`. Swift's `String` compares by
/// canonical equivalence (U+037E GREEK QUESTION MARK equals ";"), so keys here are raw UTF-8 bytes.
/// The table is open-addressed with linear probing and sized for VADER's ~7,600 words. It is read
/// once per token, so lookups take an unsafe byte buffer, allocate nothing, and touch few cache
/// lines: an 8-byte slot holding part of the hash, then a 16-byte record holding the key's place
/// and the payload, then the key bytes.
struct WordTable: Sendable {
    /// Everything the analyzer needs to know about one lower-cased word.
    struct Entry: Sendable, Equatable {
        /// The lexicon valence, or `nil` when the word is not in the lexicon.
        var valence: Double?
        /// The booster/dampener scalar, or `nil`. Only ±`VaderRules.boosterIncrement` is stored.
        var booster: Double?
        /// Whether the word is in VADER's `NEGATE` list.
        var isNegation = false
        /// The word's identity when a rule names it ("but", "least", "kind", ...).
        var word: VaderWord = .other
    }

    /// A slot: the top 32 bits of the hash (never 0 when used) and the record index.
    private struct Slot {
        var tag: UInt32
        var record: Int32
    }

    /// An entry packed into 16 bytes, next to where its key lives.
    private struct Record {
        var keyStart: UInt32
        var keyLength: UInt16
        var word: UInt8
        var flags: UInt8
        var valence: Double

        static let hasValence: UInt8 = 1
        static let isBooster: UInt8 = 2
        static let isDampener: UInt8 = 4
        static let isNegation: UInt8 = 8

        var entry: Entry {
            Entry(valence: flags & Self.hasValence != 0 ? valence : nil,
                  booster: flags & Self.isBooster == 0 ? nil
                      : (flags & Self.isDampener != 0 ? VaderRules.boosterDecrement : VaderRules.boosterIncrement),
                  isNegation: flags & Self.isNegation != 0,
                  word: VaderWord(rawValue: word) ?? .other)
        }

        mutating func store(_ e: Entry) {
            flags = 0
            valence = e.valence ?? 0
            if e.valence != nil { flags |= Self.hasValence }
            if let b = e.booster {
                flags |= Self.isBooster
                if b < 0 { flags |= Self.isDampener }
            }
            if e.isNegation { flags |= Self.isNegation }
            word = e.word.rawValue
        }
    }

    /// One bit per 16-bit hash fragment: a clear bit proves a word absent without touching the
    /// slots. At 8 KiB it stays in the L1 cache, and most tokens ("the", "was") are not VADER words.
    private var presence: [UInt64] = Array(repeating: 0, count: 1 << 10)
    private var keyBytes: [UInt8] = []
    private var records: [Record] = []
    /// The slot count is a power of two, kept at most half full so probes stay short.
    private var slots: [Slot] = Array(repeating: Slot(tag: 0, record: -1), count: 1 << 14)

    var count: Int { records.count }

    /// FNV-1a, 64-bit: simple and fast on short keys.
    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3
        }
        return h
    }

    @inline(__always)
    private static func tag(_ h: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: h >> 32) | 1 }

    /// The presence bit of a hash: bits 40–55, independent of the slot index (low bits).
    @inline(__always)
    private static func presenceBit(_ h: UInt64) -> (word: Int, mask: UInt64) {
        let bit = Int(truncatingIfNeeded: (h >> 40) & 0xFFFF)
        return (bit >> 6, 1 << UInt64(bit & 63))
    }

    /// The record index for `bytes`, or -1.
    @inline(__always)
    private func find(_ bytes: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int {
        let (word, mask) = Self.presenceBit(h)
        if presence.withUnsafeBufferPointer({ $0[word] & mask }) == 0 { return -1 }
        let tag = Self.tag(h)
        return slots.withUnsafeBufferPointer { slotBuf in
            records.withUnsafeBufferPointer { recs in
                keyBytes.withUnsafeBufferPointer { keys in
                    let mask = slotBuf.count - 1
                    var slot = Int(truncatingIfNeeded: h) & mask
                    while true {
                        let s = slotBuf[slot]
                        if s.tag == 0 { return -1 }
                        if s.tag == tag {
                            let r = recs[Int(s.record)]
                            if Int(r.keyLength) == bytes.count {
                                var k = 0
                                let base = Int(r.keyStart)
                                while k < bytes.count && keys[base + k] == bytes[k] { k += 1 }
                                if k == bytes.count { return Int(s.record) }
                            }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    /// The entry for `bytes`, or `nil`.
    @inline(__always)
    func entry(for bytes: UnsafeBufferPointer<UInt8>) -> Entry? {
        let i = find(bytes, hash: Self.hash(bytes))
        return i < 0 ? nil : records[i].entry
    }

    /// The entry for a Swift string's UTF-8 bytes, or `nil`.
    func entry(for word: String) -> Entry? {
        var word = word
        return word.withUTF8 { entry(for: $0) }
    }

    /// Changes the entry for `bytes`, inserting a blank one first when the word is new.
    mutating func update(_ bytes: UnsafeBufferPointer<UInt8>, _ change: (inout Entry) -> Void) {
        let h = Self.hash(bytes)
        let i = find(bytes, hash: h)
        if i >= 0 {
            var e = records[i].entry
            change(&e)
            records[i].store(e)
            return
        }
        var e = Entry()
        change(&e)
        var record = Record(keyStart: UInt32(keyBytes.count), keyLength: UInt16(clamping: bytes.count),
                            word: 0, flags: 0, valence: 0)
        record.store(e)
        keyBytes.append(contentsOf: bytes.prefix(Int(UInt16.max)))
        records.append(record)
        if records.count * 2 > slots.count {
            rehash(capacity: slots.count * 2)
        } else {
            place(records.count - 1, hash: h)
        }
    }

    /// Changes the entry for a Swift string's UTF-8 bytes.
    mutating func update(_ word: String, _ change: (inout Entry) -> Void) {
        var word = word
        word.withUTF8 { update($0, change) }
    }

    private mutating func place(_ record: Int, hash h: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot].tag != 0 { slot = (slot + 1) & mask }
        slots[slot] = Slot(tag: Self.tag(h), record: Int32(record))
        let (word, bit) = Self.presenceBit(h)
        presence[word] |= bit
    }

    private mutating func rehash(capacity: Int) {
        slots = Array(repeating: Slot(tag: 0, record: -1), count: capacity)
        for i in records.indices {
            let start = Int(records[i].keyStart)
            let end = start + Int(records[i].keyLength)
            let h = keyBytes.withUnsafeBufferPointer { Self.hash(UnsafeBufferPointer(rebasing: $0[start ..< end])) }
            place(i, hash: h)
        }
    }
}
