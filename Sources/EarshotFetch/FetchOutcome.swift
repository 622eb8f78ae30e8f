import Foundation

/// How one request ended.
public enum FetchOutcome: Sendable {
    case fetched(FetchResponse)
    case notModified(FetchResponse)
    case failed(FetchError)

    public var response: FetchResponse? {
        switch self {
        case .fetched(let r), .notModified(let r): return r
        case .failed: return nil
        }
    }

    public var error: FetchError? {
        if case .failed(let e) = self { return e }
        return nil
    }
}
