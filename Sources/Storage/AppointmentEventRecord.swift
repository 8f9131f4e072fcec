/// An event ready to be stored: the validated, normalised fields and the exact raw body.
public struct NewAppointmentEvent: Sendable, Equatable {
    public var eventType: String
    public var appointmentID: String
    public var patientID: String
    /// The event's own timestamp, exactly as the sender wrote it.
    public var timestamp: String
    public var notes: String?
    /// When the gateway received it: UTC ISO 8601 with milliseconds.
    public var receivedAt: String
    /// The exact request body.
    public var rawPayload: String
    public var clientID: String?
    public var webhookID: String?
    public var idempotencyKey: String?
    public var requestID: String?

    public init(
        eventType: String, appointmentID: String, patientID: String, timestamp: String, notes: String?,
        receivedAt: String, rawPayload: String, clientID: String? = nil, webhookID: String? = nil,
        idempotencyKey: String? = nil, requestID: String? = nil
    ) {
        self.eventType = eventType
        self.appointmentID = appointmentID
        self.patientID = patientID
        self.timestamp = timestamp
        self.notes = notes
        self.receivedAt = receivedAt
        self.rawPayload = rawPayload
        self.clientID = clientID
        self.webhookID = webhookID
        self.idempotencyKey = idempotencyKey
        self.requestID = requestID
    }
}

/// A stored event as read back: its id plus every stored field.
public struct StoredAppointmentEvent: Sendable, Equatable {
    public var id: Int64
    public var event: NewAppointmentEvent

    public init(id: Int64, event: NewAppointmentEvent) {
        self.id = id
        self.event = event
    }
}

/// Filters and page position for listing events, newest first.
public struct AppointmentEventQuery: Sendable, Equatable {
    public var eventType: String?
    public var appointmentID: String?
    public var patientID: String?
    public var clientID: String?
    /// Inclusive lower bound on `received_at`, in the stored UTC millisecond format.
    public var since: String?
    /// Exclusive upper bound on `received_at`, in the stored UTC millisecond format.
    public var until: String?
    /// Only events with an id below this one (the keyset cursor of the previous page).
    public var beforeID: Int64?
    public var limit: Int

    public init(
        eventType: String? = nil, appointmentID: String? = nil, patientID: String? = nil,
        clientID: String? = nil, since: String? = nil, until: String? = nil, beforeID: Int64? = nil,
        limit: Int = 50
    ) {
        self.eventType = eventType
        self.appointmentID = appointmentID
        self.patientID = patientID
        self.clientID = clientID
        self.since = since
        self.until = until
        self.beforeID = beforeID
        self.limit = limit
    }
}

/// One page of events, newest first, and the id to continue below (nil on the last page).
public typealias AppointmentEventPage = KeysetPage<StoredAppointmentEvent>

extension KeysetPage where Item == StoredAppointmentEvent {
    public var events: [StoredAppointmentEvent] { items }
}
