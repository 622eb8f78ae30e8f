import Foundation

/// The per-element handlers (feedparser's `_start_*`/`_end_*` of the base formats, dc, itunes and media).
extension FeedBuilder {
    /// Runs the start handler of `element`; false when there is none.
    func start(_ element: FeedElement, _ attrs: inout [String: String]) -> Bool {
        switch element {
        case .rss:
            if version.isEmpty || !version.hasPrefix("rss") {
                let v = attrs["version"] ?? ""
                let map = ["0.91": "rss091u", "0.92": "rss092", "0.93": "rss093", "0.94": "rss094"]
                version = map[v] ?? (v.hasPrefix("2.") ? "rss20" : "rss")
            }
        case .channel: infeed = true; cdfCommon(attrs)
        case .feed:
            infeed = true
            if version.isEmpty {
                let map = ["0.1": "atom01", "0.2": "atom02", "0.3": "atom03"]
                version = map[attrs["version"] ?? ""] ?? "atom"
            }
        case .image:
            if !inentry { context.hasImage = true; if context === feed { feed.hasImage = true } }
            inimage = true; titleDepth = -1; push("image", false)
        case .textinput:
            context.hasTextInput = true
            intextinput = true; titleDepth = -1; push("textinput", false)
        case .author, .managingeditor, .dcAuthor, .dcCreator, .itunesAuthor:
            inauthor = true; push("author", true)
            let c = context
            if c.authors == nil { c.authors = [] }
            c.authors!.append([:])
        case .contributor:
            incontributor = true; push("contributor", false)
        case .dcContributor:
            incontributor = true; push("name", false)
        case .name, .itunesName: push("name", false)
        case .width: push("width", false)
        case .height: push("height", false)
        case .url, .homepage, .uri: push("href", true)
        case .email, .itunesEmail: push("email", false)
        case .subtitle, .tagline, .itunesSubtitle: pushContent("subtitle", attrs, "text/plain", true)
        case .rights, .copyright, .dcRights: pushContent("rights", attrs, "text/plain", true)
        case .item, .entry:
            finishEntries()
            let e = makeEntryContext()
            entries.append(e)
            entryCount += 1
            push("item", false)
            inentry = true; guidIsLinkFlag = false; titleDepth = -1
            if let id = attrs["rdf:about"], !id.isEmpty { context.values["id"] = id }
            cdfCommon(attrs)
        case .language, .dcLanguage: push("language", true)
        case .webmaster, .dcPublisher: push("publisher", true)
        case .published, .issued, .pubdate, .dctermsIssued: push("published", true)
        case .updated, .modified, .lastbuilddate, .dcDate, .dctermsModified: push("updated", true)
        case .created, .dctermsCreated: push("created", true)
        case .expirationdate: push("expired", true)
        case .category, .keywords, .dcSubject, .mediaCategory: push("category", true)
        case .itunesCategory: push("category", true)
        case .link: startLink(&attrs)
        case .guid, .id:
            guidIsLinkFlag = (attrs["ispermalink"] ?? "true") == "true"
            push("id", true)
        case .title, .dcTitle, .mediaTitle:
            if svgOK > 0 { return false }
            pushContent("title", attrs, "text/plain", infeed || inentry || insource)
        case .description, .dcDescription, .mediaDescription:
            if context.summary != nil && !hasContent {
                summaryKey = "content"; startContent(attrs)
            } else {
                pushContent("description", attrs, "text/html", infeed || inentry || insource)
            }
        case .abstract: pushContent("description", attrs, "text/plain", infeed || inentry || insource)
        case .info, .feedburnerBrowserfriendly: pushContent("info", attrs, "text/plain", true)
        case .generator: push("generator", true)
        case .summary, .itunesSummary:
            if context.summary != nil && !hasContent {
                summaryKey = "content"; startContent(attrs)
            } else {
                summaryKey = "summary"; pushContent("summary", attrs, "text/plain", true)
            }
        case .enclosure, .cloud, .mediaContent, .mediaGroup, .pscChapters, .pscChapter: break
        case .source:
            push("source", true); insource = true; titleDepth = -1
        case .content: startContent(attrs)
        case .body, .xhtmlBody: pushContent("content", attrs, "application/xhtml+xml", true)
        case .contentEncoded, .fullitem:
            hasContent = true; pushContent("content", attrs, "text/html", true)
        case .newlocation: push("newlocation", true)
        case .itunesOwner: inpublisher = true; push("publisher", false)
        case .itunesImage, .itunesLink: push("itunes_image", false)
        case .mediaRating: push("rating", true)
        case .mediaCredit: push("credit", true)
        case .mediaRestriction: push("restriction", true)
        case .mediaLicense: push("license", true)
        case .mediaThumbnail: push("url", true)
        case .mediaPlayer: push("media_player", false)
        case .dctermsValid: push("validity", true)
        case .ttl: push("ttl", true)
        case .syUpdateperiod: push("sy_updateperiod", true)
        case .syUpdatefrequency: push("sy_updatefrequency", true)
        case .thrInReplyTo:
            startInReplyTo(attrs)
            // Then as before, as an element without a handler: feedparser's output must not change.
            return false
        default: return false
        }
        return true
    }

