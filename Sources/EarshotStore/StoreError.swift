import Foundation

/// The one error type of the store stage; its description is one line with a remedy.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable { case open, busy, notFound, invalid, lost }
    public var kind: Kind
    public var description: String
    public init(_ kind: Kind, _ description: String) { self.kind = kind; self.description = description }
}
