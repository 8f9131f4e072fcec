import Security

/// Requires the three Standard Webhooks headers and checks their form (and that of
/// `Idempotency-Key`) before any cryptography runs.
struct SignatureHeadersMiddleware: Middleware {
    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        var context = context
        context.delivery = try SignedDelivery(
            webhookID: request.headers["webhook-id"], timestamp: request.headers["webhook-timestamp"],
            signature: request.headers["webhook-signature"], idempotencyKey: request.headers["Idempotency-Key"])
        return try await next(request, context)
    }
}
