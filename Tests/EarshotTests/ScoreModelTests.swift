import Foundation
import Testing
@testable import EarshotApp
@testable import EarshotScore

/// The trained scorer (issue 17): the model compiled in, the same reading of text as the training
/// script, the hybrid decision on everyday customer sentences, and the switch between the two.
struct ScoreModelTests {
    static func table(_ name: String) throws -> [[String: String]] {
        let text = try String(contentsOf: TestPaths.fixtures.appendingPathComponent(name), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let header = lines.removeFirst()
        return lines.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    @Test func builtInModelNamesItsDataAndFigures() {
        let model = ScorerModel.builtIn
        let header = model.header.joined(separator: "\n")
        #expect(header.contains("eval/complaints.tsv sha256 "))
        #expect(header.contains("eval/reviews.tsv sha256 "))
        #expect(header.contains("train/reviews_womens_clothing.tsv sha256 "))
        #expect(header.contains("Cross-validated figures"))
        #expect(header.contains("scikit-learn"))
        // Both classifiers carry weights for words and for every rule feature.
        #expect(model.complaint.weights.count > 1000)
        #expect(model.negative.weights.count > 1000)
        #expect(model.complaint.ruleWeights.count == RuleEvidence.names.count)
        #expect(model.complaint.ruleWeights.contains { $0 != 0 })
        #expect(model.complaint.threshold > 0 && model.complaint.threshold < 1)
    }

    @Test func tokensMarkNegationAndStandIns() {
        #expect(ModelText.tokens("Acme support was NOT helpful at all!! Don’t buy") ==
            ["acme", "support", "was", "not", "not_helpful", "not_at", "not_all", "!", "don't", "not_buy"])
        // A clause ends negation; handles, links and numbers stand in as one token each.
        #expect(ModelText.tokens("@acme never again. see https://x.example/1 in 2 days") ==
            ["_at_", "never", "not_again", "see", "_url_", "in", "_num_", "days"])
        #expect(ModelText.tokens("well—‘quoted’ 'words' ??!") == ["well", "quoted", "words", "?", "!"])
        // Features are distinct: "a a" has the unigram and one bigram.
        #expect(ModelText.features("a a").count == 2)
        #expect(ModelText.features("").isEmpty)
    }

    @Test func malformedModelsAreRefusedWithTheLine() {
        #expect(throws: ScorerModel.LoadError.self) { try ScorerModel(text: "rule_features \(RuleEvidence.version)\nmodel complaint\nbias x\n") }
        do {
            _ = try ScorerModel(text: "rule_features 0\nmodel complaint\nmodel negative\n")
            Issue.record("an old rule feature version must be refused")
        } catch {
            #expect("\(error)".contains("run Scripts/train-scorer"), "\(error)")
        }
    }

    /// Scripts/train-scorer scores the parity sample with Python (reading the written model file)
    /// and saves the probabilities; Swift must agree to 1e-6.
    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func swiftAndPythonGiveTheSameProbabilities() throws {
        guard let lexicon = ScoreFixtures.lexicon else { return }
        let scorer = Scorer(lexicon: lexicon)
        let sample = try Self.table("model-parity.tsv")
        let expected = Dictionary(uniqueKeysWithValues: try Self.table("model-parity.expected.tsv").map { ($0["id"]!, $0) })
        #expect(sample.count >= 30)
        #expect(expected.count == sample.count, "run Scripts/train-scorer after changing the parity sample")
        for row in sample {
            let input = ScoreInput(text: row["text"] ?? "", title: (row["title"] ?? "").isEmpty ? nil : row["title"])
            let p = scorer.modelProbabilities(input)
            guard let e = expected[row["id"]!], let c = Double(e["p_complaint"]!), let n = Double(e["p_negative"]!) else {
                Issue.record("no expected probabilities for \(row["id"]!)")
                continue
            }
            #expect(abs(p.complaint - c) <= 1e-6, "\(row["id"]!): complaint \(p.complaint) vs Python \(c)")
            #expect(abs(p.negative - n) <= 1e-6, "\(row["id"]!): negative \(p.negative) vs Python \(n)")
        }
    }

