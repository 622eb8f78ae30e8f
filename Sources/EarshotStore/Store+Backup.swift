import Foundation
import GRDB

/// What `earshot backup` wrote.
public struct BackupReport: Sendable {
    public var storePath: String
    public var packs: Int
    /// Waiting documents whose pack was processed (and removed) while the backup was taken: their
    /// rows are dropped from the copy and their sources will be fetched whole after a restore.
    public var dropped: Int
    public var bytes: Int64
}

extension Store {
    /// Writes a consistent copy of the store into `folder` while runs may go on: SQLite's online
    /// backup takes a snapshot of the database (every committed mention, case and alert, nothing
    /// half-written), then the pack files that snapshot's waiting documents name are copied beside
    /// it. A pack removed in between (its documents were processed after the snapshot) cannot be
    /// copied: its rows go from the copy and their sources' validators are forgotten, so a restored
    /// store fetches those sources whole rather than losing their documents. The copy is checked
    /// with `PRAGMA integrity_check` before this returns.
    /// - Throws: ``StoreError`` when the folder already holds a store, or the copy fails its check.
    public func backup(to folder: String) throws -> BackupReport {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let target = URL(fileURLWithPath: folder).appendingPathComponent(name).path
        guard !FileManager.default.fileExists(atPath: target) else {
            throw StoreError(.invalid, "backup: \(target) exists; back up into a new or empty folder")
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError(.open, "backup: cannot create \(folder) (\(error.localizedDescription)); choose a folder you can write")
        }
        do {
            let copy = try DatabaseQueue(path: target)
            try pool.backup(to: copy)
            let targetSpool = target + "-spool"
            var packs = 0, dropped = 0
            let referenced = try copy.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT pack FROM fetched_documents WHERE pack IS NOT NULL") }
            if !referenced.isEmpty { try FileManager.default.createDirectory(atPath: targetSpool, withIntermediateDirectories: true) }
            for pack in referenced {
                do {
                    try FileManager.default.copyItem(atPath: spool.path(of: pack), toPath: targetSpool + "/" + pack)
                    packs += 1
                } catch {
                    dropped += try copy.write { db -> Int in
                        try db.execute(sql: """
                            UPDATE sources SET etag = NULL, last_modified = NULL
                            WHERE id IN (SELECT source_id FROM fetched_documents WHERE pack = ?)
                            """, arguments: [pack])
                        try db.execute(sql: "DELETE FROM fetched_documents WHERE pack = ?", arguments: [pack])
                        return db.changesCount
                    }
                }
            }
            let check = try copy.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            guard check == ["ok"] else {
                throw StoreError(.invalid, "backup: the copy at \(target) failed its integrity check (\(check.prefix(3).joined(separator: "; "))); try again")
            }
            try copy.close()
            let bytes = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int64) ?? 0
            return BackupReport(storePath: target, packs: packs, dropped: dropped, bytes: bytes)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.open, "backup: cannot write \(target) (\(error)); check the folder and its free space")
        }
    }

    /// `PRAGMA integrity_check`'s findings (["ok"] when sound), the newest migration applied and
    /// whether every known migration is.
    public func health() throws -> (integrity: [String], migration: String?, upToDate: Bool) {
        let migrator = Migrations.makeMigrator()
        return try pool.read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            let applied = try migrator.appliedMigrations(db)
            return (integrity, applied.last, try migrator.hasCompletedMigrations(db))
        }
    }
}
