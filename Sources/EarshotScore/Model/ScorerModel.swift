import Foundation

/// The trained scorer: two logistic regressions over the same inputs, the text's word and
/// word-pair features (``ModelText``) and the rules' evidence (``RuleEvidence``).
///
/// - `complaint`: is this a complaint a support team must act on (trained on tweets to
///   companies labelled complaint / not complaint);
/// - `negative`: is this review or post negative (trained on shop and book reviews, 1–2 stars
///   against 4–5).
///
/// The model file is text, written by `Scripts/train-scorer` (header lines start with `#` and
/// name the data, their hashes, the settings and the cross-validated figures):
///
///     rule_features 1
///     model complaint
///     bias -1.25
///     threshold 0.5
///     rule vader_compound -0.8
///     ngram 0.37 charged twice
///     cgram 0.05 _wor
///
/// A text's score is `bias + Σ rule weight × value + Σ ngram weight / √(distinct word features)
/// + Σ cgram weight / √(distinct character n-grams)`, its probability the logistic of that.
struct ScorerModel: Sendable {
    struct Classifier: Sendable {
        var name: String
        var bias = 0.0
        var threshold = 0.5
        var ruleWeights: [Double] = []
        var weights = WeightTable()
        /// Character n-gram weights (``ModelText/charFeatures(_:)``); none for a model without them.
        var charWeights = WeightTable()

        /// The logit from the text's features and the rule values.
        func logit(features: [UInt64], chars: [UInt64], rules: [Double]) -> Double {
            var z = bias
            for (w, v) in zip(ruleWeights, rules) { z += w * v }
            if !features.isEmpty { z += weights.sum(features) / Double(features.count).squareRoot() }
            if !charWeights.isEmpty && !chars.isEmpty { z += charWeights.sum(chars) / Double(chars.count).squareRoot() }
            return z
        }

        func probability(features: [UInt64], chars: [UInt64], rules: [Double]) -> Double {
            1 / (1 + exp(-logit(features: features, chars: chars, rules: rules)))
        }

        /// The largest contributions to the logit: up to `words` of the text's words and word
        /// pairs (named as in the model file, quoted) and up to `evidence` rule inputs, each
        /// strongest first. Only the chosen words are named (by walking the text again).
        func contributions(text: String, features: [UInt64], rules: [Double], words: Int, evidence: Int) -> [(name: String, value: Double)] {
            let scale = features.isEmpty ? 0 : 1 / Double(features.count).squareRoot()
            func stronger(_ a: (UInt64, Double), _ b: (UInt64, Double)) -> Bool { abs(a.1) > abs(b.1) || (abs(a.1) == abs(b.1) && a.0 < b.0) }
            var top: [(UInt64, Double)] = []
            for h in features {
                guard let w = weights[h] else { continue }
                let c = (h, w * scale)
                if top.count < words || stronger(c, top[top.count - 1]) {
                    top.append(c)
                    top.sort(by: stronger)
                    if top.count > words { top.removeLast() }
                }
            }
            let names = ModelText.names(of: Set(top.map(\.0)), in: text)
            var out: [(String, Double)] = top.compactMap { c in names[c.0].map { ("'\($0)'", c.1) } }
            var ruleParts: [(String, Double)] = []
            for (k, (w, v)) in zip(ruleWeights, rules).enumerated() where v != 0 && w != 0 { ruleParts.append((RuleEvidence.names[k], w * v)) }
            ruleParts.sort { abs($0.1) > abs($1.1) || (abs($0.1) == abs($1.1) && $0.0 < $1.0) }
            out += ruleParts.prefix(evidence)
            return out
        }
    }

    var complaint: Classifier
    var negative: Classifier

    /// Both probabilities for a text (title joined as "title. body") and the rules' values.
    func probabilities(text: String, rules: [Double]) -> (complaint: Double, negative: Double, features: [UInt64]) {
        let wantChars = !complaint.charWeights.isEmpty || !negative.charWeights.isEmpty
        let (features, chars) = ModelText.allFeatures(text, chars: wantChars)
        return (complaint.probability(features: features, chars: chars, rules: rules),
                negative.probability(features: features, chars: chars, rules: rules), features)
    }
    /// The header's lines (without `# `): data, hashes, settings, figures.
    var header: [String]

