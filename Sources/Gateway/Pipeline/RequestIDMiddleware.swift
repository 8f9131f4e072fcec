import Foundation

/// First stage: settles the request's correlation id and echoes it on every response,
/// together with any headers a later stage asked every answer to carry.
///
/// A sender's `X-Request-ID` is kept when it is 1-128 visible ASCII characters; anything
/// else is replaced by a generated UUID, so a hostile value never reaches logs or headers.
struct RequestIDMiddleware: Middleware {
    static let headerName = "X-Request-ID"

    func handle(_ request: Request, context: RequestContext, next: Next) async throws -> Response {
        let requestID = request.headers[Self.headerName].flatMap(Self.accepted) ?? UUID().uuidString.lowercased()
        var context = context
        context.requestID = requestID
        context.logger = context.logger.forRequest(requestID)
        var response = try await next(request, context)
        for (name, value) in context.trace.responseHeaders.fields { response.headers.set(name, value) }
        response.headers.set(Self.headerName, requestID)
        return response
    }

    private static func accepted(_ candidate: String) -> String? {
        let bytes = candidate.utf8
        guard (1...128).contains(bytes.count), bytes.allSatisfy({ (0x21...0x7e).contains($0) }) else { return nil }
        return candidate
    }
}
