import Foundation

/// The time the pipeline believes it is. Tests and the demo inject a fixed one.
public struct Clock: Sendable {
    private let read: @Sendable () -> Date
    public init(_ read: @escaping @Sendable () -> Date) { self.read = read }
    public static let system = Clock { Date() }
    public static func fixed(_ date: Date) -> Clock { Clock { date } }
    public var now: Date { read() }

    /// `EARSHOT_NOW` (ISO 8601) overrides the system clock, for tests and rehearsals.
    public static func fromEnvironment() -> Clock {
        if let text = ProcessInfo.processInfo.environment["EARSHOT_NOW"], let date = ISO8601DateFormatter().date(from: text) {
            return .fixed(date)
        }
        return .system
    }
}
