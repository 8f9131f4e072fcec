/// Refuses requests whose framing the HTTP adapter found ambiguous (400 `malformed_request`;
/// the connection is closed after the answer).
struct HTTPFramingMiddleware: Middleware {
    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        if let violation = request.framingViolation {
            throw GatewayError.malformedRequest(reason: violation)
        }
        return try await next(request, context)
    }
}
