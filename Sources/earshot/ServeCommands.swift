import ArgumentParser
import Foundation
import Logging
import EarshotApp
import EarshotStore
import EarshotTriage
import EarshotWeb

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "The case board: a web page where support leads work cases and marketing reads the digest.",
        discussion: """
            Pages: the queue (overdue first, filters and search), each case with its mentions, history and
            buttons, recurring problems, sources' health, and today's and this week's digest. A JSON API
            (/api/cases, /api/cases/ID, /api/problems, /api/sources) is described at /api/openapi.json.
            Sign in with a user made by `earshot users add`. Listens on 127.0.0.1:8080 by default; put it
            behind a TLS proxy (nginx: see the README) to reach it from other machines. Stops on Ctrl-C or SIGTERM.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Where to listen: HOST:PORT (port 0 picks a free one).", valueName: "HOST:PORT"))
    var listen: String = "127.0.0.1:8080"

    func run() throws {
        try guarded {
            guard let (host, port) = Self.address(listen) else {
                throw ValidationError("--listen '\(listen)' is not HOST:PORT; write e.g. 127.0.0.1:8080 or [::1]:8080")
            }
            let config = FileManager.default.fileExists(atPath: global.config) ? try global.loadConfig() : nil
            let store = try global.openStore()
            let policy = try ActorOptions.policy(global)
            let settings = Board.Settings(host: host, port: port, storePath: store.path, brand: config?.brand ?? "Earshot", policy: policy,
                                          redactor: config?.redactor ?? .standard)
            if try store.read({ try $0.users() }).isEmpty {
                FileHandle.standardError.write(Data("earshot: no board users yet; add one with `earshot users add NAME --role lead --password-stdin`\n".utf8))
            }
            let board = Board(settings: settings, store: store, clock: Clock.fromEnvironment(), logger: global.makeLogger())
            final class Outcome: @unchecked Sendable { var error: Error? }
            let outcome = Outcome()
            let done = DispatchSemaphore(value: 0)
            Task {
                do {
                    try await board.run { bound in
                        let shown = host.contains(":") ? "[\(host)]" : host
                        print("earshot: the case board is on http://\(shown):\(bound) (Ctrl-C stops it)")
                        fflush(stdout)
                    }
                } catch {
                    outcome.error = error
                }
                done.signal()
            }
            done.wait()
            if let error = outcome.error {
                throw AppError.failed("serve: cannot listen on \(listen) (\(error)); is another program using that port? choose another with --listen")
            }
        }
    }

    /// "127.0.0.1:8080", "[::1]:8080", "localhost:0".
    static func address(_ text: String) -> (String, Int)? {
        var host: Substring, port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let p = Int(port), (0...65_535).contains(p) else { return nil }
        return (String(host), p)
    }
}

struct Users: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "The case board's users: leads assign and work every case, agents the cases assigned to them, viewers read.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a user, or give an existing one a new role and password (which signs them out).",
            discussion: "The password is read from standard input (--password-stdin), or asked for on a terminal; it is stored as a bcrypt hash only.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The user's name, as case histories will show it.") var name: String
        @Option(help: ArgumentHelp("lead, agent or viewer.", valueName: "lead|agent|viewer")) var role: String
        @Flag(help: "Read the password from standard input (its first line).") var passwordStdin = false

        func run() throws {
            try guarded {
                let user = name.trimmingCharacters(in: .whitespaces)
                guard !user.isEmpty, user.count <= 64, !user.contains(where: { $0.isNewline || $0 == ":" }) else {
                    throw ValidationError("the name must be 1 to 64 characters, without ':' or line breaks")
                }
                guard StoreTransaction.roles.contains(role) else { throw ValidationError("--role '\(role)' is not a role; write lead, agent or viewer") }
                let password: String
                if passwordStdin {
                    password = readLine(strippingNewline: true) ?? ""
                } else if isatty(STDIN_FILENO) == 1, let typed = getpass("Password for \(user): ") {
                    password = String(cString: typed)
                } else {
                    throw ValidationError("give the password on standard input with --password-stdin")
                }
                guard password.count >= 10 else { throw ValidationError("the password is too short; use at least 10 characters") }
                let hash = BoardSecurity.hashPassword(password)
                let now = Clock.fromEnvironment().now
                let isNew = try global.openStore().write { try $0.saveUser(name: user, role: role, passwordHash: hash, now: now) }
                print(isNew ? "added \(user) (\(role))" : "updated \(user) (\(role)); their sessions were signed out")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the board's users and their roles.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false
        func run() throws {
            try guarded {
                let users = try global.openStore().read { try $0.users() }
                if json { printJSON(users.map { ["name": $0.name, "role": $0.role, "created_at": iso($0.createdAt)] }); return }
                if users.isEmpty { print("no users; add one with `earshot users add NAME --role lead --password-stdin`"); return }
                for u in users { print("\(u.name)  \(u.role)") }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a user (signs them out; their names stay in case histories).")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String
        func run() throws {
            try guarded {
                guard try global.openStore().write({ try $0.removeUser(named: name) }) else {
                    throw AppError.notFound("users: no user named '\(name)'; see `earshot users list`")
                }
                print("removed \(name)")
            }
        }
    }
}
