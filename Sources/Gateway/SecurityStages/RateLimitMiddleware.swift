import Security

/// Takes a token from the client's bucket; an empty bucket is 429 `rate_limited`. From here
/// on every answer carries `RateLimit-Policy` and `RateLimit` (IETF draft syntax).
struct RateLimitMiddleware: Middleware {
    let limiter: TokenBucketLimiter
    let defaultLimit: KeysFile.RateLimit
    let time: TimeSource

    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        guard let client = context.client else { return try await next(request, context) }
        let limit = client.rateLimit ?? defaultLimit
        let decision = limiter.take(key: client.id, rate: limit.perSecond, burst: limit.burst, now: time.now())
        context.trace.setResponseHeader("RateLimit-Policy", "\"default\";q=\(decision.burst);w=\(decision.window)")
        context.trace.setResponseHeader(
            "RateLimit", "\"default\";r=\(decision.remaining);t=\(decision.secondsUntilNextToken)")
        guard decision.isAllowed else {
            let retryAfter = max(1, decision.secondsUntilNextToken)
            throw SecurityError.rateLimited(retryAfterSeconds: retryAfter)
        }
        return try await next(request, context)
    }
}
