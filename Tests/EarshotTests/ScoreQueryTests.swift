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
    ])
    func answersAsWithoutIt(query: String, text: String, expected: Bool) throws {
        #expect(try BrandQuery(query).matches(text) == expected)
    }
}