    /// Runs the end handler of `element`; false when there is none (the caller then pops the element).
    func end(_ element: FeedElement) -> Bool {
        switch element {
        case .channel, .feed: infeed = false
        case .image: pop("image"); inimage = false
        case .textinput: pop("textinput"); intextinput = false
        case .author, .managingeditor, .dcAuthor, .dcCreator, .itunesAuthor:
            pop("author"); inauthor = false; syncAuthorDetail()
        case .contributor: pop("contributor"); incontributor = false
        case .dcContributor: endName(); incontributor = false
        case .name, .itunesName: endName()
        case .url, .homepage, .uri:
            let v = pop("href")
            if inauthor, let v { saveAuthor("href", v) }
        case .email, .itunesEmail:
            let v = pop("email") ?? ""
            if inpublisher { } else if inauthor { saveAuthor("email", v) }
        case .subtitle, .tagline, .itunesSubtitle: popContent("subtitle")
        case .rights, .copyright, .dcRights: popContent("rights")
        case .item, .entry: pop("item"); inentry = false; hasContent = false
        case .language, .dcLanguage: lang = pop("language")
        case .webmaster, .dcPublisher: pop("publisher")
        case .published, .issued, .pubdate, .dctermsIssued:
            let v = pop("published")
            context.published = .some(v.flatMap(DateParser.parseWritten))
        case .updated, .modified, .lastbuilddate, .dcDate, .dctermsModified:
            let v = pop("updated")
            context.updated = .some(v.flatMap(DateParser.parseWritten))
        case .created, .dctermsCreated: pop("created")
        case .expirationdate: pop("expired")
        case .category, .keywords, .dcSubject, .mediaCategory, .itunesCategory: pop("category")
        case .link: pop("link")
        case .guid, .id:
            let v = pop("id")
            let c = context
            if c.values["link"] == nil { c.guidIsLink = guidIsLinkFlag }
            if guidIsLinkFlag, let v { c.setDefault("link", v) }
        case .title, .dcTitle:
            if svgOK > 0 { return true }
            let v = popContent("title")
            if let v, !v.isEmpty { titleDepth = depth }
        case .mediaTitle:
            let saved = titleDepth
            _ = end(.title)
            titleDepth = saved
        case .description, .dcDescription, .mediaDescription, .abstract:
            if summaryKey == "content" { endContent() } else { popContent("description") }
            summaryKey = nil
        case .info, .feedburnerBrowserfriendly: popContent("info")
        case .generator: pop("generator")
        case .summary, .itunesSummary:
            if summaryKey == "content" { endContent() } else { popContent(summaryKey ?? "summary") }
            summaryKey = nil
        case .source:
            insource = false
            pop("source")
            source = FeedContext()
        case .content, .body, .xhtmlBody, .contentEncoded, .fullitem: endContent()
        case .itunesOwner: pop("publisher"); inpublisher = false
        case .ttl: if let v = pop("ttl"), !inentry { ttl = v }
        case .syUpdateperiod: if let v = pop("sy_updateperiod"), !inentry { syPeriod = v }
        case .syUpdatefrequency: if let v = pop("sy_updatefrequency"), !inentry { syFrequency = v }
        default: return false
        }
        return true
    }

    func cdfCommon(_ attrs: [String: String]) {
        if let lastmod = attrs["lastmod"] {
            push("updated", true)
            stack[stack.count - 1].set(lastmod)
            _ = end(.updated)
        }
        if let href = attrs["href"] {
            push("link", true)
            stack[stack.count - 1].set(href)
            _ = end(.link)
        }
    }

    func startLink(_ attrs: inout [String: String]) {
        // Without an address attribute (an RSS <link>) the text is the link; rel and type do not matter.
        guard let href = attrs["url"] ?? attrs["uri"] ?? attrs["href"], !href.isEmpty else {
            push("link", infeed || inentry || insource)
            return
        }
        if attrs["rel"] == nil { attrs["rel"] = "alternate" }
        if attrs["type"] == nil { attrs["type"] = attrs["rel"] == "self" ? "application/atom+xml" : "text/html" }
        let resolved = URLResolver.resolve(baseURI, href)
        if attrs["rel"] == "alternate", Self.htmlTypes.contains(Self.mapContentType(attrs["type"] ?? "")) {
            context.values["link"] = resolved
        }
    }

