import Foundation
import Testing
import EarshotStore
#if canImport(Glibc)
import Glibc
#endif

/// Issue 19, the case board: `earshot serve` (the built binary) on 127.0.0.1, driven over HTTP by
/// a small client that keeps its own cookies. Every route and role: a viewer reads but cannot act,
/// an agent works only the cases assigned to them, a lead does everything; a forged or missing CSRF
/// token is refused with 403 and changes nothing; five wrong passwords throttle the sixth try;
/// hostile mentions are escaped; nothing changes on GET.
@Suite(.serialized)
struct BoardTests {
    static var canRun: Bool { TriageCrashTests.canRun }

    /// One HTTP exchange over a fresh connection (`Connection: close`).
    struct Reply {
        var status: Int
        var headers: [(String, String)]
        var body: String
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var cookies: [String] { headers.filter { $0.0.lowercased() == "set-cookie" }.map(\.1) }
        /// The first hidden CSRF field's value on the page.
        var csrf: String? {
            guard let r = body.range(of: "name=\"csrf_token\" value=\"") else { return nil }
            return String(body[r.upperBound...].prefix { $0 != "\"" })
        }
    }

    /// A browser's essentials: a cookie jar, GET and form POST, no redirects followed.
    final class Browser {
        let port: Int
        var cookies: [String: String] = [:]
        init(port: Int) { self.port = port }

        func get(_ path: String, headers: [(String, String)] = []) throws -> Reply { try send("GET", path, body: nil, headers: headers) }
        func post(_ path: String, _ form: [(String, String)]) throws -> Reply {
            let body = form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
            return try send("POST", path, body: body, headers: [("Content-Type", "application/x-www-form-urlencoded")])
        }
        static func encode(_ s: String) -> String {
            s.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
        }

        func send(_ method: String, _ path: String, body: String?, headers: [(String, String)]) throws -> Reply {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw CocoaError(.fileReadUnknown) }
            defer { close(fd) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            guard ok == 0 else { throw CocoaError(.fileReadNoSuchFile) }
            var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
            if !cookies.isEmpty { request += "Cookie: " + cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") + "\r\n" }
            for (k, v) in headers { request += "\(k): \(v)\r\n" }
            let bodyData = Data((body ?? "").utf8)
            if body != nil { request += "Content-Length: \(bodyData.count)\r\n" }
            let bytes = Data(request.utf8) + Data("\r\n".utf8) + bodyData
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            var received = Data()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                received.append(contentsOf: buffer[0..<n])
            }
            let text = String(decoding: received, as: UTF8.self)
            guard let split = text.range(of: "\r\n\r\n") else { throw CocoaError(.fileReadCorruptFile) }
            let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
            let status = Int(lines[0].split(separator: " ")[1]) ?? 0
            let headers = lines.dropFirst().compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            let reply = Reply(status: status, headers: headers, body: String(text[split.upperBound...]))
            for cookie in reply.cookies {
                let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
                if value.isEmpty || cookie.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
            }
            return reply
        }

        /// Signs in through the form, as a person would.
        @discardableResult
        func signIn(_ name: String, _ password: String) throws -> Reply {
            let form = try get("/login")
            return try post("/login", [("csrf_token", form.csrf ?? ""), ("username", name), ("password", password)])
        }
    }

    /// The demo's store with a hostile mention added, three users, and `earshot serve` on a free port.
    final class Site {
        let folder = TestPaths.temporaryFolder("earshot-board")
        var store: String { folder.appendingPathComponent("earshot.sqlite").path }
        let process = Process()
        var port = 0

        init() throws {
            #expect(try runEarshot(["demo", "--store", store]).status == 0)
            for (name, role) in [("Lena", "lead"), ("Arno", "agent"), ("Vic", "viewer"), ("Ada", "agent")] {
                let r = try runEarshot(["users", "add", name, "--role", role, "--password-stdin", "--store", store], stdin: "\(name.lowercased())-password-1\n")
                #expect(r.status == 0, "\(r.stderr)")
            }
            try plantHostileMention()
            process.executableURL = TestPaths.binary
            process.arguments = ["serve", "--store", store, "--listen", "127.0.0.1:0"]
            var env = ProcessInfo.processInfo.environment
            env["EARSHOT_NOW"] = "2026-11-21T12:00:00Z"
            process.environment = env
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
            port = Int(line.components(separatedBy: "127.0.0.1:").last?.prefix { $0.isNumber } ?? "") ?? 0
            #expect(port > 0, "serve said: \(line)")
        }
        deinit {
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: folder)
        }

