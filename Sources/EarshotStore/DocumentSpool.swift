import Foundation
import GRDB

/// Where fetched bodies wait for the process stage: pack files in a folder beside the store
/// (`earshot.sqlite-spool/`), one pack per write transaction, each body appended once.
///
/// Kept in the database, a body was written twice (to the WAL, then to the file at checkpoint,
/// with an fsync each time): 1,000 feeds of 50 KB cost ~0.16 s of a 0.37 s fetch. Appended to a
/// pack it is written once, with one system call. The row in `fetched_documents` says which pack,
/// where and how long; it is written in the same transaction as the source's validators, after
/// the bytes, so a committed row always names bytes already handed to the kernel.
///
/// - A transaction that rolls back removes the pack it started.
/// - A pack is removed once the transaction that deletes its last row commits.
/// - A pack no row names (a process killed between writing and committing) is swept by
///   ``sweep(referenced:)`` at the start of the next fetch stage.
/// - A power cut can lose bytes a committed row names (neither side is fsynced, as with the
///   store's synchronous=NORMAL commits): reading such a body throws ``StoreError/Kind/lost``,
///   and the pipeline then fetches the source whole again.
final class DocumentSpool: @unchecked Sendable {
    let folder: String
    /// The pack of the write transaction in progress. Only touched on the store's writer queue,
    /// which runs one transaction at a time.
    private var open: Pack?

    init(storePath: String) {
        folder = storePath + "-spool"
    }

    /// A pack being appended to.
    private final class Pack {
        let name: String
        let fd: Int32
        var length = 0
        init(name: String, fd: Int32) { self.name = name; self.fd = fd }
    }

    /// Appends `body` to this transaction's pack (made at the first body) and returns where it is.
    func append(_ body: Data, in db: Database) throws -> (pack: String, offset: Int, length: Int) {
        let pack = try open ?? startPack(in: db)
        let offset = pack.length
        var written = 0
        try body.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            while written < raw.count {
                let n = Foundation.write(pack.fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw StoreError(.invalid, "store: cannot write a fetched document to \(folder) (\(String(cString: strerror(errno)))); free some disk space or check the folder's permissions")
                }
                written += n
            }
        }
        pack.length += body.count
        return (pack.name, offset, body.count)
    }

    private func startPack(in db: Database) throws -> Pack {
        if mkdir(folder, 0o755) != 0 && errno != EEXIST {
            throw StoreError(.open, "store: cannot create \(folder) (\(String(cString: strerror(errno)))); check the store folder's permissions")
        }
        let name = UUID().uuidString.lowercased() + ".pack"
        let fd = Foundation.open(path(of: name), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError(.open, "store: cannot create a pack in \(folder) (\(String(cString: strerror(errno)))); check the folder's permissions")
        }
        let pack = Pack(name: name, fd: fd)
        open = pack
        let spool = self
        db.afterNextTransaction(onCommit: { _ in
            spool.close()
        }, onRollback: { _ in
            spool.close()
            unlink(spool.path(of: name))
        })
        return pack
    }

    private func close() {
        if let open { _ = Foundation.close(open.fd) }
        open = nil
    }

    /// Removes `pack` once the transaction in progress commits.
    func removeAfterCommit(_ pack: String, in db: Database) {
        let path = path(of: pack)
        db.afterNextTransaction(onCommit: { _ in unlink(path) })
    }

    /// Reads `length` bytes at `offset` of `pack`.
    func read(pack: String, offset: Int, length: Int) throws -> Data {
        let path = path(of: pack)
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw StoreError(.lost, "store: the fetched document in \(path) is gone (\(String(cString: strerror(errno)))); its source will be fetched whole again")
        }
        defer { _ = Foundation.close(fd) }
        var data = Data(count: length)
        var got = 0
        try data.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) in
            while got < length {
                let n = pread(fd, raw.baseAddress! + got, length - got, off_t(offset + got))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    throw StoreError(.lost, "store: the fetched document in \(path) is cut short (\(got) of \(length) bytes); its source will be fetched whole again")
                }
                got += n
            }
        }
        return data
    }

    /// Removes the packs that `referenced` does not name (left by a process killed between
    /// writing a pack and committing its rows). Call it with no write transaction in progress
    /// and no other process writing to the store (the run lock).
    @discardableResult
    func sweep(referenced: Set<String>) -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return 0 }
        var removed = 0
        for name in names where name.hasSuffix(".pack") && !referenced.contains(name) {
            if unlink(path(of: name)) == 0 { removed += 1 }
        }
        return removed
    }

    func path(of pack: String) -> String { folder + "/" + pack }
}
