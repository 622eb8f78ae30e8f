import Foundation
import EarshotParse

/// The per-source settings kept in the store's `settings` column as JSON: what the fetch
/// and parse stages need beyond the URL.
struct SourceSettings: Codable, Equatable {
    var obeysRobots = true
    var maxPages = 5
    var reviewSelectors: ReviewSelectors?
    /// `stale_after` when the config sets one (optional: settings stored by older versions have none).
    var staleAfter: TimeInterval?
    /// The platform whose quirks the feed has (`platform:` or a preset's), when its URL does not say.
    var platform: String?

    init(obeysRobots: Bool = true, maxPages: Int = 5, selectors: ReviewSelectors? = nil, staleAfter: TimeInterval? = nil,
         platform: String? = nil) {
        self.obeysRobots = obeysRobots
        self.maxPages = maxPages
        self.reviewSelectors = selectors
        self.staleAfter = staleAfter
        self.platform = platform
    }

    /// How long a source of this kind may bring nothing new before it is stale.
    func staleAfter(kind: String) -> TimeInterval { staleAfter ?? Config.defaultStaleAfter(kind: kind) }

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
