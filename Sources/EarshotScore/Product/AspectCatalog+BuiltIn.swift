import Foundation

extension AspectCatalog {
    /// The catalog shipped in `Resources/aspects.txt`.
    ///
    /// SwiftPM's generated `Bundle.module` stops the process when the resource bundle is absent
    /// (for example a binary copied without its `Earshot_EarshotScore.resources` folder), so the
    /// file is located by hand: next to the executable, in the main bundle's resources, then in
    /// `/usr/local/share/earshot/`. When none is readable the catalog is empty and ``warning``
    /// says why.
    public static let builtIn: AspectCatalog = {
        let name = "aspects.txt"
        let bundleFolder = "Earshot_EarshotScore.resources"
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            let folder = executable.deletingLastPathComponent()
            candidates.append(folder.appendingPathComponent(bundleFolder).appendingPathComponent(name))
            // macOS bundles are `.bundle` folders with a Resources subfolder.
            candidates.append(folder.appendingPathComponent("Earshot_EarshotScore.bundle/Contents/Resources")
                .appendingPathComponent(name))
        }
        if let resources = Bundle.main.resourceURL {
            candidates.append(resources.appendingPathComponent(bundleFolder).appendingPathComponent(name))
            candidates.append(resources.appendingPathComponent(name))
        }
        candidates.append(URL(fileURLWithPath: "/usr/local/share/earshot").appendingPathComponent(name))
        for url in candidates {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            do {
                return try AspectCatalog.parse(String(decoding: data, as: UTF8.self))
            } catch {
                return AspectCatalog(warning: "\(error) (in \(url.path))")
            }
        }
        return AspectCatalog(warning: "score: aspect catalog \(name) not found next to the executable (\(bundleFolder)/) or in /usr/local/share/earshot; aspects are disabled until the file is installed")
    }()
}
