import EarshotParse
// Temporary, until the parser's identity fields land (branch parse-identity).
public struct ParsedResponse: Sendable, Equatable { public var author: String?; public var text: String; public var published: Date? }
extension ParsedEntry {
    var authorEmail: String? { nil }
    var authorURI: String? { nil }
    var inReplyTo: String? { nil }
    var inReplyToLink: String? { nil }
    var responses: [ParsedResponse] { [] }
}
import Foundation
