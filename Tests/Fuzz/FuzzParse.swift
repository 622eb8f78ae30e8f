// libFuzzer entry point over the parse stage: every input goes through the same dispatch as
// `earshot parse` (feeds on the SAX2 push parser, HTML review pages on the HTML parser), with
// and without selectors, and the result is printed to a string so that every field is read.
// Built by Scripts/fuzz-parse with `swiftc -sanitize=fuzzer,address`; not part of the package.
import Foundation

let selectors = ReviewSelectors(review: ".review", author: ".author", date: "time", dateFormat: "dd/MM/yyyy",
                                rating: ".stars", ratingAttribute: "data-rating", body: ".text", nextPage: "a[rel=next]")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParse(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    for options in [ParseOptions(), ParseOptions(selectors: selectors)] {
        if let document = try? DocumentParser.parse(bytes, url: "https://fuzz.example/feed", charset: nil, options: options) {
            _ = document.contractJSON()
            _ = document.entries.map(\.identity)
        }
    }
    return 0
}
