import Foundation

/// The embedded default store: one SQLite file in WAL mode, a group-commit writer and a small
/// pool of readers.
public final class SQLiteEventStore: EventStore {
    /// Tunables; the defaults suit a small machine.
    public struct Configuration: Sendable {
        public var path: String
        /// How long a statement waits for a lock held by another process before the store
        /// reports itself unavailable.
        public var busyTimeoutMilliseconds: Int32 = 2000
        /// Writes that may wait for a batch before new ones are refused as overload.
        public var writeQueueCapacity = 10_000
        /// The most writes committed in one transaction.
        public var maximumBatchSize = 1_000
        public var readerCount = 2
        /// The most expired rows deleted in one transaction when pruning.
        public var pruneBatchSize = 1_000

        public init(path: String) { self.path = path }
    }

    /// Hex SHA-256 of the bytes given, used for the audit's hash chain. Injected because
    /// Storage does not link a crypto library of its own (Security provides it).
    public typealias Hasher = @Sendable ([UInt8]) -> String

    let hasher: Hasher

    /// The group-commit writer, exposed so tests and metrics can read its counters.
    public let writer: GroupCommitWriter
    let readers: SQLiteReaderPool
    private let checkpointer: WALCheckpointer
    let pruneBatchSize: Int

    /// Opens (creating when absent) the database and brings its schema up to date.
    /// Throws when the file cannot be opened or migrated, so start-up fails loudly.
    public init(configuration: Configuration, hasher: @escaping Hasher) throws {
        self.hasher = hasher
        let session = SQLiteSession(
            path: configuration.path, busyTimeoutMilliseconds: configuration.busyTimeoutMilliseconds)
        try Self.migrate(session)
        let checkpointer = WALCheckpointer(session: session)
        self.checkpointer = checkpointer
        writer = GroupCommitWriter(
            session: session, capacity: configuration.writeQueueCapacity,
            maximumBatchSize: configuration.maximumBatchSize, afterCommit: checkpointer.commitHappened)
        readers = SQLiteReaderPool(session: session, size: configuration.readerCount)
        pruneBatchSize = configuration.pruneBatchSize
    }

    /// Brings the schema up to date without starting a store (the `migrate` command).
    /// Returns how many migrations were applied.
    @discardableResult
    public static func migrate(path: String) throws -> Int {
        try migrate(SQLiteSession(path: path, busyTimeoutMilliseconds: 5000))
    }

    @discardableResult
    private static func migrate(_ session: SQLiteSession) throws -> Int {
        let directory = URL(fileURLWithPath: session.path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let connection = try SQLiteConnection(
            path: session.path, busyTimeoutMilliseconds: session.busyTimeoutMilliseconds)
        if try SQLiteMigrations.currentVersion(connection) >= SQLiteMigrations.latestVersion {
            return 0  // nothing to write: a read-only file may still start and report 503 on writes
        }
        try connection.execute("PRAGMA journal_mode=WAL")
        return try SQLiteMigrations.migrate(connection)
    }

    public func insert(_ event: NewAppointmentEvent) async throws -> Int64 {
        try await writer.write { try Self.insertEvent(event, on: $0) }
    }

    static func insertEvent(_ event: NewAppointmentEvent, on connection: SQLiteConnection) throws -> Int64 {
        try connection.query(
            """
            INSERT INTO appointment_events (event_type, appointment_id, patient_id, timestamp, notes,
                received_at, raw_payload, client_id, webhook_id, idempotency_key, request_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(event.eventType), .text(event.appointmentID), .text(event.patientID),
                .text(event.timestamp), .optionalText(event.notes), .text(event.receivedAt),
                .text(event.rawPayload), .optionalText(event.clientID), .optionalText(event.webhookID),
                .optionalText(event.idempotencyKey), .optionalText(event.requestID),
            ])
        return connection.lastInsertedRowID
    }

    public func event(id: Int64) async throws -> StoredAppointmentEvent? {
        try await readers.read { connection in
            try connection.query("SELECT \(Self.columns) FROM appointment_events WHERE id = ?", [.integer(id)])
                .first.map(Self.decode)
        }
    }

    public func events(matching query: AppointmentEventQuery) async throws -> AppointmentEventPage {
        var filter = SQLFilter()
        filter.require("event_type = ?", query.eventType.map(SQLiteValue.text))
        filter.require("appointment_id = ?", query.appointmentID.map(SQLiteValue.text))
        filter.require("patient_id = ?", query.patientID.map(SQLiteValue.text))
        filter.require("client_id = ?", query.clientID.map(SQLiteValue.text))
        filter.require("received_at >= ?", query.since.map(SQLiteValue.text))
        filter.require("received_at < ?", query.until.map(SQLiteValue.text))
        filter.require("id < ?", query.beforeID.map(SQLiteValue.integer))
        // One row more than asked tells whether another page follows.
        let parameters = filter.parameters + [.integer(Int64(query.limit + 1))]
        let sql = "SELECT \(Self.columns) FROM appointment_events \(filter.whereClause) ORDER BY id DESC LIMIT ?"
        let limit = query.limit
        return try await readers.read { [parameters] connection in
            AppointmentEventPage(rows: try connection.query(sql, parameters).map(Self.decode), limit: limit, id: \.id)
        }
    }

    public func checkHealth() async throws {
        _ = try await readers.read { try $0.scalar("SELECT count(*) FROM sqlite_master") }
        // An empty write proves the writer can take the write lock and commit right now.
        try await writer.write { _ in () }
    }

    public func shutdown() async {
        await writer.close()
        await checkpointer.stop()
        readers.close()
    }

    private static let columns = """
        id, event_type, appointment_id, patient_id, timestamp, notes, received_at, raw_payload,
        client_id, webhook_id, idempotency_key, request_id
        """

    private static func decode(_ row: [SQLiteValue]) -> StoredAppointmentEvent {
        StoredAppointmentEvent(
            id: row[0].integer ?? 0,
            event: NewAppointmentEvent(
                eventType: row[1].text ?? "", appointmentID: row[2].text ?? "", patientID: row[3].text ?? "",
                timestamp: row[4].text ?? "", notes: row[5].text, receivedAt: row[6].text ?? "",
                rawPayload: row[7].text ?? "", clientID: row[8].text, webhookID: row[9].text,
                idempotencyKey: row[10].text, requestID: row[11].text))
    }
}

extension SQLiteValue {
    /// `.text(value)`, or `.null` when `value` is nil.
    static func optionalText(_ value: String?) -> SQLiteValue {
        value.map(SQLiteValue.text) ?? .null
    }
}
