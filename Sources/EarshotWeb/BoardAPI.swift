import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import EarshotDigest
import EarshotStore
import EarshotTriage

/// The JSON API: the board's pages as data for other tools (`/api/cases`, `/api/cases/{id}`,
/// `/api/problems`, `/api/sources`, and `POST /api/cases/{id}/{action}`), described by
/// `/api/openapi.json`. It answers a signed-in browser's session or HTTP Basic authentication with a
/// board user's name and password (checked with bcrypt and throttled like the sign-in form). Texts
/// are redacted as on the pages.
enum BoardAPI {
    static func register(on router: Router<BoardContext>, board: Board) {
        router.get("/api/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: openAPI)))
        }
        router.get("/api/cases") { request, context in
            try await authorized(request, context, board) { _ in
                let filter = Board.filter(request).filter
                let now = board.clock.now
                let cases = try board.store.read { try Board.sorted(try $0.cases(filter), now: now) }
                return json(cases.map { caseObject(board.redacted($0), now: now) })
            }
        }
        router.get("/api/cases/:id") { request, context in
            try await authorized(request, context, board) { _ in
                guard let v = try board.caseView(try board.caseID(context)) else { throw HTTPError(.notFound) }
                let redact = board.settings.redactor.redact
                var o = caseObject(board.redacted(v.record), now: board.clock.now)
                o["mentions"] = v.mentions.map { m -> [String: Any] in
                    var x: [String: Any] = ["id": m.id, "source": m.sourceName, "sources": v.sources[m.id] ?? [m.sourceName],
                                            "author": m.author.map(redact) ?? NSNull(), "title": m.title.map(redact) ?? NSNull(),
                                            "text": redact(m.body), "link": m.url ?? NSNull(), "published_at": iso(m.publishedAt),
                                            "published_local": WrittenTime.iso(m.publishedAt, offset: m.publishedOffset),
                                            "rating": m.rating ?? NSNull(), "by_brand": m.isBrand]
                    if let s = m.score {
                        x["label"] = s.label; x["compound"] = s.compound; x["complaint"] = s.isComplaint
                        x["aspects"] = s.aspects; x["reasons"] = s.reasons.map(redact)
                    }
                    return x
                }
                o["events"] = v.events.map { ["at": iso($0.at), "actor": $0.actor, "kind": $0.kind, "detail": $0.detail.map { redact($0) as Any } ?? NSNull()] }
                o["incidents"] = v.incidents.map(\.id)
                return json(o)
            }
        }
        router.get("/api/problems") { request, context in
            try await authorized(request, context, board) { _ in
                let now = board.clock.now
                let rows = try board.store.read { tx in
                    try tx.cases(CaseFilter(kind: "problem")).filter { $0.mergedInto == nil }.map { p -> [String: Any] in
                        var o = caseObject(board.redacted(p), now: now)
                        o["incidents"] = try tx.incidents(ofProblem: p.id).map(\.id)
                        return o
                    }
                }
                return json(rows)
            }
        }
        router.get("/api/sources") { request, context in
            try await authorized(request, context, board) { _ in
                let sources = try board.store.read { try $0.sources() }
                return json(sources.map { s -> [String: Any] in
                    ["name": s.name, "url": s.url, "kind": s.kind, "health": s.health, "failures": s.failures,
                     "last_error": s.lastError ?? NSNull(), "last_success_at": iso(s.lastSuccessAt), "paused_at": iso(s.pausedAt),
                     "stale_since": iso(s.staleSince), "moved_from": s.movedFrom ?? NSNull(), "unhealthy": s.unhealthy ?? NSNull()]
                })
            }
        }
        // Actions, as on the pages: with a session, the `X-CSRF-Token` header must carry its token (a
        // page elsewhere cannot set it); with HTTP Basic, nothing a browser sends by itself is enough.
        router.post("/api/cases/:id/:action") { request, context in
            var request = request
            let body = try await request.collectBody(upTo: 64 << 10)
            var fields: [String: String] = [:]
            if body.readableBytes > 0 {
                guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
                    return json(["error": "the body must be a JSON object, e.g. {\"assignee\": \"Arno\"}"], status: .badRequest)
                }
                for (key, value) in object {
                    if let b = value as? Bool { fields[key] = b ? "yes" : "no" } else { fields[key] = "\(value)" }
                }
            }
            if let s = try board.session(request) {
                guard let token = request.headers[HTTPField.Name("X-CSRF-Token")!], BoardSecurity.same(token, s.csrf) else {
                    return json(["error": "a session's POST needs its CSRF token in X-CSRF-Token"], status: .forbidden)
                }
                return try respond(board, request, context, fields, s.user)
            }
            return try await authorized(request, context, board) { user in try respond(board, request, context, fields, user) }
        }
        router.get("/api/**") { _, _ -> Response in throw HTTPError(.notFound) }
    }

    static func respond(_ board: Board, _ request: Request, _ context: BoardContext, _ fields: [String: String],
                        _ user: UserRecord) throws -> Response {
        let id = try board.caseID(context)
        switch try board.perform(context.parameters.get("action") ?? "", on: id, fields: fields, by: user) {
        case .done:
            guard let c = try board.store.read({ try $0.caseRecord(id: id) }) else { throw HTTPError(.notFound) }
            return json(caseObject(board.redacted(c), now: board.clock.now))
        case .notFound: throw HTTPError(.notFound)
        case .forbidden(let why): return json(["error": why], status: .forbidden)
        case .refused(let why): return json(["error": why], status: .conflict)
        }
    }

    /// The session's user, or the one HTTP Basic names; 401 (with the scheme to use) otherwise.
    static func authorized(_ request: Request, _ context: BoardContext, _ board: Board,
                           _ body: (UserRecord) throws -> Response) async throws -> Response {
        if let s = try board.session(request) { return try body(s.user) }
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
           let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
           let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":") {
            let name = String(pair[..<colon]), password = String(pair[pair.index(after: colon)...])
            let now = board.clock.now
            let keys = ["addr:" + context.remoteAddress, "user:" + name.lowercased()]
            if await board.throttle.wait(keys, now: now) > 0 { return json(["error": "too many failed attempts; wait and try again"], status: .tooManyRequests) }
            let user = try board.store.read { try $0.user(named: name) }
            // One bcrypt check whether the name exists or not (as the sign-in form does).
            let ok = BoardSecurity.verify(password, hash: user?.passwordHash ?? Board.decoyHash)
            if let user, ok { return try body(user) }
            await board.throttle.failed(keys, now: now)
        }
        var r = json(["error": "sign in: HTTP Basic with a board user (earshot users add), or a session cookie"], status: .unauthorized)
        r.headers[.wwwAuthenticate] = "Basic realm=\"earshot\", charset=\"UTF-8\""
        return r
    }

    static func caseObject(_ c: CaseRecord, now: Date) -> [String: Any] {
        let sla = Pages.sla(c, now: now)
        return ["id": c.id, "kind": c.kind, "status": c.status, "severity": c.severity, "title": c.title, "customer": c.customer ?? NSNull(),
                "aspect": c.aspect ?? NSNull(), "assignee": c.assignee ?? NSNull(), "problem_id": c.problemID ?? NSNull(),
                "opened_at": iso(c.openedAt), "first_published_at": iso(c.firstPublishedAt), "ack_due_at": iso(c.ackDueAt),
                "acknowledged_at": iso(c.acknowledgedAt), "escalated_at": iso(c.escalatedAt), "resolved_at": iso(c.resolvedAt),
                "follow_up_due_at": iso(c.followUpDueAt), "satisfied": c.satisfied ?? NSNull(), "closed_at": iso(c.closedAt),
                "first_response_at": iso(c.firstResponseAt), "merged_into": c.mergedInto ?? NSNull(),
                "overdue": sla.overdue, "sla": sla.text]
    }

    static func iso(_ d: Date?) -> Any { d.map { Pages.iso.string(from: $0) } ?? NSNull() }

    static func json(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// OpenAPI 3.1 description of the API (kept beside the routes; a test checks every path answers).
    static let openAPI = """
        {
          "openapi": "3.1.0",
          "info": {"title": "Earshot case board API", "version": "1",
                   "description": "Authenticate with HTTP Basic (a board user) or the board's session cookie. Texts are redacted as the config's privacy: section says."},
          "components": {
            "securitySchemes": {"basic": {"type": "http", "scheme": "basic"}, "session": {"type": "apiKey", "in": "cookie", "name": "earshot_session"}},
            "schemas": {
              "Case": {"type": "object", "required": ["id", "kind", "status", "severity", "title"], "properties": {
                "id": {"type": "integer"}, "kind": {"enum": ["incident", "problem"]},
                "status": {"enum": ["open", "acknowledged", "resolved", "closed", "merged"]},
                "severity": {"enum": ["critical", "high", "normal", "low"]}, "title": {"type": "string"},
                "customer": {"type": ["string", "null"]}, "aspect": {"type": ["string", "null"]}, "assignee": {"type": ["string", "null"]},
                "problem_id": {"type": ["integer", "null"]}, "opened_at": {"type": "string", "format": "date-time"},
                "first_published_at": {"type": "string", "format": "date-time"},
                "ack_due_at": {"type": ["string", "null"], "format": "date-time"}, "acknowledged_at": {"type": ["string", "null"], "format": "date-time"},
                "escalated_at": {"type": ["string", "null"], "format": "date-time"}, "resolved_at": {"type": ["string", "null"], "format": "date-time"},
                "follow_up_due_at": {"type": ["string", "null"], "format": "date-time"}, "satisfied": {"type": ["boolean", "null"]},
                "closed_at": {"type": ["string", "null"], "format": "date-time"}, "first_response_at": {"type": ["string", "null"], "format": "date-time"},
                "merged_into": {"type": ["integer", "null"]}, "overdue": {"type": "boolean"}, "sla": {"type": "string"}}},
              "Mention": {"type": "object", "properties": {
                "id": {"type": "integer"}, "source": {"type": "string"}, "sources": {"type": "array", "items": {"type": "string"}},
                "author": {"type": ["string", "null"]}, "title": {"type": ["string", "null"]}, "text": {"type": "string"},
                "link": {"type": ["string", "null"]}, "published_at": {"type": "string", "format": "date-time"},
                "published_local": {"type": "string", "format": "date-time", "description": "published_at on the writer's clock, as the source wrote it (UTC when it named no zone)"},
                "rating": {"type": ["number", "null"]}, "by_brand": {"type": "boolean"}, "label": {"enum": ["positive", "neutral", "negative"]},
                "compound": {"type": "number"}, "complaint": {"type": "boolean"}, "aspects": {"type": "array", "items": {"type": "string"}},
                "reasons": {"type": "array", "items": {"type": "string"}}}},
              "Event": {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}, "actor": {"type": "string"},
                "kind": {"type": "string"}, "detail": {"type": ["string", "null"]}}},
              "Source": {"type": "object", "properties": {"name": {"type": "string"}, "url": {"type": "string"}, "kind": {"type": "string"},
                "health": {"enum": ["ok", "new", "failing", "gone", "unhealthy", "stale", "paused", "moved", "removed"]},
                "failures": {"type": "integer"}, "last_error": {"type": ["string", "null"]},
                "last_success_at": {"type": ["string", "null"], "format": "date-time"}, "paused_at": {"type": ["string", "null"], "format": "date-time"},
                "stale_since": {"type": ["string", "null"], "format": "date-time"}, "moved_from": {"type": ["string", "null"]},
                "unhealthy": {"type": ["string", "null"]}}},
              "Error": {"type": "object", "properties": {"error": {"type": "string"}}}
            }
          },
          "security": [{"basic": []}, {"session": []}],
          "paths": {
            "/api/cases": {"get": {"summary": "The queue: open and acknowledged cases by default, overdue first",
              "parameters": [
                {"name": "status", "in": "query", "schema": {"enum": ["active", "open", "acknowledged", "resolved", "closed", "merged", "all"]}},
                {"name": "severity", "in": "query", "schema": {"type": "string"}}, {"name": "aspect", "in": "query", "schema": {"type": "string"}},
                {"name": "source", "in": "query", "schema": {"type": "string"}}, {"name": "assignee", "in": "query", "schema": {"type": "string"}},
                {"name": "problem", "in": "query", "schema": {"type": "integer"}}, {"name": "q", "in": "query", "schema": {"type": "string"}}],
              "responses": {"200": {"description": "cases", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Case"}}}}},
                            "401": {"description": "not signed in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
            "/api/cases/{id}": {"get": {"summary": "One case with its mentions and history",
              "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
              "responses": {"200": {"description": "the case", "content": {"application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/Case"},
                  {"type": "object", "properties": {"mentions": {"type": "array", "items": {"$ref": "#/components/schemas/Mention"}},
                   "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}, "incidents": {"type": "array", "items": {"type": "integer"}}}}]}}}},
                            "401": {"description": "not signed in"}, "404": {"description": "no such case"}}}},
            "/api/cases/{id}/{action}": {"post": {"summary": "Work a case: ack, assign {assignee}, note {text}, resolve {note}, follow-up {satisfied: true|false, note}, reopen {note}, close {note}, merge {other} (leads; agents on their own cases)",
              "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
                             {"name": "action", "in": "path", "required": true, "schema": {"enum": ["ack", "assign", "note", "resolve", "follow-up", "reopen", "close", "merge"]}},
                             {"name": "X-CSRF-Token", "in": "header", "description": "required with a session cookie", "schema": {"type": "string"}}],
              "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"assignee": {"type": "string"}, "text": {"type": "string"},
                  "note": {"type": "string"}, "satisfied": {"type": "boolean"}, "other": {"type": "integer"}}}}}},
              "responses": {"200": {"description": "the case after the action", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}},
                            "401": {"description": "not signed in"}, "403": {"description": "the role does not allow it, or the CSRF token is missing"},
                            "404": {"description": "no such case or action"}, "409": {"description": "the case's state does not allow it"}}}},
            "/api/problems": {"get": {"summary": "Recurring problems with their incidents",
              "responses": {"200": {"description": "problems", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Case"}}}}},
                            "401": {"description": "not signed in"}}}},
            "/api/sources": {"get": {"summary": "Sources and their health",
              "responses": {"200": {"description": "sources", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Source"}}}}},
                            "401": {"description": "not signed in"}}}},
            "/api/openapi.json": {"get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OpenAPI 3.1"}}}}
          }
        }
        """
}
