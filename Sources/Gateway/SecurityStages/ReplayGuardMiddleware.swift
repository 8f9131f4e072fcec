import Security
import Storage

/// Refuses the exact signed attempt (client, webhook-id, webhook-timestamp) that was already
/// answered 2xx: 409 `replay_detected` with that answer's event id.
struct ReplayGuardMiddleware: Middleware {
    let ledger: any DeliveryLedger

    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        if let attempt = context.deliveryAttempt(),
            let answered = try await ledger.answeredAttempt(attempt)
        {
            throw SecurityError.replayDetected(eventID: answered.eventID)
        }
        return try await next(request, context)
    }
}

extension RequestContext {
    /// This request's signed attempt, once authenticated and its signature headers read.
    func deliveryAttempt() -> DeliveryAttempt? {
        guard let client, let delivery else { return nil }
        return DeliveryAttempt(
            clientID: client.id, webhookID: delivery.webhookID, webhookTimestamp: delivery.timestampSeconds)
    }
}
