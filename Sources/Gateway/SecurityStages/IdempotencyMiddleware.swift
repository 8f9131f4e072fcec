import Security
import Storage

/// Answers retries of a stored message with the original answer (IETF Idempotency-Key draft).
///
/// The key is `Idempotency-Key`, else `webhook-id`, scoped to the client; the fingerprint is
/// the SHA-256 of the body. A key being processed right now is 409 `idempotency_in_flight`;
/// a stored key with another body is 422 `idempotency_key_reused`; with the same body, the
/// stored status and body with `Idempotent-Replayed: true`, nothing stored again.
struct IdempotencyMiddleware: Middleware {
    let ledger: any DeliveryLedger
    let inFlight: InFlightKeys
    let time: TimeSource

    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        guard let client = context.client, let delivery = context.delivery,
            let attempt = context.deliveryAttempt()
        else { return try await next(request, context) }
        let scopedKey = InFlightKeys.Key(clientID: client.id, idempotencyKey: delivery.idempotencyKey)
        // Claimed before the lookup and released only after the commit, so a concurrent
        // retry either sees the claim or sees the committed record.
        guard inFlight.claim(scopedKey) else { throw SecurityError.idempotencyInFlight }
        defer { inFlight.release(scopedKey) }
        let now = Int64(time.now())
        guard
            let record = try await ledger.idempotencyRecord(
                clientID: client.id, key: delivery.idempotencyKey, now: now)
        else { return try await next(request, context) }
        guard record.fingerprint == SHA256.hexDigest(request.body) else {
            throw SecurityError.idempotencyKeyReused
        }
        try await ledger.recordAnsweredAttempt(attempt, eventID: record.eventID)
        context.logger.info(
            "Duplicate delivery answered from its idempotency record (event_id=\(record.eventID.map(String.init) ?? "none"), "
                + "client=\(client.id))")
        var response = Response(status: record.status, body: Array(record.responseBody.utf8))
        response.headers.set("Content-Type", "application/json")
        response.headers.set("Idempotent-Replayed", "true")
        return response
    }
}
