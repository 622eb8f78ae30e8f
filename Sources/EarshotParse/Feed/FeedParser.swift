import Foundation
import CLibXML2

/// RSS 0.9x/1.0/2.0, RDF and Atom 0.3/1.0 on libxml2's SAX2 push parser (streaming, recovering), with
/// results that follow feedparser's.
///
/// Memory: the input is read in place when it is UTF-8 (one converted copy otherwise); the prepass hands
/// libxml2 64 KB at a time; the builder keeps only the entry being read in its raw form (finished entries are
/// cleaned into ``ParsedEntry`` values at once). So the working state beyond the input and the result is a
/// bounded window, not a copy of the document.
public enum FeedParser {
    public static func parse(_ data: Data, url: String?, charset: String?, options: ParseOptions) throws -> ParsedDocument {
        try parse(data, url: url, charset: charset, options: options, onEntry: nil)
    }

    /// Parses `data`; with `onEntry`, each entry goes to it as soon as it is read, and the result's `entries`
    /// stay empty.
    static func parse(_ data: Data, url: String?, charset: String?, options: ParseOptions,
                      onEntry: ((ParsedEntry) -> Void)?) throws -> ParsedDocument {
        try checkSize(data.count, options)
        return try data.withUnsafeBytes { raw in
            try parse(raw.bindMemory(to: UInt8.self), url: url, charset: charset, options: options, onEntry: onEntry)
        }
    }

    static func checkSize(_ count: Int, _ options: ParseOptions) throws {
        if count > options.maximumBytes {
            throw ParseError("is not an RSS, Atom or RDF feed (larger than the limit of \(options.maximumBytes) bytes); check the URL")
        }
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    /// The parse proper. `input`, when given, is the mapping `raw` lies in: its pages are dropped as they
    /// are read (see ``MappedInput``).
    static func parse(_ raw: UnsafeBufferPointer<UInt8>, url: String?, charset: String?, options: ParseOptions,
                      onEntry: ((ParsedEntry) -> Void)? = nil, input: MappedInput? = nil) throws -> ParsedDocument {
        guard let firstByte = raw.first(where: { !isSpace($0) }) else {
            throw ParseError("is not an RSS, Atom or RDF feed (the document is empty); check the URL")
        }
        let release: ((UnsafeRawPointer) -> Void)? = input.map { input in { input.release(upTo: $0) } }
        let encoded = FeedEncoding.convert(raw, charset: charset, release: release)
        input?.restart()
        let builder = FeedBuilder(baseURI: url)
        builder.onEntry = onEntry
        builder.utf8Document = encoded.encoding == "utf-8"
        let handler = FeedSAXHandler(builder: builder, maximumDepth: options.maximumDepth)
        var prepass = FeedPrepass()
        prepass.output = encoded.declaration
        encoded.withBody(of: raw) { body in
            let bodyStart = prepass.head(body)
            if prepass.netscapeDoctype { builder.version = "rss091n" }
            let push = FeedPushParser(handler: handler)
            prepass.body(body, from: bodyStart, release: release) { push.feed($0) }
            push.finish()
        }

        guard handler.sawRoot, !builder.version.isEmpty || builder.infeed || builder.entryCount > 0 else {
            var why = handler.sawRoot ? "root element <\(handler.rootName)>" : "no XML elements"
            if firstByte == UInt8(ascii: "{") || firstByte == UInt8(ascii: "[") { why = "looks like JSON" }
            throw ParseError("is not an RSS, Atom or RDF feed (\(why)); check the URL")
        }
        var warnings = encoded.warnings + prepass.warnings + handler.warnings
        if handler.errorCount > 0 {
            warnings.append("not well-formed XML, recovered what could be read (\(handler.errorCount) error\(handler.errorCount == 1 ? "" : "s"); first: \(handler.firstError ?? "?"))")
        }
        return FeedMapping.document(builder, warnings: warnings)
    }
}

/// libxml2's push parser in recover mode, fed piece by piece, reporting to a ``FeedSAXHandler``.
final class FeedPushParser {
    let handler: FeedSAXHandler
    let ctxt: xmlParserCtxtPtr?
    /// Kept alive for the context, which points at it.
    var sax: xmlSAXHandler

    init(handler: FeedSAXHandler) {
        self.handler = handler
        _ = HTMLDocument.libraryInitialized
        earshot_xml_silence_generic_errors()
        earshot_xml_refuse_external_entities()
        sax = FeedSAXHandler.makeSAX()
        let user = Unmanaged.passUnretained(handler).toOpaque()
        ctxt = xmlCreatePushParserCtxt(&sax, user, nil, 0, nil)
        guard let ctxt else { return }
        handler.ctxt = ctxt
        let opts = Int32(XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOWARNING.rawValue
                         | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOCDATA.rawValue)
        _ = xmlCtxtUseOptions(ctxt, opts)
        _ = xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8)
    }

    deinit {
        if let ctxt { xmlFreeParserCtxt(ctxt) }
    }

    /// Parses the next piece; false when parsing has stopped (the handler's limits, or a fatal error).
    func feed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let ctxt, !handler.stopped else { return false }
        let status = bytes.withMemoryRebound(to: CChar.self) { xmlParseChunk(ctxt, $0.baseAddress, Int32($0.count), 0) }
        if status != 0 && ctxt.pointee.disableSAX != 0 && ctxt.pointee.recovery == 0 { return false }
        return !handler.stopped
    }

    /// Ends the document (unless the handler stopped it) and flushes pending text.
    func finish() {
        if let ctxt, !handler.stopped { _ = xmlParseChunk(ctxt, nil, 0, 1) }
        handler.flushText()
    }
}
