import Foundation
import Yams

/// A YAML node with the path and line it came from, so every error can name them.
struct ConfigNode {
    let node: Node
    let path: String
    let file: String

    var line: Int? { node.mark.map { $0.line } }

    func fail(_ problem: String) -> ConfigError { ConfigError.at(file, line: line, key: path, problem) }

    /// The mapping's entries; an error naming unknown keys when `known` is given.
    func mapping(known: Set<String>? = nil) throws -> [String: ConfigNode] {
        guard let mapping = node.mapping else { throw fail("expected a mapping of keys (key: value)") }
        var out: [String: ConfigNode] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw fail("a key is not a plain word") }
            let child = ConfigNode(node: value, path: path.isEmpty ? name : "\(path).\(name)", file: file)
            if let known, !known.contains(name) {
                let hint = Self.closest(name, in: known).map { "; did you mean '\($0)'?" } ?? "; known keys: \(known.sorted().joined(separator: ", "))"
                throw ConfigError.at(file, line: key.mark?.line, key: child.path, "unknown key\(hint)")
            }
            out[name] = child
        }
        return out
    }

    func sequence() throws -> [ConfigNode] {
        guard let sequence = node.sequence else { throw fail("expected a list (lines starting with '- ')") }
        return sequence.enumerated().map { ConfigNode(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    /// A list, or a single value taken as a list of one.
    func list() throws -> [ConfigNode] {
        if node.sequence != nil { return try sequence() }
        return [self]
    }

    func string() throws -> String {
        guard let s = node.scalar?.string else { throw fail("expected a text value") }
        return s
    }

    func strings() throws -> [String] { try list().map { try $0.string() } }

    func bool() throws -> Bool {
        switch try string().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw fail("expected true or false")
        }
    }

    func int(min: Int = Int.min) throws -> Int {
        guard let v = Int(try string()), v >= min else { throw fail("expected a whole number\(min > Int.min ? " ≥ \(min)" : "")") }
        return v
    }

    func double() throws -> Double {
        guard let v = Double(try string()), v.isFinite else { throw fail("expected a number") }
        return v
    }

    /// A duration: `90s`, `15m`, `1h`, `2d`, `1w`, or plain seconds.
    func duration() throws -> TimeInterval {
        let text = try string().trimmingCharacters(in: .whitespaces).lowercased()
        guard let v = Self.parseDuration(text) else {
            throw fail("'\(text)' is not a duration; write e.g. 30s, 15m, 1h, 6h, 3d or 1w")
        }
        return v
    }

    static func parseDuration(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        if let v = Double(text), v >= 0 { return v }
        guard let unit = text.last, let factor = units[unit], let v = Double(text.dropLast()), v >= 0 else { return nil }
        return v * factor
    }

    /// The known key closest to a misspelt one (edit distance ≤ 2), for "did you mean".
    static func closest(_ word: String, in candidates: Set<String>) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var row = Array(0...b.count)
            for i in 1...max(a.count, 1) where !a.isEmpty {
                var previous = row[0]; row[0] = i
                for j in 1...max(b.count, 1) where !b.isEmpty {
                    let old = row[j]
                    row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                    previous = old
                }
            }
            return row[b.count]
        }
        let scored = candidates.map { ($0, distance(Array(word), Array($0))) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 }?.0
    }
}
