import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only for one parse, whose pages are given back to the kernel once read.
///
/// Peak RSS counts mapped file pages too, so mapping alone would still make a 50 MB feed cost 50 MB. The
/// parser reads the document in passes from start to end (UTF-8 check, then the prepass), and calls
/// ``release(upTo:)`` as it goes; the pages behind are dropped (`MADV_DONTNEED` on a private, never-written
/// file mapping only forgets them: a later read faults them back in from the page cache). So only about
/// ``releaseStep`` of the document is resident at a time.
final class MappedInput {
    /// Dropping pages in steps of 1 MB: a few dozen system calls for a large feed, little memory held.
    static let releaseStep = 1 << 20

    let base: UnsafeMutableRawPointer?
    let count: Int
    /// Offset up to which pages were dropped in the current pass (page-aligned).
    private var releasedUpTo = 0
    private let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Maps the file at `path`; nil when it cannot be opened or mapped (a pipe, say).
    init?(path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        count = Int(info.st_size)
        if count == 0 { base = nil; return }
        guard let p = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else { return nil }
        base = p
    }

    deinit {
        if let base { munmap(base, count) }
    }

    /// The mapped bytes, without a copy (valid while `self` lives).
    var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base?.assumingMemoryBound(to: UInt8.self), count: count)
    }

    /// Starts a new pass from the beginning of the file.
    func restart() { releasedUpTo = 0 }

    /// The reader of the current pass is at `position`: pages wholly before it may go. Positions outside the
    /// mapping (a converted copy of the document) are ignored.
    func release(upTo position: UnsafeRawPointer) {
        guard let base, position >= UnsafeRawPointer(base), position <= UnsafeRawPointer(base) + count else { return }
        let end = (position - UnsafeRawPointer(base)) & ~(pageSize - 1)
        guard end - releasedUpTo >= Self.releaseStep else { return }
        madvise(base + releasedUpTo, end - releasedUpTo, MADV_DONTNEED)
        releasedUpTo = end
    }
}
