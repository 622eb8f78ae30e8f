import Foundation
import EarshotScore

/// Finds the VADER lexicon, which is not in the repository (it comes from the vaderSentiment
/// 3.3.2 wheel on PyPI, fetched by `Scripts/bootstrap-lexicon`).
///
/// The order: `--lexicon DIR`, `$EARSHOT_LEXICON`, the `data/lexicon` folder of the checkout the
/// binary was built in (found by walking up from the executable), then the system data folders
/// `/usr/local/share/earshot/lexicon` and `/usr/share/earshot/lexicon`.
public enum LexiconLocator {
    public static let fileName = "vader_lexicon.txt"

    public static func candidates(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> [URL] {
        if let explicit { return [URL(fileURLWithPath: explicit)] }
        if let env = environment["EARSHOT_LEXICON"], !env.isEmpty { return [URL(fileURLWithPath: env)] }
        var list: [URL] = []
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        if let exe = Bundle.main.executableURL { folder = exe.resolvingSymlinksInPath().deletingLastPathComponent() }
        for _ in 0..<6 {
            list.append(folder.appendingPathComponent("data/lexicon"))
            folder = folder.deletingLastPathComponent()
        }
        list.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("data/lexicon"))
        list.append(URL(fileURLWithPath: "/usr/local/share/earshot/lexicon"))
        list.append(URL(fileURLWithPath: "/usr/share/earshot/lexicon"))
        return list
    }

    /// Loads the first lexicon found, with the config's valence overrides applied.
    public static func load(explicit: String?, overrides: [String: Double] = [:]) throws -> Lexicon {
        let places = candidates(explicit: explicit)
        guard let folder = places.first(where: { FileManager.default.fileExists(atPath: $0.appendingPathComponent(fileName).path) }) else {
            let looked = places.map(\.path).joined(separator: ", ")
            throw AppError.lexiconMissing("lexicon: \(fileName) not found (looked in \(looked)); run Scripts/bootstrap-lexicon, or set EARSHOT_LEXICON to a folder holding the vaderSentiment 3.3.2 lexicon files")
        }
        var lexicon = try Lexicon.load(directory: folder)
        for (word, valence) in overrides { lexicon.override(word: word, valence: valence) }
        return lexicon
    }
}
