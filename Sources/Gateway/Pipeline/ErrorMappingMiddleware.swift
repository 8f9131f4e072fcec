/// The one component that turns every refusal into the contract's error body and records it:
/// the audit record (for the refusals §4 lists), a WARNING line carrying the record's hash for
/// 4xx, an ERROR line with the error's description for 5xx.
struct ErrorMappingMiddleware: Middleware {
    /// Nil only in tests of the mapping alone.
    let auditor: RejectionAuditor?
    /// The kind of route a path belongs to (the router's answer).
    var routeKind: @Sendable (String) -> RouteKind = { _ in .other }

    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let mapped = MappedError(error)
            let summary = "status=\(mapped.status), code=\(mapped.code), method=\(request.method), path=\(request.path)"
            if mapped.status >= 500 {
                // Descriptions of domain errors never carry bound values or secrets.
                context.logger.error("Request failed (\(summary)): \(String(describing: error))")
            } else if let auditor, auditor.shouldRecord(status: mapped.status, routeKind: routeKind(request.path)) {
                do {
                    let record = try await auditor.record(mapped, request: request, context: context)
                    context.logger.warning(
                        "Request refused (\(summary), audit_id=\(record.id), audit_hash=\(record.hash))")
                } catch {
                    context.logger.error("Request refused (\(summary)) but its audit record was not stored: \(error)")
                }
            } else {
                context.logger.warning("Request refused (\(summary))")
            }
            return mapped.response(requestID: context.requestID)
        }
    }
}
