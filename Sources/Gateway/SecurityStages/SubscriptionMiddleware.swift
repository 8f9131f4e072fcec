import Security

/// Refuses an event whose type the client is not subscribed to (403 `event_type_not_allowed`).
struct SubscriptionMiddleware: Middleware {
    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        if let client = context.client, let event = context.event, !client.isSubscribed(to: event.eventType) {
            throw SecurityError.eventTypeNotAllowed(event.eventType)
        }
        return try await next(request, context)
    }
}
