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
                """)
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
