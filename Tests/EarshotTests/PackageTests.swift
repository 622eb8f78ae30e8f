import Foundation
import Testing

/// The Debian package `Scripts/package` writes (issue 18): what it holds, its binary unpacked and run from
/// elsewhere, its systemd units, lintian. On when EARSHOT_PACKAGE_TESTS=1 or a package is in .build/package.
@Suite(.serialized, .enabled(if: PackageUnderTest.enabled,
                             "no .build/package/earshot_*.deb: run Scripts/package to test it (EARSHOT_PACKAGE_TESTS=1 insists)"))
struct PackageTests {
    @Test func itHoldsTheBinaryLexiconConfigUnitsManPagesCompletionsAndDocs() throws {
        let deb = try PackageUnderTest.require()
        let listing = try PackageUnderTest.run("dpkg-deb", ["-c", deb.path])
        #expect(listing.status == 0, "\(listing.stderr)")
        // "drwxr-xr-x root/root 0 2026-12-04 16:10 ./usr/bin/" → mode, owner and path.
        var entries: [String: (mode: String, owner: String)] = [:]
        for line in listing.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[5].hasPrefix("./") else { continue }
            entries[String(fields[5].dropFirst())] = (String(fields[0]), String(fields[1]))
        }
        let expected = [
            "/usr/bin/earshot",
            "/usr/share/earshot/lexicon/vader_lexicon.txt", "/usr/share/earshot/lexicon/emoji_utf8_lexicon.txt",
            "/usr/share/earshot/demo/earshot-demo.yaml",
            "/etc/earshot/earshot.yaml",
            "/lib/systemd/system/earshot.service", "/lib/systemd/system/earshot.timer",
            "/lib/systemd/system/earshot-digest.service", "/lib/systemd/system/earshot-digest.timer",
            "/lib/systemd/system/earshot-board.service", "/usr/share/man/man1/earshot.serve.1.gz",
            "/usr/share/man/man1/earshot.1.gz", "/usr/share/man/man1/earshot.run.1.gz",
            "/usr/share/man/man1/earshot.digest.1.gz", "/usr/share/man/man1/earshot.cases.list.1.gz",
            "/usr/share/bash-completion/completions/earshot", "/usr/share/zsh/vendor-completions/_earshot",
            "/usr/share/fish/vendor_completions.d/earshot.fish",
            "/usr/share/doc/earshot/README.md", "/usr/share/doc/earshot/changelog.gz",
            "/usr/share/doc/earshot/CHANGELOG.md.gz", "/usr/share/doc/earshot/copyright",
        ]
        for path in expected { #expect(entries[path] != nil, "\(path) is not in the package") }
        #expect(entries["/usr/bin/earshot"]?.mode == "-rwxr-xr-x")
        #expect(entries.values.allSatisfy { $0.owner == "root/root" }, "every file belongs to root")
        #expect(!entries.keys.contains { $0.hasPrefix("/var/") }, "the store folder is the postinst's, not the package's")
        let pages = entries.keys.filter { $0.hasPrefix("/usr/share/man/man1/earshot") && $0.hasSuffix(".1.gz") }
        #expect(pages.count >= 10, "one man page per command: \(pages.sorted())")

        // The control area: fields, the conffile, the user, purge keeping the data unless asked.
        let fields = try PackageUnderTest.run("dpkg-deb", ["-f", deb.path, "Package", "Version", "Architecture", "Depends", "Section"])
        for needed in ["Package: earshot", "Architecture: ", "Section: net", "libcurl4", "libxml2", "libsqlite3-0", "adduser"] {
            #expect(fields.stdout.contains(needed), "control lacks \(needed): \(fields.stdout)")
        }
        let version = fields.stdout.split(separator: "\n").first { $0.hasPrefix("Version: ") }.map { String($0.dropFirst(9)) } ?? "?"
        #expect(deb.lastPathComponent.hasPrefix("earshot_\(version)_"), "\(deb.lastPathComponent) is not named after version \(version)")
        let control = TestPaths.temporaryFolder("earshot-control")
        defer { try? FileManager.default.removeItem(at: control) }
        #expect(try PackageUnderTest.run("dpkg-deb", ["-e", deb.path, control.appendingPathComponent("DEBIAN").path]).status == 0)
        let read = { (name: String) in (try? String(contentsOf: control.appendingPathComponent("DEBIAN/\(name)"), encoding: .utf8)) ?? "" }
        #expect(read("conffiles").split(separator: "\n") == ["/etc/earshot/earshot.yaml"])
        #expect(read("postinst").contains("adduser --system"))
        #expect(read("postrm").contains("EARSHOT_PURGE_DATA"))
    }

