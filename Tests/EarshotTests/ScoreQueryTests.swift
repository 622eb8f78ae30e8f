import Testing
@testable import EarshotScore

/// Brand queries: syntax, matching, and one-line errors that name the column.
@Suite struct ScoreQueryTests {
    @Test func termsPhrasesOrAndExclusions() throws {
        let q = try BrandQuery("(acme OR @acme_help) -\"acme jobs\"")
        #expect(q.matches("Thanks @Acme_Help, sorted!"))
        #expect(q.matches("ACME rocks"))
        #expect(q.matches("#acme is down"))
        #expect(!q.matches("acme jobs are open"))
        #expect(!q.matches("acmeish thing"))
        #expect(q.terms == ["acme", "@acme_help"])
    }

    @Test func implicitAndBindsTighterThanOr() throws {
        let q = try BrandQuery("acme router OR widget")
        #expect(q.matches("my Acme router"))
        #expect(!q.matches("my acme modem"))
        #expect(q.matches("a widget"))
    }

    @Test func handlesAndTagsAreExact() throws {
        let q = try BrandQuery("@acme OR #acmefail")
        #expect(q.matches("hey @ACME"))
        #expect(!q.matches("acme"))
        #expect(q.matches("so #AcmeFail"))
    }

    @Test func namesWithPunctuationMatchAsPhrases() throws {
        let q = try BrandQuery("t-mobile OR at&t")
        #expect(q.matches("my T-Mobile bill"))
        #expect(q.matches("AT&T down again"))
        #expect(!q.matches("mobile"))
    }