    enum LoadError: Error, CustomStringConvertible {
        case malformed(line: Int, String)
        var description: String {
            switch self {
            case let .malformed(line, why): return "scorer model, line \(line): \(why)"
            }
        }
    }

    init(text: String) throws {
        var models: [String: Classifier] = [:]
        var header: [String] = []
        var current: Classifier?
        var ruleVersion: Int?
        var text = text
        try text.withUTF8 { bytes in
            var lineNumber = 0
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                lineNumber += 1
                defer { start = end + 1 }
                var stop = end
                if stop > start && bytes[stop - 1] == 0x0D { stop -= 1 }
                if stop == start { continue }
                let line = UnsafeBufferPointer(rebasing: bytes[start ..< stop])
                if line[0] == 0x23 {  // "#"
                    var k = 1
                    while k < line.count && line[k] == 0x20 { k += 1 }
                    header.append(String(decoding: line[k...], as: UTF8.self))
                    continue
                }
                // keyword, then up to two fields; the last may hold spaces (an n-gram).
                let space1 = line.firstIndex(of: 0x20) ?? line.count
                let keyword = String(decoding: line[..<space1], as: UTF8.self)
                let rest = space1 < line.count ? UnsafeBufferPointer(rebasing: line[(space1 + 1)...]) : UnsafeBufferPointer(start: nil, count: 0)
                let space2 = rest.firstIndex(of: 0x20)
                func fail(_ why: String) -> LoadError { .malformed(line: lineNumber, why) }
                func number(_ field: UnsafeBufferPointer<UInt8>) throws -> Double {
                    let s = String(decoding: field, as: UTF8.self)
                    guard let v = Double(s) else { throw fail("'\(s)' is not a number") }
                    return v
                }
                switch keyword {
                case "rule_features":
                    guard let v = Int(String(decoding: rest, as: UTF8.self)) else { throw fail("rule_features needs a version") }
                    ruleVersion = v
                case "model":
                    if let c = current { models[c.name] = c }
                    guard !rest.isEmpty else { throw fail("model needs a name") }
                    var c = Classifier(name: String(decoding: rest, as: UTF8.self))
                    c.ruleWeights = Array(repeating: 0, count: RuleEvidence.names.count)
                    current = c
                case "bias", "threshold":
                    guard current != nil else { throw fail("\(keyword) before any model line") }
                    guard space2 == nil, !rest.isEmpty else { throw fail("\(keyword) needs one number") }
                    if keyword == "bias" { current!.bias = try number(rest) } else { current!.threshold = try number(rest) }
                case "rule":
                    guard current != nil else { throw fail("rule before any model line") }
                    let name = String(decoding: rest[..<(space2 ?? rest.count)], as: UTF8.self)
                    guard let space2, let k = RuleEvidence.names.firstIndex(of: name) else { throw fail("unknown rule feature '\(name)'") }
                    current!.ruleWeights[k] = try number(UnsafeBufferPointer(rebasing: rest[(space2 + 1)...]))
                case "ngram", "cgram":
                    guard current != nil else { throw fail("\(keyword) before any model line") }
                    guard let space2, space2 + 1 < rest.count else { throw fail("\(keyword) needs a weight and a feature") }
                    let weight = try number(UnsafeBufferPointer(rebasing: rest[..<space2]))
                    let h = ModelText.hash(rest[(space2 + 1)...])
                    if keyword == "ngram" { current!.weights.set(h, weight) } else { current!.charWeights.set(h, weight) }
                default:
                    throw fail("unknown line '\(keyword)'")
                }
            }
        }
        if let c = current { models[c.name] = c }
        guard ruleVersion == RuleEvidence.version else {
            throw LoadError.malformed(line: 0, "trained on rule features version \(ruleVersion.map(String.init) ?? "none"), the scorer computes version \(RuleEvidence.version): run Scripts/train-scorer")
        }
        guard let complaint = models["complaint"], let negative = models["negative"] else {
            throw LoadError.malformed(line: 0, "needs a complaint and a negative model")
        }
        self.complaint = complaint
        self.negative = negative
        self.header = header
    }

    /// The model compiled into the binary (``ScorerModel/builtInText``), read once.
    static let builtIn: ScorerModel = {
        do { return try ScorerModel(text: builtInText) } catch { fatalError("the built-in scorer model is unreadable: \(error)") }
    }()
}
