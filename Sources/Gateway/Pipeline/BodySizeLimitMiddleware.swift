/// Refuses bodies over the configured limit with 413 `payload_too_large`.
///
/// The HTTP adapter already stops reading at the limit (and refuses from Content-Length
/// before reading); this stage turns that into a refusal the error mapping reports.
struct BodySizeLimitMiddleware: Middleware {
    let maximumBytes: Int

    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        if request.bodyExceededLimit || request.body.count > maximumBytes {
            throw GatewayError.payloadTooLarge(limit: maximumBytes)
        }
        return try await next(request, context)
    }
}