    /// RFC 4685 §3 (https://www.rfc-editor.org/rfc/rfc4685#section-3): `<thr:in-reply-to ref="…" href="…"/>`
    /// says which entry this one answers: `ref` is that entry's id (kept as written: ids are compared, not
    /// resolved), `href` where to read it (resolved against `xml:base` and the document URL). An entry may
    /// answer several; the first counts. Outside an entry (or in an Atom `<source>`) it says nothing here.
    func startInReplyTo(_ attrs: [String: String]) {
        guard inentry, !insource, let entry = entries.last, entry.inReplyTo == nil, entry.inReplyToLink == nil else { return }
        if let ref = attrs["ref"]?.trimmingSpaces(), !ref.isEmpty { entry.inReplyTo = ref }
        if let href = attrs["href"]?.trimmingSpaces(), !href.isEmpty { entry.inReplyToLink = URLResolver.resolve(baseURI, href) }
    }

    func startContent(_ attrs: [String: String]) {
        hasContent = true
        pushContent("content", attrs, "text/plain", true)
        push("content", true)
    }

    func endContent() {
        let copyToSummary = ["text/plain", "text/html", "application/xhtml+xml"].contains(Self.mapContentType(contentParams.present ? contentParams.type : ""))
        let type = contentParams.present ? contentParams.type : "text/html"
        let value = popContent("content")
        if copyToSummary, let value {
            let c = context
            if c.summary == nil {
                c.summary = value
                if c.detailTypes["summary"] == nil { c.detailTypes["summary-from-content"] = type }
            }
        }
    }

    func endName() {
        let v = pop("name") ?? ""
        if inpublisher { } else if inauthor { saveAuthor("name", v) }
        else if intextinput { }
    }

    func saveAuthor(_ key: String, _ value: String) {
        let c = context
        if c.authorDetail == nil { c.authorDetail = [:] }
        c.authorDetail![key] = value
        syncAuthorDetail()
        if c.authors == nil || c.authors!.isEmpty { c.authors = [[:]] }
        c.authors![c.authors!.count - 1][key] = value
    }

    /// feedparser's _sync_author_detail: "Name (email)" strings split into a name and an e-mail.
    func syncAuthorDetail() {
        let c = context
        let detail = c.authors?.last ?? [:]
        if !detail.isEmpty {
            let name = detail["name"], email = detail["email"]
            if let name, !name.isEmpty, let email, !email.isEmpty { c.values["author"] = "\(name) (\(email))" }
            else if let name, !name.isEmpty { c.values["author"] = name }
            else if let email, !email.isEmpty { c.values["author"] = email }
            return
        }
        guard var author = c.values["author"], !author.isEmpty else { return }
        var email: String? = nil
        if let r = Self.findEmail(author) {
            email = String(author[r])
            author = author.replacingOccurrences(of: email!, with: "")
            for junk in ["()", "<>", "&lt;&gt;"] { author = author.replacingOccurrences(of: junk, with: "") }
            author = author.trimmingSpaces()
            if author.hasPrefix("(") { author.removeFirst() }
            if author.hasSuffix(")") { author.removeLast() }
            author = author.trimmingSpaces()
        }
        var d: [String: String] = [:]
        if !author.isEmpty { d["name"] = author }
        if let email { d["email"] = email }
        if !d.isEmpty {
            if c.authors == nil || c.authors!.isEmpty { c.authors = [d] } else { c.authors![c.authors!.count - 1] = d }
        }
    }

    /// The first e-mail address in `s` (feedparser's pattern, roughly).
    ///
    /// - Parameter anyTopLevelDomain: false for feedparser's rule (a top-level domain of 2 to 4 letters, which
    ///   shapes the contract's `author`); true to accept longer ones (`.example`, `.support`, `.online`) where
    ///   only ``ParsedEntry/authorEmail`` depends on the answer.
    static func findEmail(_ s: String, anyTopLevelDomain: Bool = false) -> Range<String.Index>? {
        // Most author fields are a bare name: no "@", no address, no Character array.
        guard s.utf8.contains(UInt8(ascii: "@")) else { return nil }
        let chars = Array(s)
        func local(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || "_-.+".contains(c)) }
        func host(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == ".") }
        for (i, ch) in chars.enumerated() where ch == "@" {
            var a = i
            while a > 0, local(chars[a - 1]) { a -= 1 }
            guard a < i else { continue }
            var b = i + 1
            while b < chars.count, host(chars[b]) { b += 1 }
            var domain = String(chars[(i + 1)..<b])
            while domain.hasSuffix(".") { domain.removeLast(); b -= 1 }
            let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
            guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }), let tld = labels.last,
                  (2...4).contains(tld.count) || (anyTopLevelDomain && tld.count > 4) || tld.allSatisfy(\.isNumber)
            else { continue }
            // "?subject=..." belongs to the address too.
            if b < chars.count, chars[b] == "?", String(chars[b...]).hasPrefix("?subject=") {
                while b < chars.count, !chars[b].isWhitespace { b += 1 }
            }
            let start = s.index(s.startIndex, offsetBy: a)
            let end = s.index(s.startIndex, offsetBy: b)
            return start..<end
        }
        return nil
    }
}
