/// The trained model's reading of a text: tokens with negation marked, and their unigrams and
/// bigrams as 64-bit FNV-1a hashes of the feature's UTF-8 text.
///
/// `Scripts/train_scorer.py` (`tokens`, `features`) implements the same steps in Python; the
/// parity test holds the two to the same probabilities. The rules, byte by byte:
/// - the text is cut at ASCII whitespace into chunks; a chunk starting `http://`, `https://` or
///   `www.` is the token `_url_`, one starting `@` (and longer) is `_at_`;
/// - otherwise ASCII letters (lowercased), digits, the apostrophe (also `’` and `‘`) and every
///   other non-ASCII byte make words; `!` and `?` are tokens of their own (a run counts once)
///   and, with `.` `,` `;` `:`, end a clause; other ASCII punctuation and U+2000–U+203F
///   (dashes, quotes, ellipsis) separate words;
/// - a word loses leading and trailing apostrophes; a word of digits only is `_num_`;
/// - a negator ("not", "never", "no", any "…n't", …) marks the next three words of its clause
///   `not_word` ("not helpful at all" → not, not_helpful, not_at, not_all);
/// - features are each token and each pair of neighbouring tokens in one clause (`"a b"`).
///   Values are binary, scaled by 1/√(number of distinct features of the text), so that a
///   feature the model does not know still counts in the scaling (the model file keeps only
///   features with weight).
enum ModelText {
    static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    @inline(__always)
    static func hash<S: Sequence>(_ bytes: S, from start: UInt64 = offset) -> UInt64 where S.Element == UInt8 {
        var h = start
        for b in bytes {
            h ^= UInt64(b)
            h = h &* prime
        }
        return h
    }

    /// The hash of a feature's text, as the model file names it.
    static func hash(feature: String) -> UInt64 { hash(feature.utf8) }

    static let negators: Set<[UInt8]> = Set([
        "not", "no", "never", "cannot", "nothing", "nobody", "none", "nor", "neither", "without", "hardly", "nowhere",
        "dont", "cant", "wont", "didnt", "doesnt", "isnt", "wasnt", "arent", "werent", "havent", "hasnt", "hadnt",
        "couldnt", "wouldnt", "shouldnt", "aint",
    ].map { Array($0.utf8) })

    static func isNegator(_ word: [UInt8]) -> Bool {
        if word.count >= 3 && word[word.count - 3] == 0x6E && word[word.count - 2] == 0x27 && word[word.count - 1] == 0x74 { return true }
        return negators.contains(word)
    }

