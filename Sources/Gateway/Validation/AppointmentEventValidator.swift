import Foundation
import Security

/// Checks a request body against the event schema and reports every failing field at once.
///
/// Types are never coerced: a number where a string belongs is an error, as the contract says.
/// Unknown fields are ignored (they stay in the stored raw payload).
enum AppointmentEventValidator {
    static let maximumIdentifierLength = 50
    static let maximumNotesLength = 2000

    /// The event in `body`, or `ValidationError.body` listing every problem.
    static func validate(_ body: [UInt8]) throws(ValidationError) -> AppointmentEvent {
        let object = try parseObject(body)
        var errors: [FieldError] = []
        let eventType = field("event_type", in: object, errors: &errors) { value in
            AppointmentEvent.eventTypes.contains(value)
                ? nil
                : ("Input should be one of: " + AppointmentEvent.eventTypes.joined(separator: ", "), "enum")
        }
        let appointmentID = field("appointment_id", in: object, errors: &errors, rule: identifierRule)
        let patientID = field("patient_id", in: object, errors: &errors, rule: identifierRule)
        let timestamp = field("timestamp", in: object, errors: &errors) { value in
            ISO8601DateTime(value) == nil
                ? (
                    "Input should be an ISO 8601 date-time with a time zone, e.g. 2025-01-10T12:30:00Z or "
                        + "2025-01-10T12:30:00-04:00", "datetime_format"
                )
                : nil
        }
        var notes: String?
        if let value = object["notes"], value != .null {
            notes = stringField("notes", value, errors: &errors) { value in
                value.unicodeScalars.count > maximumNotesLength
                    ? ("String should have at most \(maximumNotesLength) characters", "string_too_long") : nil
            }
        }
        guard errors.isEmpty, let eventType, let appointmentID, let patientID, let timestamp else {
            throw .body(errors)
        }
        return AppointmentEvent(
            eventType: eventType, appointmentID: appointmentID, patientID: patientID, timestamp: timestamp, notes: notes
        )
    }

    /// The body's top-level members, or a single body-level error.
    private static func parseObject(_ body: [UInt8]) throws(ValidationError) -> [String: JSONScanner.Member] {
        // The contract's JSON is UTF-8; other encodings are refused rather than guessed.
        guard String(validating: body, as: UTF8.self) != nil else {
            throw .body([
                FieldError(location: ["body"], message: "Body must be UTF-8 encoded JSON", type: "json_invalid")
            ])
        }
        do {
            return try JSONScanner.members(of: body)
        } catch .notAnObject {
            throw .body([
                FieldError(location: ["body"], message: "Body must be a JSON object", type: "model_attributes_type")
            ])
        } catch {
            throw .body([FieldError(location: ["body"], message: "Body is not valid JSON", type: "json_invalid")])
        }
    }

    /// A rule returns nil when the value passes, or the message and type of the failure.
    private typealias Rule = @Sendable (String) -> (message: String, type: String)?

    private static let identifierRule: Rule = { value in
        if value.isEmpty { return ("String should have at least 1 character", "string_too_short") }
        if value.utf8.count > maximumIdentifierLength {
            return ("String should have at most \(maximumIdentifierLength) characters", "string_too_long")
        }
        let allowed = value.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 45
                || byte == 95
        }
        return allowed ? nil : ("String should match pattern '^[A-Za-z0-9_-]+$'", "string_pattern_mismatch")
    }

    /// A required string field: missing, not a string, or failing `rule` adds an error.
    private static func field(
        _ name: String, in object: [String: JSONScanner.Member], errors: inout [FieldError], rule: Rule
    ) -> String? {
        guard let value = object[name] else {
            errors.append(FieldError(location: ["body", name], message: "Field required", type: "missing"))
            return nil
        }
        return stringField(name, value, errors: &errors, rule: rule)
    }

    private static func stringField(
        _ name: String, _ value: JSONScanner.Member, errors: inout [FieldError], rule: Rule
    ) -> String? {
        guard case .string(let string) = value else {
            errors.append(
                FieldError(location: ["body", name], message: "Input should be a valid string", type: "string_type"))
            return nil
        }
        if let failure = rule(string) {
            errors.append(FieldError(location: ["body", name], message: failure.message, type: failure.type))
            return nil
        }
        return string
    }
}
