import Foundation

/// The one error type of EarshotServe. Its description names the stage, what failed, the input
/// and what to do, in one line.
public struct ServeError: Error, CustomStringConvertible, Sendable {
    /// What failed.
    public enum Kind: Sendable, Equatable {
        /// `socket`, `bind`, `listen` or `getsockname` failed while starting a listener.
        case listen
        /// The directory to serve does not exist or is not a directory.
        case directory
    }

    public var kind: Kind
    /// The address or path involved.
    public var input: String
    /// The system's explanation (errno text) or other detail.
    public var detail: String

    public init(kind: Kind, input: String, detail: String) {
        self.kind = kind; self.input = input; self.detail = detail
    }

    /// An error from the last failed system call, with `errno` turned into text.
    static func system(_ call: String, input: String) -> ServeError {
        let code = errno
        return ServeError(kind: .listen, input: input, detail: "\(call) failed: \(String(cString: strerror(code))) (errno \(code))")
    }

    public var description: String {
        switch kind {
        case .listen:
            return "serve: could not listen on \(input): \(detail); check the process may open sockets and has free file descriptors"
        case .directory:
            return "serve: cannot serve \(input): \(detail); pass an existing folder"
        }
    }
}
