/// Parses the body as JSON and checks it against the event schema; on success the validated
/// event is put in the context for the stages after it.
struct EventValidationMiddleware: Middleware {
    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        var context = context
        context.event = try AppointmentEventValidator.validate(request.body)
        return try await next(request, context)
    }
}
