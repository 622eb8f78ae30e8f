import Foundation
import EarshotDigest
import EarshotStore
import EarshotTriage

/// The board's pages, rendered on the server: no script at all, every customer-supplied string
/// escaped (mentions are hostile input), links only to http(s) addresses.
enum Pages {
    /// Text from a feed or a person: cleaned (no control or bidi characters) and escaped.
    static func h(_ text: String?, limit: Int = 0) -> String {
        guard let text else { return "" }
        return UntrustedText.htmlText(text, limit: limit)
    }

    /// An attribute value (already ours or untrusted alike).
    static func a(_ text: String) -> String { UntrustedText.html(text) }

    /// A link to a customer's post, only when it is an http(s) address (never `javascript:` or `data:`).
    static func link(_ url: String?, _ label: String) -> String {
        guard let url, let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(), ["http", "https"].contains(scheme),
              c.host?.isEmpty == false else { return h(label) }
        return "<a href=\"\(a(url))\" rel=\"noopener noreferrer nofollow ugc\">\(h(label))</a>"
    }

    static let iso: ISO8601DateFormatter = ISO8601DateFormatter()
    static func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v) }
    static func time(_ d: Date?) -> String {
        guard let d else { return "" }
        let s = iso.string(from: d)
        return "<time datetime=\"\(s)\">\(s.prefix(16).replacingOccurrences(of: "T", with: " "))</time>"
    }

    /// A mention's date on its writer's clock ("2020-07-16 18:03 -07:00"), as the source wrote it.
    static func writtenTime(_ d: Date, offset: Int?) -> String {
        let s = WrittenTime.iso(d, offset: offset)
        let zone = s.hasSuffix("Z") ? " UTC" : " " + s.suffix(6)
        return "<time datetime=\"\(s)\">\(s.prefix(16).replacingOccurrences(of: "T", with: " "))\(zone)</time>"
    }

    /// "overdue 3 h 10 min", "due in 45 min", or the state when the clock has stopped.
    static func sla(_ c: CaseRecord, now: Date) -> (text: String, overdue: Bool) {
        guard c.status == "open", let due = c.ackDueAt else {
            return (c.status == "acknowledged" ? "acknowledged" : c.status, false)
        }
        let left = due.timeIntervalSince(now)
        return left < 0 ? ("overdue " + Triage.duration(-left), true) : ("due in " + Triage.duration(left), false)
    }

    // MARK: - Layout

    static func layout(title: String, user: UserRecord?, csrf: String?, active: String = "", body: String) -> String {
        var nav = ""
        if let user {
            let items = [("cases", "/cases", "Queue"), ("problems", "/problems", "Problems"), ("sources", "/sources", "Sources"),
                         ("digest", "/digest", "Digest")]
            nav = "<nav><strong class=\"brand\">Earshot</strong>" + items.map { key, href, label in
                "<a href=\"\(href)\"\(key == active ? " aria-current=\"page\"" : "")>\(label)</a>"
            }.joined() + "<span class=\"who\">\(h(user.name)) · \(h(user.role))</span>"
                + "<form method=\"post\" action=\"/logout\" class=\"inline\">\(csrfField(csrf))<button>Sign out</button></form></nav>"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(h(title)) · Earshot</title><link rel="stylesheet" href="/static/board.css"></head>
            <body>\(nav)<main>\(body)</main></body></html>
            """
    }

    static func csrfField(_ token: String?) -> String {
        guard let token else { return "" }
        return "<input type=\"hidden\" name=\"csrf_token\" value=\"\(a(token))\">"
    }

    static func message(title: String, text: String, user: UserRecord?, csrf: String?) -> String {
        layout(title: title, user: user, csrf: csrf, body: "<h1>\(h(title))</h1><p>\(h(text))</p><p><a href=\"/cases\">Back to the queue</a></p>")
    }

    static func login(csrf: String, error: String?, username: String) -> String {
        layout(title: "Sign in", user: nil, csrf: nil, body: """
            <h1>Earshot</h1>
            \(error.map { "<p class=\"error\" role=\"alert\">\(h($0))</p>" } ?? "")
            <form method="post" action="/login" class="login">
            \(csrfField(csrf))
            <label>Name <input name="username" autocomplete="username" required value="\(a(username))"></label>
            <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
            <button>Sign in</button>
            </form>
            """)
    }

    // MARK: - Queue

    static func queue(_ cases: [CaseRecord], filter: CaseFilter, statusChoice: String, options: QueueOptions, user: UserRecord,
                      csrf: String, now: Date) -> String {
        func select(_ name: String, _ label: String, _ values: [String], _ chosen: String?) -> String {
            "<label>\(label) <select name=\"\(name)\"><option value=\"\">any</option>" + values.map {
                "<option value=\"\(a($0))\"\($0 == chosen ? " selected" : "")>\(h($0))</option>"
            }.joined() + "</select></label>"
        }
        let statuses = ["active", "open", "acknowledged", "resolved", "closed", "merged", "all"]
        var out = "<h1>Queue</h1><form method=\"get\" action=\"/cases\" class=\"filters\">"
        out += "<label>Status <select name=\"status\">" + statuses.map {
            "<option\($0 == statusChoice ? " selected" : "")>\($0)</option>"
        }.joined() + "</select></label>"
        out += select("severity", "Severity", ["critical", "high", "normal", "low"], filter.severity)
        out += select("aspect", "Aspect", options.aspects, filter.aspect)
        out += select("source", "Source", options.sources, filter.source)
        out += select("assignee", "Assignee", options.assignees, filter.assignee)
        out += "<label>Problem <select name=\"problem\"><option value=\"\">any</option>" + options.problems.map { p in
            "<option value=\"\(p.id)\"\(p.id == filter.problem ? " selected" : "")>#\(p.id) \(h(p.title))</option>"
        }.joined() + "</select></label>"
        out += "<label>Search <input type=\"search\" name=\"q\" value=\"\(a(filter.search ?? ""))\"></label><button>Filter</button></form>"
        if cases.isEmpty { return out + "<p class=\"empty\">No case matches.</p>" }
        out += "<table class=\"queue\"><thead><tr><th>Case</th><th>Severity</th><th>SLA</th><th>Customer</th><th>Title</th><th>Aspect</th><th>Assignee</th></tr></thead><tbody>"
        for c in cases {
            let (slaText, overdue) = sla(c, now: now)
            out += "<tr class=\"\(overdue ? "overdue" : "")\"><td><a href=\"/cases/\(c.id)\">#\(c.id)</a>\(c.kind == "problem" ? " <span class=\"tag\">problem</span>" : "")</td>"
                + "<td class=\"sev-\(a(c.severity))\">\(h(c.severity))</td><td>\(h(slaText))</td><td>\(h(c.customer, limit: 60))</td>"
                + "<td><a href=\"/cases/\(c.id)\">\(h(c.title, limit: 120))</a></td><td>\(h(c.aspect))</td><td>\(h(c.assignee ?? "—"))</td></tr>"
        }
        return out + "</tbody></table><p class=\"count\">\(cases.count) case\(cases.count == 1 ? "" : "s")</p>"
    }

    struct QueueOptions {
        var aspects: [String]
        var sources: [String]
        var assignees: [String]
        var problems: [CaseRecord]
    }

    // MARK: - Case

    struct CaseView {
        var record: CaseRecord
        var events: [CaseEvent]
        var mentions: [MentionRecord]
        var sources: [Int64: [String]]
        var incidents: [CaseRecord]
        var users: [UserRecord]
    }

    static func casePage(_ v: CaseView, allowed: Set<String>, user: UserRecord, csrf: String, now: Date, redact: (String) -> String) -> String {
        let c = v.record
        let (slaText, overdue) = sla(c, now: now)
        var out = "<h1>Case #\(c.id) <span class=\"sev-\(a(c.severity))\">\(h(c.severity))</span></h1><p class=\"title\">\(h(c.title, limit: 300))</p>"
        out += "<dl class=\"facts\"><dt>Status</dt><dd>\(h(c.status))\(overdue ? " <strong class=\"overdue\">\(h(slaText))</strong>" : c.status == "open" ? " (\(h(slaText)))" : "")</dd>"
        out += "<dt>Customer</dt><dd>\(h(c.customer.map(redact) ?? "—"))</dd><dt>Assignee</dt><dd>\(h(c.assignee ?? "nobody"))</dd>"
        if let aspect = c.aspect { out += "<dt>Aspect</dt><dd>\(h(aspect))</dd>" }
        if let p = c.problemID { out += "<dt>Problem</dt><dd><a href=\"/cases/\(p)\">#\(p)</a></dd>" }
        if let m = c.mergedInto { out += "<dt>Merged into</dt><dd><a href=\"/cases/\(m)\">#\(m)</a></dd>" }
        out += "<dt>First mention</dt><dd>\(time(c.firstPublishedAt))</dd><dt>Opened</dt><dd>\(time(c.openedAt))</dd>"
        if let due = c.ackDueAt { out += "<dt>Acknowledge by</dt><dd>\(time(due))</dd>" }
        if let r = c.firstResponseAt { out += "<dt>Brand's first reply</dt><dd>\(time(r))</dd>" }
        if let f = c.followUpDueAt, c.status == "resolved" { out += "<dt>Follow up on</dt><dd>\(time(f))</dd>" }
        if let s = c.satisfied { out += "<dt>Customer satisfied</dt><dd>\(s ? "yes" : "no")</dd>" }
        out += "</dl>"
        out += actions(c, allowed: allowed, users: v.users, csrf: csrf)
        if !v.incidents.isEmpty {
            out += "<h2>Customers' cases</h2><ul>" + v.incidents.map {
                "<li><a href=\"/cases/\($0.id)\">#\($0.id)</a> \(h($0.customer.map(redact) ?? "anonymous")) · \(h($0.status))</li>"
            }.joined() + "</ul>"
        }
        out += "<h2>Mentions</h2><ol class=\"mentions\">"
        for m in v.mentions {
            let also = (v.sources[m.id] ?? []).dropFirst()
            out += "<li class=\"\(m.isBrand ? "brand" : "customer")\"><p class=\"meta\">\(m.isBrand ? "<span class=\"tag\">the brand</span> " : "")"
                + "\(h(m.author.map(redact) ?? "anonymous", limit: 80)) on \(link(m.url, m.sourceName))"
                + (also.isEmpty ? "" : " (also on \(h(also.joined(separator: ", "))))") + " · \(writtenTime(m.publishedAt, offset: m.publishedOffset))"
                + (m.rating.map { " · rated \(number($0))/\(number(m.bestRating ?? 5))" } ?? "") + "</p>"
            if let t = m.title { out += "<p class=\"mtitle\">\(h(redact(t), limit: 300))</p>" }
            out += "<blockquote>\(h(redact(m.body), limit: 4000))</blockquote>"
            if let s = m.score {
                out += "<p class=\"score\">\(h(s.label)) \(String(format: "%.2f", s.compound))\(s.isComplaint ? " · complaint" : "")"
                    + (s.aspects.isEmpty ? "" : " · " + h(s.aspects.joined(separator: ", "))) + "</p>"
                if !s.reasons.isEmpty { out += "<ul class=\"reasons\">" + s.reasons.map { "<li>\(h(redact($0), limit: 300))</li>" }.joined() + "</ul>" }
            }
            out += "</li>"
        }
        out += "</ol><h2>History</h2><ol class=\"history\">"
        for e in v.events {
            out += "<li>\(time(e.at)) <strong>\(h(e.kind))</strong> by \(h(e.actor))\(e.detail.map { ": " + h(redact($0), limit: 400) } ?? "")</li>"
        }
        return out + "</ol>"
    }

    /// The buttons this user may press on this case now (the server checks again on every POST).
    static func actions(_ c: CaseRecord, allowed: Set<String>, users: [UserRecord], csrf: String) -> String {
        guard !allowed.isEmpty else { return "" }
        func form(_ action: String, _ label: String, _ fields: String = "") -> String {
            "<form method=\"post\" action=\"/cases/\(c.id)/\(action)\" class=\"action\">\(csrfField(csrf))\(fields)<button>\(label)</button></form>"
        }
        var out = "<section class=\"actions\" aria-label=\"Actions\">"
        if allowed.contains("ack") { out += form("ack", "Acknowledge") }
        if allowed.contains("assign") {
            let options = users.filter { $0.role != "viewer" }.map {
                "<option value=\"\(a($0.name))\"\($0.name == c.assignee ? " selected" : "")>\(h($0.name))</option>"
            }.joined()
            out += form("assign", "Assign", "<select name=\"assignee\" aria-label=\"Assignee\">\(options)</select>")
        }
        if allowed.contains("resolve") { out += form("resolve", "Resolve", "<input name=\"note\" placeholder=\"what was done\" aria-label=\"Resolution note\">") }
        if allowed.contains("follow-up") {
            out += form("follow-up", "Customer satisfied", "<input type=\"hidden\" name=\"satisfied\" value=\"yes\">")
            out += form("follow-up", "Customer not satisfied", "<input type=\"hidden\" name=\"satisfied\" value=\"no\">")
        }
        if allowed.contains("reopen") { out += form("reopen", "Reopen") }
        if allowed.contains("close") { out += form("close", "Close") }
        if allowed.contains("merge") {
            out += form("merge", "Merge into this case", "<input name=\"other\" inputmode=\"numeric\" pattern=\"[0-9]+\" placeholder=\"case #\" aria-label=\"Case to merge\" required>")
        }
        if allowed.contains("note") {
            out += form("note", "Add note", "<textarea name=\"text\" rows=\"2\" aria-label=\"Note\" required></textarea>")
        }
        return out + "</section>"
    }

    // MARK: - Problems and sources

    static func problems(_ rows: [(CaseRecord, [CaseRecord])], redact: (String) -> String) -> String {
        var out = "<h1>Recurring problems</h1>"
        if rows.isEmpty { return out + "<p class=\"empty\">No recurring problem.</p>" }
        for (p, incidents) in rows {
            out += "<section class=\"problem\"><h2><a href=\"/cases/\(p.id)\">#\(p.id) \(h(p.title))</a> <span class=\"tag\">\(h(p.status))</span></h2>"
                + "<p>\(incidents.count) customer\(incidents.count == 1 ? "" : "s") since \(time(p.firstPublishedAt)) · "
                + "<a href=\"/cases?problem=\(p.id)&amp;status=all\">their cases</a></p><ul>"
                + incidents.map { "<li><a href=\"/cases/\($0.id)\">#\($0.id)</a> \(h($0.customer.map(redact) ?? "anonymous")) · \(h($0.status))</li>" }.joined()
                + "</ul></section>"
        }
        return out
    }

    static func sources(_ sources: [SourceRecord], canManage: Bool, csrf: String) -> String {
        var out = "<h1>Sources</h1><table class=\"sources\"><thead><tr><th>Source</th><th>Health</th><th>Last success</th><th>Last error</th>\(canManage ? "<th></th>" : "")</tr></thead><tbody>"
        for s in sources {
            let state = s.health
            var error = s.lastError.map { h($0, limit: 300) } ?? ""
            if let u = s.unhealthy { error += (error.isEmpty ? "" : "<br>") + h(u, limit: 300) }
            if let m = s.movedFrom { error += (error.isEmpty ? "" : "<br>") + "moved from " + h(m, limit: 200) }
            out += "<tr class=\"health-\(state)\"><td>\(link(s.url, s.name))<br><small>\(h(s.kind))</small></td><td>\(state)</td>"
                + "<td>\(time(s.lastSuccessAt))</td><td>\(error)</td>"
            if canManage {
                let action = s.pausedAt == nil ? "pause" : "resume"
                out += "<td><form method=\"post\" action=\"/sources/\(a(s.name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? ""))/\(action)\">"
                    + "\(csrfField(csrf))<button>\(action == "pause" ? "Pause" : "Resume")</button></form></td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table>"
    }

    // MARK: - Style

    static let css = """
        :root{--ink:#1d2733;--muted:#5b6b7c;--line:#d8dee6;--bad:#b42318;--accent:#1f5fbf}
        *{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);background:#f6f8fa}
        nav{display:flex;gap:1rem;align-items:center;padding:.6rem 1.2rem;background:#fff;border-bottom:1px solid var(--line)}
        nav a{color:var(--ink);text-decoration:none}nav a[aria-current]{font-weight:600;border-bottom:2px solid var(--accent)}
        nav .who{margin-left:auto;color:var(--muted)}.brand{margin-right:1rem}
        main{max-width:1100px;margin:1.2rem auto;padding:0 1.2rem}
        table{width:100%;border-collapse:collapse;background:#fff}th,td{padding:.45rem .6rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
        tr.overdue td{background:#fff4f2}.overdue{color:var(--bad)}.sev-critical,.sev-high{color:var(--bad);font-weight:600}
        .filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;margin-bottom:1rem}.filters label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
        .tag{font-size:.75rem;padding:0 .4rem;border:1px solid var(--line);border-radius:.6rem;color:var(--muted)}
        .facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;background:#fff;padding:.8rem;border:1px solid var(--line)}
        .facts dt{color:var(--muted)}.facts dd{margin:0}
        .actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}.action{display:flex;gap:.3rem;align-items:center}
        .mentions>li{background:#fff;border:1px solid var(--line);padding:.6rem .8rem;margin-bottom:.6rem;list-style:none}.mentions{padding:0}
        .mentions>li.brand{border-left:4px solid var(--accent)}blockquote{margin:.4rem 0;white-space:pre-wrap;overflow-wrap:anywhere}
        .meta,.score,.reasons,small,.count{color:var(--muted);font-size:.85rem}.error{color:var(--bad)}
        .login{display:flex;flex-direction:column;gap:.6rem;max-width:20rem}.inline{display:inline}
        button{font:inherit;padding:.3rem .8rem;border:1px solid var(--accent);background:var(--accent);color:#fff;border-radius:.3rem;cursor:pointer}
        nav button{background:#fff;color:var(--accent)}input,select,textarea{font:inherit;padding:.25rem}
        .health-failing td:nth-child(2),.health-gone td:nth-child(2),.health-unhealthy td:nth-child(2){color:var(--bad);font-weight:600}
        """
}
