/// What makes deliveries exactly-once: the nonces of answered attempts (replay guard) and
/// the idempotency records of stored messages.
public protocol DeliveryLedger: Sendable {
    /// The answered attempt (client, webhook-id, webhook-timestamp), if recorded.
    func answeredAttempt(_ attempt: DeliveryAttempt) async throws -> AnsweredAttempt?

    /// The idempotency record of (client, key) that has not expired at `now` (Unix seconds).
    func idempotencyRecord(clientID: String, key: String, now: Int64) async throws -> IdempotencyRecord?

    /// Stores the event, its idempotency record and the attempt's nonce in one transaction;
    /// returns the event id once committed. A nonce already recorded throws
    /// `StorageError.duplicateAttempt`.
    func storeDelivery(
        _ event: NewAppointmentEvent, attempt: DeliveryAttempt, idempotency: IdempotencyRecord.Draft
    ) async throws -> Int64

    /// Records a 2xx answer given from an idempotency record, so that exact attempt is a replay.
    func recordAnsweredAttempt(_ attempt: DeliveryAttempt, eventID: Int64?) async throws

    /// Deletes the nonces of attempts timestamped before `cutoff` (which the timestamp window
    /// refuses anyway) and the idempotency records expired at `now` (Unix seconds); returns how
    /// many rows were removed.
    func pruneExpired(now: Int64, noncesTimestampedBefore cutoff: Int64) async throws -> Int
}

/// One signed delivery attempt. Its nonce is kept until the timestamp window refuses the
/// timestamp anyway.
public struct DeliveryAttempt: Sendable, Equatable {
    public var clientID: String
    public var webhookID: String
    public var webhookTimestamp: Int64

    public init(clientID: String, webhookID: String, webhookTimestamp: Int64) {
        self.clientID = clientID
        self.webhookID = webhookID
        self.webhookTimestamp = webhookTimestamp
    }
}

/// A recorded answered attempt.
public struct AnsweredAttempt: Sendable, Equatable {
    public var eventID: Int64?

    public init(eventID: Int64?) {
        self.eventID = eventID
    }
}

/// The stored answer to a message, replayed for retries with the same key and body.
public struct IdempotencyRecord: Sendable, Equatable {
    public var fingerprint: String
    public var status: Int
    public var responseBody: String
    public var eventID: Int64?

    /// What the ingest stage knows before the event id exists; the body is completed by the
    /// store with the id it assigns.
    public struct Draft: Sendable, Equatable {
        public var key: String
        /// Hex SHA-256 of the body.
        public var fingerprint: String
        public var createdAt: Int64
        public var expiresAt: Int64

        public init(key: String, fingerprint: String, createdAt: Int64, expiresAt: Int64) {
            self.key = key
            self.fingerprint = fingerprint
            self.createdAt = createdAt
            self.expiresAt = expiresAt
        }
    }
}

/// The 201 body the gateway answers for a stored event; kept in Storage because the
/// idempotency record stores it in the same transaction as the event.
public enum StoredEventResponse {
    public static let status = 201

    public static func body(eventID: Int64) -> String {
        #"{"status":"success","message":"Event received","event_id":\#(eventID)}"#
    }
}