    /// Customer sentences of every day (written for this test, not taken from any data set),
    /// scored as mentions of the brand are: the issue's four examples exactly, and the rest
    /// mostly right (the rules alone get 27 of 32).
    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func everydaySentencesAreJudgedRight() throws {
        guard let lexicon = ScoreFixtures.lexicon else { return }
        let scorer = Scorer(lexicon: lexicon)
        var right = 0, wrong: [String] = []
        let rows = try Self.table("everyday-sentences.tsv")
        for row in rows {
            let s = scorer.score(ScoreInput(text: row["text"]!, brandTerms: ["Acme"]))
            if s.isComplaint == (row["complaint"] == "1") && s.label.rawValue == row["label"] {
                right += 1
            } else {
                wrong.append("\(row["text"]!) → \(s.label.rawValue), complaint \(s.isComplaint)")
            }
        }
        #expect(right >= 28, "\(right) of \(rows.count) right; wrong: \(wrong)")
        // The issue's examples, also without the brand named as a search term.
        for brand in [["Acme"], []] {
            let unhelpful = scorer.score(ScoreInput(text: "Acme support team was not helpful at all", brandTerms: brand))
            #expect(unhelpful.label == .negative && unhelpful.isComplaint, "\(unhelpful.reasons)")
            let crashing = scorer.score(ScoreInput(text: "the app keeps crashing", brandTerms: brand))
            #expect(crashing.label == .negative && crashing.isComplaint, "\(crashing.reasons)")
            let question = scorer.score(ScoreInput(text: "Does anyone know if Acme offers a static IP option?", brandTerms: brand))
            #expect(!question.isComplaint && question.label == .neutral, "\(question.reasons)")
            let sarcasm = scorer.score(ScoreInput(text: "great, charged twice", brandTerms: brand))
            #expect(sarcasm.label == .negative && sarcasm.isComplaint, "\(sarcasm.reasons)")
        }
    }

    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func explanationsNameWeightsAndRules() throws {
        guard let lexicon = ScoreFixtures.lexicon else { return }
        let s = Scorer(lexicon: lexicon).score(ScoreInput(text: "@AcmeHelp I was charged twice and still no refund"))
        #expect(s.decidedBy == "model+complaint")
        #expect(s.reasons.contains { $0.hasPrefix("model: complaint p=") })
        #expect(s.reasons.contains { $0.hasPrefix("weight: '") }, "top words with weights: \(s.reasons)")
        #expect(s.reasons.contains { $0.hasPrefix("complaint cue: 'charged twice'") }, "the rules that fired: \(s.reasons)")
        let rules = Scorer(lexicon: lexicon, mode: .rules).score(ScoreInput(text: "@AcmeHelp I was charged twice and still no refund"))
        #expect(!rules.reasons.contains { $0.hasPrefix("model:") || $0.hasPrefix("weight:") })
        #expect(rules.decidedBy == "text+complaint")
    }

    @Test func theConfigChoosesTheScorer() throws {
        #expect(try Config.parse("brand: Acme\n", file: "earshot.yaml").scorer == .model)
        #expect(try Config.parse("brand: Acme\nscorer: rules\n", file: "earshot.yaml").scorer == .rules)
        do {
            _ = try Config.parse("brand: Acme\nscorer: neural\n", file: "earshot.yaml")
            Issue.record("an unknown scorer must be refused")
        } catch {
            #expect("\(error)".contains("write model or rules"), "\(error)")
        }
    }

    @Test(.enabled(if: TestPaths.hasLexicon, "the VADER lexicon is missing: run Scripts/bootstrap-lexicon"))
    func compareShowsBothDecisions() throws {
        let r = try runEarshot(["score", "--compare"], stdin: "Does anyone know if Acme offers a static IP option?\ngreat, charged twice\n")
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 2)
        for line in lines {
            #expect((line?["rules"] as? [String: Any])?["label"] != nil)
            #expect((line?["model"] as? [String: Any])?["complaint"] != nil)
            #expect(line?["same"] is Bool)
        }
        // The rules miss the sarcasm; the model catches it.
        #expect((lines[1]?["model"] as? [String: Any])?["complaint"] as? Bool == true)
        #expect((lines[1]?["rules"] as? [String: Any])?["complaint"] as? Bool == false)
        #expect(lines[1]?["same"] as? Bool == false)
        let rules = try runEarshot(["score", "--scorer", "rules"], stdin: "great, charged twice\n")
        #expect(rules.stdout.contains("\"complaint\":false"))
        let bad = try runEarshot(["score", "--scorer", "neural"], stdin: "")
        #expect(bad.status != 0)
    }
}
