extension SQLiteEventStore: DeliveryLedger {
    public func answeredAttempt(_ attempt: DeliveryAttempt) async throws -> AnsweredAttempt? {
        try await readers.read { connection in
            try connection.query(
                "SELECT event_id FROM webhook_nonces WHERE client_id = ? AND webhook_id = ? AND webhook_timestamp = ?",
                [.text(attempt.clientID), .text(attempt.webhookID), .integer(attempt.webhookTimestamp)]
            ).first.map { AnsweredAttempt(eventID: $0[0].integer) }
        }
    }

    public func idempotencyRecord(clientID: String, key: String, now: Int64) async throws -> IdempotencyRecord? {
        try await readers.read { connection in
            try connection.query(
                """
                SELECT fingerprint, status, response_body, event_id FROM idempotency_records
                WHERE client_id = ? AND idempotency_key = ? AND expires_at > ?
                """, [.text(clientID), .text(key), .integer(now)]
            ).first.map {
                IdempotencyRecord(
                    fingerprint: $0[0].text ?? "", status: Int($0[1].integer ?? 0), responseBody: $0[2].text ?? "",
                    eventID: $0[3].integer)
            }
        }
    }

    public func storeDelivery(
        _ event: NewAppointmentEvent, attempt: DeliveryAttempt, idempotency: IdempotencyRecord.Draft
    ) async throws -> Int64 {
        try await writer.write { connection in
            let eventID = try Self.insertEvent(event, on: connection)
            // REPLACE: an expired record that pruning has not reached yet must not block the
            // new one. A live one cannot be here: the idempotency stage found none while holding
            // the key's in-flight claim, which it keeps until this commit.
            try connection.query(
                """
                INSERT OR REPLACE INTO idempotency_records
                    (client_id, idempotency_key, fingerprint, status, response_body, event_id, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(attempt.clientID), .text(idempotency.key), .text(idempotency.fingerprint),
                    .integer(Int64(StoredEventResponse.status)), .text(StoredEventResponse.body(eventID: eventID)),
                    .integer(eventID), .integer(idempotency.createdAt), .integer(idempotency.expiresAt),
                ])
            try Self.insertNonce(attempt, eventID: eventID, on: connection)
            return eventID
        }
    }

    public func recordAnsweredAttempt(_ attempt: DeliveryAttempt, eventID: Int64?) async throws {
        try await writer.write { connection in
            try Self.insertNonce(attempt, eventID: eventID, on: connection)
        }
    }

    public func pruneExpired(now: Int64) async throws -> Int {
        try await writer.write { connection in
            try connection.query("DELETE FROM webhook_nonces WHERE expires_at < ?", [.integer(now)])
            let nonces = connection.changes
            try connection.query("DELETE FROM idempotency_records WHERE expires_at <= ?", [.integer(now)])
            return nonces + connection.changes
        }
    }

    private static func insertNonce(_ attempt: DeliveryAttempt, eventID: Int64?, on connection: SQLiteConnection) throws
    {
        do {
            try connection.query(
                """
                INSERT INTO webhook_nonces (client_id, webhook_id, webhook_timestamp, event_id, expires_at)
                VALUES (?, ?, ?, ?, ?)
                """,
                [
                    .text(attempt.clientID), .text(attempt.webhookID), .integer(attempt.webhookTimestamp),
                    eventID.map(SQLiteValue.integer) ?? .null, .integer(attempt.expiresAt),
                ])
        } catch let error as SQLiteError where error.isConstraintViolation {
            throw StorageError.duplicateAttempt
        }
    }
}
