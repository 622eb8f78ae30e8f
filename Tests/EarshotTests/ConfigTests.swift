import Foundation
import Testing
@testable import EarshotApp

struct ConfigTests {
    @Test func defaultsAreSensible() throws {
        let c = try Config.parse("brand: Acme\nsources:\n  - url: https://a.example/feed\n  - url: https://b.example/r\n    kind: reviews\n",
                                 file: "/tmp/x/earshot.yaml")
        #expect(c.query == "Acme")
        #expect(c.sources[0].interval == 3600)
        #expect(c.sources[1].interval == 6 * 3600)
        #expect(c.sources[1].isAboutUs)
        #expect(c.sources[0].name == "a.example")
        #expect(c.rules.count == 3)
        #expect(c.channels.map(\.type) == ["stdout"])
        #expect(c.storePath == "/tmp/x/earshot.sqlite")
    }

    @Test(arguments: [
        ("brand: Acme\nquery: 'acme OR (foo'\n", "query"),
        ("brand: Acme\nchannels:\n  - type: webhook\n", "webhook channel needs `url:`"),
        ("brand: Acme\nrules:\n  - when: { label: angry }\n", "positive, neutral or negative"),
        ("brand: Acme\nrules:\n  - notify: [nowhere]\n", "no channel named 'nowhere'"),
        ("brand: Acme\nsources:\n  - url: ftp://x.example/feed\n", "not an http, https or file URL"),
        ("sources: []\n", "brand: missing"),
        ("brand: Acme\n  bad: [\n", "not valid YAML"),
        ("brand: Acme\nsources:\n  - name: a\n    url: https://a.example\n  - name: a\n    url: https://b.example\n", "used twice"),
    ])
    func errorsNameTheProblem(yaml: String, expected: String) {
        do {
            _ = try Config.parse(yaml, file: "earshot.yaml")
            Issue.record("expected an error containing \(expected)")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
            #expect(!"\(error)".contains("\n"))
        }
    }

    @Test func durations() {
        #expect(Config.parseDuration("90s") == 90)
        #expect(Config.parseDuration("15m") == 900)
        #expect(Config.parseDuration("2d") == 172_800)
        #expect(Config.parseDuration("3600") == 3600)
        #expect(Config.parseDuration("soon") == nil)
    }
}
