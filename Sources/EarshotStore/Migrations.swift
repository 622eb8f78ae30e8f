import GRDB

/// The store's schema, as an append-only list of migrations.
///
/// A shipped migration is never edited: a change is a new entry at the end
/// (GRDB's `DatabaseMigrator` records which ones ran in `grdb_migrations`).
enum Migrations {
    static func makeMigrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: sources, mentions, scores, cases, events, outbox, runs") { db in
            try db.execute(sql: """
                CREATE TABLE sources (
                    id              INTEGER PRIMARY KEY,
                    name            TEXT NOT NULL UNIQUE,
                    url             TEXT NOT NULL,
                    kind            TEXT NOT NULL CHECK (kind IN ('feed', 'reviews')),
                    origin          TEXT NOT NULL DEFAULT 'config',
                    query           TEXT,
                    about_us        INTEGER NOT NULL DEFAULT 0,
                    interval_s      REAL NOT NULL,
                    settings        TEXT,
                    etag            TEXT,
                    last_modified   TEXT,
                    next_due        REAL NOT NULL DEFAULT 0,
                    failures        INTEGER NOT NULL DEFAULT 0,
                    last_error      TEXT,
                    last_error_at   REAL,
                    last_fetch_at   REAL,
                    last_success_at REAL,
                    paused_at       REAL,
                    gone_since      REAL,
                    moved_from      TEXT,
                    moved_at        REAL,
                    unhealthy       TEXT,
                    created_at      REAL NOT NULL,
                    removed_at      REAL
                );
                CREATE TABLE mentions (
                    id            INTEGER PRIMARY KEY,
                    source_id     INTEGER NOT NULL REFERENCES sources(id),
                    item_key      TEXT NOT NULL,
                    fingerprint   TEXT NOT NULL,
                    url           TEXT,
                    title         TEXT,
                    author        TEXT,
                    body          TEXT NOT NULL,
                    published_at  REAL NOT NULL,
                    fetched_at    REAL NOT NULL,
                    edited_at     REAL,
                    rating        REAL,
                    best_rating   REAL,
                    worst_rating  REAL,
                    previous_rating REAL,
                    UNIQUE (source_id, item_key)
                );
                CREATE INDEX mentions_by_time ON mentions(published_at);
                CREATE INDEX mentions_by_fingerprint ON mentions(fingerprint);
                CREATE INDEX mentions_by_author ON mentions(source_id, author);
                CREATE TABLE scores (
                    mention_id  INTEGER PRIMARY KEY REFERENCES mentions(id),
                    compound    REAL NOT NULL,
                    pos         REAL NOT NULL,
                    neu         REAL NOT NULL,
                    neg         REAL NOT NULL,
                    label       TEXT NOT NULL,
                    complaint   INTEGER NOT NULL,
                    aspects     TEXT NOT NULL,
                    reasons     TEXT NOT NULL,
                    decided_by  TEXT NOT NULL,
                    published_at REAL NOT NULL
                );
                CREATE INDEX scores_by_time ON scores(published_at, label);
                CREATE TABLE cases (
                    id              INTEGER PRIMARY KEY,
                    kind            TEXT NOT NULL CHECK (kind IN ('incident', 'problem')),
                    status          TEXT NOT NULL,
                    severity        TEXT NOT NULL,
                    title           TEXT NOT NULL,
                    customer        TEXT,
                    source_id       INTEGER REFERENCES sources(id),
                    url             TEXT,
                    aspect          TEXT,
                    problem_id      INTEGER REFERENCES cases(id),
                    assignee        TEXT,
                    rule            TEXT,
                    opened_at       REAL NOT NULL,
                    first_published_at REAL NOT NULL,
                    ack_due_at      REAL,
                    acknowledged_at REAL,
                    escalated_at    REAL,
                    resolved_at     REAL,
                    follow_up_due_at REAL,
                    followed_up_at  REAL,
                    satisfied       INTEGER,
                    closed_at       REAL,
                    updated_at      REAL NOT NULL
                );
                CREATE INDEX cases_by_status ON cases(status);
                CREATE INDEX cases_by_customer ON cases(source_id, customer);
                CREATE TABLE case_mentions (
                    case_id    INTEGER NOT NULL REFERENCES cases(id),
                    mention_id INTEGER NOT NULL REFERENCES mentions(id),
                    added_at   REAL NOT NULL,
                    PRIMARY KEY (case_id, mention_id)
                );
                CREATE INDEX case_mentions_by_mention ON case_mentions(mention_id);
                CREATE TABLE case_events (
                    id       INTEGER PRIMARY KEY,
                    case_id  INTEGER NOT NULL REFERENCES cases(id),
                    at       REAL NOT NULL,
                    actor    TEXT NOT NULL,
                    kind     TEXT NOT NULL,
                    detail   TEXT
                );
                CREATE INDEX case_events_by_case ON case_events(case_id, at);
                CREATE TABLE outbox (
                    id              INTEGER PRIMARY KEY,
                    idempotency_key TEXT NOT NULL,
                    channel         TEXT NOT NULL,
                    subject         TEXT NOT NULL,
                    payload         TEXT NOT NULL,
                    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
                    attempts        INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL,
                    last_error      TEXT,
                    created_at      REAL NOT NULL,
                    sent_at         REAL,
                    UNIQUE (idempotency_key, channel)
                );
                CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
                CREATE TABLE aggregate_ratings (
                    id         INTEGER PRIMARY KEY,
                    source_id  INTEGER NOT NULL REFERENCES sources(id),
                    at         REAL NOT NULL,
                    value      REAL NOT NULL,
                    best       REAL,
                    worst      REAL,
                    count      INTEGER
                );
                CREATE INDEX aggregate_ratings_by_source ON aggregate_ratings(source_id, at);
                CREATE TABLE runs (
                    id          INTEGER PRIMARY KEY,
                    started_at  REAL NOT NULL,
                    finished_at REAL,
                    status      TEXT NOT NULL,
                    summary     TEXT
                );
                CREATE TABLE digests_sent (
                    period_key  TEXT PRIMARY KEY,
                    sent_at     REAL NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2: spikes and the spike detector's bookmark") { db in
            try db.execute(sql: """
                CREATE TABLE spikes (
                    id          INTEGER PRIMARY KEY,
                    started_at  REAL NOT NULL,
                    ended_at    REAL,
                    negatives   INTEGER NOT NULL,
                    peak        INTEGER NOT NULL,
                    baseline    REAL NOT NULL
                );
                CREATE TABLE settings (
                    key   TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v3: outbox claims (an alert marked as being sent before the network call)") { db in
            // Set, in its own committed transaction, just before an alert goes out; a pending row
            // that still carries it was cut off mid-delivery and may have reached its receiver.
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN claimed_at REAL")
        }
        migrator.registerMigration("v4: digest indexes (rated mentions by time; scores by label and time)") { db in
            // Scripts/bench-digest: the rating trend and headline rating read only rated mentions
            // (a covering partial index instead of every mention row of 30 days); top mentions,
            // negative aspects and per-label counts range over one label's scores.
            try db.execute(sql: """
                CREATE INDEX mentions_rated_by_time ON mentions(published_at, source_id, rating, best_rating, worst_rating)
                    WHERE rating IS NOT NULL;
                CREATE INDEX scores_by_label_time ON scores(label, published_at, complaint, compound);
                """)
        }
        migrator.registerMigration("v5: triage indexes (cases by URL, incidents by problem)") { db in
            // Threading looks a customer's open case up by (source, customer) or by URL once per
            // stored mention; problems count their incidents' customers on every update.
            try db.execute(sql: """
                CREATE INDEX cases_by_url ON cases(url) WHERE url IS NOT NULL;
                CREATE INDEX cases_by_problem ON cases(problem_id) WHERE problem_id IS NOT NULL;
                """)
        }
        migrator.registerMigration("v6: fetched documents waiting to be processed") { db in
            // The fetch stage keeps each body here, in the transaction that saves the source's
            // validators (so a later 304 can never lose a body not yet processed); the process
            // stage parses, stores the mentions and deletes the row in one transaction.
            try db.execute(sql: """
                CREATE TABLE fetched_documents (
                    id          INTEGER PRIMARY KEY,
                    source_id   INTEGER NOT NULL REFERENCES sources(id),
                    fetched_at  REAL NOT NULL,
                    url         TEXT NOT NULL,
                    charset     TEXT,
                    body        BLOB NOT NULL
                );
                -- Counting and listing the waiting documents reads this, not the pages of the bodies.
                CREATE INDEX fetched_documents_by_source ON fetched_documents(source_id);
                """)
        }
        migrator.registerMigration("v7: fetched bodies in pack files") { db in
            // A body waits in a pack file beside the store (DocumentSpool) rather than in the
            // row: written once instead of twice. Rows of older versions keep their inline body
            // (pack NULL) and are processed as before.
            try db.execute(sql: """
                ALTER TABLE fetched_documents ADD COLUMN pack TEXT;
                ALTER TABLE fetched_documents ADD COLUMN pack_offset INTEGER;
                ALTER TABLE fetched_documents ADD COLUMN pack_length INTEGER;
                CREATE INDEX fetched_documents_by_pack ON fetched_documents(pack) WHERE pack IS NOT NULL;
                """)
        }
        migrator.registerMigration("v8: stale sources (newest item seen, when the source turned stale)") { db in
            try db.execute(sql: """
                ALTER TABLE sources ADD COLUMN newest_item_at REAL;
                ALTER TABLE sources ADD COLUMN stale_since REAL;
                -- A store from before: the newest stored mention, else the last answer, stands for
                -- the newest item (not the source's creation, which would call every source stale).
                UPDATE sources SET newest_item_at = COALESCE(
                    (SELECT MAX(published_at) FROM mentions WHERE mentions.source_id = sources.id), last_success_at);
                """)
        }
        migrator.registerMigration("v9: who is speaking: customer identities, copies, the brand's replies, merged cases") { db in
            // A customer is recognised across sources by any identity key (e-mail, handle, profile
            // link, normalised name); a syndicated copy is a sighting of the stored mention, not a
            // mention of its own; the brand's own posts are marked and never scored as a customer's.
            try db.execute(sql: """
                ALTER TABLE mentions ADD COLUMN is_brand INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE mentions ADD COLUMN in_reply_to TEXT;
                CREATE INDEX mentions_by_url ON mentions(url) WHERE url IS NOT NULL;
                CREATE INDEX mentions_by_reply ON mentions(in_reply_to) WHERE in_reply_to IS NOT NULL;
                CREATE INDEX mentions_by_item_key ON mentions(item_key);
                CREATE TABLE mention_sightings (
                    source_id   INTEGER NOT NULL REFERENCES sources(id),
                    item_key    TEXT NOT NULL,
                    mention_id  INTEGER NOT NULL REFERENCES mentions(id),
                    url         TEXT,
                    seen_at     REAL NOT NULL,
                    PRIMARY KEY (source_id, item_key)
                );
                CREATE INDEX mention_sightings_by_mention ON mention_sightings(mention_id);
                CREATE INDEX mention_sightings_by_item_key ON mention_sightings(item_key);
                CREATE TABLE case_identities (
                    identity    TEXT NOT NULL,
                    case_id     INTEGER NOT NULL REFERENCES cases(id),
                    PRIMARY KEY (identity, case_id)
                );
                ALTER TABLE cases ADD COLUMN first_response_at REAL;
                ALTER TABLE cases ADD COLUMN merged_into INTEGER REFERENCES cases(id);
                """)
        }
        migrator.registerMigration("v10: an audit log of erasures (what was done and how much, never what was erased)") { db in
            try db.execute(sql: """
                CREATE TABLE audit_log (
                    id      INTEGER PRIMARY KEY,
                    at      REAL NOT NULL,
                    actor   TEXT NOT NULL,
                    action  TEXT NOT NULL,
                    detail  TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v11: what triage read of each mention, so that rules can be replayed (earshot backtest)") { db in
            // The author's identity keys (newline-separated), what the mention answers and whether
            // it was read as history: with the text and the score, everything triage decided on.
            // A run's backfill horizon, for the same reason. NULL in rows from before.
            try db.execute(sql: """
                ALTER TABLE mentions ADD COLUMN identity TEXT;
                ALTER TABLE mentions ADD COLUMN reply_to_link TEXT;
                ALTER TABLE mentions ADD COLUMN history INTEGER;
                ALTER TABLE runs ADD COLUMN horizon REAL;
                """)
        }
        migrator.registerMigration("v12: the case board's users and their sessions") { db in
            // Passwords as bcrypt hashes only; a session is known by the SHA-256 of its token (the
            // token itself lives in the browser's cookie), with its CSRF token.
            try db.execute(sql: """
                CREATE TABLE users (
                    name          TEXT PRIMARY KEY COLLATE NOCASE,
                    role          TEXT NOT NULL CHECK (role IN ('lead', 'agent', 'viewer')),
                    password_hash TEXT NOT NULL,
                    created_at    REAL NOT NULL
                );
                CREATE TABLE web_sessions (
                    token_hash  TEXT PRIMARY KEY,
                    user        TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                    csrf        TEXT NOT NULL,
                    created_at  REAL NOT NULL,
                    expires_at  REAL NOT NULL
                );
                CREATE INDEX web_sessions_by_user ON web_sessions(user);
                """)
        }
        migrator.registerMigration("v13: problems found by aspect without scanning the open incidents") { db in
            try db.execute(sql: "CREATE INDEX cases_problems_by_aspect ON cases(aspect, status) WHERE kind = 'problem'")
        }
        migrator.registerMigration("v14: a case's identity keys found by the case") { db in
            // The primary key leads with the identity: looking a case's keys up read the whole table.
            try db.execute(sql: "CREATE INDEX case_identities_by_case ON case_identities(case_id)")
        }
        migrator.registerMigration("v15: copies found by words and author together") { db in
            // Many customers write the same short words ("still no signal @acme"): by fingerprint alone a
            // copy look-up read every one of them, more as the store grew. The pair serves both look-ups.
            try db.execute(sql: """
                CREATE INDEX mentions_by_fingerprint_author ON mentions(fingerprint, author);
                DROP INDEX mentions_by_fingerprint;
                """)
        }
        migrator.registerMigration("v16: pending alerts read in queue order a chunk at a time") { db in
            // Delivery reads a first run's thousands of alerts 2,000 at a time after the last id it read: by
            // (state, next_attempt_at) each chunk sorted every remaining due alert again.
            try db.execute(sql: "CREATE INDEX outbox_pending_in_order ON outbox(state, id)")
        }
        migrator.registerMigration("v17: the offset a mention's date was written in") { db in
            // Seconds east of UTC ("-07:00" is -25200), NULL when the source named no zone: a review written on
            // 16 July in California is shown on 16 July, though its instant is 17 July in UTC.
            try db.execute(sql: "ALTER TABLE mentions ADD COLUMN published_offset INTEGER")
        }
        return migrator
    }
}
