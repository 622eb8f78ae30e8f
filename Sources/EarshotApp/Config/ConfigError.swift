import Foundation

/// A problem with earshot.yaml: which file, which line, which key, what to write instead.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }

    static func at(_ file: String, line: Int?, key: String, _ problem: String) -> ConfigError {
        let place = line.map { "\(file) line \($0)" } ?? file
        return ConfigError("config: \(place): \(key): \(problem)")
    }
}