    @Test func theUnpackedBinaryRunsTheDemoFromAnotherFolder() throws {
        let deb = try PackageUnderTest.require()
        let root = try PackageUnderTest.unpack(deb)
        let elsewhere = TestPaths.temporaryFolder("earshot-pkg-cwd")
        defer { try? FileManager.default.removeItem(at: root); try? FileManager.default.removeItem(at: elsewhere) }
        let earshot = root.appendingPathComponent("usr/bin/earshot").path
        let lexicon = root.appendingPathComponent("usr/share/earshot/lexicon")

        // Only system libraries: the Swift runtime is linked in.
        let ldd = try PackageUnderTest.run("ldd", [earshot])
        #expect(ldd.status == 0)
        #expect(!ldd.stdout.contains("libswift") && !ldd.stdout.contains("libFoundation") && !ldd.stdout.contains("not found"), "\(ldd.stdout)")

        // The lexicon is the pinned one (the files bootstrap-lexicon unpacked from the checked wheel).
        if TestPaths.hasLexicon {
            for name in ["vader_lexicon.txt", "emoji_utf8_lexicon.txt"] {
                #expect(try Data(contentsOf: lexicon.appendingPathComponent(name)) == Data(contentsOf: TestPaths.lexicon.appendingPathComponent(name)), "\(name)")
            }
        }

        // The shipped config keeps the store where the units do, and passes `earshot check`.
        let config = root.appendingPathComponent("etc/earshot/earshot.yaml")
        #expect(try String(contentsOf: config, encoding: .utf8).contains("\nstore: /var/lib/earshot/earshot.sqlite\n"))
        let check = try PackageUnderTest.run(earshot, ["check", "--config", config.path, "--lexicon", lexicon.path], in: elsewhere)
        #expect(check.status == 0, "\(check.stderr)")

        // The demo, from another folder, with the package's lexicon: aspects and recurring problems.
        let store = elsewhere.appendingPathComponent("x.sqlite").path
        let demo = try PackageUnderTest.run(earshot, ["demo", "--lexicon", lexicon.path, "--store", store, "--feeds", TestPaths.demoFeeds.path],
                                            in: elsewhere)
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("recurring problem"), "\(demo.stdout)")
        let digest = (try? String(contentsOf: elsewhere.appendingPathComponent("digest.txt"), encoding: .utf8)) ?? ""
        #expect(digest.contains("Recurring billing problem"), "aspects: \(digest.prefix(800))")

        // And with the demo data the package installs beside the binary (no --feeds).
        let installed = elsewhere.appendingPathComponent("installed")
        try FileManager.default.createDirectory(at: installed, withIntermediateDirectories: true)
        let own = try PackageUnderTest.run(earshot, ["demo", "--lexicon", lexicon.path, "--store", installed.appendingPathComponent("x.sqlite").path],
                                           in: installed)
        #expect(own.status == 0 && own.stdout.contains("recurring problem"), "\(own.stdout)\(own.stderr)")

