import ArgumentParser
import Foundation
import Logging
import EarshotApp
import EarshotStore

/// Options every command that reads the config or the store shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("The config file.", valueName: "FILE"))
    var config: String = ProcessInfo.processInfo.environment["EARSHOT_CONFIG"] ?? "earshot.yaml"

    @Option(help: ArgumentHelp("The SQLite store (overrides the config's `store`).", valueName: "PATH"))
    var store: String?

    @Option(help: ArgumentHelp("The folder holding vader_lexicon.txt (else $EARSHOT_LEXICON, data/lexicon beside the build, /usr/local/share/earshot/lexicon).", valueName: "DIR"))
    var lexicon: String?

    @Option(help: "Log format on stderr: text or json.")
    var logFormat: String = "text"

    @Flag(name: .shortAndLong, help: "Log what happens (info level) on stderr; by default only problems are logged.")
    var verbose = false

    func validate() throws {
        guard ["text", "json"].contains(logFormat) else { throw ValidationError("--log-format must be text or json") }
        // A fatal error is then one JSON line too, like the logs before it (journald, log shippers).
        ErrorOutput.isJSON = logFormat == "json"
    }

    func makeLogger() -> Logger {
        LogSetup.bootstrap(format: logFormat, level: verbose ? .info : .warning)
        return Logger(label: "earshot")
    }

    func loadConfig() throws -> Config {
        var config = try Config.load(path: config)
        if let store { config.storePath = store }
        return config
    }

    /// The store path: --store, else the config's, else earshot.sqlite here.
    func storePath() throws -> String {
        if let store { return store }
        if FileManager.default.fileExists(atPath: config) { return try Config.load(path: config).storePath }
        throw AppError.notFound("store: no --store given and no config at \(config); pass --store PATH or --config FILE")
    }

    func openStore() throws -> Store {
        let path = try storePath()
        return try explainingStorePath(path) { try Store(path: path) }
    }

    /// Runs `body` (which opens or locks the store at `path`); a store that cannot be created
    /// becomes a config error naming where the path came from, with a writable example.
    func explainingStorePath<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError where error.kind == .open {
            let origin = store != nil ? "--store" : "`store:` in \(config)"
            throw ConfigError("\(error.description); the path \(path) comes from \(origin): "
                              + "name a folder this user can write, e.g. `store: /var/lib/earshot/earshot.sqlite`")
        }
    }
}

/// How `guarded` writes a fatal error: one text line, or one JSON object (`--log-format json`).
enum ErrorOutput {
    nonisolated(unsafe) static var isJSON = false
}

/// Runs a command body and turns errors into one line on stderr and the documented exit code.
func guarded(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch {
        let status: ExitStatus
        switch error {
        case is ConfigError: status = .config
        case let e as StoreError where e.kind == .busy: status = .busy
        case let e as AppError:
            switch e {
            case .notFound: status = .notFound
            case .usage: status = .usage
            default: status = .failure
            }
        default: status = .failure
        }
        var line = "\(error)"
        if !line.hasPrefix("earshot") { line = "earshot: " + line }
        if ErrorOutput.isJSON {
            let object: [String: Any] = ["level": "critical", "message": line, "logger": "earshot", "exit_code": Int(status.rawValue),
                                         "time": ISO8601DateFormatter().string(from: Date())]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            FileHandle.standardError.write(data + Data("\n".utf8))
        } else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        throw ExitCode(status.rawValue)
    }
}

/// Progress for people: only when both stdout and stderr are terminals, on one rewritten line.
struct Progress {
    let enabled = isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1
    func callAsFunction(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    }
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

func printJSON(_ object: Any) {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data()
    print(String(decoding: data, as: UTF8.self))
}

let isoFormatter: ISO8601DateFormatter = ISO8601DateFormatter()
func iso(_ d: Date?) -> Any { d.map { isoFormatter.string(from: $0) } ?? NSNull() }

func currentUser() -> String {
    ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "unknown"
}
