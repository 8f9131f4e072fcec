extension SQLiteEventStore: DeliveryLedger {
    public func answeredAttempt(_ attempt: DeliveryAttempt) async throws -> AnsweredAttempt? {
        try readers.lookup { connection in
            try connection.query(
                "SELECT event_id FROM webhook_nonces WHERE webhook_timestamp = ? AND client_id = ? AND webhook_id = ?",
                [.integer(attempt.webhookTimestamp), .text(attempt.clientID), .text(attempt.webhookID)]
            ).first.map { AnsweredAttempt(eventID: $0[0].integer) }
        }
    }

    public func idempotencyRecord(clientID: String, key: String, now: Int64) async throws -> IdempotencyRecord? {
        try readers.lookup { connection in
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

    public func pruneExpired(now: Int64, noncesTimestampedBefore cutoff: Int64) async throws -> Int {
        // In slices of `pruneBatchSize` rows, one write each, so the writer commits deliveries
        // between them: a minute's expiries deleted in one transaction held every ingest behind
        // it (the soak's p99 rose from 13 to 78 ms once nonces began to expire).
        let nonces = try await deleteInSlices(
            """
            DELETE FROM webhook_nonces WHERE (webhook_timestamp, client_id, webhook_id) IN (
                SELECT webhook_timestamp, client_id, webhook_id FROM webhook_nonces
                WHERE webhook_timestamp < ? ORDER BY webhook_timestamp LIMIT ?)
            """, before: cutoff)
        let records = try await deleteInSlices(
            """
            DELETE FROM idempotency_records WHERE (client_id, idempotency_key) IN (
                SELECT client_id, idempotency_key FROM idempotency_records WHERE expires_at <= ? LIMIT ?)
            """, before: now)
        return nonces + records
    }

    /// Runs a `DELETE` taking (bound, slice size) until a slice removes fewer rows than its size.
    private func deleteInSlices(_ sql: String, before bound: Int64) async throws -> Int {
        let slice = pruneBatchSize
        var removed = 0
        while true {
            let changes = try await writer.write { connection in
                try connection.query(sql, [.integer(bound), .integer(Int64(slice))])
                return connection.changes
            }
            removed += changes
            if changes < slice { return removed }
        }
    }

    private static func insertNonce(_ attempt: DeliveryAttempt, eventID: Int64?, on connection: SQLiteConnection) throws
    {
        do {
            try connection.query(
                """
                INSERT INTO webhook_nonces (webhook_timestamp, client_id, webhook_id, event_id) VALUES (?, ?, ?, ?)
                """,
                [
                    .integer(attempt.webhookTimestamp), .text(attempt.clientID), .text(attempt.webhookID),
                    eventID.map(SQLiteValue.integer) ?? .null,
                ])
        } catch let error as SQLiteError where error.isConstraintViolation {
            throw StorageError.duplicateAttempt
        }
    }
}
