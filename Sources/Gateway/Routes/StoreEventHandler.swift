import Storage

/// The end of the ingest chain: commits the validated event and answers 201 with its id.
///
/// The answer is produced only after the store reports the transaction committed, so a 201
/// always means the event is on disk.
struct StoreEventHandler: Sendable {
    let store: any EventStore

    func respond(_ request: Request, context: RequestContext) async throws -> Response {
        guard let event = context.event else {
            // The chain puts validation before this handler; reaching here without it is a bug.
            throw GatewayError.malformedRequest(reason: "event not validated")
        }
        let record = NewAppointmentEvent(
            eventType: event.eventType, appointmentID: event.appointmentID, patientID: event.patientID,
            timestamp: event.timestamp, notes: event.notes, receivedAt: Timestamp.iso8601UTC(context.receivedAt),
            rawPayload: String(decoding: request.body, as: UTF8.self),
            webhookID: request.headers["webhook-id"], idempotencyKey: request.headers["Idempotency-Key"],
            requestID: context.requestID)
        let eventID = try await store.insert(record)
        context.logger.info("Event received (event_id=\(eventID), event_type=\(event.eventType))")
        return .json(
            201,
            .object([
                ("status", .string("success")), ("message", .string("Event received")), ("event_id", .integer(eventID)),
            ]))
    }
}
