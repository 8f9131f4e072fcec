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
        case .invalidArgument:
            self = .internalError
        }
    }

    private static var retryAfter: HTTPHeaders { HTTPHeaders([("Retry-After", String(storageRetryAfterSeconds))]) }

    /// The contract's error body: `status`, `code`, `message`, `errors`, `request_id`.
    func response(requestID: String) -> Response {
        let body = JSONValue.object([
            ("status", .string("error")), ("code", .string(code)), ("message", .string(message)),
            ("errors", .array(errors.map(\.json))), ("request_id", .string(requestID)),
        ])
        var response = Response.json(status, body, headers: headers)
        response.closesConnection = closesConnection
        return response
    }
}
