import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive, non-blocking lock beside the store file, held for the length of a run.
///
/// `flock` is released by the kernel when the process dies, so a run killed with
/// `kill -9` never leaves a stale lock behind.
public final class RunLock {
    private let fd: Int32
    public let path: String

    /// Takes the lock, or throws ``StoreError`` of kind `.busy` when another run holds it.
    public init(storePath: String) throws {
        path = storePath + ".lock"
        // The store's folder may not exist yet (a first run, `demo --store new/folder/x.sqlite`).
        try? FileManager.default.createDirectory(at: URL(fileURLWithPath: storePath).deletingLastPathComponent(),
                                                 withIntermediateDirectories: true)
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError(.open, "store: cannot create the lock file \(path) (\(String(cString: strerror(errno)))); check the folder's permissions")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            throw StoreError(.busy, "store: another earshot run is using \(storePath); this run changed nothing, try again when it ends")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { write(fd, $0, strlen($0)) }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
