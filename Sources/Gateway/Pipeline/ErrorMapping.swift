import Security
import Storage

/// The one place that turns any error into the contract's status, `code` and message.
///
/// Messages help a partner fix the request; they never carry secrets, SQL or internals.
/// Anything not listed here is a generic 500.
struct MappedError: Sendable {
    var status: Int
    var code: String
    var message: String
    var errors: [FieldError] = []
    var headers: HTTPHeaders = HTTPHeaders()
    var closesConnection = false
    /// The event a replayed attempt was answered with (409 `replay_detected` only).
    var replayedEventID: Int64?
    /// Whether the body carries `event_id` (even when null).
    var carriesEventID = false

    /// Seconds a client should wait before retrying when the store is unavailable.
    static let storageRetryAfterSeconds = 5

    init(status: Int, code: String, message: String, errors: [FieldError] = [], headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.headers = headers
    }

    init(_ error: any Error) {
        switch error {
        case let error as GatewayError: self.init(error)
        case let error as ValidationError: self.init(error)
        case let error as StorageError: self.init(error)
        case let error as SecurityError: self.init(error)
        default: self = .internalError
        }
    }

    static let internalError = MappedError(
        status: 500, code: "internal_error", message: "An internal error occurred; it has been logged")

    private init(_ error: GatewayError) {
        switch error {
        case .notFound:
            self.init(status: 404, code: "not_found", message: "No such resource")
        case .methodNotAllowed(let allowed):
            self.init(
                status: 405, code: "method_not_allowed",
                message: "Method not allowed here; allowed: \(allowed.joined(separator: ", "))",
                headers: HTTPHeaders([("Allow", allowed.joined(separator: ", "))]))
        case .payloadTooLarge(let limit):
            self.init(
                status: 413, code: "payload_too_large", message: "Request body exceeds the limit of \(limit) bytes")
        case .unsupportedMediaType:
            self.init(status: 415, code: "unsupported_media_type", message: "Content-Type must be application/json")
        case .malformedRequest(let reason):
            self.init(status: 400, code: "malformed_request", message: "Malformed HTTP request: \(reason)")
            closesConnection = true
        case .shuttingDown:
            self.init(
                status: 503, code: "storage_unavailable", message: "The gateway is shutting down; retry shortly",
                headers: Self.retryAfter)
            closesConnection = true
        }
    }

    private init(_ error: ValidationError) {
        switch error {
        case .body(let errors):
            self.init(status: 422, code: "validation_failed", message: "Request validation failed", errors: errors)
        case .query(let errors):
            self.init(status: 422, code: "validation_failed", message: "Invalid query parameters", errors: errors)
        }
    }

    private init(_ error: StorageError) {
        switch error {
        case .unavailable, .shuttingDown:
            self.init(
                status: 503, code: "storage_unavailable",
                message: "The event store cannot commit right now; nothing was stored, retry later",
                headers: Self.retryAfter)
        case .overloaded:
            self.init(
                status: 503, code: "storage_unavailable",
                message: "The gateway is overloaded; nothing was stored, retry later", headers: Self.retryAfter)
        case .duplicateAttempt:
            self.init(SecurityError.replayDetected(eventID: nil))
        case .invalidArgument:
            self = .internalError
        }
    }

    private init(_ error: SecurityError) {
        switch error {
        case .missingAPIKey:
            self.init(status: 401, code: "missing_api_key", message: "The X-API-Key header is required")
        case .invalidAPIKey:
            self.init(
                status: 401, code: "invalid_api_key", message: "The API key is not valid (unknown, revoked or expired)")
        case .clientDisabled:
            self.init(
                status: 403, code: "client_disabled",
                message: "This client is disabled; contact the gateway's administrators")
        case .tooManyAuthenticationFailures(let seconds):
            self.init(
                status: 429, code: "too_many_auth_failures",
                message: "Too many failed authentications from this address; retry after \(seconds) seconds",
                headers: HTTPHeaders([("Retry-After", String(seconds))]))
        case .rateLimited(let seconds):
            self.init(
                status: 429, code: "rate_limited", message: "Rate limit exceeded; retry after \(seconds) seconds",
                headers: HTTPHeaders([("Retry-After", String(seconds))]))
        case .missingSignature(let header):
            self.init(
                status: 401, code: "missing_signature",
                message: "The \(header) header is missing; sign deliveries with Standard Webhooks "
                    + "(webhook-id, webhook-timestamp, webhook-signature)")
        case .malformedHeaders(let reason):
            self.init(status: 400, code: "malformed_headers", message: reason)
        case .timestampOutOfWindow(let tolerance):
            self.init(
                status: 401, code: "timestamp_out_of_window",
                message: "webhook-timestamp is more than \(tolerance) seconds away from the server's time; "
                    + "check the sender's clock and sign every attempt with the current time")
        case .signatureMismatch:
            self.init(
                status: 401, code: "signature_mismatch",
                message: "No v1 signature matches an active signing secret of this client; sign "
                    + "webhook-id.webhook-timestamp.body with HMAC-SHA256 over the exact bytes sent")
        case .replayDetected(let eventID):
            self.init(
                status: 409, code: "replay_detected",
                message: "This exact signed attempt was already accepted; sign a retry with a new webhook-timestamp")
            replayedEventID = eventID
            carriesEventID = true
        case .idempotencyInFlight:
            self.init(
                status: 409, code: "idempotency_in_flight",
                message: "A delivery with this idempotency key is being processed; retry shortly")
        case .idempotencyKeyReused:
            self.init(
                status: 422, code: "idempotency_key_reused",
                message: "This idempotency key was already used with a different body; use a new key for a new message")
        case .eventTypeNotAllowed(let eventType):
            self.init(
                status: 403, code: "event_type_not_allowed", message: "This client is not subscribed to \(eventType)")
        case .invalidAdminToken:
            self.init(
                status: 401, code: "invalid_admin_token",
                message: "Admin routes need Authorization: Bearer with a valid admin token")
        }
    }

    private static var retryAfter: HTTPHeaders { HTTPHeaders([("Retry-After", String(storageRetryAfterSeconds))]) }

    /// The contract's error body: `status`, `code`, `message`, `errors`, `request_id`.
    func response(requestID: String) -> Response {
        var members: [(String, JSONValue)] = [
            ("status", .string("error")), ("code", .string(code)), ("message", .string(message)),
            ("errors", .array(errors.map(\.json))), ("request_id", .string(requestID)),
        ]
        if carriesEventID { members.append(("event_id", replayedEventID.map(JSONValue.integer) ?? .null)) }
        let body = JSONValue.object(members)
        var response = Response.json(status, body, headers: headers)
        response.closesConnection = closesConnection
        return response
    }
}
