import Foundation
import GRDB

/// A person who may use the case board.
public struct UserRecord: Sendable, Equatable {
    public var name: String
    /// lead, agent or viewer.
    public var role: String
    public var passwordHash: String
    public var createdAt: Date
}

/// A signed-in browser.
public struct WebSession: Sendable, Equatable {
    public var user: UserRecord
    public var csrf: String
    public var expiresAt: Date
}

extension StoreTransaction {
    public static let roles = ["lead", "agent", "viewer"]

    /// Adds a user, or replaces the role and password of one of that name; returns whether it was new.
    @discardableResult
    public func saveUser(name: String, role: String, passwordHash: String, now: Date) throws -> Bool {
        let existed = try user(named: name) != nil
        try db.execute(sql: """
            INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash
            """, arguments: [name, role, passwordHash, now.timeIntervalSince1970])
        // A new password signs the person out everywhere.
        if existed { try db.execute(sql: "DELETE FROM web_sessions WHERE user = ? COLLATE NOCASE", arguments: [name]) }
        return !existed
    }

    public func users() throws -> [UserRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY name").map(Self.user(row:))
    }

    public func user(named name: String) throws -> UserRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM users WHERE name = ? COLLATE NOCASE", arguments: [name]).map(Self.user(row:))
    }

    /// Removes a user and signs them out; returns whether there was one.
    public func removeUser(named name: String) throws -> Bool {
        try db.execute(sql: "DELETE FROM web_sessions WHERE user = ? COLLATE NOCASE", arguments: [name])
        try db.execute(sql: "DELETE FROM users WHERE name = ? COLLATE NOCASE", arguments: [name])
        return db.changesCount > 0
    }

    public func createSession(tokenHash: String, user: String, csrf: String, now: Date, expires: Date) throws {
        try db.execute(sql: "DELETE FROM web_sessions WHERE expires_at <= ?", arguments: [now.timeIntervalSince1970])
        try db.execute(sql: "INSERT INTO web_sessions (token_hash, user, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                       arguments: [tokenHash, user, csrf, now.timeIntervalSince1970, expires.timeIntervalSince1970])
    }

    /// The live session of this token hash, with its user.
    public func session(tokenHash: String, now: Date) throws -> WebSession? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT s.csrf, s.expires_at, u.* FROM web_sessions s JOIN users u ON u.name = s.user COLLATE NOCASE
            WHERE s.token_hash = ? AND s.expires_at > ?
            """, arguments: [tokenHash, now.timeIntervalSince1970]) else { return nil }
        return WebSession(user: Self.user(row: row), csrf: row["csrf"], expiresAt: Date(timeIntervalSince1970: row["expires_at"]))
    }

    public func deleteSession(tokenHash: String) throws {
        try db.execute(sql: "DELETE FROM web_sessions WHERE token_hash = ?", arguments: [tokenHash])
    }

    /// Pauses a source by hand (the board's sources page); `resumeSource` undoes it.
    public func pauseSource(named name: String, now: Date) throws -> Bool {
        try db.execute(sql: "UPDATE sources SET paused_at = ? WHERE name = ? AND removed_at IS NULL AND paused_at IS NULL",
                       arguments: [now.timeIntervalSince1970, name])
        return db.changesCount > 0
    }

    static func user(row: Row) -> UserRecord {
        UserRecord(name: row["name"], role: row["role"], passwordHash: row["password_hash"],
                   createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }
}
