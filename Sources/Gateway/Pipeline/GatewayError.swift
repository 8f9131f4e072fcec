/// Refusals that belong to HTTP itself rather than to a domain module.
enum GatewayError: Error, Sendable, Equatable {
    case notFound
    case methodNotAllowed(allowed: [String])
    case payloadTooLarge(limit: Int)
    case unsupportedMediaType
    case malformedRequest(reason: String)
    /// The server is draining before exit and takes no new work.
    case shuttingDown
}
