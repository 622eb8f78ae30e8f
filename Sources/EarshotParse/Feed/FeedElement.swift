/// The elements ``FeedBuilder`` has start or end handlers for, by feedparser's handler name (`dc_creator` for
/// `dc:creator`, see ``FeedBuilder/elementName(_:namespace:prefix:)``): the handlers switch on this small
/// integer instead of comparing the name with string after string. The name is mapped once per distinct tag
/// (the SAX handler's name cache keeps the result, see ``FeedSAXHandler/elementName(_:)``).
enum FeedElement: UInt8 {
    /// An element without a handler of its own.
    case other
    case rss, channel, feed, image, textinput, author, managingeditor, dcAuthor, dcCreator, itunesAuthor
    case contributor, dcContributor, name, itunesName, width, height, url, homepage, uri, email, itunesEmail
    case subtitle, tagline, itunesSubtitle, rights, copyright, dcRights, item, entry, language, dcLanguage
    case webmaster, dcPublisher, published, issued, pubdate, dctermsIssued, updated, modified, lastbuilddate
    case dcDate, dctermsModified, created, dctermsCreated, expirationdate, category, keywords, dcSubject
    case mediaCategory, itunesCategory, link, guid, id, title, dcTitle, mediaTitle, description, dcDescription
    case mediaDescription, abstract, info, feedburnerBrowserfriendly, generator, summary, itunesSummary
    case enclosure, cloud, mediaContent, mediaGroup, pscChapters, pscChapter, source, content, body, xhtmlBody
    case contentEncoded, fullitem, newlocation, itunesOwner, itunesImage, itunesLink, mediaRating, mediaCredit
    case mediaRestriction, mediaLicense, mediaThumbnail, mediaPlayer, dctermsValid, ttl, syUpdateperiod
    case syUpdatefrequency
    /// RFC 4685's `<thr:in-reply-to>`. Not in ``byHandlerName``: feedparser does not know the namespace, so
    /// the handler name follows whatever prefix the document chose; ``FeedBuilder/elementName(_:namespace:prefix:)``
    /// recognises it by namespace URI instead.
    case thrInReplyTo

    static let byHandlerName: [String: FeedElement] = [
        "rss": .rss,
        "channel": .channel,
        "feed": .feed,
        "image": .image,
        "textinput": .textinput,
        "author": .author,
        "managingeditor": .managingeditor,
        "dc_author": .dcAuthor,
        "dc_creator": .dcCreator,
        "itunes_author": .itunesAuthor,
        "contributor": .contributor,
        "dc_contributor": .dcContributor,
        "name": .name,
        "itunes_name": .itunesName,
        "width": .width,
        "height": .height,
        "url": .url,
        "homepage": .homepage,
        "uri": .uri,
        "email": .email,
        "itunes_email": .itunesEmail,
        "subtitle": .subtitle,
        "tagline": .tagline,
        "itunes_subtitle": .itunesSubtitle,
        "rights": .rights,
        "copyright": .copyright,
        "dc_rights": .dcRights,
        "item": .item,
        "entry": .entry,
        "language": .language,
        "dc_language": .dcLanguage,
        "webmaster": .webmaster,
        "dc_publisher": .dcPublisher,
        "published": .published,
        "issued": .issued,
        "pubdate": .pubdate,
        "dcterms_issued": .dctermsIssued,
        "updated": .updated,
        "modified": .modified,
        "lastbuilddate": .lastbuilddate,
        "dc_date": .dcDate,
        "dcterms_modified": .dctermsModified,
        "created": .created,
        "dcterms_created": .dctermsCreated,
        "expirationdate": .expirationdate,
        "category": .category,
        "keywords": .keywords,
        "dc_subject": .dcSubject,
        "media_category": .mediaCategory,
        "itunes_category": .itunesCategory,
        "link": .link,
        "guid": .guid,
        "id": .id,
        "title": .title,
        "dc_title": .dcTitle,
        "media_title": .mediaTitle,
        "description": .description,
        "dc_description": .dcDescription,
        "media_description": .mediaDescription,
        "abstract": .abstract,
        "info": .info,
        "feedburner_browserfriendly": .feedburnerBrowserfriendly,
        "generator": .generator,
        "summary": .summary,
        "itunes_summary": .itunesSummary,
        "enclosure": .enclosure,
        "cloud": .cloud,
        "media_content": .mediaContent,
        "media_group": .mediaGroup,
        "psc_chapters": .pscChapters,
        "psc_chapter": .pscChapter,
        "source": .source,
        "content": .content,
        "body": .body,
        "xhtml_body": .xhtmlBody,
        "content_encoded": .contentEncoded,
        "fullitem": .fullitem,
        "newlocation": .newlocation,
        "itunes_owner": .itunesOwner,
        "itunes_image": .itunesImage,
        "itunes_link": .itunesLink,
        "media_rating": .mediaRating,
        "media_credit": .mediaCredit,
        "media_restriction": .mediaRestriction,
        "media_license": .mediaLicense,
        "media_thumbnail": .mediaThumbnail,
        "media_player": .mediaPlayer,
        "dcterms_valid": .dctermsValid,
        "ttl": .ttl,
        "sy_updateperiod": .syUpdateperiod,
        "sy_updatefrequency": .syUpdatefrequency,
    ]

    init(handlerName: String) { self = Self.byHandlerName[handlerName] ?? .other }
}
