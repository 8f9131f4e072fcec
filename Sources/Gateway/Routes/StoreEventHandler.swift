import Foundation
import Security
import Storage

/// The end of the ingest chain: commits the validated event, its idempotency record and the
/// attempt's nonce in one transaction, and answers 201 with the event id.
///
/// The answer is produced only after the store reports the transaction committed, so a 201
/// always means the event is on disk.
struct StoreEventHandler: Sendable {
    let ledger: any DeliveryLedger
    let idempotencyTTLSeconds: Int
    let time: TimeSource

    func respond(_ request: Request, context: RequestContext) async throws -> Response {
        guard let event = context.event, let client = context.client, let delivery = context.delivery,
            let attempt = context.deliveryAttempt()
        else {
            // The chain puts authentication and validation before this handler.
            throw GatewayError.malformedRequest(reason: "request reached the store unauthenticated")
        }
        let now = Int64(time.now())
        let record = NewAppointmentEvent(
            eventType: event.eventType, appointmentID: event.appointmentID, patientID: event.patientID,
            timestamp: event.timestamp, notes: event.notes, receivedAt: Timestamp.iso8601UTC(context.receivedAt),
            rawPayload: String(decoding: request.body, as: UTF8.self), clientID: client.id,
            webhookID: delivery.webhookID, idempotencyKey: delivery.idempotencyKey, requestID: context.requestID)
        let eventID = try await ledger.storeDelivery(
            record, attempt: attempt,
            idempotency: IdempotencyRecord.Draft(
                key: delivery.idempotencyKey, fingerprint: SHA256.hexDigest(request.body), createdAt: now,
                expiresAt: now + Int64(idempotencyTTLSeconds)))
        context.logger.info("Event received (event_id=\(eventID), client=\(client.id))")
        var response = Response(
            status: StoredEventResponse.status, body: Array(StoredEventResponse.body(eventID: eventID).utf8))
        response.headers.set("Content-Type", "application/json")
        return response
    }
}