        /// A customer's post that tries script, an event handler and a javascript: link, opened as case #1's mention.
        func plantHostileMention() throws {
            let s = try Store(path: store)
            try s.write { tx in
                let id = try tx.upsertMention(NewMention(sourceID: 1, itemKey: "hostile-1", fingerprint: "hostile", url: "javascript:alert(1)",
                                                         title: "<script>document.title='pwned'</script>", author: "<img src=x onerror=alert(1)>",
                                                         body: Site.hostile, publishedAt: Date(timeIntervalSince1970: 1_795_000_000),
                                                         fetchedAt: Date(timeIntervalSince1970: 1_795_000_000), rating: nil, bestRating: nil, worstRating: nil)).mentionID
                _ = try tx.attachMention(caseID: 1, mentionID: id, now: Date(timeIntervalSince1970: 1_795_000_000))
            }
        }
        static let hostile = "Brightwave <script>window.pwned=1</script><img src=x onerror=\"document.title='pwned'\"> <a href=\"javascript:alert(1)\">click</a>"

        func browser() -> Browser { Browser(port: port) }

        func caseRecord(_ id: Int64) throws -> CaseRecord { try #require(try Store(path: store).read { try $0.caseRecord(id: id) }) }
        func events(_ id: Int64) throws -> [CaseEvent] { try Store(path: store).read { try $0.events(ofCase: id) } }
    }

