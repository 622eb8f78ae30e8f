import Foundation
import GRDB

/// The store: one SQLite file in WAL mode, opened through GRDB's `DatabasePool`.
///
/// Every method is one transaction. Work that must be atomic across stages (a source's
/// batch: mentions, scores, case changes and alerts) goes through ``write(_:)``, which hands
/// out a ``StoreTransaction``.
public final class Store: @unchecked Sendable {
    public let path: String
    let pool: DatabasePool
    let spool: DocumentSpool
    /// Problems' customer counts, kept between write transactions (see ``ProblemCustomerMemo``).
    let problemMemo = ProblemCustomerMemo()

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        spool = DocumentSpool(storePath: path)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            // A concurrent reader (the digest) may hold the WAL briefly; wait rather than fail.
            configuration.busyMode = .timeout(10)
            // WAL with synchronous=NORMAL: a commit does not wait for fsync. A process killed at any
            // moment (kill -9, OOM) still loses nothing committed; only a power cut can lose the
            // last commits, never corrupt the file, and a re-run fetches them again. Per-commit
            // fsync cost about 5.5 ms here, which dominated runs with many small transactions.
            // 16 KiB pages for a new file (an existing one keeps its size): SQLite writes each
            // page with its own system call, twice (log, then checkpoint), and mentions carry
            // whole texts. (Fetched bodies wait in pack files beside the store: DocumentSpool.)
            configuration.prepareDatabase { db in
                if ProcessInfo.processInfo.environment["EARSHOT_SQL_PROFILE"] != nil {
                    db.trace(options: .profile) { event in
                        if case let .profile(statement, duration) = event { SQLProfile.shared.add(statement.sql, duration) }
                    }
                }
                try db.execute(sql: "PRAGMA page_size = \(Store.pageSize)")
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                // 32 MB of page cache per connection (SQLite's default is 2 MB): the writer reads the
                // indexes it updates from its cache instead of a system call per page. From 8 MB: +10 %
                // mentions/s in bench-process at 1,000 and 10,000 feeds, peak 96 → 119 MB.
                try db.execute(sql: "PRAGMA cache_size = -32000")
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            try Migrations.makeMigrator().migrate(pool)
        } catch let error as DatabaseError {
            throw StoreError(.open, "store: cannot open \(path) (\(error.message ?? "\(error.resultCode)")); check the path, or move a damaged file away")
        } catch {
            throw StoreError(.open, "store: cannot open \(path) (\(error)); check the path and its folder's permissions")
        }
    }

    /// The folder beside the store where fetched documents wait in pack files.
    public var spoolFolder: String { spool.folder }

    /// Removes the pack files no waiting document names (left by a process killed between
    /// writing a pack and committing it). Call it while holding the run lock, before fetching.
    @discardableResult
    public func sweepSpool() throws -> Int {
        let referenced = try pool.read { db in
            try Set(String.fetchAll(db, sql: "SELECT DISTINCT pack FROM fetched_documents WHERE pack IS NOT NULL"))
        }
        return spool.sweep(referenced: referenced)
    }

    /// The page size the file uses (``pageSize`` for a store made by this version).
    public func pageSizeInUse() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0 }
    }

    /// Runs `body` in one write transaction: all of it is stored, or none of it.
    public func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        do {
            return try pool.write { db in
                try problemMemo.check(db)
                return try body(StoreTransaction(db: db, spool: spool, memo: problemMemo))
            }
        } catch {
            problemMemo.clear()   // rolled back: what the memo learnt in it never happened
            throw error
        }
    }

    /// Runs `body` on a consistent read snapshot.
    public func read<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try pool.read { db in try body(StoreTransaction(db: db, spool: spool)) }
    }

    /// The page size of a store created by this version (SQLite's default is 4,096).
    public static let pageSize = 16_384

    static func date(_ value: Double?) -> Date? { value.map(Date.init(timeIntervalSince1970:)) }
    static func splitList(_ value: String?) -> [String] {
        guard let value, !value.isEmpty else { return [] }
        return value.split(separator: ",").map(String.init)
    }
    /// A JSON array of strings, byte for byte as Foundation's `JSONEncoder` writes it (`/` as `\/`; `\b \t \n \f \r`;
    /// other control characters as `\u00xx`), without building an encoder per call (this runs for every mention).
    static func encodeList(_ list: [String]) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (i, item) in list.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            for byte in item.utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(contentsOf: [0x5C, byte])
                case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0 ..< 0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
                default: out.append(byte)
                }
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }
    static func decodeList(_ value: String?) -> [String] {
        guard let data = value?.data(using: .utf8) else { return [] }
        return (try? JSONDecoder().decode([String].self, from: data)) ?? []
    }
}

