import Foundation
import EarshotParse

/// The per-source settings kept in the store's `settings` column as JSON: what the fetch
/// and parse stages need beyond the URL.
struct SourceSettings: Codable, Equatable {
    var obeysRobots = true
    var maxPages = 5
    var selectors: Selectors?

    struct Selectors: Codable, Equatable {
        var review: String
        var author, date, dateFormat, rating, ratingAttribute, body, title, link, nextPage: String?
        var bestRating: Double?
    }

    init(obeysRobots: Bool = true, maxPages: Int = 5, selectors: ReviewSelectors? = nil) {
        self.obeysRobots = obeysRobots
        self.maxPages = maxPages
        self.selectors = selectors.map {
            Selectors(review: $0.review, author: $0.author, date: $0.date, dateFormat: $0.dateFormat, rating: $0.rating,
                      ratingAttribute: $0.ratingAttribute, body: $0.body, title: $0.title, link: $0.link, nextPage: $0.nextPage,
                      bestRating: $0.bestRating)
        }
    }

    var reviewSelectors: ReviewSelectors? {
        selectors.map {
            ReviewSelectors(review: $0.review, author: $0.author, date: $0.date, dateFormat: $0.dateFormat, rating: $0.rating,
                            ratingAttribute: $0.ratingAttribute, bestRating: $0.bestRating, body: $0.body, title: $0.title,
                            link: $0.link, nextPage: $0.nextPage)
        }
    }

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    static func decode(_ text: String?) -> SourceSettings {
        guard let data = text?.data(using: .utf8), let s = try? JSONDecoder().decode(SourceSettings.self, from: data) else {
            return SourceSettings()
        }
        return s
    }
}
