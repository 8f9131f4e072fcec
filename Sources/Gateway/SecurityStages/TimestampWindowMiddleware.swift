import Security

/// Refuses a `webhook-timestamp` further than the tolerance from now, in either direction,
/// which bounds how long a captured delivery could be replayed.
struct TimestampWindowMiddleware: Middleware {
    let toleranceSeconds: Int
    let time: TimeSource

    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        if let delivery = context.delivery, !delivery.isWithinWindow(now: time.now(), tolerance: toleranceSeconds) {
            throw SecurityError.timestampOutOfWindow(toleranceSeconds: toleranceSeconds)
        }
        return try await next(request, context)
    }
}