    /// The tokens of a text, negation marked (for tests and explanations).
    static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        walk(text) { token, _ in out.append(String(decoding: token, as: UTF8.self)) }
        return out
    }

    /// The distinct feature hashes of a text.
    static func features(_ text: String) -> [UInt64] { allFeatures(text, chars: false).words }

    /// The distinct character n-gram hashes of a text: 2- to 4-grams of each ASCII word
    /// padded with "_" ("_ab", "abc", "bc_"); the "not_" mark is dropped and stand-ins, "!" and
    /// "?" and words with non-ASCII bytes are left out (`char_features` in the training script).
    static func charFeatures(_ text: String) -> [UInt64] { allFeatures(text, chars: true).chars }

    /// Word features and (when asked) character n-grams in one pass over the text, each distinct.
    static func allFeatures(_ text: String, chars wantChars: Bool) -> (words: [UInt64], chars: [UInt64]) {
        var hashes: [UInt64] = []
        hashes.reserveCapacity(64)
        var chars: [UInt64] = []
        if wantChars { chars.reserveCapacity(256) }
        var previous: UInt64?
        var padded: [UInt8] = []
        padded.reserveCapacity(40)
        walk(text) { token, joinsPrevious in
            let h = hash(token)
            hashes.append(h)
            if joinsPrevious, let p = previous { hashes.append(hash(token, from: hash(CollectionOfOne(0x20), from: p))) }
            previous = h
            guard wantChars else { return }
            var start = 0
            if token.count > 4 && token[0] == 0x6E && token[1] == 0x6F && token[2] == 0x74 && token[3] == 0x5F { start = 4 }
            guard token[start] != 0x5F, token[start] != 0x21, token[start] != 0x3F,
                  !token[start...].contains(where: { $0 >= 0x80 }) else { return }
            padded.removeAll(keepingCapacity: true)
            padded.append(0x5F)
            padded += token[start...]
            padded.append(0x5F)
            let count = padded.count
            padded.withUnsafeBufferPointer { p in
                for i in 0 ..< count - 1 {
                    // The 2-, 3- and 4-gram starting at i share their prefix hash.
                    var g = offset
                    for n in 0 ..< 4 where i + n < count {
                        g ^= UInt64(p[i + n])
                        g = g &* prime
                        if n >= 1 { chars.append(g) }
                    }
                }
            }
        }
        return (distinct(&hashes), wantChars ? distinct(&chars) : [])
    }

    /// The distinct values of `hashes`, in first-seen order (an open-addressed scratch set; no sort).
    private static func distinct(_ hashes: inout [UInt64]) -> [UInt64] {
        let n = hashes.count
        guard n > 1 else { return hashes }
        var size = 16
        while size < n * 2 { size <<= 1 }
        let mask = size - 1
        var unique = 0
        var sawZero = false
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: size)
        table.initialize(repeating: 0, count: size)
        defer { table.deallocate() }
        hashes.withUnsafeMutableBufferPointer { a in
            for k in 0 ..< n {
                let h = a[k]
                if h == 0 {
                    if !sawZero { sawZero = true; a[unique] = h; unique += 1 }
                    continue
                }
                var i = WeightTable.slot(h, mask)
                while true {
                    let t = table[i]
                    if t == 0 { table[i] = h; a[unique] = h; unique += 1; break }
                    if t == h { break }
                    i = (i + 1) & mask
                }
            }
        }
        hashes.removeLast(n - unique)
        return hashes
    }

    /// The texts of the given word features of a text (for explanations).
    static func names(of wanted: Set<UInt64>, in text: String) -> [UInt64: String] {
        var out: [UInt64: String] = [:]
        guard !wanted.isEmpty else { return out }
        var previous: [UInt8]?
        walk(text) { token, joinsPrevious in
            let h = hash(token)
            if wanted.contains(h) { out[h] = String(decoding: token, as: UTF8.self) }
            if joinsPrevious, let p = previous {
                let ph = hash(token, from: hash(CollectionOfOne(0x20), from: hash(p)))
                if wanted.contains(ph) { out[ph] = String(decoding: p + [0x20] + token, as: UTF8.self) }
            }
            previous = token
        }
        return out
    }

    private static let notPrefix: [UInt8] = Array("not_".utf8)
    private static let url: [UInt8] = Array("_url_".utf8)
    private static let handle: [UInt8] = Array("_at_".utf8)
    private static let number: [UInt8] = Array("_num_".utf8)

    /// Calls `emit(token, joinsPrevious)` for each token in order; `joinsPrevious` is whether it
    /// forms a bigram with the token before (same clause).
    static func walk(_ text: String, _ emit: ([UInt8], Bool) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            var word: [UInt8] = []
            word.reserveCapacity(32)
            var token: [UInt8] = []
            token.reserveCapacity(36)
            var negationLeft = 0
            var inClause = false
            var lastPunctuation: UInt8 = 0

            func put(_ t: [UInt8], negatable: Bool) {
                if negatable && negationLeft > 0 {
                    token.removeAll(keepingCapacity: true)
                    token += notPrefix
                    token += t
                    negationLeft -= 1
                    emit(token, inClause)
                } else {
                    emit(t, inClause)
                }
                inClause = true
                lastPunctuation = 0
            }
            func flush() {
                var start = 0, end = word.count
                while start < end && word[start] == 0x27 { start += 1 }
                while end > start && word[end - 1] == 0x27 { end -= 1 }
                if start < end {
                    let w = start == 0 && end == word.count ? word : Array(word[start ..< end])
                    if w.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                        put(number, negatable: true)
                    } else {
                        put(w, negatable: true)
                        if isNegator(w) { negationLeft = 3 }
                    }
                }
                word.removeAll(keepingCapacity: true)
            }
            func boundary() {
                inClause = false
                negationLeft = 0
            }

            let n = bytes.count
            var i = 0
            while i < n {
                // One whitespace-separated chunk.
                while i < n && isSpace(bytes[i]) { i += 1 }
                if i >= n { break }
                var end = i
                while end < n && !isSpace(bytes[end]) { end += 1 }
                if startsLink(bytes, i, end) {
                    put(url, negatable: false)
                    i = end
                    continue
                }
                if bytes[i] == 0x40 && end - i > 1 {
                    put(handle, negatable: false)
                    i = end
                    continue
                }
                var j = i
                while j < end {
                    let b = bytes[j]
                    if b == 0xE2 && j + 2 < end && bytes[j + 1] == 0x80 {
                        let c = bytes[j + 2]
                        if c == 0x98 || c == 0x99 { word.append(0x27) } else if c >= 0x80 && c <= 0xBF { flush() } else { word += [b, bytes[j + 1], c] }
                        j += 3
                        continue
                    }
                    if b >= 0x41 && b <= 0x5A {
                        word.append(b | 0x20)
                    } else if (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b >= 0x80 || b == 0x27 {
                        word.append(b)
                    } else {
                        flush()
                        if b == 0x21 || b == 0x3F {
                            if lastPunctuation != b { put(b == 0x21 ? bang : question, negatable: false); lastPunctuation = b }
                            boundary()
                        } else if b == 0x2E || b == 0x2C || b == 0x3B || b == 0x3A {
                            boundary()
                        }
                    }
                    j += 1
                }
                flush()
                i = end
            }
        }
    }

    private static let bang: [UInt8] = [0x21]
    private static let question: [UInt8] = [0x3F]

    @inline(__always)
    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

    private static func startsLink(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        func has(_ prefix: StaticString) -> Bool {
            let count = prefix.utf8CodeUnitCount
            guard end - start >= count else { return false }
            let p = prefix.utf8Start
            for k in 0 ..< count where bytes[start + k] | (bytes[start + k] >= 0x41 && bytes[start + k] <= 0x5A ? 0x20 : 0) != p[k] { return false }
            return true
        }
        return has("http://") || has("https://") || has("www.")
    }
}
