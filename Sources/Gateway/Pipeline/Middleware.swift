/// One stage of the request pipeline.
///
/// A middleware either calls `next` (possibly with an updated copy of the context) or ends the
/// chain by returning a response or throwing; thrown errors become the contract's error body
/// in `ErrorMappingMiddleware`. The order of stages is decided in one place:
/// `Application.makeResponder`.
protocol Middleware: Sendable {
    typealias Next = @Sendable (Request, RequestContext) async throws -> Response

    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response
}

/// Builds `handler` wrapped by `middlewares`, the first one outermost.
func chain(_ middlewares: [any Middleware], handler: @escaping Middleware.Next) -> Middleware.Next {
    middlewares.reversed().reduce(handler) { next, middleware in
        { request, context in try await middleware.handle(request, context: context, next: next) }
    }
}
