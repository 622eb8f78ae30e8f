/// The digest's colours.
///
/// Text colours meet WCAG AA (4.5:1) on white and on `page`; chart colours meet the 3:1 that WCAG
/// 1.4.11 asks of graphics. Sentiment is never told by colour alone: every coloured mark has a word
/// beside it or in its legend.
enum DigestPalette {
    static let page = "#eef1f5"
    static let card = "#ffffff"
    static let ink = "#1a2533"        // 15.5:1 on white
    static let muted = "#4f5b6b"      // 7.0:1 on white
    static let rule = "#dde3ea"
    static let header = "#14213d"     // white text on it: 15.9:1
    static let headerMuted = "#c9d3e3"  // 10.6:1 on header
    static let accent = "#1d4ed8"     // links: 6.7:1 on white

    static let negative = "#b42318"   // 6.5:1
    static let negativeTint = "#fdecea"
    static let positive = "#067647"   // 5.8:1
    static let positiveTint = "#e7f6ee"
    static let neutral = "#7b8797"    // 3.6:1 (bars only)
    static let warning = "#8a4b00"    // 7.1:1
    static let warningTint = "#fff4e0"
    static let grid = "#e3e8ee"

    /// Line colours for rating series, each at least 3:1 on white and far apart in hue.
    static let series = ["#1d4ed8", "#b45309", "#7c3aed", "#0f766e", "#be185d", "#374151"]
    /// Marker shapes that go with `series`, so lines differ by more than colour.
    static let seriesMarkers = ["●", "■", "◆", "▲", "○", "□"]

    static let font = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
}
