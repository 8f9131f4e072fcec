/// The one component that turns every refusal into the contract's error body and records it:
/// a WARNING line for 4xx, an ERROR line (with the error's description) for 5xx.
struct ErrorMappingMiddleware: Middleware {
    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let mapped = MappedError(error)
            if mapped.status >= 500 {
                // Descriptions of domain errors never carry bound values or secrets.
                context.logger.error(
                    "Request failed (status=\(mapped.status), code=\(mapped.code), method=\(request.method), "
                        + "path=\(request.path)): \(String(describing: error))")
            } else {
                context.logger.warning(
                    "Request refused (status=\(mapped.status), code=\(mapped.code), method=\(request.method), "
                        + "path=\(request.path))")
            }
            return mapped.response(requestID: context.requestID)
        }
    }
}
