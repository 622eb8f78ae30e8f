import Foundation
import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import EarshotApp
import EarshotDigest
import EarshotStore
import EarshotTriage

/// A request's context: the route's, and the address it came from (login throttling).
public struct BoardContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: String
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}

/// `earshot serve`: the case board. Server-rendered pages and a JSON API over the same store and
/// the same lifecycle code as `earshot cases` (CaseLifecycle, Triage.merge): every action is a POST
/// with the session's CSRF token, recorded in the case history under the signed-in user's name.
public final class Board: Sendable {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        public var storePath: String
        public var brand: String
        public var policy: TriagePolicy
        public var redactor: Redactor
        /// How long a sign-in lasts.
        public var sessionLength: TimeInterval = 12 * 3600
        public init(host: String, port: Int, storePath: String, brand: String, policy: TriagePolicy, redactor: Redactor) {
            self.host = host; self.port = port; self.storePath = storePath; self.brand = brand
            self.policy = policy; self.redactor = redactor
        }
    }

    let settings: Settings
    let store: Store
    let clock: Clock
    let throttle = LoginThrottle()
    let logger: Logger

    public init(settings: Settings, store: Store, clock: Clock, logger: Logger) {
        self.settings = settings
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// Whether the board listens only on this machine (cookies without `Secure`, for plain http).
    var isLoopback: Bool {
        ["127.0.0.1", "::1", "localhost"].contains(settings.host) || settings.host.hasPrefix("127.")
    }

    /// Runs until SIGINT or SIGTERM; `onRunning` gets the port actually bound (for `--listen HOST:0`).
    public func run(onRunning: @escaping @Sendable (Int) -> Void) async throws {
        let app = Application(router: makeRouter(),
                              configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
                              onServerRunning: { channel in onRunning(channel.localAddress?.port ?? 0) },
                              logger: logger)
        try await app.runService()
    }

    // MARK: - Routes

    func makeRouter() -> Router<BoardContext> {
        let router = Router(context: BoardContext.self)
        router.addMiddleware { HardeningMiddleware(board: self) }
        router.get("/static/board.css") { _, _ in
            var r = Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: Pages.css)))
            r.headers[.cacheControl] = "max-age=3600"
            return r
        }
        router.get("/") { _, _ in Response.redirect(to: "/cases", type: .found) }
        router.get("/login") { request, _ in try await self.loginPage(request, error: nil, username: "") }
        router.post("/login") { request, context in try await self.login(request, context: context) }
        router.post("/logout") { request, _ in try await self.logout(request) }
        router.get("/cases") { request, _ in try await self.page(request) { s in try self.queue(request, s) } }
        router.get("/cases/:id") { request, context in
            try await self.page(request) { s in try self.casePage(try self.caseID(context), s) }
        }
        router.post("/cases/:id/:action") { request, context in try await self.act(request, context: context) }
        router.get("/problems") { request, _ in try await self.page(request) { s in try self.problemsPage(s) } }
        router.get("/sources") { request, _ in try await self.page(request) { s in try self.sourcesPage(s) } }
        router.post("/sources/:name/:action") { request, context in try await self.sourceAction(request, context: context) }
        router.get("/digest") { request, _ in try await self.page(request) { s in try self.digestPage(request, s) } }
        BoardAPI.register(on: router, board: self)
        return router
    }

    // MARK: - Sessions

    static let sessionCookie = "earshot_session"
    static let loginCookie = "earshot_login"

    func session(_ request: Request) throws -> WebSession? {
        guard let token = request.cookies[Self.sessionCookie]?.value, !token.isEmpty else { return nil }
        let now = clock.now
        return try store.read { try $0.session(tokenHash: BoardSecurity.digest(token), now: now) }
    }

    /// Secure cookies unless the board listens on loopback and the request did not come through a
    /// TLS proxy (nginx sets `X-Forwarded-Proto: https`).
    func secure(_ request: Request) -> Bool {
        !isLoopback || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    func cookie(_ name: String, _ value: String, maxAge: Int, request: Request) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure(request), httpOnly: true, sameSite: .lax)
    }

    /// A page for a signed-in user, or the way to the sign-in page.
    func page(_ request: Request, _ body: (WebSession) throws -> Response) async throws -> Response {
        guard let s = try session(request) else { return Response.redirect(to: "/login", type: .found) }
        return try body(s)
    }

    func loginPage(_ request: Request, error: String?, username: String, status: HTTPResponse.Status = .ok) async throws -> Response {
        let token = BoardSecurity.token()
        var r = Self.html(Pages.login(csrf: token, error: error, username: username), status: status)
        r.setCookie(cookie(Self.loginCookie, token, maxAge: 3600, request: request))
        return r
    }

    func login(_ request: Request, context: BoardContext) async throws -> Response {
        var request = request
        let form = try await Self.form(&request)
        let name = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        // The sign-in form's token must match the cookie set with it (double submit: a page elsewhere
        // cannot sign a browser in as someone else).
        guard let sent = form["csrf_token"], let expected = request.cookies[Self.loginCookie]?.value,
              BoardSecurity.same(sent, expected) else {
            return try await loginPage(request, error: "The sign-in form expired; try again.", username: name, status: .forbidden)
        }
        let now = clock.now
        let keys = ["addr:" + context.remoteAddress, "user:" + name.lowercased()]
        let wait = await throttle.wait(keys, now: now)
        if wait > 0 {
            logger.warning("sign-in throttled", metadata: ["address": "\(context.remoteAddress)"])
            var r = try await loginPage(request, error: "Too many failed sign-ins; try again in \(Int(wait / 60) + 1) min.",
                                        username: name, status: .tooManyRequests)
            r.headers[.retryAfter] = String(Int(wait.rounded(.up)))
            return r
        }
        let user = try store.read { try $0.user(named: name) }
        // A missing user costs the same bcrypt check as a wrong password (no timing tells names apart).
        let ok = BoardSecurity.verify(form["password"] ?? "", hash: user?.passwordHash ?? Self.decoyHash)
        guard let user, ok else {
            await throttle.failed(keys, now: now)
            logger.notice("sign-in failed", metadata: ["address": "\(context.remoteAddress)"])
            return try await loginPage(request, error: "Wrong name or password.", username: name, status: .unauthorized)
        }
        let token = BoardSecurity.token()
        let expires = now.addingTimeInterval(settings.sessionLength)
        try store.write { try $0.createSession(tokenHash: BoardSecurity.digest(token), user: user.name, csrf: BoardSecurity.token(), now: now, expires: expires) }
        var r = Response.redirect(to: "/cases", type: .normal)
        r.setCookie(cookie(Self.sessionCookie, token, maxAge: Int(settings.sessionLength), request: request))
        r.setCookie(cookie(Self.loginCookie, "", maxAge: 0, request: request))
        return r
    }

    static let decoyHash = BoardSecurity.hashPassword("earshot decoy password", cost: BoardSecurity.bcryptCost)

    func logout(_ request: Request) async throws -> Response {
        var request = request
        let form = try await Self.form(&request)
        guard let s = try session(request) else { return Response.redirect(to: "/login", type: .normal) }
        guard let sent = form["csrf_token"], BoardSecurity.same(sent, s.csrf) else { return forbidden(s, why: "The form expired; reload the page.") }
        if let token = request.cookies[Self.sessionCookie]?.value {
            try store.write { try $0.deleteSession(tokenHash: BoardSecurity.digest(token)) }
        }
        var r = Response.redirect(to: "/login", type: .normal)
        r.setCookie(cookie(Self.sessionCookie, "", maxAge: 0, request: request))
        return r
    }

    // MARK: - Roles

    /// What `user` may do to `c` now: leads everything; agents work the cases assigned to them;
    /// viewers read. Only what the case's state allows is offered (the lifecycle refuses the rest).
    static func allowed(_ user: UserRecord, on c: CaseRecord) -> Set<String> {
        var can = permitted(user, on: c)
        guard c.mergedInto == nil else { return can.intersection(["note"]) }
        let active = ["open", "acknowledged"].contains(c.status)
        if c.status != "open" { can.remove("ack") }
        if !active { can.subtract(["assign", "resolve"]) }
        if c.status != "resolved" { can.remove("follow-up") }
        if active { can.remove("reopen") }
        if c.status == "closed" { can.remove("close") }
        return can
    }

    /// What the user's role lets them do to this case, whatever its state.
    static func permitted(_ user: UserRecord, on c: CaseRecord) -> Set<String> {
        switch user.role {
        case "lead": return allActions
        case "agent" where c.assignee?.caseInsensitiveCompare(user.name) == .orderedSame:
            return ["ack", "note", "resolve", "follow-up", "reopen", "close"]
        default: return []
        }
    }

    // MARK: - Pages

    /// The queue's filters from the query string (the page's and the API's): the status chosen, and the filter.
    static func filter(_ request: Request) -> (status: String, filter: CaseFilter) {
        let q = request.uri.queryParameters
        func value(_ key: String) -> String? { q.get(key).flatMap { $0.isEmpty ? nil : $0 } }
        let status = value("status") ?? "active"
        return (status, CaseFilter(status: status == "all" ? nil : status, severity: value("severity"), aspect: value("aspect"),
                                   assignee: value("assignee"), source: value("source"), problem: value("problem").flatMap { Int64($0) },
                                   search: value("q")))
    }

    func queue(_ request: Request, _ s: WebSession) throws -> Response {
        let (status, filter) = Self.filter(request)
        let now = clock.now
        let (cases, options) = try store.read { tx -> ([CaseRecord], Pages.QueueOptions) in
            let all = try tx.cases(CaseFilter(status: "active"))
            let options = Pages.QueueOptions(
                aspects: Array(Set(all.compactMap(\.aspect))).sorted(),
                sources: try tx.sources().map(\.name),
                assignees: try tx.users().filter { $0.role != "viewer" }.map(\.name),
                problems: try tx.cases(CaseFilter(kind: "problem")))
            return (Self.sorted(try tx.cases(filter), now: now), options)
        }
        let body = Pages.queue(cases.map(redacted), filter: filter, statusChoice: status, options: options, user: s.user, csrf: s.csrf, now: now)
        return Self.html(Pages.layout(title: "Queue", user: s.user, csrf: s.csrf, active: "cases", body: body))
    }

    /// Overdue first, then by deadline; acknowledged cases after open ones; the rest newest first.
    static func sorted(_ cases: [CaseRecord], now: Date) -> [CaseRecord] {
        func rank(_ c: CaseRecord) -> Int { c.status == "open" ? 0 : c.status == "acknowledged" ? 1 : 2 }
        return cases.sorted { x, y in
            if rank(x) != rank(y) { return rank(x) < rank(y) }
            if rank(x) < 2 {
                let dx = x.ackDueAt ?? .distantFuture, dy = y.ackDueAt ?? .distantFuture
                if dx != dy { return dx < dy }
                return x.id < y.id
            }
            return x.id > y.id
        }
    }

    func redacted(_ c: CaseRecord) -> CaseRecord {
        var c = c
        c.title = settings.redactor.redact(c.title)
        c.customer = c.customer.map(settings.redactor.redact)
        return c
    }

    func caseID(_ context: BoardContext) throws -> Int64 {
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { throw HTTPError(.notFound) }
        return id
    }

    func caseView(_ id: Int64) throws -> Pages.CaseView? {
        try store.read { tx -> Pages.CaseView? in
            guard let c = try tx.caseRecord(id: id) else { return nil }
            let mentions = try tx.mentionIDs(ofCase: id).compactMap { try tx.mention(id: $0) }.sorted { $0.publishedAt < $1.publishedAt }
            var sources: [Int64: [String]] = [:]
            for m in mentions { sources[m.id] = try tx.sourceNames(ofMention: m.id) }
            return Pages.CaseView(record: c, events: try tx.events(ofCase: id), mentions: mentions, sources: sources,
                                  incidents: c.kind == "problem" ? try tx.incidents(ofProblem: id) : [], users: try tx.users())
        }
    }

    func casePage(_ id: Int64, _ s: WebSession) throws -> Response {
        guard var v = try caseView(id) else { throw HTTPError(.notFound) }
        v.record = redacted(v.record)
        let body = Pages.casePage(v, allowed: Self.allowed(s.user, on: v.record), user: s.user, csrf: s.csrf, now: clock.now,
                                  redact: settings.redactor.redact)
        return Self.html(Pages.layout(title: "Case #\(id)", user: s.user, csrf: s.csrf, active: "cases", body: body))
    }

    func problemsPage(_ s: WebSession) throws -> Response {
        let rows = try store.read { tx in
            try tx.cases(CaseFilter(kind: "problem")).filter { $0.mergedInto == nil }.sorted { $0.id > $1.id }.map { p in
                (p, try tx.incidents(ofProblem: p.id))
            }
        }
        let body = Pages.problems(rows, redact: settings.redactor.redact)
        return Self.html(Pages.layout(title: "Problems", user: s.user, csrf: s.csrf, active: "problems", body: body))
    }

    func sourcesPage(_ s: WebSession) throws -> Response {
        let sources = try store.read { try $0.sources() }
        return Self.html(Pages.layout(title: "Sources", user: s.user, csrf: s.csrf, active: "sources",
                                      body: Pages.sources(sources, canManage: s.user.role == "lead", csrf: s.csrf)))
    }

    /// Today's (so far) or the last seven days' digest, by the renderer the e-mail uses.
    func digestPage(_ request: Request, _ s: WebSession) throws -> Response {
        let period = request.uri.queryParameters.get("period") ?? "today"
        let now = clock.now
        let today = floor(now.timeIntervalSince1970 / 86_400) * 86_400
        let interval: DateInterval, name: String
        switch period {
        case "week": interval = DateInterval(start: Date(timeIntervalSince1970: today - 6 * 86_400), end: now); name = "week"
        case "yesterday": interval = DateInterval(start: Date(timeIntervalSince1970: today - 86_400), duration: 86_400); name = "day"
        default: interval = DateInterval(start: Date(timeIntervalSince1970: today), end: max(now, Date(timeIntervalSince1970: today + 1))); name = "day"
        }
        let report = try store.read { try $0.digestReport(period: interval, periodName: name, brand: settings.brand, now: now) }
            .redacted(by: settings.redactor)
        let switcher = ["today", "yesterday", "week"].map {
            $0 == period ? "<strong>\($0)</strong>" : "<a href=\"/digest?period=\($0)\">\($0)</a>"
        }.joined(separator: " · ")
        // The e-mail's own document, framed by the board's navigation.
        let html = DigestRenderer.html(report)
        let inner = html.range(of: "<body[^>]*>", options: .regularExpression).flatMap { start in
            html.range(of: "</body>", options: .backwards).map { String(html[start.upperBound..<$0.lowerBound]) }
        } ?? html
        let body = "<p class=\"filters\">\(switcher)</p><div class=\"digest\">\(inner)</div>"
        return Self.html(Pages.layout(title: "Digest", user: s.user, csrf: s.csrf, active: "digest", body: body))
    }

    // MARK: - Actions

    func act(_ request: Request, context: BoardContext) async throws -> Response {
        var request = request
        let form = try await Self.form(&request)
        guard let s = try session(request) else { return Response.redirect(to: "/login", type: .normal) }
        guard let sent = form["csrf_token"], BoardSecurity.same(sent, s.csrf) else {
            logger.warning("form refused: missing or wrong CSRF token", metadata: ["user": "\(s.user.name)"])
            return forbidden(s, why: "This form was not sent from the board, or it expired; reload the page and try again.")
        }
        let id = try caseID(context)
        switch try perform(context.parameters.get("action") ?? "", on: id, fields: form, by: s.user) {
        case .done: return Response.redirect(to: "/cases/\(id)", type: .normal)
        case .notFound: throw HTTPError(.notFound)
        case .forbidden(let why): return forbidden(s, why: why)
        case .refused(let why): return Self.html(Pages.message(title: "Not done", text: why, user: s.user, csrf: s.csrf), status: .conflict)
        }
    }

    enum Outcome: Equatable { case done, notFound, forbidden(String), refused(String) }

    /// One case action by `user`, checked against their role, done by the CLI's lifecycle code (the
    /// pages' forms and the API's POSTs both come here).
    func perform(_ name: String, on id: Int64, fields: [String: String], by user: UserRecord) throws -> Outcome {
        guard Self.allActions.contains(name), let c = try store.read({ try $0.caseRecord(id: id) }) else { return .notFound }
        guard Self.permitted(user, on: c).contains(name) else {
            return .forbidden(user.role == "viewer" ? "Viewers read cases; ask a lead to work this one."
                                                    : "Only the case's assignee or a lead can do that.")
        }
        let now = clock.now
        let actor = user.name
        let policy = settings.policy
        do {
            try store.write { tx in
                switch name {
                case "merge":
                    guard let other = fields["other"].flatMap({ Int64($0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "#"))) }) else {
                        throw CaseLifecycleError(description: "cases: say which case to merge (its number)")
                    }
                    _ = try Triage(policy: policy).merge(other, into: id, actor: actor, in: tx, now: now)
                default:
                    guard let action = Self.action(name, fields) else { throw CaseLifecycleError(description: "cases: a field is missing (assignee, text or satisfied)") }
                    _ = try CaseLifecycle.apply(action, to: id, actor: actor, policy: policy, in: tx, now: now)
                }
            }
        } catch let e as CaseLifecycleError {
            return .refused(e.description.replacingOccurrences(of: "cases: ", with: ""))
        }
        logger.info("case action", metadata: ["case": "\(id)", "action": "\(name)", "user": "\(actor)"])
        return .done
    }

    static let allActions: Set<String> = ["ack", "assign", "note", "resolve", "follow-up", "reopen", "close", "merge"]

    static func action(_ name: String, _ form: [String: String]) -> CaseAction? {
        func text(_ key: String) -> String? { form[key].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 } }
        switch name {
        case "ack": return .acknowledge
        case "assign": return text("assignee").map { .assign(to: $0) }
        case "note": return text("text").map { .note($0) }
        case "resolve": return .resolve(note: text("note"))
        case "follow-up":
            guard let answer = text("satisfied") else { return nil }
            return .followUp(satisfied: answer == "yes", note: text("note"))
        case "reopen": return .reopen(note: text("note"))
        case "close": return .close(note: text("note"))
        default: return nil
        }
    }

    func sourceAction(_ request: Request, context: BoardContext) async throws -> Response {
        var request = request
        let form = try await Self.form(&request)
        guard let s = try session(request) else { return Response.redirect(to: "/login", type: .normal) }
        guard let sent = form["csrf_token"], BoardSecurity.same(sent, s.csrf) else {
            return forbidden(s, why: "This form was not sent from the board, or it expired; reload the page and try again.")
        }
        guard s.user.role == "lead" else { return forbidden(s, why: "Only a lead manages sources.") }
        let name = context.parameters.get("name")?.removingPercentEncoding ?? ""
        let now = clock.now
        let done: Bool
        switch context.parameters.get("action") {
        case "pause": done = try store.write { try $0.pauseSource(named: name, now: now) }
        case "resume": done = try store.write { try $0.resumeSource(named: name) }
        default: throw HTTPError(.notFound)
        }
        guard try done || store.read({ try $0.source(named: name) }) != nil else { throw HTTPError(.notFound) }
        logger.info("source action", metadata: ["source": "\(name)", "user": "\(s.user.name)"])
        return Response.redirect(to: "/sources", type: .normal)
    }

    func forbidden(_ s: WebSession, why: String) -> Response {
        Self.html(Pages.message(title: "Not allowed", text: why, user: s.user, csrf: s.csrf), status: .forbidden)
    }

    // MARK: - Plumbing

    /// An `application/x-www-form-urlencoded` body (at most 64 KB), as the last value of each field.
    static func form(_ request: inout Request) async throws -> [String: String] {
        let buffer = try await request.collectBody(upTo: 64 << 10)
        let text = String(buffer: buffer)
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            guard let key = parts.first else { continue }
            out[decode(key)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return out
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// On every response: a Content-Security-Policy without any script, no framing, no sniffing, no
/// caching of pages with customers' words; errors become pages that tell nothing of the inside.
struct HardeningMiddleware: RouterMiddleware {
    typealias Context = BoardContext
    let board: Board

    func handle(_ request: Request, context: BoardContext, next: (Request, BoardContext) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPResponseError where error.status == .notFound || error.status == .methodNotAllowed {
            response = page(request, status: error.status == .notFound ? .notFound : .methodNotAllowed, title: "Not found",
                            text: "There is no such page.")
        } catch let error as HTTPResponseError where error.status.code < 500 {
            response = page(request, status: error.status, title: "Not possible", text: "The request could not be read.")
        } catch {
            board.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            response = page(request, status: .internalServerError, title: "Something went wrong",
                            text: "The board could not do that; the error is in its log.")
        }
        let api = request.uri.path.hasPrefix("/api/")
        response.headers[HTTPField.Name("Content-Security-Policy")!] = api ? "default-src 'none'; frame-ancestors 'none'"
            : "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    func page(_ request: Request, status: HTTPResponse.Status, title: String, text: String) -> Response {
        if request.uri.path.hasPrefix("/api/") {
            return BoardAPI.json(["error": text], status: status)
        }
        return Board.html(Pages.message(title: title, text: text, user: nil, csrf: nil), status: status)
    }
}