    @Test(.enabled(if: BoardTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func signInAndRolesOnEveryRoute() throws {
        let site = try Site()
        let anonymous = site.browser()
        // Signed out: pages lead to the sign-in form, the API says 401, nothing leaks.
        for path in ["/cases", "/cases/1", "/problems", "/sources", "/digest"] {
            let r = try anonymous.get(path)
            #expect(r.status == 302 && r.header("Location") == "/login", "\(path): \(r.status)")
        }
        for path in ["/api/cases", "/api/cases/1", "/api/problems", "/api/sources"] {
            let r = try anonymous.get(path)
            #expect(r.status == 401 && r.header("WWW-Authenticate")?.hasPrefix("Basic") == true, "\(path)")
            #expect(!r.body.contains("Brightwave"))
        }
        #expect(try anonymous.get("/api/openapi.json").status == 200)
        #expect(try anonymous.post("/cases/1/ack", [("csrf_token", "x")]).status == 303)
        #expect(try site.caseRecord(1).status == "open")

        // The lead: every page, with the security headers; the session cookie is HttpOnly and Lax.
        let lead = site.browser()
        let signed = try lead.signIn("Lena", "lena-password-1")
        #expect(signed.status == 303 && signed.header("Location") == "/cases")
        let session = try #require(signed.cookies.first { $0.hasPrefix("earshot_session=") })
        #expect(session.contains("HttpOnly") && session.contains("SameSite=Lax") && !session.contains("Secure"), "loopback: \(session)")
        for path in ["/cases", "/cases/1", "/problems", "/sources", "/digest", "/digest?period=week", "/cases?status=all&aspect=billing&q=price"] {
            let r = try lead.get(path)
            #expect(r.status == 200, "\(path): \(r.status)")
            let csp = r.header("Content-Security-Policy") ?? ""
            #expect(csp.contains("default-src 'none'") && !csp.contains("script-src"), "\(path): \(csp)")
            #expect(r.header("X-Frame-Options") == "DENY" && r.header("X-Content-Type-Options") == "nosniff")
        }
        let queue = try lead.get("/cases")
        #expect(queue.body.contains("overdue"), "the demo's cases are overdue at noon on the 21st")
        #expect(try lead.get("/cases?aspect=billing").body.contains("Dave Holroyd"))
        #expect(!(try lead.get("/cases?aspect=quality").body.contains("Dave Holroyd")))
        #expect(try lead.get("/cases?q=impressed").body.contains("Dave Holroyd"), "search reads the mentions")
        let api = try lead.get("/api/cases")
        let cases = try #require(try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [[String: Any]])
        #expect(cases.count >= 40 && cases.first?["overdue"] as? Bool == true)
        // Basic authentication for other tools.
        let basic = "Basic " + Data("Vic:vic-password-1".utf8).base64EncodedString()
        #expect(try anonymous.get("/api/sources", headers: [("Authorization", basic)]).status == 200)

        // The lead assigns case 1 to Arno: recorded under Lena's name.
        var page = try lead.get("/cases/1")
        #expect(page.body.contains("action=\"/cases/1/assign\""))
        let assigned = try lead.post("/cases/1/assign", [("csrf_token", page.csrf ?? ""), ("assignee", "Arno")])
        #expect(assigned.status == 303 && assigned.header("Location") == "/cases/1")
        #expect(try site.caseRecord(1).assignee == "Arno")
        #expect(try site.events(1).last.map { $0.kind == "assigned" && $0.actor == "Lena" } == true)

        // The viewer reads the case but has no button, and is refused when forging the POST.
        let viewer = site.browser()
        try viewer.signIn("Vic", "vic-password-1")
        page = try viewer.get("/cases/1")
        #expect(page.status == 200 && !page.body.contains("/cases/1/ack"))
        var refused = try viewer.post("/cases/1/ack", [("csrf_token", page.csrf ?? "")])
        #expect(refused.status == 403)
        #expect(try site.caseRecord(1).status == "open")
        refused = try viewer.post("/sources/community-forum/pause", [("csrf_token", page.csrf ?? "")])
        #expect(refused.status == 403)

        // Another agent cannot touch Arno's case; Arno acknowledges and resolves it.
        let ada = site.browser()
        try ada.signIn("Ada", "ada-password-1")
        page = try ada.get("/cases/1")
        #expect(!page.body.contains("/cases/1/ack"))
        #expect(try ada.post("/cases/1/ack", [("csrf_token", page.csrf ?? "")]).status == 403)
        #expect(try ada.post("/cases/1/assign", [("csrf_token", page.csrf ?? ""), ("assignee", "Ada")]).status == 403)
        let arno = site.browser()
        try arno.signIn("Arno", "arno-password-1")
        page = try arno.get("/cases/1")
        #expect(page.body.contains("/cases/1/ack") && !page.body.contains("/cases/1/assign"))
        #expect(try arno.post("/cases/1/ack", [("csrf_token", page.csrf ?? "")]).status == 303)
        #expect(try arno.post("/cases/1/resolve", [("csrf_token", page.csrf ?? ""), ("note", "refunded")]).status == 303)
        let resolved = try site.caseRecord(1)
        #expect(resolved.status == "resolved" && resolved.acknowledgedAt != nil)
        #expect(try site.events(1).suffix(2).map { "\($0.kind) by \($0.actor)" } == ["acknowledged by Arno", "resolved by Arno"])
        // A second ack of a resolved case is the lifecycle's refusal, not a crash.
        #expect(try arno.post("/cases/1/ack", [("csrf_token", page.csrf ?? "")]).status == 409)
        // The lead pauses a source and resumes it.
        page = try lead.get("/sources")
        #expect(try lead.post("/sources/local-news/pause", [("csrf_token", page.csrf ?? "")]).status == 303)
        #expect(try Store(path: site.store).read { try $0.source(named: "local-news")?.pausedAt } != nil)
        #expect(try lead.post("/sources/local-news/resume", [("csrf_token", page.csrf ?? "")]).status == 303)
        // Signing out ends the session on the server too.
        let out = try lead.post("/logout", [("csrf_token", page.csrf ?? "")])
        #expect(out.status == 303)
        #expect(try lead.get("/cases").status == 302)
        // Unknown pages: a 404 that tells nothing; GET never changes anything.
        let missing = try arno.get("/cases/999999")
        #expect(missing.status == 404 && !missing.body.contains("999999"))
        let two = try site.caseRecord(2)
        #expect(try arno.get("/cases/2/ack").status == 404)
        #expect(try site.caseRecord(2) == two)
    }

    @Test(.enabled(if: BoardTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func forgedOrMissingCSRFIsRefusedAndChangesNothing() throws {
        let site = try Site()
        let lead = site.browser()
        try lead.signIn("Lena", "lena-password-1")
        let before = try site.events(2).count
        for form in [[("assignee", "Lena")], [("csrf_token", ""), ("assignee", "Lena")], [("csrf_token", "forged-token"), ("assignee", "Lena")]] {
            let r = try lead.post("/cases/2/assign", form)
            #expect(r.status == 403, "\(form)")
        }
        // Another user's token is no good either.
        let other = site.browser()
        try other.signIn("Arno", "arno-password-1")
        let stolen = try other.get("/cases").csrf ?? ""
        #expect(try lead.post("/cases/2/assign", [("csrf_token", stolen), ("assignee", "Lena")]).status == 403)
        #expect(try site.events(2).count == before)
        #expect(try site.caseRecord(2).assignee == nil)
        // The sign-in form's own token: a login posted from elsewhere is refused.
        let elsewhere = site.browser()
        #expect(try elsewhere.post("/login", [("username", "Lena"), ("password", "lena-password-1")]).status == 403)
        #expect(elsewhere.cookies["earshot_session"] == nil)
    }

    @Test(.enabled(if: BoardTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func fiveWrongPasswordsThrottleTheNextTry() throws {
        let site = try Site()
        let b = site.browser()
        for _ in 0..<5 {
            #expect(try b.signIn("Lena", "wrong-password").status == 401)
        }
        // The sixth try is refused even with the right password: the attacker may have guessed it.
        let sixth = try b.signIn("Lena", "lena-password-1")
        #expect(sixth.status == 429 && sixth.header("Retry-After") != nil)
        #expect(b.cookies["earshot_session"] == nil)
        // By name too, from anywhere; the API's Basic authentication counts the same failures.
        let basic = "Basic " + Data("Lena:lena-password-1".utf8).base64EncodedString()
        #expect(try site.browser().get("/api/cases", headers: [("Authorization", basic)]).status == 429)
        // Another user at the same address is not locked out (an address has more tries than a name).
        #expect(try site.browser().signIn("Arno", "arno-password-1").status == 303)
        // ... until the address itself has failed too often.
        let guesser = site.browser()
        for n in 0..<20 { _ = try guesser.signIn("nobody-\(n)", "guess") }
        #expect(try site.browser().signIn("Ada", "ada-password-1").status == 429)
    }

    @Test(.enabled(if: BoardTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func hostileMentionsAreEscapedEverywhere() throws {
        let site = try Site()
        let b = site.browser()
        try b.signIn("Lena", "lena-password-1")
        let page = try b.get("/cases/1")
        #expect(page.body.contains("&lt;script&gt;window.pwned=1&lt;/script&gt;"))
        #expect(!page.body.contains("<script"), "no script element at all")
        #expect(!page.body.contains("<img src=x"), "the attacker's tag stays text")
        #expect(!page.body.contains("href=\"javascript:"), "a javascript: link is not a link")
        #expect(page.body.range(of: "<[^>]*\\son[a-z]+\\s*=", options: [.regularExpression, .caseInsensitive]) == nil, "no event handler attribute")
        let api = try b.get("/api/cases/1")
        #expect(api.header("Content-Type")?.hasPrefix("application/json") == true)
        let object = try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [String: Any]
        let mentions = object?["mentions"] as? [[String: Any]] ?? []
        #expect(!mentions.isEmpty)
        // Each mention's date on its writer's clock is the same instant as its UTC date.
        let iso = ISO8601DateFormatter()
        for m in mentions {
            let utc = (m["published_at"] as? String).flatMap(iso.date(from:))
            let local = (m["published_local"] as? String).flatMap(iso.date(from:))
            #expect(utc != nil && utc == local, "\(m["published_at"] ?? "-") vs \(m["published_local"] ?? "-")")
        }
    }

    /// The API's actions and its OpenAPI document: every GET path it lists answers, actions check the
    /// role as the pages do, and a session's POST needs its CSRF token in a header.
    @Test(.enabled(if: BoardTests.canRun, "needs the lexicon and the built earshot binary beside the tests"))
    func theAPIMirrorsThePagesAndItsDocumentIsTrue() throws {
        let site = try Site()
        let b = site.browser()
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(try b.get("/api/openapi.json").body.utf8)) as? [String: Any])
        let paths = try #require(doc["paths"] as? [String: [String: Any]])
        let lead = [("Authorization", "Basic " + Data("Lena:lena-password-1".utf8).base64EncodedString())]
        for (path, operations) in paths where operations["get"] != nil {
            let r = try b.get(path.replacingOccurrences(of: "{id}", with: "1"), headers: lead)
            #expect(r.status == 200 && r.header("Content-Type")?.hasPrefix("application/json") == true, "\(path): \(r.status)")
        }
        #expect(paths["/api/cases/{id}/{action}"]?["post"] != nil)
        func post(_ path: String, _ json: String, _ headers: [(String, String)]) throws -> Reply {
            try b.send("POST", path, body: json, headers: headers + [("Content-Type", "application/json")])
        }
        let open = try Store(path: site.store).read { try $0.cases(CaseFilter(status: "open", kind: "incident")) }.map(\.id)
        let (x, y) = (open[0], open[1])
        let assigned = try post("/api/cases/\(x)/assign", "{\"assignee\": \"Ada\"}", lead)
        #expect(assigned.status == 200 && assigned.body.contains("\"assignee\":\"Ada\""), "\(assigned.status) \(assigned.body)")
        let arno = [("Authorization", "Basic " + Data("Arno:arno-password-1".utf8).base64EncodedString())]
        #expect(try post("/api/cases/\(x)/ack", "", arno).status == 403, "not Arno's case")
        let ada = [("Authorization", "Basic " + Data("Ada:ada-password-1".utf8).base64EncodedString())]
        #expect(try post("/api/cases/\(x)/ack", "", ada).status == 200)
        #expect(try post("/api/cases/\(x)/ack", "", ada).status == 409, "already acknowledged")
        #expect(try post("/api/cases/\(x)/follow-up", "{\"satisfied\": true}", ada).status == 409, "not resolved yet")
        #expect(try post("/api/cases/\(x)/dance", "", ada).status == 404)
        #expect(try site.events(x).suffix(2).map { "\($0.kind) by \($0.actor)" } == ["assigned by Lena", "acknowledged by Ada"])
        // With a session cookie, the CSRF token must come in the header.
        let browser = site.browser()
        try browser.signIn("Lena", "lena-password-1")
        let token = try browser.get("/cases").csrf ?? ""
        #expect(try browser.send("POST", "/api/cases/\(y)/ack", body: "", headers: []).status == 403)
        #expect(try site.caseRecord(y).status == "open")
        #expect(try browser.send("POST", "/api/cases/\(y)/ack", body: "", headers: [("X-CSRF-Token", token)]).status == 200)
    }

    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A real browser (headless Chromium, driven over the DevTools protocol by Scripts/board_browser.py)
    /// signs in, opens the case with the hostile mention, acknowledges and resolves it with the buttons.
    /// Nothing the attacker wrote runs: no script element, no event handler, no javascript: link, the
    /// page's title and globals untouched; the words are shown as text.
    @Test(.enabled(if: BoardTests.canRun && BoardTests.chromium != nil,
                   "needs the built earshot binary and chromium (Scripts/bootstrap --test installs it)"))
    func aRealBrowserWorksACaseAndNoHostileMarkupRuns() throws {
        let site = try Site()
        let script = TestPaths.repo.appendingPathComponent("Scripts/board_browser.py").path
        let out = try runTool("/usr/bin/python3", [script, "http://127.0.0.1:\(site.port)", "Lena", "lena-password-1", "1"])
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any], "browser said: \(out)")
        #expect(seen["after_login"] as? String == "/cases")
        #expect((seen["queue_rows"] as? Int ?? 0) >= 40)
        #expect(seen["case_path"] as? String == "/cases/1")
        #expect(seen["hostile_text_shown"] as? Bool == true, "the customer's words are shown, as text")
        #expect(seen["pwned"] as? Bool == false && seen["pwned_at_end"] as? Bool == false)
        #expect(seen["scripts"] as? Int == 0 && seen["event_handlers"] as? Int == 0 && seen["javascript_links"] as? Int == 0)
        #expect((seen["title"] as? String)?.contains("pwned") == false && (seen["title_at_end"] as? String)?.contains("pwned") == false)
        #expect(seen["after_ack"] as? String == "acknowledged")
        #expect(seen["after_resolve"] as? String == "resolved")
        #expect(try site.caseRecord(1).status == "resolved")
        #expect(try site.events(1).suffix(2).map { "\($0.kind) by \($0.actor)" } == ["acknowledged by Lena", "resolved by Lena"])
    }

    @Test(.enabled(if: BoardTests.canRun, "needs the built earshot binary beside the tests"))
    func usersAreManagedFromTheCommandLine() throws {
        let folder = TestPaths.temporaryFolder("earshot-users")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("earshot.sqlite").path
        let added = try runEarshot(["users", "add", "Kim", "--role", "agent", "--password-stdin", "--store", store], stdin: "a-long-password\n")
        #expect(added.status == 0 && added.stdout.contains("added Kim (agent)"))
        #expect(try runEarshot(["users", "add", "Kim", "--role", "boss", "--password-stdin", "--store", store], stdin: "a-long-password\n").status == 64)
        #expect(try runEarshot(["users", "add", "Joe", "--role", "lead", "--password-stdin", "--store", store], stdin: "short\n").status == 64)
        let list = try runEarshot(["users", "list", "--store", store, "--json"])
        #expect(list.stdout.contains("\"Kim\"") && list.stdout.contains("\"agent\"") && !list.stdout.contains("Joe"))
        // Only a bcrypt hash is stored: the password is nowhere in the file.
        let bytes = FileManager.default.contents(atPath: store) ?? Data()
        #expect(bytes.range(of: Data("a-long-password".utf8)) == nil)
        let hash = try #require(try Store(path: store).read { try $0.user(named: "kim")?.passwordHash })
        #expect(hash.hasPrefix("$2b$12$") || hash.hasPrefix("$2a$12$") || hash.hasPrefix("$2y$12$"))
        #expect(try runEarshot(["users", "remove", "Kim", "--store", store]).status == 0)
        #expect(try runEarshot(["users", "remove", "Kim", "--store", store]).status == 66)
    }
}
