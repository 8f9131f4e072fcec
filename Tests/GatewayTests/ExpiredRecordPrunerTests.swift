import Foundation
import Storage
import TestSupport
import Testing

@testable import Gateway

@Suite("Expired record pruner")
struct ExpiredRecordPrunerTests {
    /// The periodic task drops nonces whose timestamps left the window and expired idempotency
    /// records, and keeps what a retry could still need.
    @Test func itPrunesWhatTheWindowAndTTLNoLongerCoverAndKeepsTheRest() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteEventStore(configuration: .init(path: directory.databasePath), hasher: { _ in "" })
        let now = Int64(Date().timeIntervalSince1970)
        let outside = DeliveryAttempt(clientID: "c", webhookID: "msg_old", webhookTimestamp: now - 400)
        let inside = DeliveryAttempt(clientID: "c", webhookID: "msg_new", webhookTimestamp: now - 200)
        for (index, attempt) in [outside, inside].enumerated() {
            let expiresAt = index == 0 ? now - 1 : now + 3600
            _ = try await store.storeDelivery(
                NewAppointmentEvent(
                    eventType: "appointment.scheduled", appointmentID: "a\(index)", patientID: "p",
                    timestamp: "2026-12-03T10:00:00Z", notes: nil, receivedAt: "2026-12-03T10:00:00.000Z",
                    rawPayload: "{}", clientID: "c", webhookID: attempt.webhookID, idempotencyKey: attempt.webhookID,
                    requestID: "r\(index)"),
                attempt: attempt,
                idempotency: .init(key: attempt.webhookID, fingerprint: "f", createdAt: now - 400, expiresAt: expiresAt)
            )
        }
        let pruning = ExpiredRecordPruner(
            ledger: store, timestampToleranceSeconds: 300, logger: Logger(sink: .discarding()),
            interval: .milliseconds(20)
        ).start()
        // One pruning pass deletes nonces, then records: wait until both have happened.
        let connection = try SQLiteConnection(path: directory.databasePath)
        func storedKeys() throws -> [String] {
            try connection.query("SELECT idempotency_key FROM idempotency_records").compactMap { $0.first?.text }
        }
        let deadline = Date().addingTimeInterval(5)
        while try await store.answeredAttempt(outside) != nil || storedKeys().count > 1, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        pruning.cancel()
        #expect(try await store.answeredAttempt(outside) == nil)
        #expect(try await store.answeredAttempt(inside) != nil)
        #expect(try storedKeys() == ["msg_new"])
        await store.shutdown()
    }
}
