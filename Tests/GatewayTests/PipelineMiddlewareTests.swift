import Foundation
import Storage
import Testing

@testable import Gateway

/// Each pipeline stage alone, with a stub `next` that records whether it was reached.
@Suite("Pipeline stages")
struct PipelineMiddlewareTests {
    static let context = RequestContext(requestID: "r-1", receivedAt: Date(), logger: Logger(sink: .discarding()))

    static func post(_ headers: [(String, String)] = [], body: String = "{}") -> Request {
        Request(method: "POST", path: "/webhook/appointment", headers: HTTPHeaders(headers), body: Array(body.utf8))
    }

    @Test func requestIDIsTakenFromTheHeaderAndEchoed() async throws {
        let stub = StubNext()
        let response = try await RequestIDMiddleware().handle(
            Self.post([("x-request-id", "abc")]), context: Self.context, next: stub.next)
        #expect(stub.reached?.requestID == "abc")
        #expect(stub.reached?.logger.requestID == "abc")
        #expect(response.headers["X-Request-ID"] == "abc")
    }

    @Test func aGeneratedRequestIDIsAFreshVersion4UUID() async throws {
        var seen: Set<String> = []
        for value in ["", "has space", String(repeating: "x", count: 129)] {
            let stub = StubNext()
            let response = try await RequestIDMiddleware().handle(
                Self.post([("X-Request-ID", value)]), context: Self.context, next: stub.next)
            let generated = try #require(stub.reached?.requestID)
            #expect(response.headers["X-Request-ID"] == generated)
            // 8-4-4-4-12 lowercase hex, version nibble 4, variant 8-b; Foundation parses it back.
            #expect(
                generated.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil)
            #expect(UUID(uuidString: generated)?.uuidString.lowercased() == generated)
            seen.insert(generated)
        }
        #expect(seen.count == 3)
    }

    @Test func bodySizeLimitRefusesOversizedOrFlaggedBodies() async throws {
        let limit = BodySizeLimitMiddleware(maximumBytes: 4)
        let stub = StubNext()
        _ = try await limit.handle(Self.post(body: "1234"), context: Self.context, next: stub.next)
        #expect(stub.reached != nil)
        await #expect(throws: GatewayError.payloadTooLarge(limit: 4)) {
            try await limit.handle(Self.post(body: "12345"), context: Self.context, next: StubNext().next)
        }
        var flagged = Self.post(body: "")
        flagged.bodyExceededLimit = true
        await #expect(throws: GatewayError.payloadTooLarge(limit: 4)) {
            try await limit.handle(flagged, context: Self.context, next: StubNext().next)
        }
    }

    @Test func contentTypeAcceptsJSONWithParametersOnly() async throws {
        for accepted in ["application/json", "APPLICATION/Json ; charset=utf-8"] {
            let stub = StubNext()
            _ = try await ContentTypeMiddleware().handle(
                Self.post([("Content-Type", accepted)]), context: Self.context, next: stub.next)
            #expect(stub.reached != nil)
        }
        for refused in ["text/json", "application/json-patch+json", ""] {
            await #expect(throws: GatewayError.unsupportedMediaType) {
                try await ContentTypeMiddleware().handle(
                    Self.post([("Content-Type", refused)]), context: Self.context, next: StubNext().next)
            }
        }
    }

    @Test func validationPutsTheEventInTheContext() async throws {
        let stub = StubNext()
        let body =
            #"{"event_type":"appointment.completed","appointment_id":"a","patient_id":"p","timestamp":"2025-01-10T12:30:00Z"}"#
        _ = try await EventValidationMiddleware().handle(Self.post(body: body), context: Self.context, next: stub.next)
        #expect(stub.reached?.event?.eventType == "appointment.completed")
        await #expect(throws: ValidationError.self) {
            try await EventValidationMiddleware().handle(
                Self.post(body: "{}"), context: Self.context, next: StubNext().next)
        }
    }

    @Test func errorMappingTurnsEachErrorIntoTheContractBody() async throws {
        let cases: [(any Error, Int, String)] = [
            (GatewayError.notFound, 404, "not_found"),
            (GatewayError.payloadTooLarge(limit: 1), 413, "payload_too_large"),
            (GatewayError.unsupportedMediaType, 415, "unsupported_media_type"),
            (ValidationError.body([]), 422, "validation_failed"),
            (StorageError.unavailable(reason: "disk full"), 503, "storage_unavailable"),
            (StorageError.overloaded, 503, "storage_unavailable"), (CocoaError(.fileNoSuchFile), 500, "internal_error"),
        ]
        for (error, status, code) in cases {
            let response = try await ErrorMappingMiddleware(auditor: nil).handle(Self.post(), context: Self.context) {
                _, _ in
                throw error
            }
            #expect(response.status == status)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect(body["code"] as? String == code)
            #expect(body["status"] as? String == "error")
            #expect(body["request_id"] as? String == "r-1")
            #expect(body["errors"] is [Any])
            if status == 503 { #expect(response.headers["Retry-After"] == "5") }
            // Internal details never reach the client.
            #expect(!(body["message"] as? String ?? "").contains("disk full"))
        }
    }
}
