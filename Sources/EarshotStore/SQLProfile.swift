import Foundation

/// `EARSHOT_SQL_PROFILE=1`: every statement's time is summed by its SQL text, and the 25 costliest
/// are printed on stderr when the process ends (a diagnostic for benchmarks such as
/// Scripts/bench-process; off by default, when it costs nothing).
final class SQLProfile: @unchecked Sendable {
    static let shared = SQLProfile()
    private let lock = NSLock()
    private var totals: [String: (seconds: Double, count: Int)] = [:]
    private init() { atexit { SQLProfile.shared.dump() } }

    func add(_ sql: String, _ seconds: Double) {
        lock.lock()
        let t = totals[sql] ?? (0, 0)
        totals[sql] = (t.seconds + seconds, t.count + 1)
        lock.unlock()
    }

    func dump() {
        lock.lock(); defer { lock.unlock() }
        for (sql, t) in totals.sorted(by: { $0.value.seconds > $1.value.seconds }).prefix(25) {
            let line = String(format: "sql profile: %8.3f s %8d  ", t.seconds, t.count)
                + sql.split(whereSeparator: \.isWhitespace).joined(separator: " ").prefix(160) + "\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}
