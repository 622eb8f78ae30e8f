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
        var weights: [UInt64: Double] = [:]
        /// Feature texts by hash, for explanations.
        var names: [UInt64: String] = [:]
        /// Character n-gram weights (``ModelText/charFeatures(_:)``); none for a model without them.
        var charWeights: [UInt64: Double] = [:]

        /// The logit from the text's features and the rule values.
        func logit(features: [UInt64], chars: [UInt64], rules: [Double]) -> Double {
            var z = bias
            for (w, v) in zip(ruleWeights, rules) { z += w * v }
            var total = 0.0
            for h in features { if let w = weights[h] { total += w } }
            if !features.isEmpty { z += total / Double(features.count).squareRoot() }
            if !charWeights.isEmpty && !chars.isEmpty {
                var charTotal = 0.0
                for h in chars { if let w = charWeights[h] { charTotal += w } }
                z += charTotal / Double(chars.count).squareRoot()
            }
            return z
        }

        func probability(features: [UInt64], chars: [UInt64], rules: [Double]) -> Double {
            1 / (1 + exp(-logit(features: features, chars: chars, rules: rules)))
        }

        /// The largest contributions to the logit, words and rule inputs, strongest first.
        func contributions(features: [UInt64], rules: [Double]) -> [(name: String, value: Double)] {
            var out: [(String, Double)] = []
            let scale = features.isEmpty ? 0 : 1 / Double(features.count).squareRoot()
            for h in features { if let w = weights[h], let name = names[h] { out.append(("'\(name)'", w * scale)) } }
            for (k, (w, v)) in zip(ruleWeights, rules).enumerated() where v != 0 { out.append((RuleEvidence.names[k], w * v)) }
            return out.sorted { abs($0.1) > abs($1.1) || (abs($0.1) == abs($1.1) && $0.0 < $1.0) }
        }
    }

    var complaint: Classifier
    var negative: Classifier

    /// Both probabilities for a text (title joined as "title. body") and the rules' values.
    func probabilities(text: String, rules: [Double]) -> (complaint: Double, negative: Double, features: [UInt64]) {
        let features = ModelText.features(text)
        let chars = complaint.charWeights.isEmpty && negative.charWeights.isEmpty ? [] : ModelText.charFeatures(text)
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
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw[...]
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                header.append(String(line.dropFirst().drop { $0 == " " }))
                continue
            }
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            func number(_ s: Substring) throws -> Double {
                guard let v = Double(s) else { throw LoadError.malformed(line: index + 1, "'\(s)' is not a number") }
                return v
            }
            switch parts[0] {
            case "rule_features":
                guard parts.count == 2, let v = Int(parts[1]) else { throw LoadError.malformed(line: index + 1, "rule_features needs a version") }
                ruleVersion = v
            case "model":
                if let c = current { models[c.name] = c }
                guard parts.count == 2 else { throw LoadError.malformed(line: index + 1, "model needs a name") }
                var c = Classifier(name: String(parts[1]))
                c.ruleWeights = Array(repeating: 0, count: RuleEvidence.names.count)
                current = c
            case "bias", "threshold", "rule", "ngram", "cgram":
                guard current != nil else { throw LoadError.malformed(line: index + 1, "\(parts[0]) before any model line") }
                if parts[0] == "bias" || parts[0] == "threshold" {
                    guard parts.count == 2 else { throw LoadError.malformed(line: index + 1, "\(parts[0]) needs one number") }
                    if parts[0] == "bias" { current!.bias = try number(parts[1]) } else { current!.threshold = try number(parts[1]) }
                } else if parts[0] == "rule" {
                    guard parts.count == 3, let k = RuleEvidence.names.firstIndex(of: String(parts[1])) else {
                        throw LoadError.malformed(line: index + 1, "unknown rule feature '\(parts.count > 1 ? parts[1] : "")'")
                    }
                    current!.ruleWeights[k] = try number(parts[2])
                } else if parts[0] == "cgram" {
                    guard parts.count == 3, !parts[2].isEmpty else { throw LoadError.malformed(line: index + 1, "cgram needs a weight and a feature") }
                    current!.charWeights[ModelText.hash(feature: String(parts[2]))] = try number(parts[1])
                } else {
                    guard parts.count == 3, !parts[2].isEmpty else { throw LoadError.malformed(line: index + 1, "ngram needs a weight and a feature") }
                    let h = ModelText.hash(feature: String(parts[2]))
                    current!.weights[h] = try number(parts[1])
                    current!.names[h] = String(parts[2])
                }
            default:
                throw LoadError.malformed(line: index + 1, "unknown line '\(parts[0])'")
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
