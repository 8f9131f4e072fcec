/// The schema, as an ordered list of numbered migrations.
///
/// The database's `PRAGMA user_version` records the last applied number, so running the list
/// again applies nothing. Never edit a released migration: append a new one.
public enum SQLiteMigrations {
    /// One schema change and the number it brings the database to.
    public struct Migration: Sendable {
        public let version: Int
        public let sql: String
    }

    /// Every migration, in order.
    public static let all: [Migration] = [
        Migration(
            version: 1,
            sql: """
                CREATE TABLE appointment_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    event_type TEXT NOT NULL,
                    appointment_id TEXT NOT NULL,
                    patient_id TEXT NOT NULL,
                    timestamp TEXT NOT NULL,
                    notes TEXT,
                    received_at TEXT NOT NULL,
                    raw_payload TEXT NOT NULL,
                    client_id TEXT,
                    webhook_id TEXT,
                    idempotency_key TEXT,
                    request_id TEXT
                );
                CREATE INDEX idx_appointment_events_appointment_id ON appointment_events(appointment_id);
                CREATE INDEX idx_appointment_events_patient_id ON appointment_events(patient_id);
                CREATE INDEX idx_appointment_events_event_type ON appointment_events(event_type);
                CREATE INDEX idx_appointment_events_received_at ON appointment_events(received_at);
                """),
        Migration(
            version: 2,
            sql: """
                CREATE TABLE webhook_nonces (
                    client_id TEXT NOT NULL,
                    webhook_id TEXT NOT NULL,
                    webhook_timestamp INTEGER NOT NULL,
                    event_id INTEGER,
                    expires_at INTEGER NOT NULL,
                    PRIMARY KEY (client_id, webhook_id, webhook_timestamp)
                ) WITHOUT ROWID;
                CREATE INDEX idx_webhook_nonces_expires_at ON webhook_nonces(expires_at);
                CREATE TABLE idempotency_records (
                    client_id TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    response_body TEXT NOT NULL,
                    event_id INTEGER,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    PRIMARY KEY (client_id, idempotency_key)
                ) WITHOUT ROWID;
                CREATE INDEX idx_idempotency_records_expires_at ON idempotency_records(expires_at);
                CREATE TABLE rejections (
                    id INTEGER PRIMARY KEY,
                    occurred_at TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    client_id TEXT,
                    api_key_id TEXT,
                    remote_addr TEXT NOT NULL,
                    method TEXT NOT NULL,
                    path TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    code TEXT NOT NULL,
                    message TEXT NOT NULL,
                    webhook_id TEXT,
                    body_size INTEGER NOT NULL,
                    body_sha256 TEXT,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                CREATE INDEX idx_rejections_occurred_at ON rejections(occurred_at);
                CREATE INDEX idx_rejections_code ON rejections(code);
                CREATE INDEX idx_rejections_client_id ON rejections(client_id);
                """),
        // Nonces keyed by timestamp first: fresh timestamps make inserts near-appends and
        // pruning a delete of the oldest key range, where (client, webhook-id) first put
        // every insert and every pruned row on a random page. Expiry follows from the
        // timestamp and the window, so the expires_at column and its index go.
        Migration(
            version: 3,
            sql: """
                CREATE TABLE webhook_nonces_by_time (
                    webhook_timestamp INTEGER NOT NULL,
                    client_id TEXT NOT NULL,
                    webhook_id TEXT NOT NULL,
                    event_id INTEGER,
                    PRIMARY KEY (webhook_timestamp, client_id, webhook_id)
                ) WITHOUT ROWID;
                INSERT INTO webhook_nonces_by_time (webhook_timestamp, client_id, webhook_id, event_id)
                    SELECT webhook_timestamp, client_id, webhook_id, event_id FROM webhook_nonces;
                DROP TABLE webhook_nonces;
                ALTER TABLE webhook_nonces_by_time RENAME TO webhook_nonces;
                """),
    ]

    /// The schema version the code expects.
    public static var latestVersion: Int { all.last?.version ?? 0 }

    /// Applies every migration newer than the database's version, each in its own
    /// transaction; returns how many were applied.
    @discardableResult
    public static func migrate(_ connection: SQLiteConnection) throws -> Int {
        var applied = 0
        for migration in all where migration.version > (try currentVersion(connection)) {
            try connection.execute("BEGIN IMMEDIATE")
            do {
                // Re-check inside the write lock: another process may have migrated meanwhile.
                guard try currentVersion(connection) < migration.version else {
                    try connection.execute("COMMIT")
                    continue
                }
                try connection.execute(migration.sql)
                try connection.execute("PRAGMA user_version = \(migration.version)")
                try connection.execute("COMMIT")
                applied += 1
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
        return applied
    }

    /// The number of the last migration applied to the database (0 for a new one).
    public static func currentVersion(_ connection: SQLiteConnection) throws -> Int {
        Int(try connection.scalar("PRAGMA user_version")?.integer ?? 0)
    }
}
