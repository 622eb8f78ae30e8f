import Foundation
import Testing
@testable import EarshotParse

/// The feed parser streams (prepass output goes to libxml2 64 KB at a time, entries are cleaned as they end):
/// results must not depend on where the windows fall.
@Suite struct ParseStreamingTests {
    /// Many entries, references and a CDATA section longer than a window: every entry comes out whole.
    @Test func largeFeedAcrossWindows() throws {
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>big &amp; long</title>"
        let count = 3000
        for i in 0..<count {
            xml += "<item><guid>id\(i)</guid><title>T\(i) caf&eacute; &#8217;x&nbsp;y</title>"
            xml += "<pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>"
            if i == 1500 {
                xml += "<description><![CDATA[<p>" + String(repeating: "long &amp; text ", count: 10_000) + "</p>]]></description>"
            } else {
                xml += "<description>&lt;p&gt;Body \(i) &amp;amp; more&lt;/p&gt;</description>"
            }
            xml += "</item>"
        }
        xml += "</channel></rss>"
        #expect(xml.utf8.count > 4 * 64 * 1024)
        let doc = try FeedParser.parse(Data(xml.utf8), url: nil, charset: nil, options: ParseOptions())
        #expect(doc.title == "big & long")
        #expect(doc.entries.count == count)
        for (i, e) in doc.entries.enumerated() {
            #expect(e.id == "id\(i)")
            #expect(e.title == "T\(i) café \u{2019}x y")
            #expect(e.published.map(ContractDate.format) == "2003-06-10T04:00:00Z")
            if i != 1500 { #expect(e.summary == "Body \(i) & more") }
        }
        let long = try #require(doc.entries[1500].summary)
        #expect(long.hasPrefix("long & text long & text"))
        #expect(long.utf8.count == "long & text".utf8.count * 10_000 + 9_999)
        #expect(doc.warnings.isEmpty)
    }

    /// A document in another encoding is converted once and parsed the same way.
    @Test func latin1FeedIsConverted() throws {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\"><channel><title>caf".utf8)
        bytes.append(0xE9)
        bytes += Array("</title><item><title>x</title></item></channel></rss>".utf8)
        let doc = try FeedParser.parse(Data(bytes), url: nil, charset: nil, options: ParseOptions())
        #expect(doc.title == "café")
        #expect(doc.entries.count == 1)
    }
}