        // The man pages and completions are the binary's own.
        let bash = (try? String(contentsOf: root.appendingPathComponent("usr/share/bash-completion/completions/earshot"), encoding: .utf8)) ?? ""
        #expect(bash.contains("complete") && bash.contains("earshot") && !bash.hasPrefix("#!"))
    }

    @Test func theUnitsRunAsEarshotWithThePackagePaths() throws {
        let deb = try PackageUnderTest.require()
        let root = try PackageUnderTest.unpack(deb)
        defer { try? FileManager.default.removeItem(at: root) }
        let units = root.appendingPathComponent("lib/systemd/system")
        let read = { (name: String) in (try? String(contentsOf: units.appendingPathComponent(name), encoding: .utf8)) ?? "" }
        for service in ["earshot.service", "earshot-digest.service", "earshot-board.service"] {
            let text = read(service)
            for line in ["User=earshot", "StateDirectory=earshot", "ProtectSystem=strict", "NoNewPrivileges=true",
                         "Environment=EARSHOT_LEXICON=/usr/share/earshot/lexicon", "EnvironmentFile=-/etc/earshot/env"] {
                #expect(text.contains("\n\(line)\n"), "\(service) lacks \(line)")
            }
            #expect(!text.contains("/usr/local"), "\(service) names /usr/local")
        }
        #expect(read("earshot.service").contains("\nExecStart=/usr/bin/earshot run --config /etc/earshot/earshot.yaml --store /var/lib/earshot/earshot.sqlite"))
        #expect(read("earshot-digest.service").contains(
            "\nExecStart=/usr/bin/earshot digest --period day --send --config /etc/earshot/earshot.yaml --store /var/lib/earshot/earshot.sqlite\n"))
        #expect(read("earshot.timer").contains("\nOnUnitActiveSec=10min\n"))
        #expect(read("earshot-board.service").contains("\nExecStart=/usr/bin/earshot serve --config /etc/earshot/earshot.yaml --store /var/lib/earshot/earshot.sqlite --listen 127.0.0.1:8080"))
        #expect(read("earshot-digest.timer").contains("\nOnCalendar=*-*-* 07:00:00\n"))
    }

    @Test(.enabled(if: PackageUnderTest.tool("systemd-analyze") != nil, "systemd-analyze is not installed: the units are not verified"))
    func systemdAnalyzeVerifiesTheUnits() throws {
        let deb = try PackageUnderTest.require()
        let root = try PackageUnderTest.unpack(deb)
        let copies = TestPaths.temporaryFolder("earshot-units")
        defer { try? FileManager.default.removeItem(at: root); try? FileManager.default.removeItem(at: copies) }
        // The units as shipped, but pointing at the unpacked binary (verify checks that ExecStart is
        // executable); MANPATH lets it find the man pages their Documentation= names.
        let earshot = root.appendingPathComponent("usr/bin/earshot").path
        var paths: [String] = []
        for name in ["earshot.service", "earshot.timer", "earshot-digest.service", "earshot-digest.timer", "earshot-board.service"] {
            let text = try String(contentsOf: root.appendingPathComponent("lib/systemd/system/\(name)"), encoding: .utf8)
            let copy = copies.appendingPathComponent(name)
            try text.replacingOccurrences(of: "ExecStart=/usr/bin/earshot ", with: "ExecStart=\(earshot) ").write(to: copy, atomically: true, encoding: .utf8)
            paths.append(copy.path)
        }
        let verify = try PackageUnderTest.run("systemd-analyze", ["verify"] + paths,
                                              environment: ["MANPATH": root.appendingPathComponent("usr/share/man").path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stderr.isEmpty, "\(verify.stderr)")
    }

    @Test(.enabled(if: PackageUnderTest.tool("lintian") != nil, "lintian is not installed: the package is not linted (Scripts/package --lint installs it)"))
    func lintianReportsNoErrors() throws {
        let deb = try PackageUnderTest.require()
        let lint = try PackageUnderTest.run("lintian", ["--fail-on", "error", deb.path])
        let errors = lint.stdout.split(separator: "\n").filter { $0.hasPrefix("E: ") }
        #expect(lint.status == 0 && errors.isEmpty, "\(errors.joined(separator: "\n"))\(lint.stderr)")
    }
}

/// The package under test: the newest .build/package/earshot_*.deb, and the tools to look into it.
enum PackageUnderTest {
    static let folder = TestPaths.repo.appendingPathComponent(".build/package")
    static var requested: Bool { ProcessInfo.processInfo.environment["EARSHOT_PACKAGE_TESTS"] == "1" }
    static var enabled: Bool { requested || deb != nil }

    static var deb: URL? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let debs = names.filter { $0.hasPrefix("earshot_") && $0.hasSuffix(".deb") }.map { folder.appendingPathComponent($0) }
        func modified(_ url: URL) -> Date { (try? url.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate ?? .distantPast }
        return debs.max { modified($0) < modified($1) }
    }

    static func require() throws -> URL {
        try #require(deb, "no \(folder.path)/earshot_*.deb: run Scripts/package")
    }

    /// `dpkg -x` into a new temporary root.
    static func unpack(_ deb: URL) throws -> URL {
        let root = TestPaths.temporaryFolder("earshot-pkg-root")
        let result = try run("dpkg", ["-x", deb.path, root.path])
        try #require(result.status == 0, "dpkg -x failed: \(result.stderr)")
        return root
    }

    static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        return dirs.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    struct Outcome { var status: Int32; var stdout: String; var stderr: String }

    /// Runs a tool (a name on PATH, or a path) to its end; output goes through files, so that a long
    /// one (lintian's) never blocks on a full pipe. EARSHOT_LEXICON is removed from its environment.
    static func run(_ command: String, _ arguments: [String], in directory: URL? = nil,
                    environment extra: [String: String] = [:]) throws -> Outcome {
        let executable = command.contains("/") ? command : try #require(tool(command), "\(command) is not installed")
        let scratch = TestPaths.temporaryFolder("earshot-pkg-run")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out"), errURL = scratch.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env["EARSHOT_LEXICON"] = nil
        for (key, value) in extra { env[key] = value }
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close(); try err.close()
        return Outcome(status: process.terminationStatus,
                       stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                       stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}
