import Foundation
import CLibXML2

/// RSS 0.9x/1.0/2.0, RDF and Atom 0.3/1.0 on libxml2's SAX2 push parser (streaming, recovering), with
/// results that follow feedparser's.
public enum FeedParser {
    static let chunkSize = 64 * 1024

    public static func parse(_ data: Data, url: String?, charset: String?, options: ParseOptions) throws -> ParsedDocument {
        if data.count > options.maximumBytes {
            throw ParseError("is not an RSS, Atom or RDF feed (larger than the limit of \(options.maximumBytes) bytes); check the URL")
        }
        let raw = [UInt8](data)
        if raw.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            throw ParseError("is not an RSS, Atom or RDF feed (the document is empty); check the URL")
        }
        let encoded = FeedEncoding.convert(raw, charset: charset)
        let builder = FeedBuilder(baseURI: url)
        builder.utf8Document = encoded.encoding == "utf-8"
        let handler = FeedSAXHandler(builder: builder, maximumDepth: options.maximumDepth)
        let prepass = FeedPrepass.run(encoded.utf8)
        if prepass.netscapeDoctype { builder.version = "rss091n" }
        runSAX(prepass.output, handler: handler)

        guard handler.sawRoot, !builder.version.isEmpty || builder.infeed || !builder.entries.isEmpty else {
            var why = handler.sawRoot ? "root element <\(handler.rootName)>" : "no XML elements"
            if let first = raw.first(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }),
               first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
                why = "looks like JSON"
            }
            throw ParseError("is not an RSS, Atom or RDF feed (\(why)); check the URL")
        }
        var warnings = encoded.warnings + prepass.warnings + handler.warnings
        if handler.errorCount > 0 {
            warnings.append("not well-formed XML, recovered what could be read (\(handler.errorCount) error\(handler.errorCount == 1 ? "" : "s"); first: \(handler.firstError ?? "?"))")
        }
        return FeedMapping.document(builder, warnings: warnings)
    }

    static func runSAX(_ bytes: [UInt8], handler: FeedSAXHandler) {
        earshot_xml_silence_generic_errors()
        earshot_xml_refuse_external_entities()
        var sax = FeedSAXHandler.makeSAX()
        let user = Unmanaged.passUnretained(handler).toOpaque()
        guard let ctxt = xmlCreatePushParserCtxt(&sax, user, nil, 0, nil) else { return }
        defer { xmlFreeParserCtxt(ctxt) }
        handler.ctxt = ctxt
        let opts = Int32(XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOWARNING.rawValue
                         | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOCDATA.rawValue)
        _ = xmlCtxtUseOptions(ctxt, opts)
        _ = xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8)
        bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { cbuf in
                var offset = 0
                while offset < cbuf.count && !handler.stopped {
                    let n = min(chunkSize, cbuf.count - offset)
                    let status = xmlParseChunk(ctxt, cbuf.baseAddress! + offset, Int32(n), 0)
                    offset += n
                    if status != 0 && ctxt.pointee.disableSAX != 0 && ctxt.pointee.recovery == 0 { break }
                }
                if !handler.stopped { _ = xmlParseChunk(ctxt, nil, 0, 1) }
            }
        }
        handler.flushText()
    }
}
