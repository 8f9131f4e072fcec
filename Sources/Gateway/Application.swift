import Foundation
import Storage

/// The composition root: the one place where the pipeline's stages are put in order.
enum Application {
    /// Builds the function the HTTP server calls for every request.
    ///
    /// Every request passes request id → error mapping → HTTP framing → router; the ingest
    /// route then runs body size limit → content type → JSON + schema validation → durable
    /// store. The security stages slot in between content type and validation.
    static func makeResponder(
        configuration: GatewayConfiguration, store: any EventStore, logger: Logger
    ) -> HTTPServer.Responder {
        let ingest = chain(
            [
                BodySizeLimitMiddleware(maximumBytes: configuration.maximumBodyBytes),
                ContentTypeMiddleware(),
                EventValidationMiddleware(),
            ],
            handler: StoreEventHandler(store: store).respond)
        let events = EventsHandler(store: store)
        var routes = [
            Router.Route("GET", "/", responder: HealthHandler(store: store).respond),
            Router.Route("POST", "/webhook/appointment", responder: ingest),
            Router.Route("GET", "/webhook/events", isAdmin: true, responder: events.list),
            Router.Route("GET", "/webhook/events/{id}", isAdmin: true, responder: events.detail),
        ]
        if configuration.enablesBenchmarkRoute {
            // The bare ceiling for benchmarks: same HTTP stack, no pipeline work.
            routes.append(Router.Route("POST", "/bench/bare") { _, _ in Response(status: 201) })
        }
        let router = Router(routes: routes)
        let pipeline = chain(
            [RequestIDMiddleware(), ErrorMappingMiddleware(), HTTPFramingMiddleware()], handler: router.respond)
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
