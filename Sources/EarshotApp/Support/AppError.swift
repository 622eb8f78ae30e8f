import Foundation

/// Errors of the app layer, each mapped to one exit code by the command line.
public enum AppError: Error, CustomStringConvertible {
    case lexiconMissing(String)
    case usage(String)
    case notFound(String)
    case failed(String)

    public var description: String {
        switch self {
        case .lexiconMissing(let s), .usage(let s), .notFound(let s), .failed(let s): return s
        }
    }
}

/// The exit codes of `earshot`, documented in `earshot --help` and the README.
public enum ExitStatus: Int32, CaseIterable {
    case ok = 0
    case failure = 1
    /// Some sources failed; the others were stored.
    case sourcesFailed = 3
    /// Some alerts could not be delivered; they stay in the outbox and are retried.
    case alertsPending = 4
    /// swift-argument-parser's own code for a bad command line.
    case usage = 64
    case notFound = 66
    /// Another run holds the store (EX_TEMPFAIL): nothing was touched.
    case busy = 75
    /// The configuration is wrong (EX_CONFIG).
    case config = 78
}
