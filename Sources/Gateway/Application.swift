import Foundation
import Security
import Storage

/// Everything the pipeline's stages are built from; made once at start-up (or by a test).
struct GatewayServices: Sendable {
    typealias Store = EventStore & DeliveryLedger & RejectionAudit

    let configuration: GatewayConfiguration
    let store: any Store
    let credentials: CredentialsProvider
    let logger: Logger
    var time = TimeSource.system
    var rateLimiter = TokenBucketLimiter()
    var authenticationThrottle = FailedAuthenticationThrottle()
    var inFlightKeys = InFlightKeys()
}

/// The composition root: the one place where the pipeline's stages are put in order.
enum Application {
    /// Builds the function the HTTP server calls for every request.
    ///
    /// Every request passes request id → error mapping (and audit) → HTTP framing → router.
    /// The ingest route then runs the contract's order: failed-auth throttle → body size limit
    /// → content type → API-key auth (then client disabled) → rate limit → signature headers
    /// → timestamp window → signature → replay guard → idempotency → JSON + schema validation
    /// → event-type subscription → durable store. Admin routes run failed-auth throttle →
    /// admin token → handler.
    static func makeResponder(_ services: GatewayServices) -> HTTPServer.Responder {
        let configuration = services.configuration
        let time = services.time
        let throttle = FailedAuthenticationThrottleMiddleware(throttle: services.authenticationThrottle, time: time)
        let ingest = chain(
            [
                throttle,
                BodySizeLimitMiddleware(maximumBytes: configuration.maximumBodyBytes),
                ContentTypeMiddleware(),
                APIKeyAuthenticationMiddleware(credentials: services.credentials, time: time),
                RateLimitMiddleware(
                    limiter: services.rateLimiter,
                    defaultLimit: KeysFile.RateLimit(
                        perSecond: configuration.defaultRate, burst: configuration.defaultBurst),
                    time: time),
                SignatureHeadersMiddleware(),
                TimestampWindowMiddleware(toleranceSeconds: configuration.timestampToleranceSeconds, time: time),
                SignatureVerificationMiddleware(time: time),
                ReplayGuardMiddleware(ledger: services.store),
                IdempotencyMiddleware(
                    ledger: services.store, inFlight: services.inFlightKeys, time: time),
                EventValidationMiddleware(),
                SubscriptionMiddleware(),
            ],
            handler: StoreEventHandler(
                ledger: services.store, idempotencyTTLSeconds: configuration.idempotencyTTLSeconds, time: time
            ).respond)
        let adminStages: [any Middleware] = [
            throttle, AdminAuthenticationMiddleware(credentials: services.credentials, time: time),
        ]
        func admin(_ handler: @escaping Middleware.Next) -> Middleware.Next { chain(adminStages, handler: handler) }
        let events = EventsHandler(store: services.store)
        let rejections = RejectionsHandler(audit: services.store)
        var routes = [
            Router.Route("GET", "/", responder: HealthHandler(store: services.store).respond),
            Router.Route("POST", "/webhook/appointment", kind: .ingest, responder: ingest),
            Router.Route("GET", "/webhook/events", kind: .admin, responder: admin(events.list)),
            Router.Route("GET", "/webhook/events/{id}", kind: .admin, responder: admin(events.detail)),
            Router.Route("GET", "/admin/rejections", kind: .admin, responder: admin(rejections.list)),
            Router.Route("GET", "/admin/rejections/summary", kind: .admin, responder: admin(rejections.summary)),
        ]
        if configuration.enablesBenchmarkRoute {
            // The bare ceiling for benchmarks: same HTTP stack, no pipeline work.
            routes.append(Router.Route("POST", "/bench/bare") { _, _ in Response(status: 201) })
        }
        let router = Router(routes: routes, adminFallback: admin { _, _ in throw GatewayError.notFound })
        let pipeline = chain(
            [
                RequestIDMiddleware(),
                ErrorMappingMiddleware(auditor: RejectionAuditor(audit: services.store), routeKind: router.kind(of:)),
                HTTPFramingMiddleware(),
            ], handler: router.respond)
        let logger = services.logger
        return { request in
            let context = RequestContext(requestID: "", receivedAt: Date(), logger: logger)
            do {
                return try await pipeline(request, context)
            } catch {
                // ErrorMappingMiddleware answers every error; this is a last resort.
                logger.error("Unmapped error escaped the pipeline: \(String(describing: error))")
                return MappedError.internalError.response(requestID: context.requestID)
            }
        }
    }
}
