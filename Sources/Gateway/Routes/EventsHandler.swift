import Storage

/// `GET /webhook/events` and `GET /webhook/events/{id}`: stored events for admins.
struct EventsHandler: Sendable {
    let store: any EventStore

    /// Lists events newest first with the contract's filters and keyset pagination.
    func list(_ request: Request, context: RequestContext) async throws -> Response {
        let common = try ListQueryParameters.parse(request)
        let page = try await store.events(
            matching: AppointmentEventQuery(
                eventType: request.queryValue("event_type"), appointmentID: request.queryValue("appointment_id"),
                patientID: request.queryValue("patient_id"), clientID: request.queryValue("client_id"),
                since: common.since, until: common.until, beforeID: common.beforeID, limit: common.limit))
        return .json(
            200,
            .object([
                ("events", .array(page.events.map { Self.json($0, includingRawPayload: false) })),
                ("next_cursor", .optional(page.nextBeforeID.map(ListQueryParameters.encodeCursor))),
            ]))
    }

    /// One event with its exact raw payload, or 404.
    func detail(_ request: Request, context: RequestContext) async throws -> Response {
        guard let id = context.pathParameters.first.flatMap({ Int64($0) }), id > 0,
            let stored = try await store.event(id: id)
        else { throw GatewayError.notFound }
        return .json(200, Self.json(stored, includingRawPayload: true))
    }

    static func json(_ stored: StoredAppointmentEvent, includingRawPayload: Bool) -> JSONValue {
        let event = stored.event
        var members: [(String, JSONValue)] = [
            ("id", .integer(stored.id)), ("event_type", .string(event.eventType)),
            ("appointment_id", .string(event.appointmentID)), ("patient_id", .string(event.patientID)),
            ("timestamp", .string(event.timestamp)), ("notes", .optional(event.notes)),
            ("received_at", .string(event.receivedAt)), ("client_id", .optional(event.clientID)),
            ("webhook_id", .optional(event.webhookID)), ("idempotency_key", .optional(event.idempotencyKey)),
            ("request_id", .optional(event.requestID)),
        ]
        if includingRawPayload { members.append(("raw_payload", .string(event.rawPayload))) }
        return .object(members)
    }
}
