import Foundation
import Testing

@testable import Gateway

@Suite("Event validation")
struct AppointmentEventValidatorTests {
    nonisolated(unsafe) static let valid: [String: Any] = [
        "event_type": "appointment.scheduled", "appointment_id": "apt_123-X", "patient_id": "pat-9",
        "timestamp": "2025-01-10T12:30:00Z", "notes": "Bring referral",
    ]

    static func body(_ changes: [String: Any?]) -> [UInt8] {
        var object = valid
        for (key, value) in changes {
            if let value { object[key] = value } else { object.removeValue(forKey: key) }
        }
        return Array(try! JSONSerialization.data(withJSONObject: object))
    }

    static func errors(_ body: [UInt8]) -> [FieldError] {
        do {
            _ = try AppointmentEventValidator.validate(body)
            return []
        } catch {
            return error.fieldErrors
        }
    }

    @Test func aValidEventPassesWithItsFieldsUnchanged() throws {
        let event = try AppointmentEventValidator.validate(Self.body([:]))
        #expect(
            event
                == AppointmentEvent(
                    eventType: "appointment.scheduled", appointmentID: "apt_123-X", patientID: "pat-9",
                    timestamp: "2025-01-10T12:30:00Z", notes: "Bring referral"))
    }

    @Test(arguments: AppointmentEvent.eventTypes)
    func everyContractEventTypeIsAccepted(_ eventType: String) throws {
        #expect(try AppointmentEventValidator.validate(Self.body(["event_type": eventType])).eventType == eventType)
    }

    @Test(arguments: [
        "2025-01-10T12:30:00Z", "2025-01-10T12:30:00+00:00", "2025-01-10T12:30:00-04:00", "2025-01-10T12:30:00.5Z",
        "2025-01-10T12:30:00.123456+05:30", "2024-02-29T00:00:00Z", "2025-01-10t12:30:00z",
    ])
    func timestampsWithAZoneAreAccepted(_ timestamp: String) throws {
        let event = try AppointmentEventValidator.validate(Self.body(["timestamp": timestamp]))
        #expect(event.timestamp == timestamp)
    }

    @Test(arguments: [
        "2025-01-10T12:30:00", "2025-13-01T12:30:00Z", "2025-01-10", "2025-02-30T12:00:00Z", "2023-02-29T00:00:00Z",
        "2025-01-10T24:00:00Z", "2025-01-10T12:60:00Z", "2025-01-10T12:30:61Z", "2025-01-10 12:30:00Z",
        "2025-01-10T12:30:00+0000", "2025-01-10T12:30:00+24:00", "not a date", "", "2025-01-10T12:30:00.Z",
        "2025-01-10T12:30:00Z ", "+2025-01-10T12:30:00Z",
    ])
    func timestampsWithoutAZoneOrOutOfRangeAreRefused(_ timestamp: String) {
        #expect(
            Self.errors(Self.body(["timestamp": timestamp]))
                == [
                    FieldError(
                        location: ["body", "timestamp"], message: Self.timestampMessage, type: "datetime_format")
                ])
    }

    static let timestampMessage =
        "Input should be an ISO 8601 date-time with a time zone, e.g. 2025-01-10T12:30:00Z or 2025-01-10T12:30:00-04:00"

    struct FieldCase: Sendable, CustomTestStringConvertible {
        let field: String
        let value: String  // JSON text of the value, or "<absent>"
        let type: String
        var testDescription: String { "\(field) = \(value) → \(type)" }
    }

    @Test(arguments: [
        FieldCase(field: "event_type", value: "<absent>", type: "missing"),
        FieldCase(field: "event_type", value: "\"appointment.deleted\"", type: "enum"),
        FieldCase(field: "event_type", value: "\"APPOINTMENT.SCHEDULED\"", type: "enum"),
        FieldCase(field: "event_type", value: "1", type: "string_type"),
        FieldCase(field: "event_type", value: "null", type: "string_type"),
        FieldCase(field: "appointment_id", value: "<absent>", type: "missing"),
        FieldCase(field: "appointment_id", value: "\"\"", type: "string_too_short"),
        FieldCase(field: "appointment_id", value: "\"\(String(repeating: "a", count: 51))\"", type: "string_too_long"),
        FieldCase(field: "appointment_id", value: "\"apt 1\"", type: "string_pattern_mismatch"),
        FieldCase(field: "appointment_id", value: "\"apt.1\"", type: "string_pattern_mismatch"),
        FieldCase(field: "appointment_id", value: "\"é\"", type: "string_pattern_mismatch"),
        FieldCase(field: "appointment_id", value: "123", type: "string_type"),
        FieldCase(field: "appointment_id", value: "true", type: "string_type"),
        FieldCase(field: "patient_id", value: "<absent>", type: "missing"),
        FieldCase(field: "patient_id", value: "[\"p1\"]", type: "string_type"),
        FieldCase(field: "patient_id", value: "\"p/1\"", type: "string_pattern_mismatch"),
        FieldCase(field: "timestamp", value: "<absent>", type: "missing"),
        FieldCase(field: "timestamp", value: "1736512200", type: "string_type"),
        FieldCase(field: "notes", value: "\"\(String(repeating: "n", count: 2001))\"", type: "string_too_long"),
        FieldCase(field: "notes", value: "42", type: "string_type"),
        FieldCase(field: "notes", value: "false", type: "string_type"),
    ])
    func eachRuleReportsItsFieldAndType(_ testCase: FieldCase) {
        var members = [
            "\"event_type\":\"appointment.scheduled\"", "\"appointment_id\":\"a1\"", "\"patient_id\":\"p1\"",
            "\"timestamp\":\"2025-01-10T12:30:00Z\"",
        ].filter { !$0.hasPrefix("\"\(testCase.field)\"") }
        if testCase.value != "<absent>" { members.append("\"\(testCase.field)\":\(testCase.value)") }
        let errors = Self.errors(Array(("{" + members.joined(separator: ",") + "}").utf8))
        #expect(errors.count == 1)
        #expect(errors.first?.location == ["body", testCase.field])
        #expect(errors.first?.type == testCase.type)
    }

    @Test func boundaryLengthsAreAccepted() throws {
        let event = try AppointmentEventValidator.validate(
            Self.body([
                "appointment_id": String(repeating: "a", count: 50), "patient_id": "p",
                "notes": String(repeating: "é", count: 2000),
            ]))
        #expect(event.appointmentID.count == 50)
        #expect(event.notes?.count == 2000)
    }

    @Test func nullOrAbsentNotesAreAccepted() throws {
        #expect(try AppointmentEventValidator.validate(Self.body(["notes": NSNull()])).notes == nil)
        #expect(try AppointmentEventValidator.validate(Self.body(["notes": nil])).notes == nil)
    }

    @Test func unknownFieldsAreIgnored() throws {
        _ = try AppointmentEventValidator.validate(Self.body(["clinic": "north", "extra": ["a": 1]]))
    }

    @Test func everyFailingFieldIsReportedAtOnce() {
        let errors = Self.errors(Array(#"{"event_type":"nope","appointment_id":"","timestamp":"2025-01-10"}"#.utf8))
        #expect(
            errors.map(\.location) == [
                ["body", "event_type"], ["body", "appointment_id"], ["body", "patient_id"], ["body", "timestamp"],
            ])
    }

    @Test(arguments: ["", "not json", "{\"event_type\":", "[1,2]", "\"text\"", "42", "null"])
    func aBodyThatIsNotAJSONObjectIsOneBodyError(_ body: String) {
        let errors = Self.errors(Array(body.utf8))
        #expect(errors.count == 1)
        #expect(errors.first?.location == ["body"])
    }

    @Test func aBodyThatIsNotUTF8IsRefused() {
        let utf16 = Array(#"{"event_type":"appointment.scheduled"}"#.data(using: .utf16)!)
        #expect(Self.errors(utf16).first?.type == "json_invalid")
    }

    @Test func messagesNeverEchoTheValueSent() {
        let secretish = "patient-SECRET-value!"
        let errors = Self.errors(Self.body(["patient_id": secretish]))
        #expect(errors.count == 1)
        #expect(!errors[0].message.contains(secretish))
    }
}
