import Foundation
import Logging

/// A swift-log handler that writes one JSON object per line to stderr (`--log-format json`).
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: String] = ["level": event.level.rawValue, "message": event.message.description, "logger": label,
                                        "time": ISO8601DateFormatter().string(from: Date())]
        for (k, v) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { object[k] = "\(v)" }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        FileHandle.standardError.write(data + Data("\n".utf8))
    }
}

public enum LogSetup {
    /// Installs the log handler once per process: text (swift-log's stderr stream) or JSON lines.
    public static func bootstrap(format: String, level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            if format == "json" {
                var h = JSONLogHandler(label: label)
                h.logLevel = level
                return h
            }
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
    }
}
