/// Why the security pipeline refused a request. Each case maps to one contract `code`.
///
/// Descriptions never contain a key, secret, signature or body.
public enum SecurityError: Error, Sendable, Equatable {
    /// No `X-API-Key` header.
    case missingAPIKey
    /// Unknown, revoked or expired API key (one message for all, so keys cannot be probed).
    case invalidAPIKey
    /// The client exists but is disabled.
    case clientDisabled
    /// Too many failed authentications from this address; retry after the given seconds.
    case tooManyAuthenticationFailures(retryAfterSeconds: Int)
    /// The client's token bucket is empty; retry after the given seconds.
    case rateLimited(retryAfterSeconds: Int)
    /// One of `webhook-id`, `webhook-timestamp`, `webhook-signature` is absent; names it.
    case missingSignature(header: String)
    /// A signature or idempotency header is present but malformed; says which and why.
    case malformedHeaders(String)
    /// `webhook-timestamp` is further from now than the tolerance.
    case timestampOutOfWindow(toleranceSeconds: Int)
    /// No `v1` signature matches an active secret.
    case signatureMismatch
    /// This exact signed attempt was already answered 2xx with this event.
    case replayDetected(eventID: Int64?)
    /// The same idempotency key is being processed right now.
    case idempotencyInFlight
    /// The idempotency key was used before with a different body.
    case idempotencyKeyReused
    /// The client is not subscribed to the event's type.
    case eventTypeNotAllowed(String)
    /// Admin route without a valid `Authorization: Bearer` token.
    case invalidAdminToken
}
