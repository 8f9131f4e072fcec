import Security

/// Refuses an address that failed authentication 20 times within a minute (429
/// `too_many_auth_failures` for the next minute, even with a valid key), and counts the
/// authentication failures of the stages after it.
struct FailedAuthenticationThrottleMiddleware: Middleware {
    let throttle: FailedAuthenticationThrottle
    let time: TimeSource

    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        if let seconds = throttle.blockedSeconds(for: request.remoteAddress, now: time.now()) {
            throw SecurityError.tooManyAuthenticationFailures(retryAfterSeconds: seconds)
        }
        do {
            return try await next(request, context)
        } catch let error as SecurityError where Self.isAuthenticationFailure(error) {
            throttle.recordFailure(from: request.remoteAddress, now: time.now())
            throw error
        }
    }

    static func isAuthenticationFailure(_ error: SecurityError) -> Bool {
        switch error {
        case .missingAPIKey, .invalidAPIKey, .invalidAdminToken: true
        default: false
        }
    }
}