    @Test(arguments: [
        ("acme OR (foo))", "query: unbalanced ')' at column 14 in 'acme OR (foo))'; remove it or add '('"),
        ("(acme", "query: '(' at column 1 in '(acme' is never closed; add ')' or remove it"),
        ("\"acme corp", "query: the quote at column 1 in '\"acme corp' is never closed; add the closing '\"'"),
        ("acme OR", "query: 'OR' at column 6 in 'acme OR' needs a term on both sides; add one or remove 'OR'"),
        ("acme -", "query: '-' at column 6 in 'acme -' excludes nothing; write it right before a term, as in -jobs"),
        ("()", "query: empty parentheses at column 1 in '()'; put terms inside or remove them"),
    ])
    func malformedQueriesNameTheColumn(query: String, message: String) {
        do {
            _ = try BrandQuery(query)
            Issue.record("expected an error for \(query)")
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func emptyAndExclusionOnlyQueriesAreRejected() {
        #expect(throws: QueryError.self) { try BrandQuery("") }
        #expect(throws: QueryError.self) { try BrandQuery("-acme") }
    }

    /// Exclusion-only stays rejected when the exclusions sit in several OR branches (all lifted).
    @Test(arguments: ["-acme OR -jobs", "-acme -jobs", "-(acme OR jobs) OR -x"])
    func exclusionOnlyBranchesAreRejected(query: String) {
        #expect(throws: QueryError(kind: .noPositiveTerm, column: 1, query: query)) { try BrandQuery(query) }
    }
}

/// Issue 15: a `-` exclusion written outside parentheses excludes from the whole query, as in
/// social-listening tools; inside parentheses ordinary precedence (AND before OR) stays.
struct ScoreQueryScopeTests {
    static let readme = "acme OR \"acme corp\" OR @acme OR #acme -\"acme anvils\""

    @Test(arguments: [
        // The README's example: the exclusion covers every branch, not just #acme.
        (readme, "Acme anvils are heavy", false),
        (readme, "#acme anvils", false),
        (readme, "@acme anvils broke", false),
        (readme, "Acme Corp sells Acme anvils", false),
        (readme, "Acme is great", true),
        (readme, "@acme help", true),
        (readme, "the Acme Corp office", true),
        (readme, "anvils, acme style", true),   // not the phrase "acme anvils"
        // Written first, it still covers both branches.
        ("-jobs acme OR acmecorp", "acme jobs", false),
        ("-jobs acme OR acmecorp", "acmecorp jobs", false),
        ("-jobs acme OR acmecorp", "acmecorp news", true),
        ("acme OR acmecorp -jobs", "acme jobs", false),
        // Inside parentheses it binds to its group only.
        ("(acme -jobs) OR acmecorp", "acmecorp jobs", true),
        ("(acme -jobs) OR acmecorp", "acme jobs", false),
        ("(acme -jobs) OR acmecorp", "acme news", true),
        ("(acme OR acmecorp -jobs) OR widget", "acme jobs", true),
        ("(-jobs) acme OR widget", "widget jobs", true),   // a group that holds an exclusion is not one
        // A branch made only of exclusions disappears; its exclusions cover the rest.
        ("acme OR -x", "acme", true),
        ("acme OR -x", "acme x", false),
        ("acme OR -x", "nothing here", false),
        ("acme OR -x -y OR widget", "widget y", false),
        ("acme OR -x -y OR widget", "widget", true),
        ("acme OR -(x OR y)", "acme y", false),
        // Written AND changes nothing: the exclusion is still an operand of the branch.
        ("acme OR widget AND -jobs", "acme jobs", false),
        // Without OR nothing moves.
        ("acme -jobs", "acme jobs", false),
        ("acme -jobs", "acme", true),
    ])
    func topLevelExclusionsCoverTheWholeQuery(query: String, text: String, expected: Bool) throws {
        #expect(try BrandQuery(query).matches(text) == expected)
    }

    @Test(arguments: [
        (readme, "((acme OR \"acme corp\" OR @acme OR #acme) AND -\"acme anvils\")"),
        ("acme", "acme"),
        ("\"Acme Corp\"", "\"acme corp\""),
        ("acme widgets OR gadget", "((acme AND widgets) OR gadget)"),
        ("-jobs acme OR acmecorp", "((acme OR acmecorp) AND -jobs)"),
        ("-jobs acme", "(acme AND -jobs)"),
        ("(acme -jobs) OR acmecorp", "((acme AND -jobs) OR acmecorp)"),
        ("acme OR -x", "(acme AND -x)"),
        ("a -x OR b -x", "((a OR b) AND -x)"),   // one exclusion, said once
        ("acme OR -(x OR \"y z\")", "(acme AND -(x OR \"y z\"))"),
        ("(acme OR @acme_help) -\"acme jobs\"", "((acme OR @acme_help) AND -\"acme jobs\")"),
        ("t-mobile OR AT&T", "(\"t mobile\" OR \"at t\")"),   // as matched: punctuation splits words
        ("-(-acme)", "-(-acme)"),
        ("acme AND (b OR c d)", "(acme AND (b OR (c AND d)))"),
    ])
    func understoodIsFullyParenthesised(query: String, rendered: String) throws {
        let q = try BrandQuery(query)
        #expect(q.understood == rendered)
        // The rendering is a query itself, read the same way.
        #expect(try BrandQuery(q.understood).understood == rendered)
        #expect(try BrandQuery(q.understood).root == q.root)
    }

    @Test func termsAreThePositiveOnesWhereverExclusionsMove() throws {
        #expect(try BrandQuery(Self.readme).terms == ["acme", "acme corp", "@acme", "#acme"])
        #expect(try BrandQuery("-jobs acme OR acmecorp").terms == ["acme", "acmecorp"])
    }
}

/// The substring pre-filter must never change an answer.
struct BrandQueryPrefilterTests {
    @Test(arguments: [
        ("acme", "ACME's router died", true),
        ("acme", "Thanks @AcmeHelp", false),
        ("@acme", "thanks @ACME for the fix", true),
        ("#acme", "loving it #Acme", true),
        ("acme -jobs", "no mention here", false),
        ("-(-acme)", "Acme again", true),
        ("-(-acme)", "nothing", false),
        ("\"bright wave\" OR brightwave", "Bright Wave's prices", true),
        ("société", "La Société Générale", true),
        ("société", "autre chose", false),
        // Lifted top-level exclusions keep the shortcut sound.
        ("acme OR widget -jobs", "a widget", true),
        ("acme OR widget -jobs", "widget jobs", false),
        ("acme OR -x", "nothing", false),
        ("acme OR -(-x)", "acme x", true),
        ("acme OR -(-x)", "acme", false),
    ])
    func answersAsWithoutIt(query: String, text: String, expected: Bool) throws {
        #expect(try BrandQuery(query).matches(text) == expected)
    }
}
