/// A validated appointment event: the fields of the seed's schema.
struct AppointmentEvent: Sendable, Equatable {
    /// The event types a partner may send.
    static let eventTypes = [
        "appointment.scheduled", "appointment.cancelled", "appointment.rescheduled", "appointment.completed",
        "appointment.no_show",
    ]

    var eventType: String
    var appointmentID: String
    var patientID: String
    /// Exactly as sent; validated as ISO 8601 with a zone.
    var timestamp: String
    var notes: String?
}
