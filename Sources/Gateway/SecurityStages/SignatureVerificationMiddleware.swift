import Security

/// Verifies the Standard Webhooks v1 signature over the raw body against every signing
/// secret of the client that is active now (several during a rotation).
struct SignatureVerificationMiddleware: Middleware {
    let time: TimeSource

    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        guard let client = context.client, let delivery = context.delivery else {
            throw SecurityError.signatureMismatch
        }
        let verified = WebhookSignature.verify(
            header: delivery.signatureHeader, webhookID: delivery.webhookID, timestamp: delivery.timestamp,
            body: request.body, secrets: client.activeSecrets(at: time.milliseconds))
        guard verified else { throw SecurityError.signatureMismatch }
        return try await next(request, context)
    }
}
